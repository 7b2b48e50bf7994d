"""Consensus pages. Thin: services for writes (they hold every rule), selectors for reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from decisions import access, selectors, services
from decisions.forms import (
    PHASE_ACTIONS,
    AmendForm,
    CommentForm,
    DecisionSearchForm,
    PositionForm,
    ProposalForm,
    RecordForm,
    RevisitForm,
    SenseCheckForm,
)
from decisions.models import Phase, Proposal
from decisions.text import word_diff


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Proposals", "href": reverse("decisions:proposals", args=[slug])},
        *({"text": t, "href": h} for t, h in extra),
    ]


def _url(membership: Membership, proposal: Proposal, name: str = "proposal") -> str:
    return reverse(f"decisions:{name}", args=[membership.collective.slug, proposal.pk])


@collective_page("proposals")
def proposals(request: HttpRequest, membership: Membership) -> HttpResponse:
    phase = request.GET.get("phase", "")
    phase = phase if phase in Phase.values else ""
    page = Paginator(
        selectors.proposals_for_collective(collective=membership.collective, phase=phase), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/proposals.html",
        {
            "title": "Proposals",
            "membership": membership,
            "page": page,
            "phase": phase,
            "phases": Phase.choices,
            "query": f"&phase={phase}" if phase else "",
            "can_propose": membership.role in ("convenor", "representative", "deputy"),
            "breadcrumbs": _crumbs(membership)[:1],
        },
    )


@collective_page("proposals")
def proposal_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    people = selectors.possible_facilitators(membership=membership)
    form = ProposalForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["facilitator"] = access.get_facilitator_named(membership, data["facilitator"])
            proposal = services.proposal_create(actor_membership=membership, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your proposal is saved as a draft.")
            return redirect(_url(membership, proposal))
    return render(
        request,
        "decisions/proposal_form.html",
        {
            "title": "Write a proposal",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("proposals")
def proposal_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    page = selectors.proposal_page(proposal=proposal)
    speaks = services.speaks_for_leadership(membership)
    return render(
        request,
        "decisions/proposal.html",
        {
            "title": proposal.title,
            "membership": membership,
            "proposal": proposal,
            "p": page,
            "threads": selectors.comment_threads(page.comments),
            "comment_form": CommentForm(),
            "speaks": speaks,
            "facilitates": access.facilitates(membership, proposal),
            "moves": [
                (phase, PHASE_ACTIONS[Phase(phase)])
                for phase in services.MOVES.get(Phase(proposal.phase), set())
            ],
            "own_org": membership.organisation_id,
            "breadcrumbs": _crumbs(membership),
        },
    )


@require_POST
@collective_page("proposals")
def proposal_move(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    try:
        services.proposal_move(
            actor_membership=membership, proposal=proposal, phase=request.POST.get("phase", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The proposal moved on.")
    return redirect(_url(membership, proposal))


def _position_like(
    request: HttpRequest, membership: Membership, pk: int, *, sense: bool
) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    if not services.speaks_for_leadership(membership):
        raise PermissionDenied(
            "Only the representative or deputy of a leadership-group member "
            "states its organisation's view."
        )
    form_class = SenseCheckForm if sense else PositionForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if sense:
                services.sense_check_state(
                    membership=membership, proposal=proposal, **form.cleaned_data
                )
            else:
                services.position_state(
                    membership=membership, proposal=proposal, **form.cleaned_data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{membership.organisation.name}'s "  # type: ignore[union-attr]
                f"{'view' if sense else 'position'} is recorded.",
            )
            return redirect(_url(membership, proposal))
    return render(
        request,
        "decisions/position.html",
        {
            "title": ("Sense check: " if sense else "Your position: ") + proposal.title,
            "membership": membership,
            "proposal": proposal,
            "form": form,
            "sense": sense,
            "current": services.current_version(proposal),
            "breadcrumbs": _crumbs(membership, (proposal.title, _url(membership, proposal))),
        },
    )


@collective_page("proposals")
def position(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _position_like(request, membership, pk, sense=False)


@collective_page("proposals")
def sense_check(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _position_like(request, membership, pk, sense=True)


@collective_page("proposals")
def amend(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    if not access.facilitates(membership, proposal):
        raise PermissionDenied("Only the proposal's facilitator (or a convenor) can amend it.")
    items = [i for i in selectors.items_on(proposal=proposal) if i.is_open]
    current = services.current_version(proposal)
    form = AmendForm(request.POST or None, items=items, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.proposal_amend(
                actor_membership=membership,
                proposal=proposal,
                text=form.cleaned_data["text"],
                addresses=access.get_open_items_named(proposal, form.cleaned_data["addresses"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} is out. Positions on earlier "
                "versions need reconfirming.",
            )
            return redirect(
                reverse(
                    "decisions:version",
                    args=[membership.collective.slug, proposal.pk, version.number],
                )
            )
    return render(
        request,
        "decisions/amend.html",
        {
            "title": f"Amend: {proposal.title}",
            "membership": membership,
            "proposal": proposal,
            "form": form,
            "breadcrumbs": _crumbs(membership, (proposal.title, _url(membership, proposal))),
        },
    )


@collective_page("proposals")
def version(request: HttpRequest, membership: Membership, pk: int, number: int) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    versions = {v.number: v for v in proposal.versions.all()}
    shown = versions.get(number)
    if shown is None:
        raise Http404("No such version.")
    previous = versions.get(number - 1)
    return render(
        request,
        "decisions/version.html",
        {
            "title": f"{proposal.title}: version {number}",
            "membership": membership,
            "proposal": proposal,
            "version": shown,
            "previous": previous,
            "diff": word_diff(previous.text, shown.text) if previous else None,
            "addressed": list(shown.addressed_items.select_related("organisation")),
            "breadcrumbs": _crumbs(membership, (proposal.title, _url(membership, proposal))),
        },
    )


@collective_page("proposals")
def item_action(
    request: HttpRequest, membership: Membership, pk: int, item: int, action: str
) -> HttpResponse:
    if action not in ("withdraw", "accept"):
        raise Http404("No such action.")
    proposal = access.get_proposal_in_collective(membership, pk)
    found = access.get_item_on_proposal(proposal, item)
    if request.method == "POST":
        try:
            if action == "withdraw":
                services.item_withdraw(membership=membership, item=found)
            else:
                services.item_accept_resolution(membership=membership, item=found)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thank you: the register is updated.")
        return redirect(_url(membership, proposal))
    if found.organisation_id != membership.organisation_id:
        raise PermissionDenied("Only the organisation that raised it can do that.")
    return render(
        request,
        "decisions/item_action.html",
        {
            "title": ("Withdraw your " if action == "withdraw" else "Accept the amendment to your ")
            + found.get_kind_display().lower(),
            "membership": membership,
            "proposal": proposal,
            "item": found,
            "action": action,
            "breadcrumbs": _crumbs(membership, (proposal.title, _url(membership, proposal))),
        },
    )


@require_POST
@collective_page("proposals")
def comment(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                membership=membership,
                proposal=proposal,
                text=form.cleaned_data["text"],
                parent=access.get_comment_on_proposal(proposal, form.cleaned_data["parent"]),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Write something before posting.")
    return redirect(_url(membership, proposal) + "#discussion")


@collective_page("proposals")
def record(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    proposal = access.get_proposal_in_collective(membership, pk)
    if not access.facilitates(membership, proposal):
        raise PermissionDenied("Only the proposal's facilitator (or a convenor) records it.")
    form = RecordForm(request.POST or None)
    blockers = services.blockers_for(proposal)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(
                actor_membership=membership, proposal=proposal, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Consensus is recorded.")
            return redirect(
                reverse("decisions:decision", args=[membership.collective.slug, decision.pk])
            )
    return render(
        request,
        "decisions/record.html",
        {
            "title": f"Record the decision: {proposal.title}",
            "membership": membership,
            "proposal": proposal,
            "form": form,
            "blockers": blockers,
            "breadcrumbs": _crumbs(membership, (proposal.title, _url(membership, proposal))),
        },
    )


@collective_page("decisions")
def decision_log(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = DecisionSearchForm(request.GET or None)
    filters: dict[str, Any] = {"query": "", "status": "", "review_due": False}
    if form.is_valid():
        filters = {
            "query": form.cleaned_data["q"],
            "status": form.cleaned_data["status"],
            "review_due": form.cleaned_data["review_due"],
        }
    page = Paginator(
        selectors.decisions_for_collective(collective=membership.collective, **filters), 25
    ).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "decisions/log.html",
        {
            "title": "Decision log",
            "membership": membership,
            "form": form,
            "page": page,
            "query": ("&" + urlencode(kept)) if kept else "",
            "filtered": bool(kept),
            "breadcrumbs": _crumbs(membership)[:1],
        },
    )


@collective_page("decisions")
def decision_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    decision = access.get_decision_in_collective(membership, pk)
    return render(
        request,
        "decisions/decision.html",
        {
            "title": decision.title,
            "membership": membership,
            "decision": decision,
            # The golden thread's briefing, through its reverse relation: decisions is the
            # lower layer and does not import golden_thread.
            "briefing": getattr(decision, "briefing", None),
            "can_brief": access.facilitates(membership, decision.proposal),
            "supersedes": list(decision.supersedes.all()),
            "revisions": list(decision.revisions.all()),
            "can_revisit": services.speaks_for_leadership(membership)
            and decision.status == "in_force",
            "breadcrumbs": [
                *_crumbs(membership)[:1],
                {
                    "text": "Decision log",
                    "href": reverse("decisions:log", args=[membership.collective.slug]),
                },
            ],
        },
    )


@collective_page("decisions")
def decision_revisit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    decision = access.get_decision_in_collective(membership, pk)
    form = RevisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.decision_revisit(
                membership=membership, decision=decision, why=form.cleaned_data["why"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "A proposal to revisit the decision is open.")
            return redirect(_url(membership, proposal))
    return render(
        request,
        "decisions/revisit.html",
        {
            "title": f"Revisit: {decision.title}",
            "membership": membership,
            "decision": decision,
            "form": form,
            "breadcrumbs": _crumbs(membership)[:1],
        },
    )
