"""Every page renders for the people who may see it, with a fixed number of queries."""

from __future__ import annotations

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory, page_queries
from audit.services import audit_record
from collectives import services
from collectives.models import Role


def _pages(slug: str, member_pk: int, org_pk: int, invitation_pk: int) -> list[str]:
    return [
        f"/c/{slug}/",
        f"/c/{slug}/members/",
        f"/c/{slug}/members/?q=a&role=member",
        f"/c/{slug}/members/{member_pk}/",
        f"/c/{slug}/members/{member_pk}/remove/",
        f"/c/{slug}/organisations/",
        f"/c/{slug}/organisations/add/?q=practice",
        f"/c/{slug}/organisations/new/",
        f"/c/{slug}/organisations/{org_pk}/",
        f"/c/{slug}/organisations/{org_pk}/edit/",
        f"/c/{slug}/organisations/{org_pk}/people/",
        f"/c/{slug}/organisations/{org_pk}/people/new/",
        f"/c/{slug}/organisations/{org_pk}/remove/",
        f"/c/{slug}/invitations/",
        f"/c/{slug}/invitations/new/",
        f"/c/{slug}/invitations/{invitation_pk}/revoke/",
        f"/c/{slug}/settings/",
        f"/c/{slug}/audit/",
        "/api/v1/me/",
        "/api/v1/collectives/",
        f"/api/v1/collectives/{slug}/memberships/",
        f"/api/v1/collectives/{slug}/organisations/",
        f"/api/v1/collectives/{slug}/organisations/{org_pk}/",
        f"/api/v1/collectives/{slug}/organisations/{org_pk}/people/",
        f"/api/v1/collectives/{slug}/invitations/",
        f"/api/v1/collectives/{slug}/audit/",
        f"/api/v1/collectives/{slug}/notifications/",
        "/api/v1/me/notification-preference/",
    ]


def _grow(convenor, n: int) -> None:
    from collectives.models import CollectiveOrganisation, CollectivePersonRole
    from directory.models import Person

    first = CollectiveOrganisation.objects.filter(collective=convenor.collective).order_by("pk")[0]
    for i in range(n):
        # People at the first member organisation: shared, the collective's own (with a
        # role in it), and another collective's own, which its pages must leave out.
        shared = Person.objects.create(name=f"Shared {n}-{i}", organisation=first.organisation)
        CollectivePersonRole.objects.create(
            collective=convenor.collective, person=shared, role="other"
        )
        Person.objects.create(
            name=f"Own {n}-{i}", organisation=first.organisation, owner=convenor.collective
        )
        Person.objects.create(
            name=f"Elsewhere {n}-{i}",
            organisation=first.organisation,
            owner=MemberOrganisationFactory(organisation=first.organisation).collective,
        )
    for _ in range(n):
        org = MemberOrganisationFactory(collective=convenor.collective)
        MembershipFactory(
            collective=convenor.collective, role=Role.REPRESENTATIVE, organisation=org.organisation
        )
        MemberOrganisationFactory()  # outside the collective, found by the directory search
        audit_record(
            actor=convenor.user, action="test.grow", obj=org, collective=convenor.collective
        )
    for i in range(n):
        services.invitation_create(
            actor_membership=convenor, email=f"grow{n}-{i}@example.org", role=Role.MEMBER
        )


@pytest.fixture
def setup(client, convenor, member, practice):
    client.force_login(convenor.user)
    invitation = services.invitation_create(
        actor_membership=convenor, email="first@example.org", role=Role.MEMBER
    )
    return _pages(convenor.collective.slug, member.pk, practice.pk, invitation.pk)


def test_every_page_has_a_fixed_number_of_queries(client, convenor, setup):
    _grow(convenor, 2)
    few = {url: page_queries(client, url) for url in setup}
    _grow(convenor, 12)
    many = {url: page_queries(client, url) for url in setup}
    assert many == few, "a page's query count grew with its rows"


@pytest.mark.parametrize("index", range(28))
def test_each_page_stays_within_its_query_budget(
    client, setup, index, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        assert client.get(setup[index]).status_code == 200


def test_home_lists_what_needs_attention_with_a_count_in_the_header(client, convenor):
    client.force_login(convenor.user)
    page = client.get(f"/c/{convenor.collective.slug}/").content.decode()
    assert "What needs your attention" in page
    assert "Turn on two-factor authentication" in page
    assert "Name the leadership group" in page
    assert 'aria-label="2 items need your attention">2</span>' in page


def test_home_says_what_the_collective_is_for_when_nothing_waits(client, member):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=member.user, type=Authenticator.Type.TOTP, data={})
    client.force_login(member.user)
    page = client.get(f"/c/{member.collective.slug}/").content.decode()
    assert "Nothing needs your attention right now." in page
    assert f"What {member.collective.name} is for" in page
    assert member.collective.description in page


def test_someone_without_a_collective_is_told_how_to_join(client, user_without_collective):
    client.force_login(user_without_collective)
    page = client.get("/").content.decode()
    assert "You are not in a collective yet" in page


def test_home_goes_to_the_collective_used_last(client, convenor):
    second = MembershipFactory(user=convenor.user, role=Role.MEMBER)
    client.force_login(convenor.user)
    response = client.post("/switch-collective/", {"collective": second.collective.slug})
    assert response["Location"] == f"/c/{second.collective.slug}/"
    assert client.get("/")["Location"] == f"/c/{second.collective.slug}/"
    client.get(f"/c/{convenor.collective.slug}/")
    assert client.get("/")["Location"] == f"/c/{convenor.collective.slug}/"


def test_members_can_search_and_are_paginated(client, convenor):
    for n in range(30):
        MembershipFactory(collective=convenor.collective, user__full_name=f"Person {n:02d}")
    client.force_login(convenor.user)
    url = f"/c/{convenor.collective.slug}/members/"
    page = client.get(url).content.decode()
    assert "31 people, showing 1 to 25" in page
    assert "Page 2 of 2" in page
    found = client.get(url, {"q": "Person 07"}).content.decode()
    assert "1 person" in found and "Person 07" in found and "Person 08" not in found
    assert "No one matches your search." in client.get(url, {"q": "zzz"}).content.decode()


def test_members_who_are_not_convenors_cannot_manage(client, member, convenor):
    client.force_login(member.user)
    slug = member.collective.slug
    assert client.get(f"/c/{slug}/members/{convenor.pk}/").status_code == 403
    assert client.get(f"/c/{slug}/invitations/new/").status_code == 403
    page = client.get(f"/c/{slug}/members/").content.decode()
    assert "Change role" not in page and "Leave the collective" in page


def test_observers_only_read(client, convenor):
    observer = MembershipFactory(collective=convenor.collective, role=Role.OBSERVER)
    client.force_login(observer.user)
    slug = convenor.collective.slug
    assert client.get(f"/c/{slug}/members/").status_code == 200
    assert client.post(f"/c/{slug}/settings/", {"name": "Taken over"}).status_code == 403


def test_the_last_convenor_is_told_why_they_cannot_leave(client, convenor):
    client.force_login(convenor.user)
    url = f"/c/{convenor.collective.slug}/members/{convenor.pk}/remove/"
    assert "Leave " in client.get(url).content.decode()
    page = client.post(url).content.decode()
    assert "There is a problem" in page
    assert "This is the collective&#39;s last convenor." in page


def test_removing_someone_asks_first_and_then_removes(client, convenor, member):
    client.force_login(convenor.user)
    url = f"/c/{convenor.collective.slug}/members/{member.pk}/remove/"
    page = client.get(url).content.decode()
    assert f"Remove {member.user.display_name} from {convenor.collective.name}?" in page
    assert client.post(url).status_code == 302
    page = client.get(f"/c/{convenor.collective.slug}/members/").content.decode()
    assert f"{member.user.display_name} was removed" in page
    assert member.user.email not in page


def test_the_header_puts_the_days_work_before_people_and_records(client, member):
    client.force_login(member.user)
    page = client.get(f"/c/{member.collective.slug}/").content.decode()
    order = ["Proposals", "Decisions", "Golden thread", "Relationships", "Trust surveys"]
    order += ["Members", "Organisations", "Who we are", "Notifications", "Directory"]
    places = [page.index(f">{label}</a>") for label in order]
    assert places == sorted(places)
    assert ">Audit log</a>" not in page  # convenors only
