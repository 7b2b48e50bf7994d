"""The collective pages remember the collective a person used last (collective_page)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.testing import MembershipFactory
from collectives.decorators import SESSION_KEY


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_the_session_is_written_only_when_the_person_changes_collective(member, client):
    other = MembershipFactory(user=member.user).collective
    client.force_login(member.user)
    home = f"/c/{member.collective.slug}/"
    assert _session_writes(client, home)  # the first visit remembers the collective
    assert client.session[SESSION_KEY] == member.collective.slug
    assert _session_writes(client, home) == []  # the same collective again: nothing to write
    assert _session_writes(client, f"/c/{other.slug}/")  # another collective is remembered
    assert client.session[SESSION_KEY] == other.slug


# Pages whose rules moved into services the API shares ---------------------------------


def test_the_invitation_page_checks_the_password_through_the_service(client, convenor):
    from accounts.models import User
    from collectives import services
    from collectives.models import Invitation, Membership, Role

    invitation = services.invitation_create(
        actor_membership=convenor, email="nia@example.org", role=Role.MEMBER
    )
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.token_hash("t"))
    weak = {"full_name": "Nia New", "password1": "nia@example.org", "password2": "nia@example.org"}
    page = client.post("/invitations/t/", weak).content.decode()
    assert "too similar to the e-mail address" in page and 'id="id_password1-error"' in page
    assert not User.objects.filter(email="nia@example.org").exists()
    strong = {
        **weak,
        "password1": "a-very-long-new-password",
        "password2": "a-very-long-new-password",
    }
    response = client.post("/invitations/t/", strong)
    assert response.status_code == 302 and response["Location"] == f"/c/{convenor.collective.slug}/"
    assert Membership.objects.filter(user__email="nia@example.org", role=Role.MEMBER).exists()


def test_the_own_organisation_page_adds_one_through_the_service(client, convenor):
    from collectives.models import CollectiveOrganisation

    client.force_login(convenor.user)
    url = f"/c/{convenor.collective.slug}/organisations/new/"
    page = client.post(url, {"name": "Solent LMC", "kind": "practice"}).content.decode()
    assert "Select a valid choice." in page
    response = client.post(url, {"name": "Solent LMC", "kind": "lmc", "is_leadership": "on"})
    assert response.status_code == 302
    member = CollectiveOrganisation.objects.get(organisation__name="Solent LMC")
    assert member.is_leadership and member.organisation.owner == convenor.collective
