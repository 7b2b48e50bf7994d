"""Contact-log pages: the log, the quick add, the week's e-mail counts and calendar import.

Thin: the forms parse input, relationships.services holds every rule,
relationships.selectors.contacts reads (and blanks notes for people who were not in a contact)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from directory.services import person_create
from relationships import services
from relationships.forms_contacts import (
    CalendarUploadForm,
    ContactForm,
    EmailCountsForm,
    MatchForm,
    name_from_address,
)
from relationships.ics import ICSError
from relationships.models import Contact, Mode
from relationships.selectors import contacts as selectors
from relationships.views.common import acts, crumbs

#: The session key that holds the cache key of the person's last calendar import.
IMPORT_SESSION_KEY = "habits_calendar_import"
IMPORT_TTL = 60 * 60


def _slug(membership: Membership) -> str:
    return membership.collective.slug


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    section = ("Contacts", reverse("relationships:contacts", args=[_slug(membership)]))
    return crumbs(membership, section, *extra)


def _contact_form(
    request: HttpRequest, membership: Membership, members: list[Any], data: Any = None
) -> ContactForm:
    organisations = [
        m.organisation for m in members if m.organisation_id != membership.organisation_id
    ]
    has_own = membership.organisation_id is not None
    options: dict[str, Any] = {
        "organisations": organisations,
        "has_own": has_own,
        "own_organisation": membership.organisation_id,
        "people": selectors.nameable_people(membership),
    }
    if data is not None:
        return ContactForm(data, **options)
    defaults = selectors.quick_add_defaults(membership)
    known = {o.pk for o in organisations}
    partners = [pk for pk in defaults.organisations if pk in known]
    initial: dict[str, Any] = {"happened_on": timezone.localdate()}
    if partners:
        initial.update(organisation=partners[0], also=partners[1:])
    if defaults.mode:
        initial["mode"] = defaults.mode
    return ContactForm(initial=initial, **options)


@collective_page("relationships")
def contacts(request: HttpRequest, membership: Membership) -> HttpResponse:
    members = selectors.member_organisations(membership.collective_id)
    by_pk = {m.organisation_id: m.organisation for m in members}
    try:
        organisation = int(request.GET.get("organisation", "") or 0) or None
    except ValueError:
        organisation = None
    if organisation not in by_pk:
        organisation = None
    mode = request.GET.get("mode", "")
    mode = mode if mode in Mode.values else ""
    page = Paginator(
        selectors.contacts_for(membership, organisation=organisation, mode=mode), 25
    ).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("organisation", organisation), ("mode", mode)) if v})
    return render(
        request,
        "relationships/contacts.html",
        {
            "title": "Contacts",
            "membership": membership,
            "page": page,
            "rows": selectors.rows(page.object_list),
            "organisations": [m.organisation for m in members],
            "organisation": organisation,
            "modes": Mode.choices,
            "mode": mode,
            "query": f"&{query}" if query else "",
            "form": _contact_form(request, membership, members) if acts(membership) else None,
            "breadcrumbs": _crumbs(membership)[:2],
        },
    )


@collective_page("relationships")
def contact_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not acts(membership):
        raise PermissionDenied("Observers and guests read; they do not record.")
    members = selectors.member_organisations(membership.collective_id)
    form = _contact_form(
        request, membership, members, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        own = [membership.organisation_id] if membership.organisation_id else []
        try:
            services.contact_add(
                actor_membership=membership,
                organisations=[*own, *form.organisation_ids()],
                mode=form.cleaned_data["mode"],
                happened_at=form.happened_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                participants=User.objects.filter(pk__in=form.participant_ids()),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(
                form,
                error,
                {
                    "organisations": "organisation",
                    "happened_at": "happened_on",
                    "participants": "people",
                },
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The contact is logged.")
            return redirect("relationships:contacts", _slug(membership))
    return render(
        request,
        "relationships/contacts_add.html",
        {
            "title": "Log a contact",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("relationships")
def contact_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    found = selectors.contact_page(membership, pk)
    contact: Contact = found.row.contact
    return render(
        request,
        "relationships/contacts_detail.html",
        {
            "title": str(contact),
            "membership": membership,
            "c": found.row,
            "people": found.people,
            "breadcrumbs": _crumbs(membership),
        },
    )


# E-mail counts ----------------------------------------------------------------------------


@collective_page("relationships")
def email_counts(request: HttpRequest, membership: Membership) -> HttpResponse:
    monday = selectors.monday_of(timezone.localdate())
    can_count = membership.organisation_id is not None and acts(membership)
    members = selectors.member_organisations(membership.collective_id)
    others = [m.organisation for m in members if m.organisation_id != membership.organisation_id]
    current = selectors.week_counts(membership, monday)
    form = None
    if can_count:
        form = EmailCountsForm(
            request.POST if request.method == "POST" else None,
            organisations=others,
            initial={f"org_{pk}": n for pk, n in current.items()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                changed = 0
                for pk, count in form.counts().items():
                    if count != current.get(pk, 0):
                        services.email_count_set(
                            actor_membership=membership,
                            other_organisation=pk,
                            week_of=monday,
                            count=count,
                        )
                        changed += 1
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "This week's e-mail counts are saved." if changed else "Nothing changed.",
                )
                return redirect("relationships:email_counts", _slug(membership))
    elif request.method == "POST":
        raise PermissionDenied("Only someone who works for a member organisation counts e-mails.")
    return render(
        request,
        "relationships/email_counts.html",
        {
            "title": "E-mails this week",
            "membership": membership,
            "form": form,
            "monday": monday,
            "counted": [(o, current[o.pk]) for o in others if current.get(o.pk)],
            "breadcrumbs": _crumbs(membership),
        },
    )


# Calendar import --------------------------------------------------------------------------


def _summary(outcome: services.CalendarImport) -> dict[str, Any]:
    return {
        "created": [c.pk for c in outcome.created],
        "already_logged": list(outcome.already_logged),
        "unmatched": list(outcome.unmatched),
        "not_between_organisations": list(outcome.not_between_organisations),
        "skipped": list(outcome.skipped),
        "repeating": list(outcome.repeating),
        "repeats_from": outcome.repeats_from,
    }


def _saved_import(request: HttpRequest, membership: Membership) -> tuple[str, dict[str, Any]]:
    """The cache key and state of the person's last import in this collective, if any."""
    key = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(key, str):
        return "", {}
    state = cache.get(key)
    if not isinstance(state, dict) or state.get("collective_id") != membership.collective_id:
        return "", {}
    return key, state


def _import_page(
    request: HttpRequest,
    membership: Membership,
    members: list[Any],
    upload: CalendarUploadForm,
    state: dict[str, Any],
    bound_match: tuple[int, MatchForm] | None = None,
) -> HttpResponse:
    organisations = [m.organisation for m in members]
    created = []
    if state.get("created"):
        created = selectors.rows(
            Contact.objects.filter(collective_id=membership.collective_id, pk__in=state["created"])
            .prefetch_related("organisations")
            .order_by("-happened_at", "-id")
        )
    match_forms = []
    for index, address in enumerate(state.get("unmatched", [])):
        if bound_match is not None and bound_match[0] == index:
            form = bound_match[1]
        else:
            form = MatchForm(
                organisations=organisations,
                prefix=f"match-{index}",
                initial={"name": name_from_address(address)},
            )
        match_forms.append((index, address, form))
    return render(
        request,
        "relationships/calendar_import.html",
        {
            "title": "Import meetings from your calendar",
            "membership": membership,
            "form": upload,
            "state": state,
            "created": created,
            "match_forms": match_forms,
            "breadcrumbs": _crumbs(membership),
        },
        status=400 if upload.errors or (bound_match and bound_match[1].errors) else 200,
    )


def _run_import(
    request: HttpRequest, membership: Membership, data: bytes, filename: str
) -> services.CalendarImport:
    outcome = services.calendar_import(actor_membership=membership, data=data, filename=filename)
    key, _ = _saved_import(request, membership)
    if not key:
        key = f"relationships:calendar-import:{secrets.token_urlsafe(24)}"
    cache.set(
        key,
        {
            "collective_id": membership.collective_id,
            "filename": filename,
            "data": data,
            **_summary(outcome),
        },
        IMPORT_TTL,
    )
    request.session[IMPORT_SESSION_KEY] = key
    return outcome


def _logged_message(outcome: services.CalendarImport) -> str:
    n = len(outcome.created)
    logged = f"{n} meeting{'s' if n != 1 else ''} logged"
    if outcome.unmatched:
        return f"{logged}. Match the addresses we did not know to log more."
    return f"{logged}."


@collective_page("relationships")
def calendar_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    if not acts(membership):
        raise PermissionDenied("Observers and guests read; they do not record.")
    members = selectors.member_organisations(membership.collective_id)
    upload = CalendarUploadForm()
    key, state = _saved_import(request, membership)
    if request.method == "POST" and request.POST.get("action") == "match":
        return _match(request, membership, members, key, state)
    if request.method == "POST":
        upload = CalendarUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            data = file.read()
            try:
                outcome = _run_import(request, membership, data, file.name or "calendar.ics")
            except ICSError as error:
                upload.add_error("file", str(error))
            except ValidationError as error:
                add_service_errors(upload, error)
            else:
                messages.success(request, _logged_message(outcome))
                return redirect("relationships:calendar_import", _slug(membership))
        return _import_page(request, membership, members, upload, {})
    return _import_page(request, membership, members, upload, state)


def _match(
    request: HttpRequest,
    membership: Membership,
    members: list[Any],
    key: str,
    state: dict[str, Any],
) -> HttpResponse:
    """Match an unmatched address to a member organisation (a new directory person there),
    then import the same file again."""
    if not state:
        messages.error(request, "Your calendar file is no longer kept: upload it again.")
        return redirect("relationships:calendar_import", _slug(membership))
    try:
        index = int(request.POST.get("index", ""))
        address = state["unmatched"][index]
    except (ValueError, IndexError):
        raise Http404("No such address.") from None
    by_pk = {m.organisation_id: m.organisation for m in members}
    form = MatchForm(request.POST, organisations=list(by_pk.values()), prefix=f"match-{index}")
    if form.is_valid():
        try:
            person_create(
                actor=membership.user,
                actor_membership=membership,
                name=form.cleaned_data["name"],
                organisation=by_pk[form.cleaned_data["organisation"]],
                email=address,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            try:
                outcome = _run_import(request, membership, state["data"], state["filename"])
            except (ICSError, ValidationError) as error:  # pragma: no cover - read before
                messages.error(request, str(error))
            else:
                messages.success(request, f"{address} is matched. {_logged_message(outcome)}")
            return redirect("relationships:calendar_import", _slug(membership))
    return _import_page(
        request, membership, members, CalendarUploadForm(), state, bound_match=(index, form)
    )
