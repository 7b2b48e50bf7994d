"""The golden thread under concurrent writes (PostgreSQL): nothing doubled, nothing lost."""

from __future__ import annotations

import threading

from django.core.exceptions import ValidationError

from golden_thread import services
from golden_thread.models import Briefing, Thread, Touch
from golden_thread.tests.conftest import PLAIN, build_collective
from notifications.models import Notification


def _at_once(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call):
        from django.db import connections

        try:
            barrier.wait()
            outcomes.append(call())
        except BaseException as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_facilitators_publishing_at_once_publish_once(postgres, convenor):
    area = build_collective(convenor, pcns=2, per_pcn=3)
    from alliance.testing import MembershipFactory
    from collectives.models import Role

    second = MembershipFactory(collective=convenor.collective, role=Role.CONVENOR)
    briefing = services.briefing_save(
        actor_membership=convenor,
        decision=area.decision,
        summary=PLAIN["summary"],
        meaning=PLAIN["meaning"],
    )
    outcomes = _at_once(
        lambda: services.briefing_publish(actor_membership=convenor, briefing=briefing),
        lambda: services.briefing_publish(actor_membership=second, briefing=briefing),
    )
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "already published" in refused[0].messages[0]
    assert Briefing.objects.get().published_at is not None
    assert Thread.objects.count() == 6
    assert Touch.objects.count() == 6  # one e-mail touch per practice, not two
    assert Notification.objects.filter(key__endswith=":published").count() == 6


def test_two_people_of_one_practice_acknowledging_at_once_leave_one_answer(postgres, convenor):
    area = build_collective(convenor, pcns=1, per_pcn=2)
    from alliance.testing import MembershipFactory
    from collectives.models import Role

    practice = area.practices[0]
    partner = MembershipFactory(
        collective=convenor.collective, role=Role.MEMBER, organisation=practice
    )
    briefing = services.briefing_save(
        actor_membership=convenor,
        decision=area.decision,
        summary=PLAIN["summary"],
        meaning=PLAIN["meaning"],
    )
    services.briefing_publish(actor_membership=convenor, briefing=briefing)
    thread = Thread.objects.get(practice=practice)
    outcomes = _at_once(
        lambda: services.acknowledge(
            membership=area.manager_of(practice), thread=thread, acknowledgement="understood"
        ),
        lambda: services.acknowledge(
            membership=partner, thread=thread, acknowledgement="questions", question="Who pays?"
        ),
    )
    assert not any(isinstance(o, BaseException) for o in outcomes)
    thread.refresh_from_db()
    assert thread.acknowledged_at is not None
    assert thread.acknowledgement in ("understood", "questions")
    assert thread.questions.count() == 1
