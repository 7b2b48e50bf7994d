"""A walk through every operation of the API, each sent as a role allowed to use it.

Drawn requests rarely reach a real row in the right state: a proposal in its consent phase,
a published briefing, an open survey round. So before them, on the demo as loaded, the fuzz
test walks the API as an integrator would: it makes a proposal, moves it through its
phases, decides it, briefs the practices on the decision, opens a survey round, and so on.
Each request is sent as the role that may make it (which must answer with a success), and
first as another collective's convenor (who must be refused). Every answer goes through the
same schemathesis checks as the drawn requests. An operation in the schema that no step
uses fails the test, so a new endpoint cannot be added without its step here.

Each step names its operation as the schema labels it, the role, and its path parameters
(the demo collective's slug is added to any path that has one) and body; a value may be
``k("name.field")``, read from what an earlier step kept, and ``the("proposal")`` is the
path of what an earlier step kept as "proposal". The roles: the demo's convenor (C) and
representative (R, a PCN's, in the leadership group); another leadership-group member's
representative (R2); two practices' representatives (P, P2); a data steward (a
superuser); anyone (no token).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

C, R = "convenor", "representative"
R2 = "another leadership-group member's representative"
P, P2 = "a practice's representative", "another practice's representative"
STEWARD = "data steward"
ANYONE = "anyone"
OUTSIDER = "another collective's convenor"

Value = Any

#: Changes a person makes to their own things only, which an observer or a guest may make
#: too (every other change in a collective is refused to them).
PERSONAL = frozenset(
    {
        "POST /api/v1/collectives/{slug}/notifications/{id}/read/",
        "POST /api/v1/collectives/{slug}/notifications/read-all/",
    }
)


@dataclass
class Step:
    label: str  # as schemathesis labels the operation: "POST /api/v1/collectives/{slug}/asks/"
    role: str
    path: dict[str, Value] = field(default_factory=dict)
    body: Value = None
    keep: Callable[[dict[str, Any], Any], None] | None = None
    media_type: str | None = None


def today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _first(name: str, where: Callable[[dict[str, Any]], bool] = lambda item: True) -> Callable:
    def keep(kept: dict[str, Any], data: Any) -> None:
        items = data["results"] if isinstance(data, dict) and "results" in data else data
        found = [item for item in items if where(item)]
        assert found, f"the walk needs a {name} and the list was empty"
        kept[name] = found[0]

    return keep


def _as(name: str) -> Callable:
    def keep(kept: dict[str, Any], data: Any) -> None:
        kept[name] = data

    return keep


def k(path: str) -> Callable[[dict[str, Any]], Any]:
    """A value kept by an earlier step: ``k("proposal.id")``."""

    def value(kept: dict[str, Any]) -> Any:
        name, *keys = path.split(".")
        found = kept[name]
        for key in keys:
            if isinstance(found, dict) and "results" in found and key not in found:
                found = found["results"]  # a page: its items
            found = found[int(key)] if isinstance(found, list) else found[key]
        return found

    return value


def the(name: str) -> dict[str, Value]:
    """The path of what an earlier step kept under ``name``: ``{"id": k("name.id")}``."""
    return {"id": k(f"{name}.id")}


def path_parameters(step: Step, kept: dict[str, Any]) -> dict[str, Any]:
    """The step's path parameters, with the demo collective's slug where the path has one."""
    slug = {"slug": S} if "{slug}" in step.label else {}
    return {**slug, **resolve(step.path, kept)}


def resolve(value: Value, kept: dict[str, Any]) -> Any:
    if callable(value):
        return value(kept)
    if isinstance(value, dict):
        return {key: resolve(item, kept) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, kept) for item in value]
    return value


S = "isle-of-wight"
ALL_RATINGS = {
    **dict.fromkeys(
        ("reliability", "purpose", "openness", "influence", "involvement", "resources"), 4
    ),
    **dict.fromkeys(("rc_frequent", "rc_timely", "rc_accurate", "rc_problem_solving"), 3),
    **dict.fromkeys(("rc_shared_goals", "rc_shared_knowledge", "rc_mutual_respect"), 3),
    "now": 3,
    "wanted": 5,
}
API = "/api/v1"
COL = f"{API}/collectives/{{slug}}"

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Alliance walk//EN\r\nBEGIN:VEVENT\r\n"
    "UID:walk-1@example.org\r\nDTSTAMP:20261101T090000Z\r\nDTSTART:20261102T090000Z\r\n"
    "DTEND:20261102T093000Z\r\nSUMMARY:Catch-up\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def steps(kept: dict[str, Any]) -> Iterator[Step]:
    yield from [
        # Who am I, and my collectives.
        Step(f"GET {API}/me/", C),
        Step(f"GET {API}/me/notification-preference/", C),
        Step(f"PUT {API}/me/notification-preference/", C, body={"frequency": "daily"}),
        Step(f"GET {API}/collectives/", C),
        Step(
            f"POST {API}/collectives/",
            STEWARD,
            body={
                "name": "Walk Collective",
                "area": "Walkshire",
                "description": "Made by the API walk.",
            },
        ),
        Step(f"GET {COL}/", C),
        Step(f"PATCH {COL}/", C, body={"description": "Practices of the Isle of Wight."}),
        Step(f"GET {COL}/audit/", C),
        # Member organisations and their people.
        Step(f"GET {COL}/organisations/", C, keep=_first("member")),
        Step(f"GET {COL}/organisations/{{id}}/", C, the("member")),
        Step(
            f"PATCH {COL}/organisations/{{id}}/",
            C,
            the("member"),
            body={"note": "Walked."},
        ),
        Step(f"GET {COL}/organisations/{{id}}/people/", C, the("member")),
        Step(
            f"POST {COL}/organisations/{{id}}/people/",
            C,
            the("member"),
            body={"name": "Dr Walker", "role": "gp_partner"},
            keep=_as("person"),
        ),
        Step(
            f"PATCH {COL}/organisations/{{id}}/people/{{person}}/",
            C,
            {"id": k("member.id"), "person": k("person.id")},
            body={"role_in_collective": "practice_manager"},
        ),
        Step(
            f"POST {COL}/organisations/",
            C,
            body={
                "new_organisation": {
                    "name": "Walk Community Interest Company",
                    "kind": "voluntary",
                },
            },
            keep=_as("added"),
        ),
        Step(f"DELETE {COL}/organisations/{{id}}/", C, the("added")),
        # The directory.
        Step(f"GET {API}/organisations/", C, keep=_first("organisation")),
        Step(
            f"POST {API}/organisations/",
            STEWARD,
            body={"name": "Walk Surgery", "kind": "practice"},
            keep=_as("made"),
        ),
        Step(f"GET {API}/organisations/{{ods_code}}/", C, {"ods_code": k("organisation.ods_code")}),
        Step(
            f"PATCH {API}/organisations/{{ods_code}}/",
            STEWARD,
            {"ods_code": k("made.id")},
            body={"phone": "01983 000000"},
        ),
        Step(
            f"GET {API}/organisations/{{ods_code}}/people/",
            C,
            {"ods_code": k("organisation.ods_code")},
        ),
        Step(
            f"POST {API}/organisations/{{ods_code}}/people/",
            STEWARD,
            {"ods_code": k("made.id")},
            body={"name": "Sam Walker"},
            keep=_as("someone"),
        ),
        Step(f"GET {API}/people/", C),
        Step(f"GET {API}/people/{{id}}/", C, {"id": k("person.id")}),
        Step(
            f"PATCH {API}/people/{{id}}/",
            STEWARD,
            {"id": k("someone.id")},
            body={"job_title": "Practice manager"},
        ),
        # Memberships and invitations.
        Step(f"GET {COL}/memberships/", C),
        Step(f"GET {COL}/memberships/{{id}}/", C, the("guest")),
        Step(
            f"PATCH {COL}/memberships/{{id}}/",
            C,
            the("spare"),
            body={"role": "observer"},
        ),
        Step(f"GET {COL}/invitations/", C),
        Step(
            f"POST {COL}/invitations/",
            C,
            body={"email": "walker@example.org", "role": "member"},
            keep=_as("invitation"),
        ),
        Step(f"POST {COL}/invitations/{{id}}/resend/", C, the("invitation")),
        Step(f"POST {COL}/invitations/{{id}}/revoke/", C, the("invitation")),
        Step(
            f"POST {API}/invitations/accept/",
            ANYONE,
            body={
                "token": k("token"),
                "full_name": "Jo Walker",
                "password": "a long walk by the sea 7",
            },
        ),
        Step(f"DELETE {COL}/memberships/{{id}}/", C, the("spare")),
        # A proposal, from draft to decision.
        Step(
            f"POST {COL}/proposals/",
            R,
            body={
                "title": "One way to book the visiting team",
                "problem": "Five ways of booking a home visit.",
                "text": "Every practice books through the hub's form.",
            },
            keep=_as("proposal"),
        ),
        Step(f"GET {COL}/proposals/", C),
        Step(f"GET {COL}/proposals/{{id}}/", C, the("proposal")),
        Step(
            f"POST {COL}/proposals/{{id}}/move/",
            C,
            the("proposal"),
            body={"phase": "sense_check"},
        ),
        Step(
            f"POST {COL}/proposals/{{id}}/sense-checks/",
            R2,
            the("proposal"),
            body={"temperature": "concerned", "comment": "What of same-day visits?"},
        ),
        Step(f"GET {COL}/proposals/{{id}}/sense-checks/", C, the("proposal")),
        Step(
            f"POST {COL}/proposals/{{id}}/comments/",
            R2,
            the("proposal"),
            body={"text": "Same-day visits need a phone route."},
        ),
        Step(f"GET {COL}/proposals/{{id}}/comments/", C, the("proposal")),
        Step(
            f"POST {COL}/proposals/{{id}}/move/",
            C,
            the("proposal"),
            body={"phase": "consent"},
        ),
        # An objection, met by an amendment its author accepts; a concern, withdrawn.
        Step(
            f"POST {COL}/proposals/{{id}}/positions/",
            R2,
            the("proposal"),
            body={"stance": "object", "reason": "No phone route for same-day visits."},
        ),
        Step(
            f"GET {COL}/proposals/{{id}}/items/",
            C,
            the("proposal"),
            keep=_first("objection", lambda item: item["kind"] == "objection"),
        ),
        Step(
            f"POST {COL}/proposals/{{id}}/versions/",
            C,
            the("proposal"),
            body={
                "text": "Every practice books through the hub's form; same-day visits by phone.",
                "addresses": [k("objection.id")],
            },
        ),
        Step(
            f"POST {COL}/proposals/{{id}}/items/{{item_pk}}/accept/",
            R2,
            {"id": k("proposal.id"), "item_pk": k("objection.id")},
        ),
        Step(
            f"POST {COL}/proposals/{{id}}/positions/",
            R2,
            the("proposal"),
            body={"stance": "concerns", "reason": "The form is slow on our machines."},
        ),
        Step(
            f"GET {COL}/proposals/{{id}}/items/",
            C,
            the("proposal"),
            keep=_first("concern", lambda item: item["kind"] == "concern"),
        ),
        Step(
            f"POST {COL}/proposals/{{id}}/items/{{item_pk}}/withdraw/",
            R2,
            {"id": k("proposal.id"), "item_pk": k("concern.id")},
        ),
        # Every leadership-group member supports the amended text.
        *(
            Step(
                f"POST {COL}/proposals/{{id}}/positions/",
                leader,
                the("proposal"),
                body={"stance": "support"},
            )
            for leader in kept["leaders"]
        ),
        Step(f"GET {COL}/proposals/{{id}}/positions/", C, the("proposal")),
        Step(
            f"POST {COL}/proposals/{{id}}/decision/",
            C,
            the("proposal"),
            body={"summary": "Visits are booked through the hub's form.", "review_on": today(90)},
            keep=_as("decision"),
        ),
        Step(f"GET {COL}/decisions/", C),
        Step(f"GET {COL}/decisions/{{id}}/", C, the("decision")),
        # The golden thread: the decision carried to every practice.
        Step(
            f"POST {COL}/briefings/",
            C,
            body={
                "decision": k("decision.id"),
                "summary": "Book visits through the hub.",
                "meaning": "Reception uses the hub's form from Monday.",
                "action": "Brief reception.",
                "action_by": today(14),
            },
            keep=_as("briefing"),
        ),
        Step(f"GET {COL}/briefings/", C),
        Step(f"GET {COL}/briefings/{{id}}/", C, the("briefing")),
        Step(
            f"POST {COL}/briefings/{{id}}/publish/",
            C,
            the("briefing"),
            body={"confirm_hard": True},
        ),
        Step(
            f"PUT {COL}/briefings/{{id}}/acknowledgement/",
            P,
            the("briefing"),
            body={"acknowledgement": "understood"},
        ),
        Step(
            f"PUT {COL}/briefings/{{id}}/action/",
            P,
            the("briefing"),
            body={"status": "in_place"},
        ),
        Step(
            f"POST {COL}/briefings/{{id}}/questions/",
            P2,
            the("briefing"),
            body={"text": "Does this cover care homes?"},
        ),
        Step(
            f"GET {COL}/briefings/{{id}}/questions/",
            C,
            the("briefing"),
            keep=_as("questions"),
        ),
        Step(
            f"POST {COL}/briefings/{{id}}/questions/{{item_pk}}/answer/",
            C,
            {"id": k("briefing.id"), "item_pk": k("questions.0.id")},
            body={"answer": "Yes, care homes too."},
        ),
        Step(f"GET {COL}/briefings/{{id}}/threads/", C, the("briefing")),
        Step(
            f"POST {COL}/briefings/{{id}}/touches/",
            C,
            the("briefing"),
            body={
                "channel": "pcn_meeting",
                "happened_on": today(),
                "practices": [k("practice")],
            },
        ),
        Step(f"GET {COL}/briefings/{{id}}/touches/", C, the("briefing")),
        Step(f"GET {COL}/briefings/figures/", C),
        Step(
            f"POST {COL}/decisions/{{id}}/revisit/",
            R,
            the("decision"),
            body={"why": "The hub's form is down too often."},
        ),
        # Relationships between the practices.
        Step(
            f"POST {COL}/contacts/",
            P,
            body={
                "organisations": [k("practice"), k("other_practice")],
                "mode": "phone",
                "happened_at": timezone.now().isoformat(),
                "duration_minutes": 20,
            },
            keep=_as("contact"),
        ),
        Step(f"GET {COL}/contacts/", P),
        Step(f"GET {COL}/contacts/{{id}}/", P, the("contact")),
        Step(
            f"POST {COL}/contacts/calendar-import/",
            P,
            body={"file": CALENDAR.encode()},
            media_type="multipart/form-data",
        ),
        Step(
            f"PUT {COL}/contacts/email-counts/",
            P,
            body={
                "other_organisation": k("other_practice"),
                "week_of": k("monday"),
                "count": 4,
            },
        ),
        Step(
            f"POST {COL}/asks/",
            P,
            body={"what": "A nurse for Tuesday's clinic."},
            keep=_as("ask"),
        ),
        Step(f"GET {COL}/asks/", C),
        Step(f"GET {COL}/asks/{{id}}/", C, the("ask")),
        Step(
            f"POST {COL}/asks/{{id}}/offers/",
            P2,
            the("ask"),
            body={"text": "Ours can come from 2pm."},
            keep=_as("offer"),
        ),
        Step(
            f"POST {COL}/asks/{{id}}/answer/",
            P,
            the("ask"),
            body={"offer": k("offer.id"), "thanks": "Thank you!"},
        ),
        Step(
            f"POST {COL}/put-it-right/",
            P,
            body={
                "mistake": "We sent your patient to the wrong hub.",
                "impact": "A wasted journey.",
                "will_do": "Check the hub list each morning.",
                "apologises_to": [k("other_practice")],
            },
            keep=_as("put_right"),
        ),
        Step(f"GET {COL}/put-it-right/", C),
        Step(f"GET {COL}/put-it-right/{{id}}/", C, the("put_right")),
        Step(
            f"POST {COL}/put-it-right/{{id}}/responses/",
            P2,
            the("put_right"),
            body={"text": "Thank you for saying so."},
        ),
        Step(
            f"POST {COL}/rhythms/",
            C,
            body={
                "name": "Monthly catch-up",
                "scope": "pair",
                "organisations": [k("practice"), k("other_practice")],
                "modes": ["phone"],
                "period": "monthly",
                "starts_on": today(),
            },
            keep=_as("rhythm"),
        ),
        Step(f"GET {COL}/rhythms/", C),
        Step(f"GET {COL}/rhythms/{{id}}/", C, the("rhythm")),
        Step(
            f"POST {COL}/rhythms/{{id}}/end/",
            C,
            the("rhythm"),
            body={"ends_on": today(30)},
        ),
        # A trust survey round.
        Step(
            f"POST {COL}/surveys/",
            C,
            body={
                "title": "Walk round",
                "opens_on": today(),
                "closes_on": today(14),
                "participants": [k("practice"), k("other_practice"), k("third_practice")],
            },
            keep=_as("round"),
        ),
        Step(f"GET {COL}/surveys/", C),
        Step(f"GET {COL}/surveys/{{id}}/", C, the("round")),
        Step(f"GET {COL}/surveys/{{id}}/answers/", P, the("round")),
        Step(
            f"PUT {COL}/surveys/{{id}}/answers/{{organisation}}/",
            P,
            {"id": k("round.id"), "organisation": k("other_practice")},
            body=ALL_RATINGS,
        ),
        Step(
            f"PUT {COL}/surveys/{{id}}/answers/{{organisation}}/",
            P,
            {"id": k("round.id"), "organisation": k("third_practice")},
            body=ALL_RATINGS,
        ),
        Step(f"GET {COL}/surveys/{{id}}/self-assessment/", P, the("round")),
        Step(
            f"PUT {COL}/surveys/{{id}}/self-assessment/",
            P,
            the("round"),
            body={"sustainable_alone": 2, "joint_difference": 4, "knows_leadership": 3},
        ),
        Step(f"GET {COL}/surveys/{{id}}/pair-views/", P, the("round")),
        Step(
            f"PUT {COL}/surveys/{{id}}/pair-views/{{organisation}}/",
            P,
            {"id": k("round.id"), "organisation": k("other_practice")},
            body={"share": True},
        ),
        Step(f"POST {COL}/surveys/{{id}}/finish/", P, the("round")),
        Step(
            f"POST {COL}/surveys/{{id}}/extend/",
            C,
            the("round"),
            body={"closes_on": today(21)},
        ),
        Step(f"POST {COL}/surveys/{{id}}/close/", C, the("round")),
        Step(f"GET {COL}/surveys/{{id}}/results/", C, {"id": k("finished_round")}),
        # Shared services: the register and its ledger of ways of working.
        Step(
            f"POST {COL}/shared-services/",
            C,
            body={
                "name": "Walk hub",
                "kind": "documents",
                "host": k("practice"),
                "practices": [k("practice")],
            },
            keep=_as("service"),
        ),
        Step(f"GET {COL}/shared-services/", C),
        Step(f"GET {COL}/shared-services/settings/", C),
        Step(
            f"PATCH {COL}/shared-services/settings/",
            C,
            body={"may_run_before_all_agree": False, "locum_centile": 90},
        ),
        Step(f"GET {COL}/shared-services/{{id}}/", C, the("service")),
        Step(f"PATCH {COL}/shared-services/{{id}}/", C, the("service"), body={"purpose": "Walk."}),
        Step(
            f"POST {COL}/shared-services/{{id}}/practices/",
            C,
            the("service"),
            body={"organisation": k("other_practice")},
        ),
        Step(
            f"POST {COL}/shared-services/{{id}}/practices/{{organisation}}/leave/",
            C,
            {"id": k("service.id"), "organisation": k("other_practice")},
            body={},
        ),
        Step(
            f"POST {COL}/shared-services/{{id}}/ways/",
            C,
            the("service"),
            body={"title": "Coding", "text": "Protocol v2 within 2 working days."},
            keep=_as("way"),
        ),
        Step(f"GET {COL}/shared-services/ways/{{id}}/", C, the("way")),
        Step(
            f"PUT {COL}/shared-services/ways/{{id}}/answer/",
            P,
            the("way"),
            body={"answer": "agreed"},
        ),
        Step(
            f"POST {COL}/shared-services/ways/{{id}}/versions/",
            C,
            the("way"),
            body={"text": "Protocol v3 within 2 working days.", "change_note": "Version 3."},
        ),
        Step(
            f"POST {COL}/shared-services/{{id}}/stage/",
            C,
            the("service"),
            body={"stage": "exploring", "reason": "The walk explores it."},
        ),
        Step(
            f"POST {COL}/shared-services/{{id}}/decisions/",
            C,
            the("service"),
            body={"decision": k("decision.id")},
        ),
        Step(
            f"POST {COL}/shared-services/{{id}}/measures/",
            C,
            the("service"),
            body={"name": "Turnaround", "unit": "days", "better": "down"},
            keep=_as("measure"),
        ),
        Step(
            f"PUT {COL}/shared-services/measures/{{id}}/values/",
            C,
            the("measure"),
            body={"values": [{"month": "2026-01", "value": 3}]},
        ),
        Step(f"GET {COL}/shared-services/measures/{{id}}/", C, the("measure")),
        Step(
            f"GET {COL}/shared-services/agreed/{{organisation}}/",
            C,
            {"organisation": k("practice")},
        ),
        # Readiness: the practice's own, shared with the service's lead and taken back.
        Step(f"GET {COL}/shared-services/{{id}}/readiness/", P, the("service")),
        Step(f"PUT {COL}/shared-services/{{id}}/readiness/share/", P, the("service")),
        Step(f"DELETE {COL}/shared-services/{{id}}/readiness/share/", P, the("service")),
        # Notifications, nudges, who we are.
        Step(f"GET {COL}/notifications/", P, keep=_first("notification")),
        Step(f"POST {COL}/notifications/{{id}}/read/", P, the("notification")),
        Step(f"POST {COL}/notifications/read-all/", P),
        Step(f"GET {COL}/nudge-thresholds/", C),
        Step(f"PATCH {COL}/nudge-thresholds/", C, body={"weeks": 6}),
        Step(f"GET {COL}/nudges/", C, keep=_as("nudges")),
        Step(
            f"POST {COL}/nudges/{{id}}/snooze/",
            C,
            {"id": k("nudges.results.0.id")},
            body={"days": 7},
        ),
        Step(f"POST {COL}/nudges/{{id}}/dismiss/", C, {"id": k("nudges.results.0.id")}),
        Step(f"GET {COL}/who-we-are/", C),
        Step(
            f"PUT {COL}/who-we-are/",
            C,
            body={"text": "We are the practices of the Isle of Wight."},
        ),
        Step(f"POST {COL}/who-we-are/publish/", C, body={"confirm_hard": True}),
    ]
    yield from who_does_what(kept)
    yield from practice_figures(kept)
    from alliance.tests.api_walk_system import system_steps  # it imports this module

    yield from system_steps(kept)


def who_does_what(kept: dict[str, Any]) -> Iterator[Step]:
    """The responsibility matrix: its functions, the first version set directly, then a
    change drafted, proposed, decided by the leadership group and applied (told to every
    practice), and another withdrawn. The demo must not have agreed a change yet: setting
    the matrix directly is allowed only until then."""
    W = f"{COL}/who-does-what"
    fn, body = k("matrix.rows.0.function.name"), k("matrix.bodies.0.key")
    proposal = {"id": k("matrix_change.proposal.id")}
    yield from [
        Step(f"GET {W}/", C, keep=_as("matrix")),
        Step(f"GET {W}/functions/", C),
        Step(f"POST {W}/functions/", C, body={"name": "Walk function"}, keep=_as("function")),
        Step(f"GET {W}/functions/{{id}}/", C, the("function")),
        Step(f"PATCH {W}/functions/{{id}}/", C, the("function"), body={"name": "Walked"}),
        Step(f"DELETE {W}/functions/{{id}}/", C, the("function")),
        Step(f"PUT {W}/", C, body={"cells": [{"function": fn, "body": body, "roles": "R"}]}),
        Step(
            f"POST {W}/changes/",
            C,
            body={
                "summary": "Walk change",
                "cells": [{"function": fn, "body": body, "roles": "RA"}],
            },
            keep=_as("matrix_change"),
        ),
        Step(f"GET {W}/changes/", C),
        Step(f"GET {W}/changes/{{id}}/", C, the("matrix_change")),
        Step(
            f"PATCH {W}/changes/{{id}}/",
            C,
            the("matrix_change"),
            body={"summary": "Walk change, amended"},
        ),
        Step(
            f"POST {W}/changes/{{id}}/propose/",
            C,
            the("matrix_change"),
            body={"problem": "Nobody answers for it."},
            keep=_as("matrix_change"),
        ),
        Step(f"POST {COL}/proposals/{{id}}/move/", C, proposal, body={"phase": "consent"}),
        *(
            Step(
                f"POST {COL}/proposals/{{id}}/positions/",
                leader,
                proposal,
                body={"stance": "support"},
            )
            for leader in kept["leaders"]
        ),
        Step(
            f"POST {COL}/proposals/{{id}}/decision/",
            C,
            proposal,
            body={"summary": "The first body answers for the first function."},
        ),
        Step(
            f"POST {W}/changes/{{id}}/apply/",
            C,
            the("matrix_change"),
            body={"confirm_hard": True},
        ),
        Step(
            f"POST {W}/changes/",
            C,
            body={
                "summary": "Walk change to withdraw",
                "functions": [k("matrix.rows.0.function.id")],
            },
            keep=_as("spare_change"),
        ),
        Step(f"DELETE {W}/changes/{{id}}/", C, the("spare_change")),
    ]


#: A one-practice totals file of Patients Registered at a GP Practice (January 2021's row
#: for A84002, from sustainability/tests/fixtures/registrations-2021-01.csv).
REGISTRATIONS = (
    "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
    "NUMBER_OF_PATIENTS\r\nGP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,"
    "5903\r\n"
)


def practice_figures(kept: dict[str, Any]) -> Iterator[Step]:
    """The national practice figures: the collective's practices, one practice against its
    PCN, the collective and England, and a convenor's import of a national file."""
    yield from [
        Step(f"GET {COL}/practice-figures/", R),
        Step(f"GET {COL}/practice-figures/{{organisation}}/", P, {"organisation": k("practice")}),
        Step(
            f"POST {COL}/practice-data-imports/",
            C,
            body={"file": REGISTRATIONS.encode(), "period": ""},
            media_type="multipart/form-data",
            keep=_as("practice_import"),
        ),
        Step(f"GET {COL}/practice-data-imports/", C),
        Step(f"GET {COL}/practice-data-imports/{{id}}/", C, the("practice_import")),
    ]
