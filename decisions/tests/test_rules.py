from decisions.rules import MemberPosition, consensus_blockers

MEMBERS = {1: "North", 2: "South", 3: "East"}


def _blockers(positions, objecting=None, share=1 / 3, version=2):
    return consensus_blockers(
        members=MEMBERS,
        positions=positions,
        current_version=version,
        objecting=objecting or {},
        max_stand_aside_share=share,
    )


def test_it_holds_when_every_member_supports_the_current_version():
    assert _blockers({pk: MemberPosition("support", 2) for pk in MEMBERS}) == []


def test_it_names_members_with_no_position_or_a_stale_one():
    blockers = _blockers({1: MemberPosition("support", 2), 2: MemberPosition("support", 1)})
    assert blockers == [
        "No position yet from: East.",
        "Position given on an earlier version, to reconfirm on version 2: South.",
    ]


def test_it_names_open_objections():
    positions = {pk: MemberPosition("support", 2) for pk in MEMBERS}
    assert _blockers(positions, objecting={2: 1}) == ["Open objections from: South."]


def test_a_third_may_stand_aside_but_not_more():
    one = {
        1: MemberPosition("stand_aside", 2),
        2: MemberPosition("support", 2),
        3: MemberPosition("support", 2),
    }
    assert _blockers(one) == []
    two = {**one, 2: MemberPosition("stand_aside", 2)}
    [blocker] = _blockers(two)
    assert blocker.startswith("2 of 3 members stand aside, more than the 33%")
    assert "not really behind it" in blocker
