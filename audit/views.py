from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from alliance.tenancy import collective_page
from audit.selectors import audit_actions_for_collective, audit_entries_for_collective


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, label="Action")
    actor = forms.CharField(required=False, max_length=100, label="Who (e-mail address)")

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "All actions")] + [(a, a) for a in actions]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]


@collective_page("audit", convenor_only=True)
def audit_log(request: HttpRequest, membership: Any) -> HttpResponse:
    form = AuditFilterForm(
        request.GET or None, actions=audit_actions_for_collective(collective=membership.collective)
    )
    action = actor = ""
    if form.is_valid():
        action, actor = form.cleaned_data["action"], form.cleaned_data["actor"]
    entries = audit_entries_for_collective(
        collective=membership.collective, action=action, actor=actor
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    kept = {k: v for k, v in {"action": action, "actor": actor}.items() if v}
    return render(
        request,
        "audit/log.html",
        {
            "title": "Audit log",
            "membership": membership,
            "form": form,
            "page": page,
            "query": ("&" + urlencode(kept)) if kept else "",
            "filtered": bool(kept),
            "breadcrumbs": [
                {
                    "text": membership.collective.name,
                    "href": reverse("home:collective", args=[membership.collective.slug]),
                }
            ],
        },
    )
