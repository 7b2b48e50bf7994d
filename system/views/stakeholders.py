"""Stakeholders: the list (with "My key relationships"), adding one from the directory or
by hand, a stakeholder's page (assessments and their movement, key relationships, contact
with them, notes and their review), and the list's exports.

Thin: forms parse, system.services_stakeholders writes (and holds every rule),
system.selectors_stakeholders reads, system.access says who may. Every read of a
stakeholder's notes goes through services_stakeholders.notes_read first.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from alliance.exports import export_view
from collectives.decorators import collective_page
from collectives.models import Membership
from system import access
from system import selectors_stakeholders as selectors
from system import services_stakeholders as services
from system.forms_common import ConfirmForm
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
from system.views.common import (
    SECTION,
    carried,
    crumbs,
    export,
    form_page,
    page_of,
    posted,
    search_text,
    url,
)


def stakeholders_crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    """Whole-system working's, then the stakeholders, then (text, href) pairs."""
    return crumbs(membership, ("Stakeholders", url(membership, "stakeholders")), *extra)


def stakeholder_crumbs(membership: Membership, stakeholder: Stakeholder) -> list[dict[str, str]]:
    href = url(membership, "stakeholder", stakeholder.pk)
    return stakeholders_crumbs(membership, (stakeholder_name(stakeholder), href))


def stakeholder_name(stakeholder: Stakeholder) -> str:
    return stakeholder.person.name if stakeholder.person else "An erased stakeholder"


def _stakeholder_form(
    request: HttpRequest,
    membership: Membership,
    stakeholder: Stakeholder,
    form: forms.Form,
    **page: Any,
) -> HttpResponse:
    """A form about one stakeholder: back to their page when it is done."""
    return form_page(
        request,
        membership,
        form,
        to=url(membership, "stakeholder", stakeholder.pk),
        breadcrumbs=stakeholder_crumbs(membership, stakeholder),
        **page,
    )


# ------------------------------------------------------------------------------------------
# The list


@collective_page(SECTION)
def stakeholders(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisations = selectors.organisations_of_stakeholders(membership)  # 403 if not theirs
    form = StakeholderSearchForm(request.GET or None, organisations=organisations)
    q = search_text(form)
    organisation = form.cleaned_data["organisation"] if form.is_valid() else None
    found = selectors.stakeholder_list(membership, q=q, organisation=organisation)
    page = page_of(request, found)
    rows: list[Stakeholder] = list(page.object_list)
    cid = membership.collective_id
    assessed = selectors.current_assessments(cid, among=[s.pk for s in rows])
    last = selectors.last_contacts(cid)
    return render(
        request,
        "system/stakeholders.html",
        {
            "title": "Stakeholders",
            "membership": membership,
            "form": form,
            "page": page,
            "rows": [(s, assessed.get(s.pk), last.get(s.pk)) for s in rows],
            "query": carried(q=q, organisation=organisation),
            "filtered": bool(q or organisation),
            "mine": selectors.my_key_relationships(membership),
            "most": services.MOST_KEY_RELATIONSHIPS,
            "can_add": access.is_leadership(membership),
            "breadcrumbs": crumbs(membership),
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
                stakeholder_name(s),
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
@collective_page(SECTION)
def stakeholders_export(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    return export(
        membership, fmt, name="stakeholders", sheet="Stakeholders", rows=_export_rows(membership)
    )


# ------------------------------------------------------------------------------------------
# Adding a stakeholder


@collective_page(SECTION)
def stakeholder_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """First the organisation (searched in the directory, or one the collective added),
    then the person: someone already known there, or someone new."""
    access.require_leadership(membership)
    cid = membership.collective_id
    chosen = request.GET.get("organisation", "")
    if not chosen:
        search = OrganisationSearchForm(request.GET or None)
        q = search_text(search)
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
                "breadcrumbs": stakeholders_crumbs(membership),
            },
        )
    organisation = selectors.organisation_to_pick(cid, int(chosen)) if chosen.isdigit() else None
    if organisation is None:
        raise Http404("No such organisation.")
    form = StakeholderForm(posted(request), people=selectors.people_to_pick(cid, organisation.pk))
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.stakeholder_add(
            actor_membership=membership,
            organisation=organisation.pk,
            person=form.cleaned_data.get("person"),
            name=form.cleaned_data["name"],
            job_title=form.cleaned_data["job_title"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            agenda_learned=form.cleaned_data["agenda_learned"],
        ),
        done="The stakeholder is added. Record how warm they are and how much sway they have.",
        to=lambda made: url(membership, "stakeholder", made.pk),
        title=f"Add a stakeholder at {organisation.name}",
        intro="Someone already known to the collective there, or someone new. Someone new is "
        "the collective's own record: only its members can see them.",
        submit="Add the stakeholder",
        cancel=url(membership, "stakeholder_add"),
        cancel_text="Choose another organisation",
        breadcrumbs=stakeholders_crumbs(membership),
    )


@collective_page(SECTION)
def stakeholder_organisation_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """An organisation that is not in the directory, as the collective's own (convenors)."""
    access.require_leadership(membership)
    if not membership.is_convenor:
        raise PermissionDenied("Only a convenor adds an organisation that is not in the directory.")
    form = OrganisationForm(posted(request))
    add = url(membership, "stakeholder_add")
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.system_organisation_add(
            actor_membership=membership, **form.cleaned_data
        ),
        done="The organisation is added. Only the collective's members see it.",
        to=lambda made: f"{add}?organisation={made.pk}",
        title="Add an organisation that is not in the directory",
        intro="Search the directory first: NHS organisations with an ODS code are there. Add "
        "here what is not, such as a council's adult social care directorate.",
        submit="Add the organisation",
        breadcrumbs=stakeholders_crumbs(membership, ("Add a stakeholder", add)),
    )


# ------------------------------------------------------------------------------------------
# A stakeholder


@collective_page(SECTION)
def stakeholder_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    now = timezone.now()
    services.notes_read(membership=membership, stakeholder=stakeholder)
    notes = selectors.notes_of(stakeholder, now)
    history = selectors.assessment_history(stakeholder)
    keys = selectors.key_relationships_of(stakeholder)
    contacts = selectors.recent_contacts(stakeholder)
    return render(
        request,
        "system/stakeholder.html",
        {
            "title": stakeholder_name(stakeholder),
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
            "priorities_href": url(membership, "organisation_agenda", stakeholder.organisation_id),
            "subject_access_href": url(membership, "subject_access", pk),
            "erase_href": url(membership, "erase", pk),
            "is_leadership": access.is_leadership(membership),
            "breadcrumbs": stakeholders_crumbs(membership),
        },
    )


@collective_page(SECTION)
def stakeholder_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    form = StakeholderEditForm(
        posted(request),
        initial={"role": stakeholder.role, "agenda_learned": stakeholder.agenda_learned},
    )
    return _stakeholder_form(
        request,
        membership,
        stakeholder,
        form,
        act=lambda: services.stakeholder_update(
            actor_membership=membership, stakeholder=stakeholder, **form.cleaned_data
        ),
        done="The changes are saved.",
        title=f"Change what we know of {stakeholder_name(stakeholder)}",
        intro="Their name and e-mail address are in the directory.",
        submit="Save the changes",
    )


@collective_page(SECTION)
def stakeholder_assess(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    form = AssessmentForm(posted(request))
    return _stakeholder_form(
        request,
        membership,
        stakeholder,
        form,
        act=lambda: services.assessment_add(
            actor_membership=membership, stakeholder=stakeholder, **form.cleaned_data
        ),
        done="The assessment is recorded.",
        title=f"Assess {stakeholder_name(stakeholder)}",
        intro="Your judgement today of how warm they are to general practice and how much sway "
        "they have. Earlier assessments are kept, so the page shows how they move.",
        submit="Record the assessment",
    )


@collective_page(SECTION)
def stakeholder_key(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Make them one of your key relationships (confirm, then mark)."""
    stakeholder = access.get_stakeholder(membership, pk)
    if not access.may_own_key_relationships(membership):
        raise PermissionDenied("Only GP leaders own key relationships.")
    return _stakeholder_form(
        request,
        membership,
        stakeholder,
        ConfirmForm(posted(request)),
        act=lambda: services.key_relationship_mark(
            actor_membership=membership, stakeholder=stakeholder
        ),
        done=f"{stakeholder_name(stakeholder)} is one of your key relationships.",
        title=f"Make {stakeholder_name(stakeholder)} one of your key relationships",
        intro=f"You keep the relationship warm: you will be nudged when there has been no "
        f"contact for a while. Each GP leader keeps at most "
        f"{services.MOST_KEY_RELATIONSHIPS}.",
        submit="Make them a key relationship",
        cancel=url(membership, "stakeholder", pk),
    )


@collective_page(SECTION)
def stakeholder_key_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Stop being the owner of a key relationship with them (confirm, then unmark)."""
    stakeholder = access.get_stakeholder(membership, pk)
    if not access.is_owner(membership, stakeholder):
        raise Http404("They are not one of your key relationships.")
    return form_page(
        request,
        membership,
        ConfirmForm(posted(request)),
        act=lambda: services.key_relationship_unmark(
            actor_membership=membership, stakeholder=stakeholder
        ),
        done=f"{stakeholder_name(stakeholder)} is no longer one of your key relationships.",
        # Without the relationship, someone outside the leadership group no longer sees them.
        to=lambda _: (
            url(membership, "stakeholder", pk)
            if access.may_see_stakeholders(membership)
            else reverse("home:collective", args=[membership.collective.slug])
        ),
        title=f"Stop keeping {stakeholder_name(stakeholder)} as a key relationship?",
        intro="They stay a stakeholder, with their assessments and notes. You will no longer "
        "be nudged about them.",
        submit="Yes, stop",
        warning=True,
        cancel=url(membership, "stakeholder", pk),
        breadcrumbs=stakeholder_crumbs(membership, stakeholder),
    )


@collective_page(SECTION)
def stakeholder_note_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    form = NoteForm(posted(request))
    return _stakeholder_form(
        request,
        membership,
        stakeholder,
        form,
        act=lambda: services.note_add(
            actor_membership=membership, stakeholder=stakeholder, **form.cleaned_data
        ),
        done="The note is added.",
        title=f"Add a note about {stakeholder_name(stakeholder)}",
        submit="Add the note",
    )


def _note(stakeholder: Stakeholder, note: int) -> StakeholderNote:
    found = selectors.get_note(stakeholder, note)
    if found is None:
        raise Http404("No such note.")
    found.stakeholder = stakeholder
    return found


@collective_page(SECTION)
def stakeholder_note_keep(
    request: HttpRequest, membership: Membership, pk: int, note: int
) -> HttpResponse:
    """Keep a note offered for review (a button on the stakeholder's page)."""
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    found = _note(stakeholder, note)
    if request.method == "POST":
        services.note_keep(actor_membership=membership, note=found)
        messages.success(request, "The note is kept. It will be offered for review in two years.")
    return redirect(url(membership, "stakeholder", pk))


@collective_page(SECTION)
def stakeholder_note_delete(
    request: HttpRequest, membership: Membership, pk: int, note: int
) -> HttpResponse:
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    found = _note(stakeholder, note)
    written = timezone.localtime(found.written_at).strftime("%-d %B %Y")
    return _stakeholder_form(
        request,
        membership,
        stakeholder,
        ConfirmForm(posted(request)),
        act=lambda: services.note_delete(actor_membership=membership, note=found),
        done="The note is deleted.",
        title=f"Delete the note of {written}?",
        intro="It is deleted for good: it cannot be brought back.",
        submit="Yes, delete the note",
        warning=True,
        cancel=url(membership, "stakeholder", pk),
    )


@collective_page(SECTION)
def stakeholder_contact(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Log a contact with them in the collective's contact log."""
    stakeholder = access.get_stakeholder(membership, pk)
    access.require_changes_stakeholder(membership, stakeholder)
    first = not selectors.has_had_contact(stakeholder)
    own = membership.organisation_id
    form = ContactForm(
        posted(request),
        organisations=None if own else selectors.member_organisations(membership.collective_id),
        first=first,
        agenda_required=first and services.needs_agenda(stakeholder),
        initial={"agenda_learned": stakeholder.agenda_learned} if first else None,
    )
    return _stakeholder_form(
        request,
        membership,
        stakeholder,
        form,
        act=lambda: services.contact_log(
            actor_membership=membership,
            stakeholder=stakeholder,
            mode=form.cleaned_data["mode"],
            happened_at=form.happened_at(),
            duration_minutes=form.cleaned_data["duration_minutes"],
            organisation=form.cleaned_data.get("organisation"),
            agenda_learned=form.cleaned_data.get("agenda_learned", ""),
        ),
        done="The contact is in the contact log.",
        renames={"happened_at": "happened_on", "organisations": "organisation"},
        title=f"Log a contact with {stakeholder_name(stakeholder)}",
        intro="It goes into the collective's contact log, with you and them as the people in "
        "it." + (" It is the first contact with them." if first else ""),
        submit="Log the contact",
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
