"""The briefing pages and the thread dashboards."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance.changes import cached
from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from decisions import access as decisions_access
from directory.models import Organisation
from golden_thread import access, selectors, services
from golden_thread.forms import (
    AcknowledgeForm,
    ActionForm,
    BriefingForm,
    PublishForm,
    QuestionForm,
    SearchForm,
)
from golden_thread.views.common import crumbs, readability_for, url_of


@collective_page("briefings")
def briefings(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The collective's thread dashboard: every published briefing and its figures."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    published = selectors.briefings_for_collective(collective=membership.collective, published=True)
    if query:
        published = published.filter(title__icontains=query)
    cid = membership.collective_id
    # What depends on the collective alone (the published briefings and their figures), and
    # the drafts this person may publish, are kept until the collective changes
    # (alliance.changes).
    listed = cached("thread-published", cid, query, lambda: list(published))
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    rows = list(page)
    ids = [b.pk for b in rows]
    figures = cached(
        "thread-rows", cid, tuple(ids), partial(selectors.figures_by_briefing, briefing_ids=ids)
    )
    drafts = cached(
        "thread-drafts",
        cid,
        (membership.pk, membership.user_id, membership.role),
        partial(access.drafts_visible_to, membership),
    )
    awaiting = (
        list(selectors.decisions_without_briefing(collective=membership.collective)[:20])
        if membership.is_convenor
        else []
    )
    return render(
        request,
        "golden_thread/briefings.html",
        {
            "title": "The golden thread",
            "membership": membership,
            "form": form,
            "page": page,
            "rows": [(b, figures.get(b.pk, selectors.Figures())) for b in rows],
            "totals": cached(
                "thread-totals",
                cid,
                (),
                partial(selectors.collective_figures, collective=membership.collective),
            ),
            "drafts": drafts,
            "awaiting": awaiting,
            "query": f"&q={query}" if query else "",
            "filtered": bool(query),
            "practices": cached(
                "thread-practices", cid, (), lambda: list(selectors.practices_in(collective_id=cid))
            ),
            "breadcrumbs": crumbs(membership)[:1],
        },
    )


@require_POST
@collective_page("briefings")
def readability(request: HttpRequest, membership: Membership) -> HttpResponse:
    """htmx: the readability of what the author has typed so far."""
    text = "\n\n".join(
        request.POST.get(name, "") for name in ("summary", "meaning", "action", "text")
    )
    return render(
        request,
        "golden_thread/_readability.html",
        {"r": readability_for(membership, text), "membership": membership},
    )


@collective_page("decisions")
def briefing_write(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    decision = decisions_access.get_decision_in_collective(membership, pk)
    existing = selectors.briefing_of(decision=decision)
    if not decisions_access.facilitates(membership, decision.proposal):
        raise PermissionDenied(
            "Only the decision's facilitator (or a convenor) writes its briefing."
        )
    if existing and existing.is_published:
        messages.info(request, "This briefing is published; it cannot change.")
        return redirect(url_of(membership, existing))
    initial = (
        {
            "summary": existing.summary,
            "meaning": existing.meaning,
            "action": existing.action,
            "action_by": existing.action_by,
        }
        if existing
        else {"summary": decision.summary}
    )
    form = BriefingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            briefing = services.briefing_save(
                actor_membership=membership, decision=decision, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The briefing is saved. Check it, then publish it.")
            return redirect(url_of(membership, briefing, "briefing_publish"))
    data = form.data if form.is_bound else initial
    text = "\n\n".join(str(data.get(k) or "") for k in ("summary", "meaning", "action"))
    return render(
        request,
        "golden_thread/briefing_form.html",
        {
            "title": f"Write the briefing: {decision.title}",
            "membership": membership,
            "decision": decision,
            "form": form,
            "r": readability_for(membership, text),
            "breadcrumbs": crumbs(membership),
        },
    )


@collective_page("briefings")
def briefing_publish(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    briefing = access.get_briefing_in_collective(membership, pk)
    if not access.facilitates(membership, briefing):
        raise PermissionDenied("Only the decision's facilitator (or a convenor) publishes it.")
    if briefing.is_published:
        return redirect(url_of(membership, briefing))
    form = PublishForm(request.POST or None)
    r = services.readability_of(briefing, membership.collective)
    if request.method == "POST" and form.is_valid():
        try:
            services.briefing_publish(
                actor_membership=membership,
                briefing=briefing,
                confirm_hard=form.cleaned_data["confirm_hard"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The briefing is published: every practice and PCN has it.")
            return redirect(url_of(membership, briefing, "briefing_thread"))
    practices = len(access.collective_practices(membership.collective_id))
    return render(
        request,
        "golden_thread/publish.html",
        {
            "title": f"Publish the briefing: {briefing.title}",
            "membership": membership,
            "briefing": briefing,
            "form": form,
            "r": r,
            "practices": practices,
            "breadcrumbs": crumbs(membership),
        },
    )


@collective_page("briefings")
def briefing_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    briefing = access.get_briefing_in_collective(membership, pk)
    thread = selectors.thread_for(briefing=briefing, practice_id=membership.organisation_id)
    speaks = thread is not None and access.speaks_for_practice(membership, thread.practice_id)
    facilitates = access.facilitates(membership, briefing)
    visible = access.questions_visible_to(membership, briefing)
    questions = [q for q in visible if facilitates or q.answered_at is not None]
    own_open = [q for q in visible if not facilitates and q.answered_at is None]
    return render(
        request,
        "golden_thread/briefing.html",
        {
            "title": briefing.title,
            "membership": membership,
            "briefing": briefing,
            "thread": thread,
            "speaks": speaks,
            "facilitates": facilitates,
            "questions": questions,
            "own_open": own_open,
            "ack_form": AcknowledgeForm(),
            "action_form": ActionForm(),
            "question_form": QuestionForm(),
            "breadcrumbs": crumbs(membership),
        },
    )


@collective_page("briefings")
def briefing_thread(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The thread dashboard of one decision: figures, and every practice by PCN."""
    briefing = access.get_briefing_in_collective(membership, pk)
    if not briefing.is_published:
        return redirect(url_of(membership, briefing, "briefing_publish"))
    figures = selectors.figures_by_briefing(briefing_ids=[briefing.pk]).get(
        briefing.pk, selectors.Figures()
    )
    groups = selectors.thread_rows(briefing=briefing)
    return render(
        request,
        "golden_thread/thread.html",
        {
            "title": f"Where the thread stands: {briefing.title}",
            "membership": membership,
            "briefing": briefing,
            "f": figures,
            "groups": groups,
            "facilitates": access.facilitates(membership, briefing),
            "leads": [g for g in groups if access.leads_pcn(membership, g.pcn_id)],
            "breadcrumbs": crumbs(membership, (briefing.title, url_of(membership, briefing))),
        },
    )


@collective_page("briefings")
def practice(request: HttpRequest, membership: Membership, organisation: int) -> HttpResponse:
    """One practice: every decision and where its thread stands."""
    member = access.get_practice_in_collective(membership, organisation)
    practice_org: Organisation = member.organisation
    page = Paginator(
        selectors.practice_threads(collective=membership.collective, practice=practice_org), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "golden_thread/practice.html",
        {
            "title": f"The golden thread to {practice_org.name}",
            "membership": membership,
            "practice": practice_org,
            "page": page,
            "breadcrumbs": crumbs(membership),
        },
    )
