"""Two representatives of one organisation changing its position at once (PostgreSQL)."""

from __future__ import annotations

import threading

from alliance.testing import MembershipFactory
from collectives.models import Role
from decisions import services
from decisions.models import Position, PositionRecord


def test_two_representatives_at_once_leave_one_consistent_position(postgres, group):
    deputy = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.DEPUTY,
        organisation=group.reps[0].organisation,
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def state(membership, stance, reason):
        from django.db import connections

        try:
            barrier.wait()
            services.position_state(
                membership=membership, proposal=group.proposal, stance=stance, reason=reason
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=state, args=(group.reps[0], "support", "")),
        threading.Thread(target=state, args=(deputy, "object", "Travel.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    position = Position.objects.get(organisation=group.reps[0].organisation)
    last = PositionRecord.objects.filter(organisation=group.reps[0].organisation).last()
    assert PositionRecord.objects.count() == 2
    assert (position.stance, position.stated_by_id) == (last.stance, last.stated_by_id)
    objection_open = group.proposal.items.filter(status="open").exists()
    assert objection_open == (position.stance == "object")
