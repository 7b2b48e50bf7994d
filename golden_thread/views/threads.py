"""What practices and Clinical Directors record on a thread."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from golden_thread import access, selectors, services
from golden_thread.forms import (
    AcknowledgeForm,
    ActionForm,
    AnswerForm,
    QuestionForm,
    TouchForm,
)
from golden_thread.views.common import crumbs, url_of


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
    briefing = access.get_briefing_in_collective(membership, pk)
    thread = access.get_own_thread(membership, briefing)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(thread, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(url_of(membership, briefing))
    return render(
        request,
        template,
        {
            "title": f"{title}: {briefing.title}",
            "membership": membership,
            "briefing": briefing,
            "thread": thread,
            "form": form,
            "breadcrumbs": crumbs(membership, (briefing.title, url_of(membership, briefing))),
        },
    )


@collective_page("briefings")
def acknowledge(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _practice_form(
        request,
        membership,
        pk,
        form_class=AcknowledgeForm,
        template="golden_thread/acknowledge.html",
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
        template="golden_thread/action.html",
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
        template="golden_thread/question.html",
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
    briefing = access.get_briefing_in_collective(membership, pk)
    question = access.get_question_on_briefing(briefing, item)
    if not access.facilitates(membership, briefing):
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
            return redirect(url_of(membership, briefing) + f"#question-{question.pk}")
    return render(
        request,
        "golden_thread/answer.html",
        {
            "title": f"Answer a question: {briefing.title}",
            "membership": membership,
            "briefing": briefing,
            "question": question,
            "form": form,
            "breadcrumbs": crumbs(membership, (briefing.title, url_of(membership, briefing))),
        },
    )


@collective_page("briefings")
def touches(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Record how the briefing reached practices: a PCN meeting, a huddle, a newsletter..."""
    briefing = access.get_briefing_in_collective(membership, pk)
    if not briefing.is_published:
        raise Http404("Not published yet.")
    threads = [
        t for t in selectors.threads_on(briefing=briefing) if access.may_touch(membership, t)
    ]
    if not threads:
        raise PermissionDenied(
            "Touches are recorded by a practice's own people, its PCN's Clinical Director or "
            "the facilitator."
        )
    choices = [(t.practice_id, t.practice.name) for t in threads]
    leads = any(access.leads_pcn(membership, t.pcn_id) for t in threads)
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
            return redirect(url_of(membership, briefing, "briefing_thread"))
    return render(
        request,
        "golden_thread/touches.html",
        {
            "title": f"Record how it reached practices: {briefing.title}",
            "membership": membership,
            "briefing": briefing,
            "form": form,
            "breadcrumbs": crumbs(membership, (briefing.title, url_of(membership, briefing))),
        },
    )
