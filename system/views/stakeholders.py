"""Stakeholders: the list (with "My key relationships"), adding one from the directory or
by hand, a stakeholder's page (assessments and their movement, key relationships, contact
with them, notes and their review), and the list's exports.

Thin: forms parse, system.services_stakeholders writes (and holds every rule),
system.selectors_stakeholders reads, system.access says who may. Every read of a
stakeholder's notes goes through services_stakeholders.notes_read first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone

from alliance.exports import csv_response, export_view, xlsx_response
from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from system import access
from system import selectors_stakeholders as selectors
from system import services_stakeholders as services
from system.forms_stakeholders import (
    AssessmentForm,
    ContactForm,
    NoteForm,
    OrganisationForm,
    OrganisationSearchForm,
    StakeholderEditForm,
    StakeholderForm,
    StakeholderSearchForm,
)
from system.models import Stakeholder, StakeholderNote

PAGE_SIZE = 25


def _slug(membership: Membership) -> str:
    return membership.collective.slug


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """The collective, the stakeholders, then (text, href) pairs: the page's ancestors."""
    slug = _slug(membership)
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Stakeholders", "href": reverse("system:stakeholders", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


def _stakeholder_crumbs(membership: Membership, stakeholder: Stakeholder) -> list[dict[str, str]]:
    href = reverse("system:stakeholder", args=[_slug(membership), stakeholder.pk])
    return _crumbs(membership, (_name(stakeholder), href))


def _name(stakeholder: Stakeholder) -> str:
    return stakeholder.person.name if stakeholder.person else "An erased stakeholder"


def _attempt(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[], Any],
    done: str,
    renames: dict[str, str] | None = None,
) -> bool:
    """Run a service for a valid form: True if it succeeded (a message is shown), else its
    errors are on the form."""
    try:
        act()
    except ValidationError as error:
        add_service_errors(form, error, renames)
        return False
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, done)
    return True


def _optional_url(name: str, *args: Any) -> str | None:
    """A page another part of the app may add (the stakeholder's priorities): its address
    once it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _form_page(
    request: HttpRequest,
    membership: Membership,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    breadcrumbs: list[dict[str, str]],
    intro: str = "",
    warning: bool = False,
    cancel: str | None = None,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "system/stakeholder_form.html",
        {
            "title": title,
            "intro": intro,
            "membership": membership,
            "form": form,
            "submit": submit,
            "warning": warning,
            "cancel": cancel,
            "breadcrumbs": breadcrumbs,
            **extra,
        },
    )


def _to_stakeholder(membership: Membership, stakeholder: Stakeholder) -> HttpResponse:
    return redirect("system:stakeholder", _slug(membership), stakeholder.pk)


# ------------------------------------------------------------------------------------------
# The list


@collective_page("system")
def stakeholders(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisations = selectors.organisations_of_stakeholders(membership)  # 403 if not theirs
    form = StakeholderSearchForm(request.GET or None, organisations=organisations)
    q, organisation = "", None
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        organisation = form.cleaned_data["organisation"]
    found = selectors.stakeholder_list(membership, q=q, organisation=organisation)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[Stakeholder] = list(page.object_list)
    cid = membership.collective_id
    assessed = selectors.current_assessments(cid, among=[s.pk for s in rows])
    last = selectors.last_contacts(cid)
    query = urlencode({k: v for k, v in (("q", q), ("organisation", organisation or "")) if v})
    return render(
        request,
        "system/stakeholders.html",
        {
            "title": "Stakeholders",
            "membership": membership,
            "form": form,
            "page": page,
            "rows": [(s, assessed.get(s.pk), last.get(s.pk)) for s in rows],
            "query": f"&{query}" if query else "",
            "filtered": bool(q or organisation),
            "mine": selectors.my_key_relationships(membership),
            "most": services.MOST_KEY_RELATIONSHIPS,
            "can_add": access.is_leadership(membership),
            "breadcrumbs": _crumbs(membership)[:1],
        },
    )


def _export_rows(membership: Membership) -> list[list[Any]]:
    """The list as the member sees it: no notes, no agenda."""
    cid = membership.collective_id
    found = list(selectors.stakeholder_list(membership))
    assessed = selectors.current_assessments(cid)
    last = selectors.last_contacts(cid)
    rows: list[list[Any]] = [
        [
            "Name",
            "Organisation",
            "Role",
            "Warmth",
            "Sway",
            "Assessed on",
            "Key relationship of",
            "Last contact",
        ]
    ]
    for s in found:
        current = assessed.get(s.pk)
        contact = last.get(s.pk)
        rows.append(
            [
                _name(s),
                s.organisation.name,
                s.role,
                current[0].warmth if current else "",
                current[0].sway if current else "",
                current[0].assessed_on if current else "",
                "; ".join(k.owner.display_name for k in s.key_relationships.all()),
                timezone.localtime(contact).date() if contact else "",
            ]
        )
    return rows


@export_view
@collective_page("system")
def stakeholders_export(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    rows = _export_rows(membership)
    name = f"stakeholders-{_slug(membership)}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", {"Stakeholders": rows})
    return csv_response(f"{name}.csv", rows)


# ------------------------------------------------------------------------------------------
# Adding a stakeholder


@collective_page("system")
def stakeholder_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """First the organisation (searched in the directory, or one the collective added),
    then the person: someone already known there, or someone new."""
    access.require_leadership(membership)
    cid = membership.collective_id
    chosen = request.GET.get("organisation", "")
    if not chosen:
        search = OrganisationSearchForm(request.GET or None)
        q = search.cleaned_data["q"].strip() if search.is_valid() else ""
        return render(
            request,
            "system/stakeholder_add.html",
            {
                "title": "Add a stakeholder",
                "membership": membership,
                "search": search,
                "q": q,
                "found": selectors.organisations_to_pick(cid, q),
                "own": selectors.own_organisations(cid),
                "can_add_organisation": membership.is_convenor,
                "breadcrumbs": _crumbs(membership),
            },
        )
    organisation = selectors.organisation_to_pick(cid, int(chosen)) if chosen.isdigit() else None
    if organisation is None:
        raise Http404("No such organisation.")
    form = StakeholderForm(
        request.POST if request.method == "POST" else None,
        people=selectors.people_to_pick(cid, organisation.pk),
    )
    made: list[Stakeholder] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            form,
            lambda: made.append(
                services.stakeholder_add(
                    actor_membership=membership,
                    organisation=organisation.pk,
                    person=data.get("person"),
                    name=data["name"],
                    job_title=data["job_title"],
                    email=data["email"],
                    role=data["role"],
                    agenda_learned=data["agenda_learned"],
                )
            ),
            "The stakeholder is added. Record how warm they are and how much sway they have.",
        ):
            return _to_stakeholder(membership, made[0])
    return _form_page(
        request,
        membership,
        form,
        title=f"Add a stakeholder at {organisation.name}",
        intro="Someone already known to the collective there, or someone new. Someone new is "
        "the collective's own record: only its members can see them.",
        submit="Add the stakeholder",
        cancel=reverse("system:stakeholder_add", args=[_slug(membership)]),
        cancel_text="Choose another organisation",
        breadcrumbs=_crumbs(membership),
    )


@collective_page("system")
def stakeholder_organisation_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """An organisation that is not in the directory, as the collective's own (convenors)."""
    access.require_leadership(membership)
    if not membership.is_convenor:
        raise PermissionDenied("Only a convenor adds an organisation that is not in the directory.")
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    made: list[Any] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: made.append(
                services.system_organisation_add(actor_membership=membership, **form.cleaned_data)
            ),
            "The organisation is added. Only the collective's members see it.",
        )
    ):
        add = reverse("system:stakeholder_add", args=[_slug(membership)])
        return redirect(f"{add}?organisation={made[0].pk}")
    return _form_page(
        request,
        membership,
        form,
        title="Add an organisation that is not in the directory",
        intro="Search the directory first: NHS organisations with an ODS code are there. Add "
        "here what is not, such as a council's adult social care directorate.",
        submit="Add the organisation",
        breadcrumbs=_crumbs(
            membership,
            ("Add a stakeholder", reverse("system:stakeholder_add", args=[_slug(membership)])),
        ),
    )


# ------------------------------------------------------------------------------------------
# A stakeholder


@collective_page("system")
def stakeholder_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    now = timezone.now()
    services.notes_read(membership=membership, stakeholder=stakeholder)
    notes = selectors.notes_of(stakeholder, now)
    history = selectors.assessment_history(stakeholder)
    keys = selectors.key_relationships_of(stakeholder)
    contacts = selectors.recent_contacts(stakeholder)
    slug = _slug(membership)
    return render(
        request,
        "system/stakeholder.html",
        {
            "title": _name(stakeholder),
            "membership": membership,
            "stakeholder": stakeholder,
            "history": history,
            "current": history[0] if history else None,
            "keys": keys,
            "is_mine": any(k.owner_id == membership.user_id for k in keys),
            "may_own": access.may_own_key_relationships(membership),
            "can_change": access.may_change_stakeholder(membership, stakeholder),
            "contacts": contacts,
            "notes": notes,
            "due": sum(1 for n in notes if n.due_for_review),
            "priorities_href": _optional_url("system:stakeholder_priorities", slug, pk)
            or _optional_url("system:organisation_agenda", slug, stakeholder.organisation_id),
            "subject_access_href": _optional_url("system:subject_access", slug, pk),
            "erase_href": _optional_url("system:erase", slug, pk),
            "is_leadership": access.is_leadership(membership),
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("system")
def stakeholder_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    form = StakeholderEditForm(
        request.POST if request.method == "POST" else None,
        initial={"role": stakeholder.role, "agenda_learned": stakeholder.agenda_learned},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.stakeholder_update(
                actor_membership=membership, stakeholder=stakeholder, **form.cleaned_data
            ),
            "The changes are saved.",
        )
    ):
        return _to_stakeholder(membership, stakeholder)
    return _form_page(
        request,
        membership,
        form,
        title=f"Change what we know of {_name(stakeholder)}",
        intro="Their name and e-mail address are in the directory.",
        submit="Save the changes",
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


@collective_page("system")
def stakeholder_assess(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.assessment_add(
                actor_membership=membership, stakeholder=stakeholder, **form.cleaned_data
            ),
            "The assessment is recorded.",
        )
    ):
        return _to_stakeholder(membership, stakeholder)
    return _form_page(
        request,
        membership,
        form,
        title=f"Assess {_name(stakeholder)}",
        intro="Your judgement today of how warm they are to general practice and how much sway "
        "they have. Earlier assessments are kept, so the page shows how they move.",
        submit="Record the assessment",
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


@collective_page("system")
def stakeholder_key(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Make them one of your key relationships (confirm, then mark)."""
    stakeholder = access.get_stakeholder(membership, pk)
    if not access.may_own_key_relationships(membership):
        raise PermissionDenied("Only GP leaders own key relationships.")
    form = forms.Form(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.key_relationship_mark(
                actor_membership=membership, stakeholder=stakeholder
            ),
            f"{_name(stakeholder)} is one of your key relationships.",
        )
    ):
        return _to_stakeholder(membership, stakeholder)
    return _form_page(
        request,
        membership,
        form,
        title=f"Make {_name(stakeholder)} one of your key relationships",
        intro=f"You keep the relationship warm: you will be nudged when there has been no "
        f"contact for a while. Each GP leader keeps at most "
        f"{services.MOST_KEY_RELATIONSHIPS}.",
        submit="Make them a key relationship",
        cancel=reverse("system:stakeholder", args=[_slug(membership), pk]),
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


@collective_page("system")
def stakeholder_key_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Stop being the owner of a key relationship with them (confirm, then unmark)."""
    stakeholder = access.get_stakeholder(membership, pk)
    if not access.is_owner(membership, stakeholder):
        raise Http404("They are not one of your key relationships.")
    form = forms.Form(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.key_relationship_unmark(
                actor_membership=membership, stakeholder=stakeholder
            ),
            f"{_name(stakeholder)} is no longer one of your key relationships.",
        )
    ):
        if access.may_see_stakeholders(membership):
            return _to_stakeholder(membership, stakeholder)
        return redirect("home:collective", _slug(membership))
    return _form_page(
        request,
        membership,
        form,
        title=f"Stop keeping {_name(stakeholder)} as a key relationship?",
        intro="They stay a stakeholder, with their assessments and notes. You will no longer "
        "be nudged about them.",
        submit="Yes, stop",
        warning=True,
        cancel=reverse("system:stakeholder", args=[_slug(membership), pk]),
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


@collective_page("system")
def stakeholder_note_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.note_add(
                actor_membership=membership, stakeholder=stakeholder, **form.cleaned_data
            ),
            "The note is added.",
        )
    ):
        return _to_stakeholder(membership, stakeholder)
    return _form_page(
        request,
        membership,
        form,
        title=f"Add a note about {_name(stakeholder)}",
        submit="Add the note",
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


def _note(membership: Membership, stakeholder: Stakeholder, note: int) -> StakeholderNote:
    found = selectors.get_note(stakeholder, note)
    if found is None:
        raise Http404("No such note.")
    found.stakeholder = stakeholder
    return found


@collective_page("system")
def stakeholder_note_keep(
    request: HttpRequest, membership: Membership, pk: int, note: int
) -> HttpResponse:
    """Keep a note offered for review (a button on the stakeholder's page)."""
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    found = _note(membership, stakeholder, note)
    if request.method == "POST":
        services.note_keep(actor_membership=membership, note=found)
        messages.success(request, "The note is kept. It will be offered for review in two years.")
    return _to_stakeholder(membership, stakeholder)


@collective_page("system")
def stakeholder_note_delete(
    request: HttpRequest, membership: Membership, pk: int, note: int
) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    found = _note(membership, stakeholder, note)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.note_delete(actor_membership=membership, note=found),
            "The note is deleted.",
        )
    ):
        return _to_stakeholder(membership, stakeholder)
    written = timezone.localtime(found.written_at).strftime("%-d %B %Y")
    return _form_page(
        request,
        membership,
        form,
        title=f"Delete the note of {written}?",
        intro="It is deleted for good: it cannot be brought back.",
        submit="Yes, delete the note",
        warning=True,
        cancel=reverse("system:stakeholder", args=[_slug(membership), pk]),
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


@collective_page("system")
def stakeholder_contact(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Log a contact with them in the collective's contact log."""
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    first = not selectors.has_had_contact(stakeholder)
    required = first and services.needs_agenda(stakeholder)
    own = membership.organisation_id
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        organisations=None if own else selectors.member_organisations(membership.collective_id),
        first=first,
        agenda_required=required,
        initial={"agenda_learned": stakeholder.agenda_learned} if first else None,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            form,
            lambda: services.contact_log(
                actor_membership=membership,
                stakeholder=stakeholder,
                mode=form.cleaned_data["mode"],
                happened_at=form.happened_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                organisation=form.cleaned_data.get("organisation"),
                agenda_learned=form.cleaned_data.get("agenda_learned", ""),
            ),
            "The contact is in the contact log.",
            {"happened_at": "happened_on", "organisations": "organisation"},
        )
    ):
        return _to_stakeholder(membership, stakeholder)
    return _form_page(
        request,
        membership,
        form,
        title=f"Log a contact with {_name(stakeholder)}",
        intro="It goes into the collective's contact log, with you and them as the people in "
        "it." + (" It is the first contact with them." if first else ""),
        submit="Log the contact",
        breadcrumbs=_stakeholder_crumbs(membership, stakeholder),
    )


C = "c/<slug:slug>/system/stakeholders/"
CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}
routes: list[URLPattern] = [
    path(C, stakeholders, name="stakeholders"),
    path(C + "stakeholders.csv", stakeholders_export, CSV, name="stakeholders_csv"),
    path(C + "stakeholders.xlsx", stakeholders_export, XLSX, name="stakeholders_xlsx"),
    path(C + "add/", stakeholder_add, name="stakeholder_add"),
    path(
        C + "organisations/add/",
        stakeholder_organisation_add,
        name="stakeholder_organisation_add",
    ),
    path(C + "<id:pk>/", stakeholder_detail, name="stakeholder"),
    path(C + "<id:pk>/edit/", stakeholder_edit, name="stakeholder_edit"),
    path(C + "<id:pk>/assess/", stakeholder_assess, name="stakeholder_assess"),
    path(C + "<id:pk>/key/", stakeholder_key, name="stakeholder_key"),
    path(C + "<id:pk>/key/remove/", stakeholder_key_remove, name="stakeholder_key_remove"),
    path(C + "<id:pk>/notes/add/", stakeholder_note_add, name="stakeholder_note_add"),
    path(C + "<id:pk>/notes/<id:note>/keep/", stakeholder_note_keep, name="stakeholder_note_keep"),
    path(
        C + "<id:pk>/notes/<id:note>/delete/",
        stakeholder_note_delete,
        name="stakeholder_note_delete",
    ),
    path(C + "<id:pk>/contact/", stakeholder_contact, name="stakeholder_contact"),
]
