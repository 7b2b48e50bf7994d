"""Cold key relationships: a key relationship with no contact for the collective's
`SystemSettings.cold_after_weeks` (6 unless a convenor changed it) raises a nudge to its owner
alone, through the habits' nudge machinery (relationships.models.Nudge with a `user`), so it
is dismissed and snoozed on the nudges page like any other.

The last contact is the latest logged contact (relationships.Contact) in which the
stakeholder's directory person took part; with none, the time it became a key relationship.
A nudge's key names the key relationship and the date of that last contact, so a daily run
raises it once per cold spell, and a snoozed or dismissed one stays so until contact is made
and the relationship goes cold again. A nudge whose relationship has warmed up (or gone) is
closed by the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from alliance.changes import collective_changed
from collectives.models import Collective, Membership
from notifications.models import Notification
from relationships.models import ContactParticipant, Nudge
from system.models import KeyRelationship, SystemSettings

logger = logging.getLogger(__name__)

#: The nudge rule of a cold key relationship (relationships.models.Nudge.rule).
RULE = "system_cold"
#: Weeks without contact before a key relationship is cold, when a collective set none.
DEFAULT_COLD_AFTER_WEEKS = SystemSettings._meta.get_field("cold_after_weeks").get_default()
KEY_PREFIX = "system:cold:"


def cold_after_weeks(collective_id: int) -> int:
    """The collective's setting, or the default without writing one (one query)."""
    found = (
        SystemSettings.objects.filter(collective_id=collective_id)
        .values_list("cold_after_weeks", flat=True)
        .first()
    )
    return int(found or DEFAULT_COLD_AFTER_WEEKS)


def nudge_key(key_relationship_id: int, last_contact: dt.datetime) -> str:
    """One nudge per key relationship and cold spell: the spell is named by the local date
    of the last contact (or of becoming key, with none)."""
    return f"{KEY_PREFIX}{key_relationship_id}:{timezone.localdate(last_contact).isoformat()}"


def _key_prefix(key_relationship_id: int) -> str:
    return f"{KEY_PREFIX}{key_relationship_id}:"


def last_contact_subquery(now: dt.datetime) -> Subquery:
    """For a KeyRelationship row: when the stakeholder's person last took part in a logged
    contact of the collective, up to `now` (None if never)."""
    return Subquery(
        ContactParticipant.objects.filter(
            person_id=OuterRef("stakeholder__person_id"),
            contact__collective_id=OuterRef("collective_id"),
            contact__happened_at__lte=now,
        )
        .order_by("-contact__happened_at")
        .values("contact__happened_at")[:1],
        output_field=DateTimeField(),
    )


def key_relationships_with_last_contact(
    *, collective_id: int, now: dt.datetime
) -> QuerySet[KeyRelationship]:
    """The collective's key relationships with someone not erased, whose owner is still an
    active member, each with `last_contact` (the latest contact, or `since` with none) and
    `contacted` (whether any contact was logged), in one query."""
    still_member = Membership.objects.filter(
        collective_id=OuterRef("collective_id"), user_id=OuterRef("owner_id")
    )
    return (
        KeyRelationship.objects.filter(
            collective_id=collective_id,
            stakeholder__erased_at__isnull=True,
            stakeholder__person__isnull=False,
            owner__is_active=True,
        )
        .filter(Exists(still_member))
        .annotate(contacted=last_contact_subquery(now))
        .annotate(last_contact=Coalesce("contacted", "since"))
        .select_related("owner", "stakeholder__person", "stakeholder__organisation")
        .order_by("since", "id")
    )


@dataclass(frozen=True)
class ColdRelationship:
    key_relationship: KeyRelationship
    last_contact: dt.datetime
    weeks: int  # whole weeks without contact
    ever_contacted: bool

    @property
    def key(self) -> str:
        return nudge_key(self.key_relationship.pk, self.last_contact)

    @property
    def text(self) -> str:
        kr = self.key_relationship
        stakeholder = kr.stakeholder
        person = stakeholder.person
        organisation = stakeholder.organisation.name
        who = (
            f"{organisation}'s {stakeholder.role}"
            if stakeholder.role
            else f"{person.name if person else 'their contact'} of {organisation}"
        )
        silence = (
            f"no contact in {self.weeks} weeks"
            if self.ever_contacted
            else f"no contact in the {self.weeks} weeks since they became a key relationship"
        )
        return f"{kr.owner.display_name} and {who}: {silence} — book a coffee"[:300]


def cold_relationships(
    relationships: Iterable[KeyRelationship], *, weeks: int, now: dt.datetime
) -> list[ColdRelationship]:
    """Those of the key relationships (annotated as key_relationships_with_last_contact
    does) that have had no contact for `weeks` weeks or more at `now`, counted in days of
    the local calendar (a Monday coffee is six weeks old on the Monday six weeks on,
    whatever the hour and the clocks' change)."""
    today = timezone.localdate(now)
    found = []
    for kr in relationships:
        last = kr.last_contact  # type: ignore[attr-defined]
        silent = (today - timezone.localdate(last)).days
        if silent >= 7 * weeks:
            found.append(
                ColdRelationship(
                    key_relationship=kr,
                    last_contact=last,
                    weeks=silent // 7,
                    ever_contacted=kr.contacted is not None,  # type: ignore[attr-defined]
                )
            )
    return found


def cold_relationships_in(*, collective_id: int, now: dt.datetime) -> list[ColdRelationship]:
    """The collective's cold key relationships at `now` (two queries)."""
    return cold_relationships(
        key_relationships_with_last_contact(collective_id=collective_id, now=now),
        weeks=cold_after_weeks(collective_id),
        now=now,
    )


def _notify(collective: Collective, nudges: list[Nudge], now: dt.datetime) -> int:
    """Tell each nudge's owner, in the app and by e-mail as they prefer; once per nudge."""
    from notifications.services import notify

    path = reverse("relationships:nudges", args=[collective.slug])
    told = 0
    for nudge in nudges:
        told += len(
            notify(
                users=[nudge.user],
                collective=collective,
                key=f"nudge:{nudge.pk}",
                subject=nudge.text[:250],
                body=f"{nudge.text}\n\nA key relationship keeps warm only with contact. Book "
                "a coffee or a call, or snooze the nudge until a date that suits you.",
                path=path,
                now=now,
            )
        )
    return told


@transaction.atomic
def cold_nudges_refresh(*, collective: Collective, now: dt.datetime | None = None) -> list[Nudge]:
    """Raise a nudge to the owner of each key relationship gone cold at `now` (once per cold
    spell: one already raised, dismissed or snoozed, is left as it is), tell them, and close
    the open ones whose relationship is no longer cold. Returns the new nudges."""
    now = now or timezone.now()
    cold = cold_relationships_in(collective_id=collective.pk, now=now)
    wanted = {c.key: c for c in cold}
    open_ones = Nudge.objects.filter(
        collective=collective, rule=RULE, dismissed_at__isnull=True
    ).exclude(key__in=list(wanted))
    closed = open_ones.update(dismissed_at=now)
    known = set(
        Nudge.objects.filter(collective=collective, key__in=list(wanted)).values_list(
            "key", flat=True
        )
    )
    created = [
        Nudge.objects.create(
            collective=collective,
            key=key,
            rule=RULE,
            user=c.key_relationship.owner,
            text=c.text,
            created_at=now,
        )
        for key, c in wanted.items()
        if key not in known
    ]
    if created:
        _notify(collective, created, now)
    if created or closed:
        collective_changed(collective.pk)  # they wait on their owners' home pages
    return created


def cold_nudges_raise_and_notify(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily job: raise and tell the cold key relationships of every collective. Each
    collective has its own transaction, so one that fails does not hold up the others; the
    first failure is raised at the end so the job is retried (nothing is raised twice)."""
    now = now or timezone.now()
    raised = 0
    failed: Exception | None = None
    for collective in Collective.objects.order_by("pk"):
        try:
            raised += len(cold_nudges_refresh(collective=collective, now=now))
        except Exception as error:
            logger.exception("Could not raise the cold-relationship nudges of %s", collective.pk)
            failed = failed or error
    if failed is not None:
        raise failed
    return {"raised": raised}


def cold_nudges_forget(*, collective_id: int, key_relationship_ids: Iterable[int]) -> int:
    """Delete the cold-relationship nudges of these key relationships, and the notifications
    about them (their text names the stakeholder): for a key relationship that is removed
    or whose stakeholder is erased. Call inside the service's transaction. Returns how many
    nudges went."""
    ids = list(key_relationship_ids)
    if not ids:
        return 0
    nudges = Nudge.objects.filter(collective_id=collective_id, rule=RULE)
    doomed = [
        pk
        for pk, key in nudges.values_list("pk", "key")
        if any(key.startswith(_key_prefix(kr)) for kr in ids)
    ]
    Notification.objects.filter(
        collective_id=collective_id, key__in=[f"nudge:{pk}" for pk in doomed]
    ).delete()
    deleted, _ = Nudge.objects.filter(pk__in=doomed).delete()
    return len(doomed) if deleted else 0


def open_cold_nudges_for(
    membership: Membership, *, now: dt.datetime | None = None
) -> list[tuple[Nudge, ColdRelationship]]:
    """The member's own open (neither dismissed nor snoozed) cold-relationship nudges whose
    relationship is still cold now, newest first, each with its relationship (at most
    three queries)."""
    now = now or timezone.now()
    nudges = list(
        Nudge.objects.filter(
            collective_id=membership.collective_id,
            user_id=membership.user_id,
            rule=RULE,
            dismissed_at__isnull=True,
        )
        .exclude(snoozed_until__gt=now)
        .order_by("-created_at", "-id")
    )
    if not nudges:
        return []
    mine = key_relationships_with_last_contact(
        collective_id=membership.collective_id, now=now
    ).filter(owner_id=membership.user_id)
    cold = {
        c.key: c
        for c in cold_relationships(mine, weeks=cold_after_weeks(membership.collective_id), now=now)
    }
    return [(n, cold[n.key]) for n in nudges if n.key in cold]
