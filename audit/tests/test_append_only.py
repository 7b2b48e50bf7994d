"""Deleting a user leaves the audit log as it was; the actor stays as a label."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import ProtectedError

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from collectives.models import Membership


def _entry(membership: Membership, action: str = "test.done") -> AuditEntry:
    return audit_record(
        actor=membership.user,
        action=action,
        obj=membership,
        collective=membership.collective,
        before={"role": "member"},
        after={"role": "convenor"},
    )


def _as_stored(entry: AuditEntry) -> tuple[Any, ...]:
    return tuple(
        AuditEntry.objects.filter(pk=entry.pk).values_list(
            "at", "actor_id", "actor_label", "action", "object_id", "before", "after"
        )[0]
    )


def test_it_keeps_a_deleted_users_entries_as_they_were(transactional_db, client, convenor, member):
    entry = _entry(member, "membership.changed")
    stored = _as_stored(entry)
    member_id, email = member.user.pk, member.user.email

    member.user.delete()  # commits: transactional_db

    assert not User.objects.filter(pk=member_id).exists()
    assert _as_stored(entry) == stored
    assert stored[1:3] == (member_id, email)
    client.force_login(convenor.user)
    page = client.get(f"/c/{convenor.collective.slug}/audit/")
    assert page.status_code == 200
    assert email in page.content.decode()
    assert "membership.changed" in page.content.decode()
    api = client.get(f"/api/v1/collectives/{convenor.collective.slug}/audit/")
    assert api.status_code == 200
    assert {"actor_label": email, "action": "membership.changed"}.items() <= next(
        row for row in api.json()["results"] if row["id"] == entry.pk
    ).items()


def test_it_lets_a_superuser_delete_a_user_with_entries_in_the_admin(
    transactional_db, client, member
):
    entry = _entry(member, "membership.changed")
    stored = _as_stored(entry)
    admin = User.objects.create_superuser("root@example.org", "correct horse battery")
    client.force_login(admin)
    entry_page = f"/admin/audit/auditentry/{entry.pk}/change/"
    assert f"User id {member.user.pk}</a>" in client.get(entry_page).content.decode()

    response = client.post(f"/admin/accounts/user/{member.user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=member.user.pk).exists()
    assert _as_stored(entry) == stored
    shown = client.get(entry_page)
    assert shown.status_code == 200
    assert member.user.email in shown.content.decode()
    assert f"Deleted (user id {member.user.pk})" in shown.content.decode()


def test_it_refuses_to_delete_a_collective_with_entries(convenor):
    _entry(convenor)
    with pytest.raises(ProtectedError, match=r"AuditEntry\.collective"):
        convenor.collective.delete()
    assert AuditEntry.objects.filter(collective=convenor.collective).exists()
