import pytest

from audit.models import AuditEntry, AuditLogIsAppendOnly
from audit.services import audit_record


@pytest.fixture
def entry(convenor):
    return audit_record(
        actor=convenor.user,
        action="test.done",
        obj=convenor,
        collective=convenor.collective,
        before={"a": 1},
        after={"a": 2},
    )


def test_an_entry_cannot_be_changed_through_the_orm(entry):
    entry.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="something.else")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.done"


def test_an_entry_cannot_be_deleted_through_the_orm(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_convenors_see_their_collectives_log_filtered_and_paginated(client, convenor, outsider):
    for n in range(55):
        audit_record(
            actor=convenor.user,
            action="test.done",
            obj=convenor,
            collective=convenor.collective,
            after={"n": n},
        )
    audit_record(
        actor=outsider.user, action="secret.outsider", obj=outsider, collective=outsider.collective
    )
    client.force_login(convenor.user)
    url = f"/c/{convenor.collective.slug}/audit/"
    page = client.get(url).content.decode()
    assert "55 entries, showing 1 to 50" in page
    assert "secret.outsider" not in page
    assert "Page 2 of 2" in page
    filtered = client.get(url, {"actor": "nobody@nowhere"}).content.decode()
    assert "No entry matches these filters." in filtered


def test_members_who_are_not_convenors_cannot_see_the_log(client, member):
    client.force_login(member.user)
    assert client.get(f"/c/{member.collective.slug}/audit/").status_code == 403
