"""The provider voice's pages: the practices' needs ranked by the practices behind them and
the patients they serve, raising and supporting a need, the leadership group's priorities,
negotiation mandates (their limits for the leadership group only), the negotiation's
meetings, offers and notes, its outcome, and what became of everything a practice raised.

Thin: forms parse, system.services_voice writes (and holds every rule),
system.selectors_voice reads, system.access says who may.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from alliance.exports import export_view
from collectives.decorators import collective_page
from collectives.models import Membership
from system import access
from system import selectors_voice as selectors
from system import services_voice as services
from system.forms_common import ConfirmForm
from system.forms_voice import (
    EventForm,
    MandateForm,
    MandateSearchForm,
    NeedForm,
    NeedSearchForm,
    OutcomeForm,
    PrioritiseForm,
    SupportForm,
)
from system.models import Mandate, MandateStatus, Need, NeedStatus
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

# What the pages share -----------------------------------------------------------------------


def _needs_crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    return crumbs(membership, ("Practices' needs", url(membership, "needs")), *extra)


def _need_crumbs(membership: Membership, need: Need) -> list[dict[str, str]]:
    return _needs_crumbs(membership, (need.title, url(membership, "need", need.pk)))


def _mandate_crumbs(membership: Membership, mandate: Mandate) -> list[dict[str, str]]:
    return crumbs(
        membership,
        ("Mandates", url(membership, "mandates")),
        (f"Mandate: {mandate.need.title}", url(membership, "mandate", mandate.pk)),
    )


def _search(request: HttpRequest, form_class: type[forms.Form]) -> tuple[forms.Form, str, str]:
    """The search form, its words and the status chosen."""
    form = form_class(request.GET or None)
    status = (form.cleaned_data.get("status") or "") if form.is_valid() else ""
    return form, search_text(form), status


def _speaking_practice(membership: Membership) -> Any:
    """The member practice the person raises and supports needs for, if any."""
    if access.practice_spoken_for(membership) is None:
        return None
    return selectors.member_practice(membership.collective_id, membership.organisation_id)


def _require_speaking_practice(membership: Membership, to: str) -> Any:
    practice = _speaking_practice(membership)
    if practice is None:
        raise PermissionDenied(f"Only a member practice's representative or deputy can {to}.")
    return practice


# Needs --------------------------------------------------------------------------------------


@collective_page(SECTION)
def needs_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every need, the open ones first, ranked by the practices behind them and the
    patients they serve."""
    access.require_reader(membership)
    form, query, status = _search(request, NeedSearchForm)
    ranking = selectors.needs_ranked(collective_id=membership.collective_id, q=query, status=status)
    page = page_of(request, ranking.needs)
    return render(
        request,
        "system/needs.html",
        {
            "title": "Practices' needs",
            "membership": membership,
            "form": form,
            "page": page,
            "ranking": ranking,
            "query": carried(q=query, status=status),
            "filtered": ranking.filtered,
            "speaks_for": _speaking_practice(membership),
            "practice": selectors.practice_of(membership),
            "leads": access.is_leadership(membership),
            "breadcrumbs": crumbs(membership),
        },
    )


@export_view
@collective_page(SECTION)
def needs_export(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    access.require_reader(membership)
    ranking = selectors.needs_ranked(collective_id=membership.collective_id)
    rows: list[list[Any]] = [
        [
            "Rank",
            "Need",
            "Raised by",
            "Raised on",
            "Practices behind it",
            "Supporting practices",
            "Registered patients",
            "Status",
            "Priority",
            "Outcome",
        ]
    ]
    for rank, row in enumerate(ranking.needs, start=1):
        need = row.need
        rows.append(
            [
                rank,
                need.title,
                need.practice.name,
                timezone.localtime(need.raised_at).date(),
                row.practices,
                "; ".join(s.practice.name for s in row.supports),
                row.patients if row.patients is not None else "not known",
                need.get_status_display(),
                need.priority,
                need.outcome,
            ]
        )
    return export(membership, fmt, name="needs", sheet="Practices' needs", rows=rows)


@collective_page(SECTION)
def need_raise(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    practice = _require_speaking_practice(membership, "raise a need")
    form = NeedForm(posted(request))
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.need_raise(actor_membership=membership, **form.cleaned_data),
        done="The need is raised. Other practices can now add their support.",
        to=lambda need: url(membership, "need", need.pk),
        title=f"Raise a need for {practice.name}",
        intro="Something your practice needs from the wider system, or a problem it keeps "
        "meeting. Other practices add their support, and the leadership group takes the "
        "needs with most practices behind them to the system.",
        submit="Raise the need",
        breadcrumbs=_needs_crumbs(membership),
    )


@collective_page(SECTION)
def need_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    need = access.get_need(membership, pk)
    row, imported = selectors.need_ranked(need)
    practice = _speaking_practice(membership)
    supports = {s.practice_id for s in row.supports}
    own = practice is not None and need.practice_id == practice.pk
    supporting = practice is not None and practice.pk in supports
    return render(
        request,
        "system/need.html",
        {
            "title": need.title,
            "membership": membership,
            "need": row.need,
            "row": row,
            "imported": imported,
            "mandates": selectors.mandates_of_need(need),
            "practice": practice,
            "own": own,
            "supporting": supporting,
            "may_support": practice is not None
            and not own
            and not supporting
            and need.status != NeedStatus.CLOSED,
            "may_withdraw": supporting and need.status != NeedStatus.CLOSED,
            "leads": access.is_leadership(membership),
            "mandatable": need.status in services.MANDATABLE,
            "prioritisable": need.status in services.PRIORITISABLE,
            "breadcrumbs": _needs_crumbs(membership),
        },
    )


@collective_page(SECTION)
def need_support(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    need = access.get_need(membership, pk)
    practice = _require_speaking_practice(membership, "support a need")
    form = SupportForm(posted(request))
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.need_support(
            actor_membership=membership, need=need, evidence=form.cleaned_data["evidence"]
        ),
        done=f"{practice.name} supports this need.",
        to=url(membership, "need", need.pk),
        title=f"Support: {need.title}",
        intro=f"{need.practice.name} raised it. Say in one line what {practice.name} sees: "
        "the leadership group reads every practice's evidence.",
        submit="Add our support",
        breadcrumbs=_need_crumbs(membership, need),
    )


@collective_page(SECTION)
def need_support_withdraw(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Confirm, then take the practice's support back."""
    need = access.get_need(membership, pk)
    practice = _require_speaking_practice(membership, "withdraw its support")
    return form_page(
        request,
        membership,
        ConfirmForm(posted(request)),
        act=lambda: services.need_support_withdraw(actor_membership=membership, need=need),
        done=f"{practice.name} no longer supports this need.",
        to=url(membership, "need", need.pk),
        title=f"Withdraw {practice.name}'s support",
        intro=f"{practice.name} will no longer count among the practices behind “{need.title}”. "
        "You can support it again later.",
        submit="Withdraw our support",
        warning=True,
        breadcrumbs=_need_crumbs(membership, need),
    )


@collective_page(SECTION)
def need_prioritise(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    need = access.get_need(membership, pk)
    access.require_leadership(membership)
    form = PrioritiseForm(
        posted(request),
        initial={"decision": need.status if need.status in ("prioritised", "set_aside") else ""}
        | ({"priority": need.priority} if need.priority else {}),
    )
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.need_prioritise(
            actor_membership=membership, need=need, **form.cleaned_data
        ),
        done=lambda: (
            "The need is prioritised."
            if form.cleaned_data["decision"] == NeedStatus.PRIORITISED
            else "The need is set aside; the practices behind it are told why."
        ),
        to=url(membership, "need", need.pk),
        title=f"Prioritise: {need.title}",
        intro="Prioritise the need (1 is first) or set it aside. Either way, say why: the "
        "practices behind it read the reason when a need is set aside.",
        submit="Save",
        breadcrumbs=_need_crumbs(membership, need),
    )


@collective_page(SECTION)
def practice_needs(request: HttpRequest, membership: Membership, organisation: int) -> HttpResponse:
    """What happened to everything a practice raised or supported."""
    access.require_reader(membership)
    practice = selectors.member_practice(membership.collective_id, organisation)
    if practice is None:
        raise Http404("No such member practice.")
    form, query, _ = _search(request, NeedSearchForm)
    found = selectors.practice_needs(
        collective_id=membership.collective_id, organisation_id=practice.pk, q=query
    )
    page = page_of(request, found)
    rows = selectors.practice_rows(list(page.object_list), practice.pk)
    return render(
        request,
        "system/needs_practice.html",
        {
            "title": f"What happened to what {practice.name} raised",
            "membership": membership,
            "practice": practice,
            "form": form,
            "page": page,
            "rows": rows,
            "query": carried(q=query),
            "filtered": bool(query),
            "breadcrumbs": _needs_crumbs(membership),
        },
    )


# Mandates -----------------------------------------------------------------------------------


def _mandate_data(form: MandateForm, collective_id: int) -> dict[str, Any]:
    """The mandate as the services take it: the organisation picked, or the one whose ODS
    code was given (else an error on the form's ODS code)."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "ods_code"}
    code = (form.cleaned_data.get("ods_code") or "").strip()
    if code:
        found = selectors.organisation_by_code(collective_id, code)
        if found is None:
            raise ValidationError(
                {"ods_code": f"No organisation in the directory has the ODS code {code}."}
            )
        data["of_whom"] = found.pk
    return data


@collective_page(SECTION)
def mandate_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    need = access.get_need(membership, pk)
    access.require_leadership(membership)
    cid = membership.collective_id
    form = MandateForm(posted(request), organisations=selectors.organisation_choices(cid))
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.mandate_create(
            actor_membership=membership, need=need, **_mandate_data(form, cid)
        ),
        done="The mandate is made: the need is being negotiated.",
        to=lambda mandate: url(membership, "mandate", mandate.pk),
        title=f"Negotiate: {need.title}",
        intro="What we ask, of whom, where we start and how far we may go. Every member "
        "reads the mandate; only the leadership group sees our limits.",
        submit="Make the mandate",
        breadcrumbs=_need_crumbs(membership, need),
    )


@collective_page(SECTION)
def mandates_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    form, query, status = _search(request, MandateSearchForm)
    found = selectors.mandates_list(collective_id=membership.collective_id, q=query, status=status)
    page = page_of(request, found)
    return render(
        request,
        "system/mandates.html",
        {
            "title": "Mandates",
            "membership": membership,
            "form": form,
            "page": page,
            "query": carried(q=query, status=status),
            "filtered": bool(query or status),
            "breadcrumbs": crumbs(membership),
        },
    )


@export_view
@collective_page(SECTION)
def mandates_export(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    """Every mandate; the limits column only for the leadership group."""
    access.require_reader(membership)
    limits = access.may_see_limits(membership)
    head = ["Need", "Raised by", "Of whom", "What we ask", "Opening position"]
    head += ["Our limits"] if limits else []
    head += ["Status", "Meetings, offers and notes", "Outcome", "Outcome on", "Made on"]
    rows: list[list[Any]] = [head]
    for m in selectors.mandates_list(collective_id=membership.collective_id):
        row: list[Any] = [
            m.need.title,
            m.need.practice.name,
            m.of_whom.name,
            m.ask,
            m.opening_position,
        ]
        row += [m.limits] if limits else []
        row += [
            m.get_status_display(),
            m.event_count,  # type: ignore[attr-defined]
            m.outcome,
            timezone.localtime(m.outcome_at).date() if m.outcome_at else "",
            timezone.localtime(m.created_at).date(),
        ]
        rows.append(row)
    return export(membership, fmt, name="mandates", sheet="Mandates", rows=rows)


@collective_page(SECTION)
def mandate_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    mandate = access.get_mandate(membership, pk)
    leads = access.may_see_limits(membership)  # the leadership group (guests are refused)
    return render(
        request,
        "system/mandate.html",
        {
            "title": f"Mandate: {mandate.need.title}",
            "membership": membership,
            "mandate": mandate,
            "need": mandate.need,
            "events": selectors.events_of(mandate),
            "leads": leads,
            # The limits go to the template only for the leadership group.
            "limits": mandate.limits if leads else None,
            "open": mandate.status == MandateStatus.OPEN,
            "breadcrumbs": _mandate_crumbs(membership, mandate)[:-1],
        },
    )


@collective_page(SECTION)
def mandate_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    mandate = access.get_mandate(membership, pk)
    access.require_leadership(membership)
    cid = membership.collective_id
    form = MandateForm(
        posted(request),
        organisations=selectors.organisation_choices(cid),
        initial={
            "ask": mandate.ask,
            "of_whom": mandate.of_whom_id,
            "opening_position": mandate.opening_position,
            "limits": mandate.limits,
        },
    )
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.mandate_update(
            actor_membership=membership, mandate=mandate, **_mandate_data(form, cid)
        ),
        done="The mandate is changed.",
        to=url(membership, "mandate", mandate.pk),
        title=f"Change the mandate: {mandate.need.title}",
        submit="Save the changes",
        breadcrumbs=_mandate_crumbs(membership, mandate),
    )


@collective_page(SECTION)
def mandate_event_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    mandate = access.get_mandate(membership, pk)
    access.require_leadership(membership)
    form = EventForm(posted(request), initial={"happened_on": timezone.localdate()})
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.negotiation_event_record(
            actor_membership=membership, mandate=mandate, **form.cleaned_data
        ),
        done="It is recorded.",
        to=url(membership, "mandate", mandate.pk),
        title=f"Record a meeting, an offer or a note: {mandate.need.title}",
        intro="Every member reads the negotiation's history: keep our limits out of it.",
        submit="Record it",
        breadcrumbs=_mandate_crumbs(membership, mandate),
    )


@collective_page(SECTION)
def mandate_outcome(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    mandate = access.get_mandate(membership, pk)
    access.require_leadership(membership)
    form = OutcomeForm(posted(request))
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.mandate_outcome_record(
            actor_membership=membership, mandate=mandate, **form.cleaned_data
        ),
        done="The outcome is recorded. The practices behind the need are told, and every "
        "practice gets it through the golden thread.",
        renames={"summary": "outcome"},
        to=url(membership, "mandate", mandate.pk),
        title=f"Record the outcome: {mandate.need.title}",
        intro="The need closes with this outcome. Every practice that raised or supported it "
        "is told, and every practice gets it through the golden thread to acknowledge.",
        submit="Record the outcome and tell the practices",
        breadcrumbs=_mandate_crumbs(membership, mandate),
    )


N = "c/<slug:slug>/system/needs/"
M = "c/<slug:slug>/system/mandates/"
CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}
routes: list[URLPattern] = [
    path(N, needs_list, name="needs"),
    path(N + "needs.csv", needs_export, CSV, name="needs_csv"),
    path(N + "needs.xlsx", needs_export, XLSX, name="needs_xlsx"),
    path(N + "raise/", need_raise, name="need_raise"),
    path(N + "practices/<id:organisation>/", practice_needs, name="practice_needs"),
    path(N + "<id:pk>/", need_detail, name="need"),
    path(N + "<id:pk>/support/", need_support, name="need_support"),
    path(N + "<id:pk>/support/withdraw/", need_support_withdraw, name="need_support_withdraw"),
    path(N + "<id:pk>/prioritise/", need_prioritise, name="need_prioritise"),
    path(N + "<id:pk>/mandate/", mandate_new, name="mandate_new"),
    path(M, mandates_list, name="mandates"),
    path(M + "mandates.csv", mandates_export, CSV, name="mandates_csv"),
    path(M + "mandates.xlsx", mandates_export, XLSX, name="mandates_xlsx"),
    path(M + "<id:pk>/", mandate_detail, name="mandate"),
    path(M + "<id:pk>/edit/", mandate_edit, name="mandate_edit"),
    path(M + "<id:pk>/events/new/", mandate_event_new, name="mandate_event_new"),
    path(M + "<id:pk>/outcome/", mandate_outcome, name="mandate_outcome"),
]
