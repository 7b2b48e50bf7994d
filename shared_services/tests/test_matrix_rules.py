"""The responsibility matrix's pure rules: conflicts, the letters, and a change's before and
after (shared_services.matrix_rules), by hand and over random matrices."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_services import matrix_rules as rules

NAMES = {"org:1": "Island Federation", "org:2": "North PCN", "practices": "The practices"}

letters = st.sets(st.sampled_from(rules.LETTERS)).map(rules.roles_normalised)
bodies = st.sampled_from(["org:1", "org:2", "org:3", "practices", "leadership"])
roles = st.dictionaries(bodies, letters, max_size=5)
functions = st.sampled_from(["Estates", "Staff bank", "Training hub", "Digital and IT"])
matrices = st.dictionaries(functions, roles, max_size=4)


def kinds(found):
    return [c.kind for c in found]


# By hand ----------------------------------------------------------------------------------


def test_a_function_with_one_accountable_and_a_responsible_body_has_no_conflict():
    assert rules.function_conflicts("Estates", {"org:1": "RA", "practices": "I"}, NAMES) == []


def test_a_function_with_no_accountable_body_is_flagged():
    [conflict] = rules.function_conflicts("Estates", {"org:1": "R", "org:2": "C"}, NAMES)
    assert conflict.kind == rules.NO_ACCOUNTABLE
    assert conflict.message == (
        "Nobody is Accountable for Estates: agree the one body that answers for it."
    )


def test_a_function_with_two_accountable_bodies_is_flagged_naming_them():
    [conflict] = rules.function_conflicts("Estates", {"org:1": "RA", "org:2": "A"}, NAMES)
    assert conflict.kind == rules.MANY_ACCOUNTABLE
    assert conflict.bodies == ("org:1", "org:2")
    assert "2 bodies are Accountable for Estates (Island Federation and North PCN)" in (
        conflict.message
    )


def test_a_function_with_nobody_responsible_is_flagged():
    [conflict] = rules.function_conflicts("Estates", {"org:1": "A", "practices": "CI"}, NAMES)
    assert conflict.kind == rules.NO_RESPONSIBLE
    assert conflict.message == "Nobody is Responsible for Estates: agree who does the work."


def test_a_function_nobody_has_a_part_in_has_both_conflicts():
    assert kinds(rules.function_conflicts("Estates", {}, NAMES)) == [
        rules.NO_ACCOUNTABLE,
        rules.NO_RESPONSIBLE,
    ]


def test_letters_are_written_in_order_and_in_words():
    assert rules.roles_normalised(["i", "A", "R", "A"]) == "RAI"
    assert rules.roles_normalised("CR") == "RC"
    assert rules.roles_words("RA") == "Responsible and Accountable"
    assert rules.roles_words("RCI") == "Responsible, Consulted and Informed"
    assert rules.roles_words("") == "No part"
    with pytest.raises(rules.RulesError, match="“X” is not one of R"):
        rules.roles_normalised("RX")


@pytest.mark.parametrize("key", ["org:0", "org:", "org:x", "org:-1", "federation", "", "org:١"])
def test_only_member_organisations_and_the_two_groups_are_bodies(key):
    with pytest.raises(rules.RulesError):
        rules.parse_body(key)


def test_a_body_key_names_an_organisation_or_a_group():
    assert rules.parse_body("org:12") == (12, "")
    assert rules.parse_body("practices") == (None, "practices")
    assert rules.parse_body("leadership") == (None, "leadership")


def test_a_change_lists_each_difference_before_and_after():
    current = {"Estates": {"org:1": "R", "org:2": "A"}, "Staff bank": {"org:1": "RA"}}
    proposed = {"Estates": {"org:1": "RA", "practices": "I"}}
    assert rules.changes_between(current, proposed) == [
        rules.CellChange("Estates", "org:1", "R", "RA"),
        rules.CellChange("Estates", "org:2", "A", ""),
        rules.CellChange("Estates", "practices", "", "I"),
    ]
    assert rules.applied(current, proposed) == {
        "Estates": {"org:1": "RA", "practices": "I"},
        "Staff bank": {"org:1": "RA"},
    }


def test_the_proposal_text_is_a_markdown_table_of_before_and_after():
    changes = [
        rules.CellChange("Estates", "org:1", "R", "RA"),
        rules.CellChange("Estates", "org:2", "A", ""),
    ]
    assert rules.changes_markdown(changes, NAMES).splitlines() == [
        "| Function | Body | Before | After |",
        "| --- | --- | --- | --- |",
        "| Estates | Island Federation | Responsible | Responsible and Accountable |",
        "| Estates | North PCN | Accountable | No part |",
    ]
    assert rules.changes_sentences(changes, NAMES) == [
        "Estates: Island Federation is now Responsible and Accountable (before: Responsible).",
        "Estates: North PCN no longer has a part (before: Accountable).",
    ]


def test_names_cannot_break_the_table_or_add_markup():
    changes = [rules.CellChange("A | B", "org:9", "", "R")]
    row = rules.changes_markdown(changes, {"org:9": "*Bold* <b>x</b>\nnext"}).splitlines()[2]
    assert row == "| A \\| B | \\*Bold\\* \\<b\\>x\\</b\\> next | No part | Responsible |"


# Over random matrices ---------------------------------------------------------------------


@given(roles)
def test_a_function_is_clear_exactly_when_one_body_is_accountable_and_one_responsible(given):
    accountable = sum("A" in letters for letters in given.values())
    responsible = any("R" in letters for letters in given.values())
    found = kinds(rules.function_conflicts("Estates", given, NAMES))
    assert (found == []) == (accountable == 1 and responsible)
    assert (rules.NO_ACCOUNTABLE in found) == (accountable == 0)
    assert (rules.MANY_ACCOUNTABLE in found) == (accountable >= 2)
    assert (rules.NO_RESPONSIBLE in found) == (not responsible)


@given(roles)
def test_the_order_of_the_bodies_does_not_change_the_conflicts(given):
    reordered = dict(reversed(list(given.items())))
    forward = {(c.kind, frozenset(c.bodies)) for c in rules.function_conflicts("F", given, NAMES)}
    back = {(c.kind, frozenset(c.bodies)) for c in rules.function_conflicts("F", reordered, NAMES)}
    assert forward == back


@given(matrices)
def test_every_message_names_its_function(matrix):
    for conflict in rules.conflicts(matrix, NAMES):
        assert conflict.function in conflict.message
        assert conflict.kind in rules.CONFLICT_KINDS


@given(matrices, matrices)
def test_applying_the_differences_gives_the_proposed_matrix(current, proposed):
    after = rules.applied(current, proposed)
    for function, roles_after in proposed.items():
        assert after[function] == {b: x for b, x in roles_after.items() if x}
    for function in set(current) - set(proposed):
        assert after[function] == current[function]
    # Replaying the listed differences onto the current matrix gives the same result.
    replayed = {f: {b: x for b, x in r.items() if x} for f, r in current.items()}
    for change in rules.changes_between(current, proposed):
        replayed.setdefault(change.function, {})[change.body] = change.after
    for function in proposed:
        replayed.setdefault(function, {})

    def cleaned(matrix):
        return {f: {b: x for b, x in r.items() if x} for f, r in matrix.items()}

    assert cleaned(replayed) == cleaned(after)


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_names_give_a_table_row_of_four_cells(function, body):
    row = rules.changes_markdown(
        [rules.CellChange(function, "org:1", "", "A")], {"org:1": body}
    ).splitlines()
    assert len(row) == 3
    unescaped = row[2].replace("\\\\", "").replace("\\|", "")
    assert unescaped.count("|") == 5


@given(st.lists(st.sampled_from("RACIraci"), max_size=8))
def test_normalised_letters_are_a_subsequence_of_raci(given):
    result = rules.roles_normalised(given)
    assert result == "".join(x for x in rules.LETTERS if x in result)
    assert set(result) == {x.upper() for x in given}
