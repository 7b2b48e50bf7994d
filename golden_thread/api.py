"""The golden thread's API: briefings, the thread to every practice, touches,
acknowledgements, actions, questions, the dashboard figures and "who we are".

Thin, like the pages: every rule is in golden_thread.services, every read in
golden_thread.selectors, and every object is fetched through golden_thread.access within the
caller's collective (an object of another collective is not found); a draft briefing is not
found by anyone who may not publish it. Services raise, and the API's exception handler
answers 400 or 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import ids_not_found, paged_response, valid_input
from collectives.access import get_membership_for_user
from collectives.models import Membership
from decisions import access as decisions_access
from golden_thread import access, selectors, services, who_we_are
from golden_thread.models import AboutPage, Briefing, Touch
from golden_thread.readability import Readability
from golden_thread.serializers import (
    AboutInput,
    AboutOutput,
    AboutPageOutput,
    AcknowledgementInput,
    ActionInput,
    AnswerInput,
    BriefingDetailOutput,
    BriefingInput,
    BriefingOutput,
    BriefingWrittenOutput,
    FiguresOutput,
    PublishInput,
    QuestionInput,
    QuestionOutput,
    ThreadOutput,
    TouchesRecordedOutput,
    TouchInput,
    TouchOutput,
)

T = TypeVar("T")


def _briefing(request: Request, slug: str, pk: int) -> tuple[Membership, Briefing]:
    membership = get_membership_for_user(request.user, slug)
    return membership, access.get_briefing_in_collective(membership, pk)


def _own_row(membership: Membership, briefing: Briefing) -> selectors.PracticeRow | None:
    practice_id = membership.organisation_id
    if practice_id is None or not access.speaks_for_practice(membership, practice_id):
        return None
    rows = (r for g in selectors.thread_rows(briefing=briefing) for r in g.rows)
    return next((r for r in rows if r.thread.practice_id == practice_id), None)


def _confirm_hard_named(error: ValidationError) -> ValidationError:
    """A briefing that reads harder than the threshold is published only with a
    confirmation: name confirm_hard as the field the caller must send."""
    if hasattr(error, "error_list") and any(
        e.code == "needs_confirmation" for e in error.error_list
    ):
        return ValidationError(
            {
                "confirm_hard": [
                    f"{m} To publish it as it is, send confirm_hard: true." for m in error.messages
                ]
            }
        )
    return error


def _readability(r: Readability) -> dict[str, Any]:
    return {
        "reading_ease": r.reading_ease,
        "grade": r.grade,
        "threshold": r.threshold,
        "below_threshold": r.below_threshold,
        "longest_sentences": r.longest_sentences,
        "hardest_words": r.hardest_words,
    }


def _figures(briefing: Briefing) -> dict[int, selectors.Figures]:
    if not briefing.is_published:
        return {}
    return selectors.figures_by_briefing(briefing_ids=[briefing.pk])


def _detail(membership: Membership, briefing: Briefing) -> dict[str, Any]:
    own = _own_row(membership, briefing) if briefing.is_published else None
    questions = selectors.questions_for_briefing(briefing=briefing, answered_only=True)
    return {
        **BriefingOutput(briefing, context={"figures": _figures(briefing)}).data,
        "questions": QuestionOutput(questions, many=True).data,
        "own_thread": ThreadOutput(own).data if own else None,
    }


def _with_figures(rows: list[Briefing]) -> Any:
    figures = selectors.figures_by_briefing(briefing_ids=[b.pk for b in rows if b.is_published])
    return BriefingOutput(rows, many=True, context={"figures": figures}).data


class BriefingList(generics.ListAPIView):
    """Published briefings, newest first, each with its figures; drafts too (first) for
    whoever may publish them. POST writes or rewrites the draft briefing of a decision:
    201 when it is new, 200 when it rewrites the draft."""

    serializer_class = BriefingOutput

    def get_queryset(self) -> QuerySet[Briefing]:
        membership = get_membership_for_user(self.request.user, self.kwargs["slug"])
        return access.briefings_visible_to(membership)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return paged_response(self, self.get_queryset(), _with_figures)

    @extend_schema(
        request=BriefingInput, responses={201: BriefingWrittenOutput, 200: BriefingWrittenOutput}
    )
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(BriefingInput, request)
        decision = decisions_access.get_decision_named(membership, data["decision"])
        adding = selectors.briefing_of(decision=decision) is None
        briefing = services.briefing_save(
            actor_membership=membership,
            decision=decision,
            summary=data["summary"],
            meaning=data["meaning"],
            action=data["action"],
            action_by=data["action_by"],
        )
        briefing = access.get_briefing_in_collective(membership, briefing.pk)
        return Response(
            {
                **BriefingOutput(briefing).data,
                "readability": _readability(services.readability_of(briefing, briefing.collective)),
            },
            status=status.HTTP_201_CREATED if adding else status.HTTP_200_OK,
        )


class BriefingFigures(APIView):
    """The figures over every published briefing of the collective."""

    serializer_class = FiguresOutput

    @extend_schema(responses=FiguresOutput)
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        figures = selectors.collective_figures(collective=membership.collective)
        return Response(FiguresOutput(figures.as_dict()).data)


class BriefingDetail(APIView):
    """A briefing with its figures, its answered questions and, for a practice's own people,
    where the thread to their practice stands."""

    serializer_class = BriefingDetailOutput

    @extend_schema(responses=BriefingDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        return Response(_detail(membership, briefing))


class BriefingPublish(APIView):
    """The facilitator (or a convenor) sends the briefing to every practice. One that reads
    harder than the collective's threshold needs confirm_hard."""

    serializer_class = BriefingDetailOutput

    @extend_schema(request=PublishInput, responses=BriefingDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        data = valid_input(PublishInput, request)
        try:
            services.briefing_publish(
                actor_membership=membership, briefing=briefing, confirm_hard=data["confirm_hard"]
            )
        except ValidationError as error:
            raise _confirm_hard_named(error) from None
        return Response(
            _detail(membership, access.get_briefing_in_collective(membership, briefing.pk))
        )


class BriefingThreads(APIView):
    """Every practice's thread, by PCN (practices in no PCN last)."""

    serializer_class = ThreadOutput

    @extend_schema(responses=ThreadOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, briefing = _briefing(request, slug, pk)
        rows = [r for g in selectors.thread_rows(briefing=briefing) for r in g.rows]
        return Response(ThreadOutput(rows, many=True).data)


class BriefingTouches(generics.ListAPIView):
    """How the briefing reached practices. POST records a touch (a PCN meeting, a huddle...)
    for each of the practices named: a practice's own people for their practice, a PCN's
    Clinical Director for the PCN's practices, the facilitator for any."""

    serializer_class = TouchOutput

    def get_queryset(self) -> QuerySet[Touch]:
        _, briefing = _briefing(self.request, self.kwargs["slug"], self.kwargs["pk"])
        return selectors.touches_on(briefing=briefing)

    @extend_schema(request=TouchInput, responses={201: TouchesRecordedOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        data = valid_input(TouchInput, request)
        wanted = set(data["practices"])
        threads = selectors.threads_on(briefing=briefing, practice_ids=wanted)
        unknown = wanted - {t.practice_id for t in threads}
        if unknown:
            raise ids_not_found("practices", "a practice on this briefing's thread", unknown)
        touches = services.touches_record(
            actor_membership=membership,
            threads=threads,
            channel=data["channel"],
            happened_on=data["happened_on"],
            note=data["note"],
        )
        found = selectors.touches_on(briefing=briefing).filter(pk__in=[t.pk for t in touches])
        return Response(
            {"recorded": len(touches), "touches": TouchOutput(found, many=True).data},
            status=status.HTTP_201_CREATED,
        )


class _OwnThreadWrite(APIView):
    """A PUT by the caller's practice on its own thread, through one service."""

    serializer_class = ThreadOutput
    input_class: type[serializers.Serializer]
    service: Callable[..., Any]

    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        thread = access.get_own_thread(membership, briefing)
        data = valid_input(self.input_class, request)
        self.service(membership=membership, thread=thread, **data)
        return Response(ThreadOutput(_own_row(membership, briefing)).data)


@extend_schema_view(put=extend_schema(request=AcknowledgementInput, responses=ThreadOutput))
class BriefingAcknowledgement(_OwnThreadWrite):
    """The caller's practice says the briefing reached it: discussed at the practice meeting
    (also a touch), understood, or we have questions (the question goes to the facilitator)."""

    input_class = AcknowledgementInput
    service = staticmethod(services.acknowledge)


@extend_schema_view(put=extend_schema(request=ActionInput, responses=ThreadOutput))
class BriefingAction(_OwnThreadWrite):
    """The caller's practice reports whether the action is in place."""

    input_class = ActionInput
    service = staticmethod(services.action_report)


class BriefingQuestions(APIView):
    """Answered questions, for everyone; the caller's own practice's open ones too; and
    every question for the facilitator (or a convenor). POST asks a question for the
    caller's practice."""

    serializer_class = QuestionOutput

    @extend_schema(responses=QuestionOutput(many=True))
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        questions = access.questions_visible_to(membership, briefing)
        return Response(QuestionOutput(questions, many=True).data)

    @extend_schema(request=QuestionInput, responses={201: QuestionOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        thread = access.get_own_thread(membership, briefing)
        data = valid_input(QuestionInput, request)
        question = services.question_ask(membership=membership, thread=thread, text=data["text"])
        return Response(
            QuestionOutput(access.get_question_on_briefing(briefing, question.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class BriefingQuestionAnswer(APIView):
    """The facilitator (or a convenor) answers a question; every practice then sees it."""

    serializer_class = QuestionOutput

    @extend_schema(request=AnswerInput, responses=QuestionOutput)
    def post(self, request: Request, slug: str, pk: int, item_pk: int) -> Response:
        membership, briefing = _briefing(request, slug, pk)
        question = access.get_question_on_briefing(briefing, item_pk)
        data = valid_input(AnswerInput, request)
        services.question_answer(
            actor_membership=membership, question=question, answer=data["answer"]
        )
        return Response(QuestionOutput(access.get_question_on_briefing(briefing, question.pk)).data)


def _about(page: AboutPage) -> dict[str, Any]:
    readability = services.readability_of(page.text, page.collective)
    return {**AboutPageOutput(page).data, "readability": _readability(readability)}


class About(APIView):
    """What the leadership group is and does ("who we are"). Members see it once it is
    published; convenors see the draft too. PUT (convenors) writes the text as a draft,
    taking a published page down until it is published again: 201 when it is new, 200 when
    it changes."""

    serializer_class = AboutOutput

    @extend_schema(responses=AboutOutput)
    def get(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        return Response(_about(access.get_about_page(membership)))

    @extend_schema(request=AboutInput, responses={201: AboutOutput, 200: AboutOutput})
    def put(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(AboutInput, request)
        adding = selectors.about_page_of(collective=membership.collective) is None
        page = who_we_are.about_save(actor_membership=membership, text=data["text"])
        return Response(
            _about(page), status=status.HTTP_201_CREATED if adding else status.HTTP_200_OK
        )


class AboutPublish(APIView):
    """A convenor publishes "who we are" to every member. A text that reads harder than the
    collective's threshold needs confirm_hard."""

    serializer_class = AboutOutput

    @extend_schema(request=PublishInput, responses=AboutOutput)
    def post(self, request: Request, slug: str) -> Response:
        membership = get_membership_for_user(request.user, slug)
        data = valid_input(PublishInput, request)
        try:
            page = who_we_are.about_publish(
                actor_membership=membership, confirm_hard=data["confirm_hard"]
            )
        except ValidationError as error:
            raise _confirm_hard_named(error) from None
        return Response(_about(page))
