"""Who does what: the pure rules of the responsibility matrix (no database).

A matrix maps each at-scale function (by name) to the part each body plays in it: a string
of the letters R (Responsible: does the work), A (Accountable: answers for it), C
(Consulted: asked before) and I (Informed: told after), in that order, or "" for no part. A
body is a member organisation ("org:<directory id>") or a group ("practices",
"leadership"), named by its key.

A function is in conflict when no body is Accountable, when two or more are (then nobody
truly answers for it, and the bodies can be played off against each other), or when nobody
is Responsible. The pages, the API, the proposal's text and the briefing all read these
rules, so they say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: The letters in the order they are written.
LETTERS = "RACI"
WORDS = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}
MEANINGS = {
    "R": "does the work",
    "A": "answers for it: one body only",
    "C": "is asked before it is decided",
    "I": "is told after",
}

#: The groups that are bodies without being one organisation.
GROUPS = ("practices", "leadership")
ORGANISATION_PREFIX = "org:"

NO_ACCOUNTABLE = "no_accountable"
MANY_ACCOUNTABLE = "many_accountable"
NO_RESPONSIBLE = "no_responsible"
CONFLICT_KINDS = {
    NO_ACCOUNTABLE: "Nobody is Accountable",
    MANY_ACCOUNTABLE: "More than one body is Accountable",
    NO_RESPONSIBLE: "Nobody is Responsible",
}

Roles = Mapping[str, str]  # body key -> letters
Matrix = Mapping[str, Roles]  # function name -> its roles


class RulesError(ValueError):
    """A matrix or a change that cannot be: an unknown letter or body key."""


def roles_normalised(letters: Iterable[str]) -> str:
    """The letters given (in any order, repeated or not, either case) as one string in the
    order R, A, C, I. An unknown letter is a RulesError naming it."""
    given = {str(letter).strip().upper() for letter in letters} - {""}
    unknown = sorted(given - set(LETTERS))
    if unknown:
        raise RulesError(
            f"“{', '.join(unknown)}” is not one of R (Responsible), A (Accountable), "
            "C (Consulted) and I (Informed)."
        )
    return "".join(letter for letter in LETTERS if letter in given)


def roles_words(letters: str) -> str:
    """'RA' -> 'Responsible and Accountable'; '' -> 'No part'."""
    words = [WORDS[letter] for letter in LETTERS if letter in letters]
    if not words:
        return "No part"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def organisation_key(organisation_id: int) -> str:
    return f"{ORGANISATION_PREFIX}{organisation_id}"


def parse_body(key: str) -> tuple[int | None, str]:
    """A body key as (organisation id, "") or (None, group). RulesError for anything else."""
    if key in GROUPS:
        return None, key
    if key.startswith(ORGANISATION_PREFIX):
        digits = key.removeprefix(ORGANISATION_PREFIX)
        if digits.isascii() and digits.isdigit() and len(digits) <= 18 and int(digits) > 0:
            return int(digits), ""
    raise RulesError(
        f"“{key}” is not a body: give “org:<id>” for a member organisation, "
        "“practices” or “leadership”."
    )


@dataclass(frozen=True)
class Conflict:
    function: str
    kind: str  # one of CONFLICT_KINDS
    message: str
    bodies: tuple[str, ...] = ()  # the bodies concerned (the Accountable ones), by key


def _listed(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def function_conflicts(function: str, roles: Roles, names: Mapping[str, str]) -> list[Conflict]:
    """What is wrong with who does what for one function, in plain English. ``names`` gives
    each body's name (a key not in it is written as the key)."""
    accountable = [body for body, letters in roles.items() if "A" in letters]
    found = []
    if not accountable:
        found.append(
            Conflict(
                function,
                NO_ACCOUNTABLE,
                f"Nobody is Accountable for {function}: agree the one body that answers for it.",
            )
        )
    elif len(accountable) > 1:
        who = _listed([names.get(body, body) for body in accountable])
        found.append(
            Conflict(
                function,
                MANY_ACCOUNTABLE,
                f"{len(accountable)} bodies are Accountable for {function} ({who}): only one "
                "body can answer for it, or each can point to the other.",
                tuple(accountable),
            )
        )
    if not any("R" in letters for letters in roles.values()):
        found.append(
            Conflict(
                function,
                NO_RESPONSIBLE,
                f"Nobody is Responsible for {function}: agree who does the work.",
            )
        )
    return found


def conflicts(matrix: Matrix, names: Mapping[str, str]) -> list[Conflict]:
    """Every function's conflicts, in the matrix's order of functions."""
    return [
        c for function, roles in matrix.items() for c in function_conflicts(function, roles, names)
    ]


@dataclass(frozen=True)
class CellChange:
    """One body's part in one function, before and after a change."""

    function: str
    body: str
    before: str
    after: str


def applied(current: Matrix, proposed: Matrix) -> dict[str, dict[str, str]]:
    """The matrix once a change is applied: each function the change names takes the roles
    it proposes in full (a body it leaves out has no part); every other function is as it
    was. Functions the change names that are not in the current matrix are added at the end."""
    result = {function: dict(roles) for function, roles in current.items()}
    for function, roles in proposed.items():
        result[function] = {body: letters for body, letters in roles.items() if letters}
    return result


def changes_between(current: Matrix, proposed: Matrix) -> list[CellChange]:
    """What a change alters: for each function it names, each body whose part differs, in
    the order the change lists functions, then bodies as first met (current, then new)."""
    found = []
    for function, roles in proposed.items():
        before_roles = current.get(function, {})
        bodies = list(dict.fromkeys([*before_roles, *roles]))
        for body in bodies:
            before, after = before_roles.get(body, ""), roles.get(body, "")
            if before != after:
                found.append(CellChange(function, body, before, after))
    return found


_MARKDOWN_SPECIAL = set("\\`*_[]<>|~")


def markdown_text(text: str) -> str:
    """Text as it must be written in Markdown to be read literally, on one line (a table
    cell): every character Markdown would read as markup escaped."""
    flat = " ".join(text.split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in flat)


def changes_markdown(changes: Sequence[CellChange], names: Mapping[str, str]) -> str:
    """The changes as a Markdown table: function, body, before, after (in words)."""
    lines = ["| Function | Body | Before | After |", "| --- | --- | --- | --- |"]
    for change in changes:
        cells = (
            change.function,
            names.get(change.body, change.body),
            roles_words(change.before),
            roles_words(change.after),
        )
        lines.append("| " + " | ".join(markdown_text(cell) for cell in cells) + " |")
    return "\n".join(lines)


def changes_sentences(changes: Sequence[CellChange], names: Mapping[str, str]) -> list[str]:
    """Each change as a sentence: 'Estates: Island Federation is now Accountable (before:
    Responsible).'"""
    sentences = []
    for change in changes:
        body = names.get(change.body, change.body)
        if not change.after:
            now = f"{body} no longer has a part"
        else:
            now = f"{body} is now {roles_words(change.after)}"
        before = roles_words(change.before) if change.before else "no part"
        sentences.append(f"{change.function}: {now} (before: {before}).")
    return sentences
