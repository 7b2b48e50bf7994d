"""Golden-thread pages. Thin: services hold every rule, selectors every read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.forms import add_service_errors
from cascade import selectors, services
from cascade.forms import (
    AboutForm,
    AcknowledgeForm,
    ActionForm,
    AnswerForm,
    BriefingForm,
    PublishForm,
    QuestionForm,
    SearchForm,
    TouchForm,
)
from cascade.models import AboutPage, Briefing, Question, Thread
from collectives.decorators import collective_page
from collectives.models import CollectiveOrganisation, Membership
from decisions.models import Decision
from directory.models import Organisation


def _briefing(membership: Membership, pk: int) -> Briefing:
    """A briefing of the member's collective; a draft only for who may publish it."""
    found = (
        Briefing.objects.select_related("decision__proposal", "collective", "author")
        .filter(collective_id=membership.collective_id, pk=pk)
        .first()
    )
    if found is None or (not found.is_published and not services.facilitates(membership, found)):
        raise Http404("No such briefing.")
    return found


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Golden thread", "href": reverse("cascade:briefings", args=[slug])},
        *({"text": t, "href": h} for t, h in extra),
    ]


def _url(membership: Membership, briefing: Briefing, name: str = "briefing") -> str:
    return reverse(f"cascade:{name}", args=[membership.collective.slug, briefing.pk])


def _readability(membership: Membership, text: str) -> Any:
    return services.readability_of(text, membership.collective)


@collective_page("briefings")
def briefings(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The collective's thread dashboard: every published briefing and its figures."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    published = selectors.briefings_for_collective(collective=membership.collective, published=True)
    if query:
        published = published.filter(decision__title__icontains=query)
    page = Paginator(published, 25).get_page(request.GET.get("page"))
    rows = list(page)
    figures = selectors.figures_by_briefing(briefing_ids=[b.pk for b in rows])
    can_write = membership.is_convenor
    drafts = (
        list(selectors.briefings_for_collective(collective=membership.collective, published=False))
        if can_write
        else []
    )
    awaiting = (
        list(selectors.decisions_without_briefing(collective=membership.collective)[:20])
        if can_write
        else []
    )
    return render(
        request,
        "cascade/briefings.html",
        {
            "title": "The golden thread",
            "membership": membership,
            "form": form,
            "page": page,
            "rows": [(b, figures.get(b.pk, selectors.Figures())) for b in rows],
            "totals": selectors.collective_figures(collective=membership.collective),
            "drafts": drafts,
            "awaiting": awaiting,
            "query": f"&q={query}" if query else "",
            "filtered": bool(query),
            "practices": CollectiveOrganisation.objects.filter(
                collective_id=membership.collective_id, organisation__kind="practice"
            )
            .select_related("organisation")
            .order_by("organisation__name"),
            "breadcrumbs": _crumbs(membership)[:1],
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
        "cascade/_readability.html",
        {"r": _readability(membership, text), "membership": membership},
    )


@collective_page("decisions")
def briefing_write(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    decision = (
        Decision.objects.select_related("proposal")
        .filter(collective_id=membership.collective_id, pk=pk)
        .first()
    )
    if decision is None:
        raise Http404("No such decision.")
    existing = Briefing.objects.filter(decision=decision).first()
    if not (membership.is_convenor or membership.user_id == decision.proposal.facilitator_id):
        raise PermissionDenied(
            "Only the decision's facilitator (or a convenor) writes its briefing."
        )
    if existing and existing.is_published:
        messages.info(request, "This briefing is published; it cannot change.")
        return redirect(_url(membership, existing))
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
            return redirect(_url(membership, briefing, "briefing_publish"))
    data = form.data if form.is_bound else initial
    text = "\n\n".join(str(data.get(k) or "") for k in ("summary", "meaning", "action"))
    return render(
        request,
        "cascade/briefing_form.html",
        {
            "title": f"Write the briefing: {decision.title}",
            "membership": membership,
            "decision": decision,
            "form": form,
            "r": _readability(membership, text),
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("briefings")
def briefing_publish(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    briefing = _briefing(membership, pk)
    if not services.facilitates(membership, briefing):
        raise PermissionDenied("Only the decision's facilitator (or a convenor) publishes it.")
    if briefing.is_published:
        return redirect(_url(membership, briefing))
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
            return redirect(_url(membership, briefing, "briefing_thread"))
    practices = len(services.collective_practices(membership.collective_id))
    return render(
        request,
        "cascade/publish.html",
        {
            "title": f"Publish the briefing: {briefing.decision.title}",
            "membership": membership,
            "briefing": briefing,
            "form": form,
            "r": r,
            "practices": practices,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("briefings")
def briefing_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    briefing = _briefing(membership, pk)
    thread = selectors.thread_for(briefing=briefing, practice_id=membership.organisation_id)
    speaks = thread is not None and services.speaks_for_practice(membership, thread.practice_id)
    facilitates = services.facilitates(membership, briefing)
    questions = selectors.questions_for_briefing(briefing=briefing, answered_only=not facilitates)
    own_open = (
        list(Question.objects.filter(thread=thread, answered_at__isnull=True))
        if thread is not None and not facilitates
        else []
    )
    return render(
        request,
        "cascade/briefing.html",
        {
            "title": briefing.decision.title,
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
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("briefings")
def briefing_thread(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The thread dashboard of one decision: figures, and every practice by PCN."""
    briefing = _briefing(membership, pk)
    if not briefing.is_published:
        return redirect(_url(membership, briefing, "briefing_publish"))
    figures = selectors.figures_by_briefing(briefing_ids=[briefing.pk]).get(
        briefing.pk, selectors.Figures()
    )
    groups = selectors.thread_rows(briefing=briefing)
    return render(
        request,
        "cascade/thread.html",
        {
            "title": f"Where the thread stands: {briefing.decision.title}",
            "membership": membership,
            "briefing": briefing,
            "f": figures,
            "groups": groups,
            "facilitates": services.facilitates(membership, briefing),
            "leads": [g for g in groups if services.leads_pcn(membership, g.pcn_id)],
            "breadcrumbs": _crumbs(
                membership, (briefing.decision.title, _url(membership, briefing))
            ),
        },
    )


def _thread_of_member(membership: Membership, briefing: Briefing) -> Thread:
    thread = selectors.thread_for(briefing=briefing, practice_id=membership.organisation_id)
    if thread is None or not services.speaks_for_practice(membership, thread.practice_id):
        raise PermissionDenied("Only a practice's own people answer for it.")
    thread.briefing = briefing
    return thread


def _practice_form(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    *,
    form_class: type,
    template: str,
    title: str,
    act: Any,
    done: str,
) -> HttpResponse:
    briefing = _briefing(membership, pk)
    thread = _thread_of_member(membership, briefing)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(thread, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_url(membership, briefing))
    return render(
        request,
        template,
        {
            "title": f"{title}: {briefing.decision.title}",
            "membership": membership,
            "briefing": briefing,
            "thread": thread,
            "form": form,
            "breadcrumbs": _crumbs(
                membership, (briefing.decision.title, _url(membership, briefing))
            ),
        },
    )


@collective_page("briefings")
def acknowledge(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _practice_form(
        request,
        membership,
        pk,
        form_class=AcknowledgeForm,
        template="cascade/acknowledge.html",
        title="Acknowledge",
        act=lambda thread, data: services.acknowledge(membership=membership, thread=thread, **data),
        done="Thank you: the group knows the decision reached your practice.",
    )


@collective_page("briefings")
def action(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _practice_form(
        request,
        membership,
        pk,
        form_class=ActionForm,
        template="cascade/action.html",
        title="Report the action",
        act=lambda thread, data: services.action_report(
            membership=membership, thread=thread, **data
        ),
        done="Thank you: the action is reported.",
    )


@collective_page("briefings")
def question_ask(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _practice_form(
        request,
        membership,
        pk,
        form_class=QuestionForm,
        template="cascade/question.html",
        title="Ask a question",
        act=lambda thread, data: services.question_ask(
            membership=membership, thread=thread, **data
        ),
        done="Your question is with the facilitator. The answer will show on the briefing.",
    )


@collective_page("briefings")
def question_answer(
    request: HttpRequest, membership: Membership, pk: int, item: int
) -> HttpResponse:
    briefing = _briefing(membership, pk)
    question = (
        Question.objects.select_related("thread__practice")
        .filter(thread__briefing=briefing, pk=item)
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    if not services.facilitates(membership, briefing):
        raise PermissionDenied("Only the decision's facilitator (or a convenor) answers.")
    form = AnswerForm(request.POST or None, initial={"answer": question.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(
                actor_membership=membership, question=question, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Answered: every practice sees it on the briefing.")
            return redirect(_url(membership, briefing) + f"#question-{question.pk}")
    return render(
        request,
        "cascade/answer.html",
        {
            "title": f"Answer a question: {briefing.decision.title}",
            "membership": membership,
            "briefing": briefing,
            "question": question,
            "form": form,
            "breadcrumbs": _crumbs(
                membership, (briefing.decision.title, _url(membership, briefing))
            ),
        },
    )


@collective_page("briefings")
def touches(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Record how the briefing reached practices: a PCN meeting, a huddle, a newsletter..."""
    briefing = _briefing(membership, pk)
    if not briefing.is_published:
        raise Http404("Not published yet.")
    threads = [
        t
        for t in Thread.objects.filter(briefing=briefing)
        .select_related("practice", "pcn")
        .order_by("practice__name")
        if services.facilitates(membership, briefing)
        or services.speaks_for_practice(membership, t.practice_id)
        or services.leads_pcn(membership, t.pcn_id)
    ]
    if not threads:
        raise PermissionDenied(
            "Touches are recorded by a practice's own people, its PCN's Clinical Director or "
            "the facilitator."
        )
    choices = [(t.practice_id, t.practice.name) for t in threads]
    leads = any(services.leads_pcn(membership, t.pcn_id) for t in threads)
    form = TouchForm(
        request.POST or None,
        practices=choices,
        initial={
            "channel": "pcn_meeting" if leads else "practice_meeting",
            "practices": [c[0] for c in choices] if len(choices) <= 40 else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["practices"])
        for t in threads:
            t.briefing = briefing
        try:
            services.touches_record(
                actor_membership=membership,
                threads=[t for t in threads if t.practice_id in chosen],
                channel=form.cleaned_data["channel"],
                happened_on=form.cleaned_data["happened_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            n = len(chosen)
            messages.success(request, f"Recorded for {n} practice{'s' if n != 1 else ''}.")
            return redirect(_url(membership, briefing, "briefing_thread"))
    return render(
        request,
        "cascade/touches.html",
        {
            "title": f"Record how it reached practices: {briefing.decision.title}",
            "membership": membership,
            "briefing": briefing,
            "form": form,
            "breadcrumbs": _crumbs(
                membership, (briefing.decision.title, _url(membership, briefing))
            ),
        },
    )


@collective_page("briefings")
def practice(request: HttpRequest, membership: Membership, organisation: int) -> HttpResponse:
    """One practice: every decision and where its thread stands."""
    member = (
        CollectiveOrganisation.objects.select_related("organisation")
        .filter(
            collective_id=membership.collective_id,
            organisation_id=organisation,
            organisation__kind="practice",
        )
        .first()
    )
    if member is None:
        raise Http404("No such practice in this collective.")
    practice_org: Organisation = member.organisation
    page = Paginator(
        selectors.practice_threads(collective=membership.collective, practice=practice_org), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cascade/practice.html",
        {
            "title": f"The golden thread to {practice_org.name}",
            "membership": membership,
            "practice": practice_org,
            "page": page,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("about")
def about(request: HttpRequest, membership: Membership) -> HttpResponse:
    from relationships.selectors import awareness_over_time

    collective = membership.collective
    page = AboutPage.objects.filter(collective=collective).first()
    leaders = list(
        CollectiveOrganisation.objects.filter(collective=collective, is_leadership=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    speakers: dict[int, list[Membership]] = {}
    for m in (
        Membership.objects.filter(
            collective=collective,
            role__in=("representative", "deputy"),
            organisation_id__in=[x.organisation_id for x in leaders],
        )
        .select_related("user")
        .order_by("role", "user__full_name")
    ):
        speakers.setdefault(m.organisation_id, []).append(m)  # type: ignore[arg-type]
    recent = list(selectors.briefings_for_collective(collective=collective, published=True)[:5])
    return render(
        request,
        "cascade/about.html",
        {
            "title": f"Who we are: {collective.name}",
            "membership": membership,
            "collective": collective,
            "page": page if page and (page.published_at or membership.is_convenor) else None,
            "leaders": [(x.organisation, speakers.get(x.organisation_id, [])) for x in leaders],
            "recent": recent,
            "awareness": awareness_over_time(collective=collective),
            "breadcrumbs": [
                {
                    "text": collective.name,
                    "href": reverse("home:collective", args=[collective.slug]),
                }
            ],
        },
    )


@collective_page("about", convenor_only=True)
def about_edit(request: HttpRequest, membership: Membership) -> HttpResponse:
    collective = membership.collective
    page = AboutPage.objects.filter(collective=collective).first()
    initial = {"text": page.text if page else collective.description}
    form = AboutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.about_save(actor_membership=membership, text=form.cleaned_data["text"])
            if "publish" in request.POST:
                services.about_publish(
                    actor_membership=membership, confirm_hard=form.cleaned_data["confirm_hard"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "“Who we are” is published." if "publish" in request.POST else "Saved as a draft.",
            )
            return redirect(reverse("cascade:about", args=[collective.slug]))
    data = form.data if form.is_bound else initial
    return render(
        request,
        "cascade/about_form.html",
        {
            "title": "Edit “Who we are”",
            "membership": membership,
            "form": form,
            "r": _readability(membership, str(data.get("text") or "")),
            "breadcrumbs": [
                {
                    "text": collective.name,
                    "href": reverse("home:collective", args=[collective.slug]),
                },
                {"text": "Who we are", "href": reverse("cascade:about", args=[collective.slug])},
            ],
        },
    )
