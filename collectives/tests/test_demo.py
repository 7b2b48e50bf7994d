import io

import pytest
from django.core.management import call_command
from django.db import transaction

from collectives.models import Collective, CollectiveOrganisation, Membership
from directory.models import Organisation


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests (each runs in its own savepoint inside
    this transaction) and rolled back after them; what loading it printed."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_load_demo_prints_a_login_for_each_role_and_is_idempotent(loaded, db):
    text = loaded
    for email, role in [
        ("convenor@example.org", "convenor"),
        ("representative@example.org", "representative of"),
        ("member@example.org", "member"),
    ]:
        assert email in text and role in text
    assert "password for all demo logins: alliance-demo-2026" in text
    counts = (
        Collective.objects.count(),
        Organisation.objects.count(),
        CollectiveOrganisation.objects.count(),
        Membership.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (
        Collective.objects.count(),
        Organisation.objects.count(),
        CollectiveOrganisation.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == 2


def test_the_demo_uses_real_practices_and_pcns_from_the_ods_files(loaded, db):
    assert Organisation.objects.get(ods_code="U01198").name == "SOUTH (IW) PCN"
    practices = Organisation.objects.filter(
        kind="practice", collective_memberships__collective__slug="isle-of-wight"
    )
    assert practices.count() == 15
    assert all(p.ods_code.startswith("J") for p in practices), [p.ods_code for p in practices]
