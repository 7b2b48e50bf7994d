"""Talk more than e-mail: the figures of the mode-mix page (relationships.views.mix).

They come from relationships.rules.mode_mix over facts loaded once
(relationships.nudges.facts), so the page runs a fixed number of queries however many
contacts there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from collectives.models import CollectiveOrganisation
from directory.models import OrganisationKind, OrganisationRelationship, RelationshipKind
from relationships import rules
from relationships.models import Rhythm, Scope
from relationships.nudges import facts

#: Tolerance when comparing a share with the amber threshold (as relationships.rules.nudges does).
_EPSILON = 1e-9


@dataclass(frozen=True)
class RhythmLast:
    """A rhythm and how its last complete period went (None: no complete period yet)."""

    name: str
    period: rules.Period | None
    kept: bool | None


@dataclass(frozen=True)
class MixRow:
    """The mode mix of a pair of organisations or of a PCN's practices."""

    label: str
    names: list[str]
    mix: rules.ModeMix
    amber: bool
    rhythms: list[RhythmLast]

    @property
    def email_share_percent(self) -> int | None:
        share = self.mix.email_share
        return None if share is None else round(share * 100)


def _last_complete(
    rhythm: rules.RhythmFact, contacts: list[rules.ContactFact], now: dt.datetime
) -> RhythmLast:
    complete = [o for o in rules.rhythm_record(rhythm, contacts, now) if o.period.end <= now]
    if not complete:
        return RhythmLast(rhythm.name, None, None)
    return RhythmLast(rhythm.name, complete[-1].period, complete[-1].kept)


def _amber(mix: rules.ModeMix, thresholds: rules.Thresholds) -> bool:
    share = mix.email_share
    return share is not None and share >= thresholds.email_share_amber - _EPSILON


def _in_window(
    contacts: Iterable[rules.ContactFact], now: dt.datetime, weeks: int
) -> list[rules.ContactFact]:
    since, until = rules.window_start(now, weeks), now.astimezone(dt.UTC)
    return [c for c in contacts if since <= c.on.astimezone(dt.UTC) <= until]


def _belongs_to_pcn(
    kind: tuple[str, int | None] | None,
    rhythm: rules.RhythmFact,
    pcn_id: int,
    group: frozenset[int],
) -> bool:
    """A PCN's rhythm: agreed for this PCN, or for a PCN's practices without naming the PCN
    when all of its organisations are this PCN or its practices."""
    if kind is None or kind[0] != Scope.PCN:
        return False
    if kind[1] is not None:
        return kind[1] == pcn_id
    return rhythm.organisations <= group | {pcn_id}


@dataclass(frozen=True)
class MixPage:
    pairs: list[MixRow]
    pcns: list[MixRow]


def mix_page(
    *,
    collective: Any,
    now: dt.datetime,
    thresholds: rules.Thresholds,
) -> MixPage:
    """Every pair of member organisations that had contact in the last ``thresholds.weeks``
    weeks, by name, and every member PCN with its current member practices, by name. Seven
    queries at most (four of them relationships.nudges.facts), however many contacts or
    organisations."""
    contacts, rhythm_facts = facts(collective, now, thresholds)
    members = {
        m.organisation_id: m.organisation
        for m in CollectiveOrganisation.objects.filter(collective=collective).select_related(
            "organisation"
        )
    }
    member_ids = CollectiveOrganisation.objects.filter(collective=collective).values(
        "organisation_id"
    )
    practices: dict[int, set[int]] = defaultdict(set)
    for pcn_id, practice_id in OrganisationRelationship.objects.filter(
        kind=RelationshipKind.PCN_MEMBER,
        end_date__isnull=True,
        parent__kind=OrganisationKind.PCN,
        parent_id__in=member_ids,
        organisation_id__in=member_ids,
    ).values_list("parent_id", "organisation_id"):
        practices[pcn_id].add(practice_id)
    kinds = {
        pk: (scope, pcn_id)
        for pk, scope, pcn_id in Rhythm.objects.filter(collective=collective).values_list(
            "pk", "scope", "pcn_id"
        )
    }
    today = rules.local_date(now)
    current = [r for r in rhythm_facts if r.ends_on is None or r.ends_on >= today]

    def name(pk: int) -> str:
        return members[pk].name

    window = _in_window(contacts, now, thresholds.weeks)
    by_pair: dict[frozenset[int], list[rules.ContactFact]] = defaultdict(list)
    for contact in window:
        inside = sorted(pk for pk in contact.organisations if pk in members)
        for a, b in combinations(inside, 2):
            by_pair[frozenset((a, b))].append(contact)
    pair_rhythms: dict[frozenset[int], list[rules.RhythmFact]] = defaultdict(list)
    for rhythm in current:
        if kinds.get(rhythm.id, ("", None))[0] == Scope.PAIR:
            pair_rhythms[rhythm.organisations].append(rhythm)
    pairs = []
    for pair, found in by_pair.items():
        names = sorted((name(pk) for pk in pair), key=str.casefold)
        mix = rules.mode_mix(found, pair, now, thresholds.weeks)
        pairs.append(
            MixRow(
                label=" and ".join(names),
                names=names,
                mix=mix,
                amber=_amber(mix, thresholds),
                rhythms=[
                    _last_complete(r, contacts, now)
                    for r in sorted(pair_rhythms[pair], key=lambda r: (r.name, r.id))
                ],
            )
        )
    pairs.sort(key=lambda row: ([n.casefold() for n in row.names], row.names))

    pcns = []
    for pcn_id, organisation in members.items():
        if organisation.kind != OrganisationKind.PCN:
            continue
        group = frozenset(practices.get(pcn_id, ()))
        # Contact *among* the practices: a PCN with one member practice has none (mode_mix
        # would count every contact of a group of one).
        among = window if len(group) > 1 else []
        mix = rules.mode_mix(among, group, now, thresholds.weeks)
        own = [r for r in current if _belongs_to_pcn(kinds.get(r.id), r, pcn_id, group)]
        pcns.append(
            MixRow(
                label=organisation.name,
                names=sorted((name(pk) for pk in group), key=str.casefold),
                mix=mix,
                amber=_amber(mix, thresholds),
                rhythms=[
                    _last_complete(r, contacts, now)
                    for r in sorted(own, key=lambda r: (r.name, r.id))
                ],
            )
        )
    pcns.sort(key=lambda row: (row.label.casefold(), row.label))
    return MixPage(pairs=pairs, pcns=pcns)
