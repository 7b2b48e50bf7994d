"""The golden thread's rules: writing and publishing a briefing, acknowledging it, touches,
questions, actions, the figures, and the audit trail each write leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from audit.models import AuditEntry
from collectives.models import Role
from golden_thread import selectors, services, who_we_are
from golden_thread.models import AboutPage, Briefing, Channel, Question, Thread, Touch
from golden_thread.tests.conftest import HARD, PLAIN
from notifications.models import Notification

ACTION_BY = dt.date(2031, 9, 1)


def _save(area, texts=PLAIN, *, decision=None, by=None, action_by=ACTION_BY):
    return services.briefing_save(
        actor_membership=by or area.convenor,
        decision=decision or area.decision,
        **texts,
        action_by=action_by if texts["action"] else None,
    )


def _publish(area, briefing, *, by=None, **kwargs):
    return services.briefing_publish(
        actor_membership=by or area.convenor, briefing=briefing, **kwargs
    )


def _thread(briefing, practice):
    return Thread.objects.get(briefing=briefing, practice=practice)


def _actions():
    return sorted(AuditEntry.objects.values_list("action", flat=True))


# Writing and publishing -----------------------------------------------------------------


def test_the_facilitator_saves_a_briefing_with_its_readability(area):
    briefing = _save(area)
    assert briefing.summary == PLAIN["summary"]
    assert briefing.action_by == ACTION_BY
    assert briefing.author == area.convenor.user
    assert not briefing.is_published
    assert briefing.reading_ease == pytest.approx(
        services.readability_of(briefing, area.convenor.collective).reading_ease
    )
    assert briefing.reading_ease >= 60


def test_saving_again_rewrites_the_one_briefing(area):
    _save(area)
    _save(area, {**PLAIN, "summary": "A shorter summary."})
    briefing = Briefing.objects.get()
    assert briefing.summary == "A shorter summary."


def test_a_facilitator_who_is_not_a_convenor_may_write_and_publish(area):
    cd = area.cds[0]
    decision = area.decide("Shared rota", facilitator=cd.user)
    briefing = _save(area, decision=decision, by=cd)
    _publish(area, briefing, by=cd)
    assert Briefing.objects.get(pk=briefing.pk).is_published


def test_only_the_facilitator_or_a_convenor_may_write_a_briefing(area):
    for someone in (area.cds[0], area.managers[0]):
        with pytest.raises(PermissionDenied):
            _save(area, by=someone)
    assert not Briefing.objects.exists()


def test_only_the_facilitator_or_a_convenor_may_publish(area):
    briefing = _save(area)
    for someone in (area.cds[0], area.managers[0]):
        with pytest.raises(PermissionDenied):
            _publish(area, briefing, by=someone)
    assert not Thread.objects.exists()
    assert not Briefing.objects.get().is_published


def test_another_collectives_decision_is_refused(area, outsider):
    with pytest.raises(PermissionDenied):
        _save(area, by=outsider)
    briefing = _save(area)
    with pytest.raises(PermissionDenied):
        _publish(area, briefing, by=outsider)
    assert not Thread.objects.exists()


def test_an_action_needs_a_date(area):
    with pytest.raises(ValidationError) as error:
        _save(area, action_by=None)
    assert "action_by" in error.value.message_dict
    assert not Briefing.objects.exists()


def test_a_briefing_needs_a_summary_and_its_meaning(area):
    with pytest.raises(ValidationError) as error:
        _save(area, {"summary": " ", "meaning": "", "action": ""})
    assert set(error.value.message_dict) == {"summary", "meaning"}


def test_a_published_briefing_cannot_change(area):
    briefing = _publish(area, _save(area))
    with pytest.raises(ValidationError) as error:
        _save(area, {**PLAIN, "summary": "Something else."})
    assert "cannot change" in error.value.messages[0]
    assert Briefing.objects.get().summary == PLAIN["summary"]
    with pytest.raises(ValidationError):
        _publish(area, briefing)
    assert Thread.objects.count() == 20


def test_a_hard_briefing_needs_a_confirmation_and_nothing_is_half_written(
    area, mailbox, django_capture_on_commit_callbacks
):
    briefing = _save(area, HARD)
    before = _actions()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        _publish(area, briefing)
    assert error.value.code == "needs_confirmation"
    assert "reads hard" in error.value.messages[0]
    assert not Briefing.objects.get().is_published
    assert not Thread.objects.exists()
    assert not Touch.objects.exists()
    assert not Notification.objects.exists()
    assert _actions() == before
    assert mailbox.messages == []


def test_a_hard_briefing_is_published_when_confirmed_and_marked_so(area):
    briefing = _publish(area, _save(area, HARD), confirm_hard=True)
    assert briefing.is_published
    assert briefing.published_below_threshold
    assert briefing.published_by == area.convenor.user
    assert Thread.objects.filter(briefing=briefing).count() == 20


def test_a_plain_briefing_is_not_marked_below_threshold(area):
    briefing = _publish(area, _save(area), confirm_hard=True)
    assert not briefing.published_below_threshold


def test_a_collective_without_practices_cannot_publish(convenor):
    from golden_thread.tests.conftest import build_collective

    area = build_collective(convenor, pcns=1, per_pcn=0)
    briefing = _save(area)
    with pytest.raises(ValidationError):
        _publish(area, briefing)
    assert not Briefing.objects.get().is_published
    assert not AuditEntry.objects.filter(action="briefing.published").exists()


def test_publishing_opens_a_thread_to_every_practice_with_its_pcn(
    area, mailbox, django_capture_on_commit_callbacks
):
    lonely = MemberOrganisationFactory(
        collective=area.convenor.collective, organisation__name="Lonely Surgery"
    ).organisation
    with django_capture_on_commit_callbacks(execute=True):
        briefing = _publish(area, _save(area))
    threads = {t.practice_id: t for t in Thread.objects.filter(briefing=briefing)}
    assert set(threads) == {p.pk for p in area.practices} | {lonely.pk}
    for i, pcn in enumerate(area.pcns):
        for practice in area.practices[i * 5 : i * 5 + 5]:
            assert threads[practice.pk].pcn_id == pcn.pk
    assert threads[lonely.pk].pcn_id is None
    # The direct e-mail is logged once for each practice with people to e-mail.
    emailed = Touch.objects.filter(thread__briefing=briefing, channel=Channel.EMAIL)
    assert sorted(emailed.values_list("thread__practice_id", flat=True)) == sorted(
        p.pk for p in area.practices
    )
    assert {t.happened_on for t in emailed} == {timezone.localdate()}
    # Every practice manager and every Clinical Director hears of it.
    recipients = sorted(m["To"] for m in mailbox.messages)
    assert recipients == sorted(
        [m.user.email for m in area.managers] + [cd.user.email for cd in area.cds]
    )
    to_manager = next(m for m in mailbox.messages if m["To"] == area.managers[0].user.email)
    assert to_manager["Subject"] == "New decision for your practice: One phlebotomy service"
    text = to_manager.get_body(("plain",)).get_content()
    assert PLAIN["summary"] in text
    assert "by 01 September 2031: " + PLAIN["action"] in text
    assert briefing.get_absolute_url() in text
    to_cd = next(m for m in mailbox.messages if m["To"] == area.cds[1].user.email)
    assert to_cd["Subject"] == "Please take to your next PCN meeting: One phlebotomy service"
    cd_text = " ".join(to_cd.get_body(("plain",)).get_content().split())
    assert "5 practices (Practice B1, Practice B2, Practice B3, Practice B4, Practice B5)" in (
        cd_text
    )


# Acknowledging -----------------------------------------------------------------------------


@pytest.fixture
def published(area):
    return _publish(area, _save(area))


def test_a_practice_acknowledges_its_own_thread(area, published):
    practice = area.practices[0]
    thread = services.acknowledge(
        membership=area.manager_of(practice),
        thread=_thread(published, practice),
        acknowledgement="understood",
    )
    thread.refresh_from_db()
    assert thread.reached
    assert thread.acknowledged_by == area.manager_of(practice).user
    assert thread.acknowledgement == "understood"


def test_only_the_practices_own_people_may_acknowledge(area, published, outsider):
    practice = area.practices[0]
    thread = _thread(published, practice)
    strangers = [area.managers[1], area.cds[0], area.convenor, outsider]
    strangers.append(
        MembershipFactory(
            collective=area.convenor.collective, role=Role.OBSERVER, organisation=practice
        )
    )
    for someone in strangers:
        with pytest.raises(PermissionDenied):
            services.acknowledge(membership=someone, thread=thread, acknowledgement="understood")
    assert not _thread(published, practice).reached


def test_discussed_needs_the_meeting_date(area, published):
    practice = area.practices[0]
    with pytest.raises(ValidationError) as error:
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(published, practice),
            acknowledgement="discussed",
        )
    assert "discussed_on" in error.value.message_dict
    assert not _thread(published, practice).reached


def test_a_discussion_cannot_be_in_the_future(area, published):
    practice = area.practices[0]
    with pytest.raises(ValidationError) as error:
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(published, practice),
            acknowledgement="discussed",
            discussed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert error.value.message_dict["discussed_on"] == ["The date cannot be in the future."]


def test_a_discussion_cannot_be_before_publication(area):
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    briefing = _publish(area, _save(area), now=three_days_ago)
    practice = area.practices[0]
    with pytest.raises(ValidationError) as error:
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(briefing, practice),
            acknowledgement="discussed",
            discussed_on=timezone.localdate(three_days_ago) - dt.timedelta(days=1),
        )
    assert "discussed_on" in error.value.message_dict
    assert not _thread(briefing, practice).reached


def test_discussed_at_the_practice_meeting_is_also_a_touch(area):
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    briefing = _publish(area, _save(area), now=three_days_ago)
    practice = area.practices[0]
    met_on = timezone.localdate(three_days_ago) + dt.timedelta(days=1)
    services.acknowledge(
        membership=area.manager_of(practice),
        thread=_thread(briefing, practice),
        acknowledgement="discussed",
        discussed_on=met_on,
    )
    thread = _thread(briefing, practice)
    assert thread.discussed_on == met_on
    touches = list(thread.touches.values_list("channel", "happened_on"))
    assert touches == [
        (Channel.EMAIL, timezone.localdate(three_days_ago)),
        (Channel.PRACTICE_MEETING, met_on),
    ]


def test_questions_need_the_question(area, published):
    practice = area.practices[0]
    with pytest.raises(ValidationError) as error:
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(published, practice),
            acknowledgement="questions",
            question="   ",
        )
    assert "question" in error.value.message_dict
    assert not Question.objects.exists()


def test_a_question_reaches_the_facilitator(
    area, published, mailbox, django_capture_on_commit_callbacks
):
    practice = area.practices[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(published, practice),
            acknowledgement="questions",
            question="Who books housebound patients?",
        )
    question = Question.objects.get()
    assert question.text == "Who books housebound patients?"
    assert question.is_open
    assert _thread(published, practice).reached
    [message] = mailbox.messages
    assert message["To"] == area.convenor.user.email
    assert message["Subject"] == "A question on One phlebotomy service"
    assert "Practice A1 asks: Who books housebound patients?" in (
        message.get_body(("plain",)).get_content()
    )


# Touches -----------------------------------------------------------------------------------


def test_a_clinical_director_records_the_pcn_meeting_for_the_pcns_practices(area, published):
    touches = services.pcn_meeting_record(
        actor_membership=area.cds[0],
        briefing=published,
        pcn_id=area.pcns[0].pk,
        met_on=timezone.localdate(),
    )
    assert len(touches) == 5
    met = Touch.objects.filter(channel=Channel.PCN_MEETING)
    assert sorted(met.values_list("thread__practice__name", flat=True)) == [
        f"Practice A{i}" for i in range(1, 6)
    ]
    assert {t.recorded_by_id for t in met} == {area.cds[0].user_id}


def test_a_pcn_meeting_may_name_the_practices_that_were_there(area, published):
    services.pcn_meeting_record(
        actor_membership=area.cds[0],
        briefing=published,
        pcn_id=area.pcns[0].pk,
        met_on=timezone.localdate(),
        practice_ids=[area.practices[0].pk, area.practices[1].pk, area.practices[5].pk],
    )
    met = Touch.objects.filter(channel=Channel.PCN_MEETING)
    assert sorted(met.values_list("thread__practice__name", flat=True)) == [
        "Practice A1",
        "Practice A2",
    ]


def test_another_pcns_clinical_director_cannot_record_its_meeting(area, published):
    with pytest.raises(PermissionDenied):
        services.pcn_meeting_record(
            actor_membership=area.cds[1],
            briefing=published,
            pcn_id=area.pcns[0].pk,
            met_on=timezone.localdate(),
        )
    for someone in (area.managers[0], area.managers[5]):
        with pytest.raises(PermissionDenied):
            services.pcn_meeting_record(
                actor_membership=someone,
                briefing=published,
                pcn_id=area.pcns[0].pk,
                met_on=timezone.localdate(),
            )
    assert not Touch.objects.filter(channel=Channel.PCN_MEETING).exists()


def test_a_pcn_meeting_cannot_be_in_the_future(area, published):
    with pytest.raises(ValidationError):
        services.pcn_meeting_record(
            actor_membership=area.cds[0],
            briefing=published,
            pcn_id=area.pcns[0].pk,
            met_on=timezone.localdate() + dt.timedelta(days=2),
        )
    assert not Touch.objects.filter(channel=Channel.PCN_MEETING).exists()


def test_a_practice_records_its_own_huddle_but_not_another_practices(area, published):
    own, other = _thread(published, area.practices[0]), _thread(published, area.practices[1])
    services.touches_record(
        actor_membership=area.managers[0],
        threads=[own],
        channel=Channel.HUDDLE,
        happened_on=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        services.touches_record(
            actor_membership=area.managers[0],
            threads=[own, other],
            channel=Channel.HUDDLE,
            happened_on=timezone.localdate(),
        )
    assert list(Touch.objects.filter(channel=Channel.HUDDLE).values_list("thread", flat=True)) == [
        own.pk
    ]


# Questions and actions ----------------------------------------------------------------------


def _ask(area, briefing, practice, text="Who books housebound patients?"):
    return services.question_ask(
        membership=area.manager_of(practice), thread=_thread(briefing, practice), text=text
    )


def test_the_facilitator_answers_a_question_and_the_practice_hears(
    area, published, mailbox, django_capture_on_commit_callbacks
):
    question = _ask(area, published, area.practices[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            actor_membership=area.convenor, question=question, answer="The district nurses."
        )
    question.refresh_from_db()
    assert question.answer == "The district nurses."
    assert not question.is_open
    assert [q.pk for q in selectors.questions_for_briefing(briefing=published, answered_only=True)]
    answered = [m for m in mailbox.messages if m["To"] == area.managers[0].user.email]
    assert [m["Subject"] for m in answered] == [
        "Your question on One phlebotomy service is answered"
    ]
    assert "The answer: The district nurses." in answered[0].get_body(("plain",)).get_content()


def test_a_practice_or_a_cd_cannot_answer_a_question(area, published):
    question = _ask(area, published, area.practices[0])
    for someone in (area.managers[0], area.managers[1], area.cds[0]):
        with pytest.raises(PermissionDenied):
            services.question_answer(actor_membership=someone, question=question, answer="Yes.")
    question.refresh_from_db()
    assert question.is_open and question.answer == ""


def test_an_answer_needs_text(area, published):
    question = _ask(area, published, area.practices[0])
    with pytest.raises(ValidationError):
        services.question_answer(actor_membership=area.convenor, question=question, answer=" ")
    question.refresh_from_db()
    assert question.is_open


def test_a_question_needs_text_and_the_practices_own_people(area, published):
    with pytest.raises(ValidationError):
        _ask(area, published, area.practices[0], text="  ")
    with pytest.raises(PermissionDenied):
        services.question_ask(
            membership=area.managers[1],
            thread=_thread(published, area.practices[0]),
            text="Why?",
        )
    assert not Question.objects.exists()


def test_a_practice_reports_the_action_in_place(area, published):
    practice = area.practices[0]
    thread = services.action_report(
        membership=area.manager_of(practice),
        thread=_thread(published, practice),
        status="in_place",
    )
    thread.refresh_from_db()
    assert thread.action_status == "in_place"
    assert thread.action_reported_by == area.manager_of(practice).user


def test_an_exception_needs_a_reason(area, published):
    practice = area.practices[0]
    with pytest.raises(ValidationError) as error:
        services.action_report(
            membership=area.manager_of(practice),
            thread=_thread(published, practice),
            status="exception",
        )
    assert "reason" in error.value.message_dict
    services.action_report(
        membership=area.manager_of(practice),
        thread=_thread(published, practice),
        status="exception",
        reason="Our phlebotomist stays until March.",
    )
    thread = _thread(published, practice)
    assert (thread.action_status, thread.action_reason) == (
        "exception",
        "Our phlebotomist stays until March.",
    )


def test_no_action_can_be_reported_when_none_was_asked(area):
    briefing = _publish(area, _save(area, {**PLAIN, "action": ""}))
    practice = area.practices[0]
    with pytest.raises(ValidationError) as error:
        services.action_report(
            membership=area.manager_of(practice),
            thread=_thread(briefing, practice),
            status="in_place",
        )
    assert error.value.messages == ["This decision asks practices to do nothing."]
    assert _thread(briefing, practice).action_status == ""


def test_only_the_practice_reports_its_action(area, published):
    with pytest.raises(PermissionDenied):
        services.action_report(
            membership=area.managers[1],
            thread=_thread(published, area.practices[0]),
            status="in_place",
        )


# Figures ------------------------------------------------------------------------------------


def _scenario(area):
    """Published eight days ago (with an action), carried to PCN A's meeting; A1 and A2
    understood, A3 discussed it, B1 has a question; A1's action is in place, A2 is an
    exception. A second briefing (no action) published now, untouched by anyone."""
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    first = _publish(area, _save(area), now=eight_days_ago)
    services.pcn_meeting_record(
        actor_membership=area.cds[0],
        briefing=first,
        pcn_id=area.pcns[0].pk,
        met_on=timezone.localdate(),
    )
    a1, a2, a3, b1 = area.practices[0], area.practices[1], area.practices[2], area.practices[5]
    for practice in (a1, a2):
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=_thread(first, practice),
            acknowledgement="understood",
        )
    services.acknowledge(
        membership=area.manager_of(a3),
        thread=_thread(first, a3),
        acknowledgement="discussed",
        discussed_on=timezone.localdate(),
    )
    services.acknowledge(
        membership=area.manager_of(b1),
        thread=_thread(first, b1),
        acknowledgement="questions",
        question="Who books housebound patients?",
    )
    services.action_report(
        membership=area.manager_of(a1), thread=_thread(first, a1), status="in_place"
    )
    services.action_report(
        membership=area.manager_of(a2),
        thread=_thread(first, a2),
        status="exception",
        reason="Our phlebotomist stays until March.",
    )
    second_decision = area.decide("Shared rota")
    second = _publish(area, _save(area, HARD, decision=second_decision), confirm_hard=True)
    return first, second


def test_the_figures_of_each_briefing_are_what_we_work_out_by_hand(
    area, django_assert_max_num_queries
):
    first, second = _scenario(area)
    with django_assert_max_num_queries(3):
        figures = selectors.figures_by_briefing(briefing_ids=[first.pk, second.pk])
    one, two = figures[first.pk], figures[second.pk]
    # 20 practices; 4 acknowledged (a question counts: it reached them).
    assert (one.practices, one.acknowledged, one.reach) == (20, 4, 0.2)
    # 20 e-mails + 5 at PCN A's meeting + 1 practice meeting = 26 touches.
    assert one.touches == 26
    assert one.touches_per_practice == pytest.approx(1.3)
    assert one.index == pytest.approx(0.65)
    assert one.index_amber
    # Published eight days ago: the 16 practices that have not acknowledged are overdue.
    assert one.not_reached == 16
    assert (one.actions_due, one.actions_in_place, one.actions_exception) == (20, 1, 1)
    assert one.actions_in_place_share == pytest.approx(0.05)
    assert one.questions_open == 1
    # The second, just published: nobody has acknowledged, nobody is overdue yet, no action.
    assert (two.practices, two.acknowledged, two.touches, two.not_reached) == (20, 0, 20, 0)
    assert two.index == pytest.approx(0.5)
    assert (two.actions_due, two.actions_in_place_share, two.questions_open) == (0, None, 0)


def test_not_reached_counts_from_seven_days_after_publication(area):
    first, _ = _scenario(area)
    published = first.published_at
    assert published is not None
    at = selectors.figures_by_briefing
    six_days = at(briefing_ids=[first.pk], now=published + dt.timedelta(days=6, hours=23))
    seven_days = at(briefing_ids=[first.pk], now=published + dt.timedelta(days=7))
    assert six_days[first.pk].not_reached == 0
    assert seven_days[first.pk].not_reached == 16


def test_an_answered_question_is_no_longer_open(area):
    first, _ = _scenario(area)
    services.question_answer(
        actor_membership=area.convenor, question=Question.objects.get(), answer="The nurses."
    )
    assert selectors.figures_by_briefing(briefing_ids=[first.pk])[first.pk].questions_open == 0


def test_the_collectives_figures_add_up_its_briefings(area, django_assert_max_num_queries):
    _scenario(area)
    with django_assert_max_num_queries(3):
        figures = selectors.collective_figures(collective=area.convenor.collective)
    assert (figures.practices, figures.acknowledged) == (40, 4)
    assert figures.reach == pytest.approx(0.1)
    assert figures.touches == 46
    assert figures.touches_per_practice == pytest.approx(1.15)
    assert figures.index == pytest.approx(0.575)
    assert figures.not_reached == 16
    assert (figures.actions_due, figures.actions_in_place) == (20, 1)
    assert figures.actions_in_place_share == pytest.approx(0.05)
    assert figures.questions_open == 1
    as_dict = figures.as_dict()
    assert as_dict["not_reached_after_7_days"] == 16
    assert as_dict["index_below_one"] is True


def test_the_collectives_figures_leave_out_other_collectives(area, outsider):
    _scenario(area)
    assert selectors.collective_figures(collective=outsider.collective).practices == 0


def test_a_collective_with_no_briefings_has_no_ratios(convenor):
    figures = selectors.collective_figures(collective=convenor.collective)
    assert figures.practices == 0
    assert figures.reach is None and figures.index is None
    assert not figures.index_amber
    assert selectors.figures_by_briefing(briefing_ids=[]) == {}


# The audit trail ----------------------------------------------------------------------------


def test_every_write_leaves_an_audit_entry(area):
    start = AuditEntry.objects.count()
    _scenario(area)
    entries = list(AuditEntry.objects.order_by("id")[start:])
    cascade_actions = [
        e.action
        for e in entries
        if e.action.split(".")[0] in ("briefing", "touch", "question", "about_page")
    ]
    assert cascade_actions == [
        "briefing.created",
        "briefing.published",
        "touch.recorded",
        "briefing.acknowledged",
        "briefing.acknowledged",
        "briefing.acknowledged",
        "briefing.acknowledged",
        "question.asked",
        "briefing.action_reported",
        "briefing.action_reported",
        "briefing.created",
        "briefing.published",
    ]
    acknowledged = next(e for e in entries if e.action == "briefing.acknowledged")
    assert acknowledged.actor == area.managers[0].user
    assert acknowledged.collective_id == area.convenor.collective_id
    assert acknowledged.after == {"acknowledgement": "understood"}
    published = next(e for e in entries if e.action == "briefing.published")
    assert published.after["practices"] == 20
    assert published.after["below_threshold"] is False


def test_rewriting_and_answering_leave_audit_entries(area, published):
    question = _ask(area, published, area.practices[0])
    services.question_answer(actor_membership=area.convenor, question=question, answer="Yes.")
    decision = area.decide("Shared rota")
    _save(area, decision=decision)
    _save(area, {**PLAIN, "summary": "Shorter."}, decision=decision)
    actions = list(
        AuditEntry.objects.filter(
            action__in=["question.asked", "question.answered", "briefing.changed"]
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["question.asked", "question.answered", "briefing.changed"]


def test_a_refused_write_leaves_no_audit_entry(area, published):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.acknowledge(
            membership=area.managers[1],
            thread=_thread(published, area.practices[0]),
            acknowledgement="understood",
        )
    with pytest.raises(ValidationError):
        services.action_report(
            membership=area.managers[0],
            thread=_thread(published, area.practices[0]),
            status="exception",
        )
    assert AuditEntry.objects.count() == before


# Who we are ---------------------------------------------------------------------------------

ABOUT_PLAIN = (
    "We are the leaders of the practices in our area. We meet once a month. We decide "
    "things together and tell every practice what we decided."
)
ABOUT_HARD = " ".join(HARD.values()).strip()


def test_a_convenor_saves_and_publishes_a_plain_about_page(area):
    page = who_we_are.about_save(actor_membership=area.convenor, text=ABOUT_PLAIN)
    assert page.published_at is None
    page = who_we_are.about_publish(actor_membership=area.convenor)
    assert page.published_at is not None
    assert page.published_by == area.convenor.user
    assert not page.published_below_threshold
    assert [a for a in _actions() if a.startswith("about_page.")] == [
        "about_page.created",
        "about_page.published",
    ]


def test_a_hard_about_page_needs_a_confirmation(area):
    who_we_are.about_save(actor_membership=area.convenor, text=ABOUT_HARD)
    with pytest.raises(ValidationError) as error:
        who_we_are.about_publish(actor_membership=area.convenor)
    assert error.value.code == "needs_confirmation"
    assert AboutPage.objects.get().published_at is None
    page = who_we_are.about_publish(actor_membership=area.convenor, confirm_hard=True)
    assert page.published_at is not None
    assert page.published_below_threshold


def test_changing_the_about_page_takes_it_down_until_published_again(area):
    who_we_are.about_save(actor_membership=area.convenor, text=ABOUT_PLAIN)
    who_we_are.about_publish(actor_membership=area.convenor)
    page = who_we_are.about_save(actor_membership=area.convenor, text=ABOUT_PLAIN + " Welcome.")
    assert page.published_at is None
    assert AboutPage.objects.count() == 1
    assert "about_page.changed" in _actions()


def test_only_convenors_write_or_publish_the_about_page(area):
    for someone in (area.cds[0], area.managers[0]):
        with pytest.raises(PermissionDenied):
            who_we_are.about_save(actor_membership=someone, text=ABOUT_PLAIN)
    who_we_are.about_save(actor_membership=area.convenor, text=ABOUT_PLAIN)
    with pytest.raises(PermissionDenied):
        who_we_are.about_publish(actor_membership=area.cds[0])
    assert AboutPage.objects.get().published_at is None


def test_an_about_page_needs_text_before_publishing(area):
    with pytest.raises(ValidationError):
        who_we_are.about_publish(actor_membership=area.convenor)
    with pytest.raises(ValidationError):
        who_we_are.about_save(actor_membership=area.convenor, text="  ")
    assert not AboutPage.objects.exists()
