"""The API walk's steps for whole-system working (the `system` app), joined to the walk at
the end of api_walk.steps: stakeholders and what we know of them, coverage and the warmth ×
sway grid, agenda alignment, the practices' voice (needs and mandates), the system meetings
and their outcomes, and the stakeholders' privacy (subject access, notes due for review, and
erasure last).

Every change is made by the leadership group (C, the demo's convenor; R, a PCN's
representative in it) except needs, which practices raise and support (P, P2). The walk adds
its own stakeholder, and everything personal it records is about them, so that erasing them
at the end leaves the demo's stakeholders as the drawn requests find them. Roles and helpers
are the walk's own (api_walk.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from alliance.tests.api_walk import COL, P2, C, P, R, Step, _as, _first, k, the, today

SYSTEM = f"{COL}/system"
STAKEHOLDERS = f"{COL}/stakeholders"
BOARD = "Place partnership board"  # the demo's meeting series (system/demo.py)


def system_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """Every whole-system operation, in an order that gives each a real row in the right
    state; the walk's stakeholder is erased last."""
    yield from stakeholder_steps(kept)
    yield from coverage_steps(kept)
    yield from alignment_steps(kept)
    yield from voice_steps(kept)
    yield from meeting_steps(kept)
    yield from privacy_steps(kept)


def stakeholder_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """A demo stakeholder read; the walk's own added at the same organisation, changed,
    assessed, made a key relationship and ended, noted (kept after review, then deleted)
    and met."""
    walked = the("walked")
    yield from [
        Step(f"GET {STAKEHOLDERS}/", C, keep=_first("stakeholder")),
        Step(
            f"POST {STAKEHOLDERS}/",
            C,
            body={
                "organisation": k("stakeholder.organisation.id"),
                "name": "Walker Stakeholder",
                "job_title": "Director of Walking",
                "email": "walker.stakeholder@example.org",
            },
            keep=_as("walked"),
        ),
        Step(f"GET {STAKEHOLDERS}/{{id}}/", C, walked),
        Step(
            f"PATCH {STAKEHOLDERS}/{{id}}/",
            R,
            walked,
            body={"role": "Director of Walks", "agenda_learned": "Paths for everyone."},
        ),
        Step(
            f"POST {STAKEHOLDERS}/{{id}}/assessments/",
            R,
            walked,
            body={"warmth": 4, "sway": 3},
        ),
        Step(f"GET {STAKEHOLDERS}/{{id}}/assessments/", C, walked),
        Step(f"POST {STAKEHOLDERS}/{{id}}/key/", C, walked),
        Step(f"GET {STAKEHOLDERS}/key-relationships/", C),
        Step(f"DELETE {STAKEHOLDERS}/{{id}}/key/", C, walked),
        Step(
            f"POST {STAKEHOLDERS}/{{id}}/notes/",
            C,
            walked,
            body={"text": "Prefers a call to an e-mail."},
            keep=_as("note"),
        ),
        Step(f"GET {STAKEHOLDERS}/{{id}}/notes/", R, walked),
        Step(
            f"POST {STAKEHOLDERS}/{{id}}/notes/{{note}}/keep/",
            C,
            {"id": k("walked.id"), "note": k("note.id")},
        ),
        Step(
            f"DELETE {STAKEHOLDERS}/{{id}}/notes/{{note}}/",
            C,
            {"id": k("walked.id"), "note": k("note.id")},
        ),
        Step(
            f"POST {STAKEHOLDERS}/{{id}}/contacts/",
            R,
            walked,
            body={
                "mode": "phone",
                "happened_at": f"{today(-1)}T10:00:00Z",
                "duration_minutes": 15,
                "agenda_learned": "Paths for everyone, and a bench on each.",
            },
        ),
    ]


def coverage_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """The key organisations set by a convenor and put back to the defaults; the coverage
    and the grid read."""
    KEY = f"{COL}/key-organisations/"
    yield from [
        Step(f"GET {KEY}", R),
        Step(f"PUT {KEY}", C, body={"organisations": [k("stakeholder.organisation.id")]}),
        Step(f"PUT {KEY}", C, body={"organisations": []}),
        Step(f"GET {COL}/coverage/", C),
        Step(f"GET {COL}/warmth-and-sway/", R),
    ]


def alignment_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """The walk's stakeholder's own priority, marked where it meets one of ours, unmarked and
    deleted; another kept for the erasure."""
    yield from [
        Step(
            f"GET {COL}/priorities/",
            C,
            keep=_first("ours", lambda item: item["whose"] == "collective"),
        ),
        Step(
            f"POST {COL}/priorities/",
            R,
            body={"whose": "stakeholder", "stakeholder": k("walked.id"), "text": "Safe paths"},
            keep=_as("theirs"),
        ),
        Step(
            f"POST {COL}/priorities/",
            C,
            body={"whose": "stakeholder", "stakeholder": k("walked.id"), "text": "More benches"},
            keep=_as("spare_priority"),
        ),
        Step(f"GET {COL}/priorities/{{id}}/", C, the("theirs")),
        Step(
            f"POST {COL}/overlaps/",
            C,
            body={"ours": k("ours.id"), "theirs": k("theirs.id"), "note": "Walks to the surgery."},
            keep=_as("overlap"),
        ),
        Step(f"GET {COL}/overlaps/", R),
        Step(f"GET {COL}/overlaps/{{id}}/", C, the("overlap")),
        Step(f"DELETE {COL}/overlaps/{{id}}/", C, the("overlap")),
        Step(
            f"POST {COL}/overlaps/",
            C,
            body={"ours": k("ours.id"), "theirs": k("theirs.id")},
        ),
        Step(f"DELETE {COL}/priorities/{{id}}/", C, the("spare_priority")),
    ]


def voice_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """A practice raises a need, another supports it and takes it back, the leadership
    group prioritises it, makes a mandate, records a meeting and the outcome."""
    yield from [
        Step(
            f"POST {SYSTEM}/needs/",
            P,
            body={"title": "Walk need", "detail": "Walked through the API."},
            keep=_as("need"),
        ),
        Step(f"GET {SYSTEM}/needs/", C),
        Step(f"GET {SYSTEM}/needs/{{id}}/", C, the("need")),
        Step(f"PUT {SYSTEM}/needs/{{id}}/support/", P2, the("need"), body={"evidence": "We too."}),
        Step(f"DELETE {SYSTEM}/needs/{{id}}/support/", P2, the("need")),
        Step(
            f"POST {SYSTEM}/needs/{{id}}/prioritise/",
            C,
            the("need"),
            body={"decision": "prioritised", "priority": 1, "reason": "The walk needs it."},
        ),
        Step(
            f"GET {SYSTEM}/needs/practices/{{organisation}}/",
            P,
            {"organisation": k("need.practice.id")},
        ),
        Step(
            f"POST {SYSTEM}/mandates/",
            C,
            body={
                "need": k("need.id"),
                "ask": "Clinics until 6pm.",
                "of_whom": k("practice"),  # any directory organisation the collective sees
                "opening_position": "Until 6pm.",
                "limits": "Until 4pm.",
            },
            keep=_as("mandate"),
        ),
        Step(f"GET {SYSTEM}/mandates/", C),
        Step(f"GET {SYSTEM}/mandates/{{id}}/", C, the("mandate")),
        Step(f"PATCH {SYSTEM}/mandates/{{id}}/", C, the("mandate"), body={"ask": "Until 5pm."}),
        Step(
            f"POST {SYSTEM}/mandates/{{id}}/events/",
            C,
            the("mandate"),
            body={"kind": "meeting", "happened_on": today(), "text": "We met them."},
        ),
        Step(
            f"POST {SYSTEM}/mandates/{{id}}/outcome/",
            C,
            the("mandate"),
            body={
                "status": "concluded",
                "outcome": "They agreed to 5pm.",
                "meaning": "Book bloods until 5pm.",
                "confirm_hard": True,
            },
        ),
    ]


def meeting_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """The demo's board read (its GP leaders attend the walk's meetings); a walk series made
    and its year of meetings scheduled; a meeting's attendees and agenda set, an item
    prepared with conversations, its outcome recorded and published to the practices; and a
    one-off series made and deleted, with its meeting."""
    item = the("item")
    first_meeting = {"id": k("scheduled.0.id")}
    yield from [
        Step(f"GET {SYSTEM}/series/", C),
        Step(
            f"GET {SYSTEM}/meetings/",
            C,
            keep=_first("board", lambda item: item["series"]["name"] == BOARD),
        ),
        Step(f"GET {SYSTEM}/meetings/{{id}}/", P, the("board")),
        Step(f"GET {SYSTEM}/meetings/{{id}}/", C, the("board"), keep=_as("board")),
        Step(
            f"POST {SYSTEM}/series/",
            R,
            body={
                "name": "Walk forum",
                "organisation": k("stakeholder.organisation.id"),
                "recurrence": "FREQ=MONTHLY;BYDAY=1TU",
            },
            keep=_as("series"),
        ),
        Step(f"GET {SYSTEM}/series/{{id}}/", C, the("series")),
        Step(
            f"PATCH {SYSTEM}/series/{{id}}/",
            C,
            the("series"),
            body={"name": "Walk system forum"},
        ),
        Step(
            f"POST {SYSTEM}/series/{{id}}/schedule/",
            C,
            the("series"),
            body={"starts_at": f"{today(1)}T09:30:00Z", "place": "Newport"},
            keep=_as("scheduled"),
        ),
        Step(
            f"PATCH {SYSTEM}/meetings/{{id}}/",
            C,
            first_meeting,
            body={
                "place": "County Hall, Newport",
                "attendees": [k("board.attendee_list.0.id"), k("board.attendee_list.1.id")],
            },
        ),
        Step(
            f"POST {SYSTEM}/meetings/{{id}}/items/",
            C,
            first_meeting,
            body={
                "title": "Walking to appointments",
                "our_position": "Practices back safe paths to every surgery.",
                "decision": k("decision.id"),
            },
            keep=_as("item"),
        ),
        Step(
            f"POST {SYSTEM}/meetings/{{id}}/items/",
            R,
            first_meeting,
            body={"title": "Clinics until 5pm", "mandate": k("mandate.id")},
            keep=_as("spare_item"),
        ),
        Step(
            f"PUT {SYSTEM}/meetings/{{id}}/items/order/",
            C,
            first_meeting,
            body={"order": [k("spare_item.id"), k("item.id")]},
        ),
        Step(f"GET {SYSTEM}/agenda-items/{{id}}/", C, item),
        Step(
            f"PATCH {SYSTEM}/agenda-items/{{id}}/",
            R,
            item,
            body={"our_position": "Practices back safe, lit paths to every surgery."},
        ),
        Step(
            f"POST {SYSTEM}/agenda-items/{{id}}/conversations/",
            C,
            item,
            body={"stakeholder": k("walked.id"), "by": k("board.attendee_list.0.id")},
            keep=_as("conversation"),
        ),
        Step(
            f"POST {SYSTEM}/agenda-items/{{id}}/conversations/",
            C,
            item,
            body={
                "stakeholder": k("stakeholder.id"),
                "by": k("board.attendee_list.1.id"),
                "stance": "neutral",
            },
            keep=_as("spare_conversation"),
        ),
        Step(f"GET {SYSTEM}/conversations/{{id}}/", R, the("conversation")),
        Step(
            f"PATCH {SYSTEM}/conversations/{{id}}/",
            C,
            the("conversation"),
            body={"stance": "with_us", "done": True},
        ),
        Step(f"DELETE {SYSTEM}/conversations/{{id}}/", C, the("spare_conversation")),
        Step(f"GET {SYSTEM}/meetings/{{id}}/", C, first_meeting),
        Step(
            f"PUT {SYSTEM}/agenda-items/{{id}}/outcome/",
            C,
            item,
            body={"outcome": "The council will light the paths to two surgeries this year."},
        ),
        Step(
            f"POST {SYSTEM}/agenda-items/{{id}}/publish/",
            C,
            item,
            body={
                "meaning": "Tell patients which paths are lit.",
                "summary": "Two surgeries get lit paths this year.",
                "confirm_hard": True,
            },
        ),
        Step(f"DELETE {SYSTEM}/agenda-items/{{id}}/", C, the("spare_item")),
        Step(f"DELETE {SYSTEM}/meetings/{{id}}/", C, {"id": k("scheduled.1.id")}),
        Step(
            f"POST {SYSTEM}/series/",
            C,
            body={"name": "Walk one-off", "starts_at": f"{today(2)}T15:00:00Z"},
            keep=_as("one_off"),
        ),
        Step(f"DELETE {SYSTEM}/series/{{id}}/", C, the("one_off")),
    ]


def privacy_steps(kept: dict[str, Any]) -> Iterator[Step]:
    """Everything held about the walk's stakeholder, the notes due for review, and, last,
    the walk's stakeholder erased."""
    yield from [
        Step(f"GET {STAKEHOLDERS}/{{id}}/subject-access/", C, the("walked")),
        Step(f"GET {COL}/stakeholder-notes-review/", R),
        Step(f"POST {STAKEHOLDERS}/{{id}}/erase/", C, the("walked"), body={"confirm": True}),
    ]
