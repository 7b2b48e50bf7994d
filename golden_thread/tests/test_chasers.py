"""Chasing practices the briefing has not reached: after 7 days through their PCN's Clinical
Director, after 10 days directly; each chase sent once, through real SMTP."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory, OrganisationFactory
from collectives.models import Role
from directory.models import OrganisationRelationship, RelationshipKind
from golden_thread import chasers, services
from golden_thread.models import Thread
from golden_thread.tests.conftest import PLAIN

LONDON = zoneinfo.ZoneInfo("Europe/London")
PUBLISHED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)
NOTHING = {"cd": 0, "practice": 0}


def _days(n: float) -> dt.datetime:
    return PUBLISHED + dt.timedelta(days=n)


@pytest.fixture
def briefing(area):
    saved = services.briefing_save(
        actor_membership=area.convenor,
        decision=area.decision,
        **PLAIN,
        action_by=dt.date(2025, 6, 1),
    )
    return services.briefing_publish(actor_membership=area.convenor, briefing=saved, now=PUBLISHED)


def _acknowledge(area, briefing, *practices):
    for practice in practices:
        services.acknowledge(
            membership=area.manager_of(practice),
            thread=Thread.objects.get(briefing=briefing, practice=practice),
            acknowledgement="understood",
        )


def _chase(capture, now):
    with capture(execute=True):
        return chasers.chasers_send(now=now)


def _to(mailbox):
    return sorted(m["To"] for m in mailbox.messages)


def _text(message):
    return " ".join(message.get_body(("plain",)).get_content().split())


def test_nobody_is_chased_before_seven_days(
    area, briefing, mailbox, django_capture_on_commit_callbacks
):
    assert _chase(django_capture_on_commit_callbacks, _days(6)) == NOTHING
    assert _chase(django_capture_on_commit_callbacks, _days(7) - dt.timedelta(minutes=1)) == (
        NOTHING
    )
    assert mailbox.messages == []
    assert not Thread.objects.filter(cd_chased_at__isnull=False).exists()


def test_at_seven_days_each_cd_with_unreached_practices_gets_one_email_naming_them(
    area, briefing, mailbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://alliance.example"
    a, b = area.practices[0:5], area.practices[5:10]
    _acknowledge(area, briefing, *a, b[0], b[1])  # all of PCN A, two of PCN B
    counts = _chase(django_capture_on_commit_callbacks, _days(7))
    assert counts == {"cd": 3 + 5 + 5, "practice": 0}
    # One e-mail to each of the CDs of PCNs B, C and D; none to PCN A's, all reached.
    assert _to(mailbox) == sorted(cd.user.email for cd in area.cds[1:])
    to_b = next(m for m in mailbox.messages if m["To"] == area.cds[1].user.email)
    assert to_b["Subject"] == "3 of your practices have not acknowledged: One phlebotomy service"
    text = _text(to_b)
    assert "these practices of PCN B have not acknowledged it: " in text
    assert "Practice B3, Practice B4, Practice B5." in text
    assert "Practice B1" not in text and "Practice B2" not in text
    assert f"https://alliance.example{briefing.get_absolute_url()}" in text
    html = to_b.get_body(("html",)).get_content()
    assert f'href="https://alliance.example{briefing.get_absolute_url()}"' in html
    to_c = next(m for m in mailbox.messages if m["To"] == area.cds[2].user.email)
    assert to_c["Subject"] == "5 of your practices have not acknowledged: One phlebotomy service"
    # The practices themselves are not chased yet.
    assert not any(m["To"] in {pm.user.email for pm in area.managers} for m in mailbox.messages)
    chased = Thread.objects.filter(cd_chased_at__isnull=False)
    assert chased.count() == 13
    assert {t.cd_chased_at for t in chased} == {_days(7)}


def test_a_retried_run_sends_nothing_more(
    area, briefing, mailbox, django_capture_on_commit_callbacks
):
    _chase(django_capture_on_commit_callbacks, _days(7))
    assert len(mailbox.messages) == 4
    assert _chase(django_capture_on_commit_callbacks, _days(7)) == NOTHING
    assert _chase(django_capture_on_commit_callbacks, _days(8)) == NOTHING
    assert len(mailbox.messages) == 4


def test_at_ten_days_the_practices_still_not_reached_are_chased_directly(
    area, briefing, mailbox, django_capture_on_commit_callbacks
):
    _acknowledge(area, briefing, *area.practices[:5])
    _chase(django_capture_on_commit_callbacks, _days(7))
    mailbox.clear()
    # PCN B's CD took it to the meeting: B1 and B2 acknowledged after the chase.
    _acknowledge(area, briefing, area.practices[5], area.practices[6])
    assert _chase(django_capture_on_commit_callbacks, _days(9)) == NOTHING
    assert mailbox.messages == []
    counts = _chase(django_capture_on_commit_callbacks, _days(10))
    still = area.practices[7:]
    assert counts == {"cd": 0, "practice": len(still)}
    assert _to(mailbox) == sorted(area.manager_of(p).user.email for p in still)
    to_b3 = next(m for m in mailbox.messages if m["To"] == area.manager_of(still[0]).user.email)
    assert to_b3["Subject"] == "Please acknowledge: One phlebotomy service"
    text = _text(to_b3)
    assert "published “One phlebotomy service” on 03 March 2025" in text
    assert "has not heard that it reached Practice B3." in text
    assert PLAIN["summary"] in text
    # No CD is chased twice, and a retry sends nothing.
    assert not any(m["To"] in {cd.user.email for cd in area.cds} for m in mailbox.messages)
    assert _chase(django_capture_on_commit_callbacks, _days(11)) == NOTHING
    assert len(mailbox.messages) == len(still)


def test_a_practice_with_no_pcn_is_chased_directly_at_seven_days(
    area, mailbox, django_capture_on_commit_callbacks
):
    collective = area.convenor.collective
    lonely = MemberOrganisationFactory(
        collective=collective, organisation__name="Lonely Surgery"
    ).organisation
    manager = MembershipFactory(
        collective=collective, role=Role.MEMBER, organisation=lonely, user__email="lone@ex.org"
    )
    saved = services.briefing_save(
        actor_membership=area.convenor,
        decision=area.decision,
        **{**PLAIN, "action": ""},
    )
    briefing = services.briefing_publish(
        actor_membership=area.convenor, briefing=saved, now=PUBLISHED
    )
    _acknowledge(area, briefing, *area.practices)
    assert _chase(django_capture_on_commit_callbacks, _days(6)) == NOTHING
    assert _chase(django_capture_on_commit_callbacks, _days(7)) == {"cd": 0, "practice": 1}
    [message] = mailbox.messages
    assert message["To"] == manager.user.email
    assert "has not heard that it reached Lonely Surgery." in _text(message)
    assert _chase(django_capture_on_commit_callbacks, _days(10)) == NOTHING
    assert len(mailbox.messages) == 1


def test_a_practice_whose_pcn_has_no_cd_is_chased_directly_at_seven_days(
    area, mailbox, django_capture_on_commit_callbacks
):
    collective = area.convenor.collective
    pcn = MemberOrganisationFactory(
        collective=collective, organisation__name="PCN E", organisation__kind="pcn"
    ).organisation
    orphan = OrganisationFactory(name="Practice E1")
    MemberOrganisationFactory(collective=collective, organisation=orphan)
    OrganisationRelationship.objects.create(
        organisation=orphan, parent=pcn, kind=RelationshipKind.PCN_MEMBER
    )
    manager = MembershipFactory(collective=collective, role=Role.MEMBER, organisation=orphan)
    saved = services.briefing_save(
        actor_membership=area.convenor, decision=area.decision, **{**PLAIN, "action": ""}
    )
    briefing = services.briefing_publish(
        actor_membership=area.convenor, briefing=saved, now=PUBLISHED
    )
    assert Thread.objects.get(briefing=briefing, practice=orphan).pcn_id == pcn.pk
    _acknowledge(area, briefing, *area.practices)
    assert _chase(django_capture_on_commit_callbacks, _days(7)) == {"cd": 0, "practice": 1}
    assert _to(mailbox) == [manager.user.email]


def test_two_briefings_are_chased_separately(
    area, briefing, mailbox, django_capture_on_commit_callbacks
):
    decision = area.decide("Shared rota")
    second = services.briefing_publish(
        actor_membership=area.convenor,
        briefing=services.briefing_save(
            actor_membership=area.convenor, decision=decision, **{**PLAIN, "action": ""}
        ),
        now=_days(1),
    )
    _acknowledge(area, briefing, *area.practices[5:])
    _acknowledge(area, second, *area.practices[:5], *area.practices[10:])
    # Day 7 of the first: PCN A's CD. Day 7 of the second: PCN B's CD.
    assert _chase(django_capture_on_commit_callbacks, _days(7)) == {"cd": 5, "practice": 0}
    assert _chase(django_capture_on_commit_callbacks, _days(8)) == {"cd": 5, "practice": 0}
    subjects = sorted((m["To"], m["Subject"]) for m in mailbox.messages)
    assert subjects == [
        (
            area.cds[0].user.email,
            "5 of your practices have not acknowledged: One phlebotomy service",
        ),
        (area.cds[1].user.email, "5 of your practices have not acknowledged: Shared rota"),
    ]
