"""Writes for coverage: the collective's key system organisations, set by a convenor.

Until a convenor sets them, the key organisations are the defaults (one slot per kind in
system.models.DEFAULT_KEY_KINDS, filled by the stakeholders' organisations), worked out on
each read and never written. Every change replaces the ordered list in one audited write.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from collectives.models import Collective, Membership
from directory.selectors import organisations_visible_to
from system import access
from system.models import KeyOrganisation
from system.selectors_coverage import GENERAL_PRACTICE_KINDS, key_organisations
from system.services_common import audited

#: The most key organisations a collective keeps: influence comes from a few.
MOST_KEY_ORGANISATIONS = 20


def _require_setter(membership: Membership) -> None:
    access.require_reader(membership)
    access.require_convenor(membership)


def _current_ids(collective_id: int) -> list[int]:
    return list(
        KeyOrganisation.objects.filter(collective_id=collective_id).values_list(
            "organisation_id", flat=True
        )
    )


@transaction.atomic
def key_organisations_set(
    *, actor_membership: Membership, organisations: Sequence[int]
) -> list[KeyOrganisation]:
    """The collective's key organisations, in this order (a convenor). An empty list goes
    back to the defaults. Each must be an organisation the convenor sees in the directory,
    and a system organisation, not general practice's own."""
    _require_setter(actor_membership)
    collective = Collective.objects.select_for_update().get(pk=actor_membership.collective_id)
    ids = [int(pk) for pk in organisations]
    twice = sorted({pk for pk in ids if ids.count(pk) > 1})
    if twice:
        raise ValidationError(
            {"organisations": [f"Each organisation once: {', '.join(map(str, twice))} twice."]}
        )
    if len(ids) > MOST_KEY_ORGANISATIONS:
        raise ValidationError(
            {
                "organisations": [
                    f"Keep to {MOST_KEY_ORGANISATIONS} key organisations at most: influence "
                    "comes from a few warm relationships."
                ]
            }
        )
    found = organisations_visible_to(user=actor_membership.user).in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                "organisations": [
                    "No organisation in the directory has id "
                    f"{', '.join(map(str, sorted(missing)))}."
                ]
            }
        )
    ours = [found[pk].name for pk in ids if found[pk].kind in GENERAL_PRACTICE_KINDS]
    if ours:
        raise ValidationError(
            {
                "organisations": [
                    f"{name} is part of general practice, not a system organisation."
                    for name in ours
                ]
            }
        )
    before = _current_ids(collective.pk)
    if before == ids:
        return list(KeyOrganisation.objects.filter(collective=collective))
    KeyOrganisation.objects.filter(collective=collective).delete()
    made = KeyOrganisation.objects.bulk_create(
        [
            KeyOrganisation(collective=collective, organisation_id=pk, position=n)
            for n, pk in enumerate(ids, start=1)
        ]
    )
    audited(
        actor_membership,
        "system_key_organisations.set",
        collective,
        before={"organisations": before},
        after={"organisations": ids},
    )
    return made


def _starting_list(collective_id: int) -> list[int]:
    """The list as it stands, or, with none set, the organisations the defaults show."""
    found = key_organisations(collective_id)
    if found.chosen:
        return [o.pk for o in found.chosen]
    return [s.organisation_id for s in found.slots if s.organisation_id is not None]


def key_organisation_add(
    *, actor_membership: Membership, organisation: int
) -> list[KeyOrganisation]:
    """Add one at the end. With none set yet, the defaults' organisations are kept first,
    so that adding one does not lose those the page showed."""
    _require_setter(actor_membership)
    ids = _starting_list(actor_membership.collective_id)
    if organisation in ids:
        raise ValidationError({"organisation": ["That organisation is already a key one."]})
    return key_organisations_set(
        actor_membership=actor_membership, organisations=[*ids, organisation]
    )


def key_organisation_remove(
    *, actor_membership: Membership, organisation: int
) -> list[KeyOrganisation]:
    _require_setter(actor_membership)
    ids = _starting_list(actor_membership.collective_id)
    if organisation not in ids:
        raise ValidationError({"organisation": ["That organisation is not a key one."]})
    return key_organisations_set(
        actor_membership=actor_membership, organisations=[pk for pk in ids if pk != organisation]
    )


def key_organisation_move(
    *, actor_membership: Membership, organisation: int, by: int
) -> list[KeyOrganisation]:
    """Move one up (by -1) or down (by 1) the list."""
    _require_setter(actor_membership)
    ids = _starting_list(actor_membership.collective_id)
    if organisation not in ids:
        raise ValidationError({"organisation": ["That organisation is not a key one."]})
    at = ids.index(organisation)
    to = max(0, min(len(ids) - 1, at + by))
    ids.insert(to, ids.pop(at))
    return key_organisations_set(actor_membership=actor_membership, organisations=ids)
