"""What marks a collective changed (alliance.changes): a request that can write, by anyone
signed in, marks every collective they belong to; reading marks nothing; an audited write
marks its own collective; a change to the shared directory marks every collective, and one
to a person's own account none."""

from __future__ import annotations

from accounts.services import api_token_mint
from alliance.changes import stamp
from alliance.testing import MembershipFactory, OrganisationFactory, UserFactory
from collectives import services
from directory.services import organisation_update


def test_a_signed_in_persons_post_marks_their_collectives_and_no_other(client, db):
    mine = MembershipFactory()
    second = MembershipFactory(user=mine.user)
    other = MembershipFactory()
    before = {m.collective_id: stamp(m.collective_id) for m in (mine, second, other)}
    client.force_login(mine.user)
    # Even a write the audit log does not keep, or one that is refused, counts.
    client.post(f"/c/{mine.collective.slug}/no-such-page/")
    assert stamp(mine.collective_id) != before[mine.collective_id]
    assert stamp(second.collective_id) != before[second.collective_id]
    assert stamp(other.collective_id) == before[other.collective_id]


def test_reading_a_page_or_an_anonymous_post_marks_nothing(client, db):
    mine = MembershipFactory()
    before = stamp(mine.collective_id)
    client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong"})
    client.force_login(mine.user)
    assert client.get(f"/c/{mine.collective.slug}/").status_code == 200
    assert stamp(mine.collective_id) == before


def test_an_audited_write_marks_its_collective(db):
    convenor = MembershipFactory(role="convenor")
    before = stamp(convenor.collective_id)
    services.collective_update(
        actor_membership=convenor,
        name="Renamed collective",
        area="Isle of Wight",
        description="The island's practices together.",
    )
    assert stamp(convenor.collective_id) != before


def test_a_shared_directory_record_changed_marks_every_collective(db):
    one, two = MembershipFactory(), MembershipFactory()
    shared = OrganisationFactory(name="Riverside Surgery")
    before = stamp(one.collective_id), stamp(two.collective_id)
    steward = UserFactory(is_superuser=True)
    organisation_update(actor=steward, organisation=shared, name="Riverside Medical Centre")
    after = stamp(one.collective_id), stamp(two.collective_id)
    assert after[0] != before[0] and after[1] != before[1]


def test_an_account_of_ones_own_marks_no_collective(db):
    mine = MembershipFactory()
    before = stamp(mine.collective_id)
    api_token_mint(user=mine.user, name="practice system")  # audited, of no collective
    assert stamp(mine.collective_id) == before
