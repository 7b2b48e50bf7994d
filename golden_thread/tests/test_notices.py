"""A notice: something that is not a decision (a system meeting's outcome, a negotiation's)
carried to every practice as a decision's briefing is."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from collectives.models import Membership, Role
from golden_thread import services
from golden_thread.models import Briefing, Thread
from notifications.models import Notification

PLAIN = "The ICB will fund blood tests after 1pm from April."
MEANING = "Your patients can book blood tests in the afternoon from April."


@pytest.fixture
def practices(collective: Any) -> list[Any]:
    return [
        MemberOrganisationFactory(collective=collective, organisation__name=f"Surgery {n}")
        for n in range(3)
    ]


def test_a_notice_reaches_every_practice_with_its_source(
    convenor: Membership, practices: list[Any], client: Any
) -> None:
    briefing = services.notice_publish(
        actor_membership=convenor,
        title="Phlebotomy after 1pm",
        summary=PLAIN,
        meaning=MEANING,
        source_label="The place partnership, 3 March",
        source_path="/c/somewhere/system/meetings/1/",
    )
    assert briefing.decision is None and briefing.is_published
    assert Thread.objects.filter(briefing=briefing).count() == 3
    client.force_login(convenor.user)
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "Phlebotomy after 1pm" in page
    assert "The place partnership, 3 March" in page
    assert "The decision in full" not in page


def test_a_notice_without_a_title_is_refused_and_leaves_nothing(
    convenor: Membership, practices: list[Any]
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.notice_publish(
            actor_membership=convenor,
            title="  ",
            summary=PLAIN,
            meaning=MEANING,
            source_label="",
            source_path="",
        )
    assert "title" in raised.value.message_dict
    assert not Briefing.objects.exists()


def test_a_question_on_a_notice_goes_to_its_author(
    convenor: Membership, practices: list[Any]
) -> None:
    author = MembershipFactory(collective=convenor.collective, role=Role.CONVENOR)
    briefing = services.notice_publish(
        actor_membership=author,
        title="Phlebotomy after 1pm",
        summary=PLAIN,
        meaning=MEANING,
        source_label="",
        source_path="",
    )
    rep = MembershipFactory(
        collective=convenor.collective,
        role=Role.REPRESENTATIVE,
        organisation=practices[0].organisation,
    )
    thread = Thread.objects.get(briefing=briefing, practice=practices[0].organisation)
    question = services.question_ask(membership=rep, thread=thread, text="From which date?")
    assert question.thread.briefing.author == author.user
    assert Notification.objects.filter(user=author.user, key__startswith="question:").exists()
