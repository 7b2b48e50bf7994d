"""Concurrent writes on PostgreSQL, where two connections really run at once."""

from __future__ import annotations

import threading

from django.core.exceptions import ValidationError

from alliance.testing import MembershipFactory
from collectives import services
from collectives.models import Membership, Role


def test_two_convenors_stepping_down_at_once_leave_one_convenor(postgres):
    first = MembershipFactory(role=Role.CONVENOR)
    second = MembershipFactory(collective=first.collective, role=Role.CONVENOR)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def step_down(membership: Membership) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.membership_remove(actor_membership=membership, membership=membership)
            outcomes.append("left")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=step_down, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["left", "refused"]
    assert Membership.objects.filter(collective=first.collective, role=Role.CONVENOR).count() == 1
