"""Who does what, through its services: the standard functions, the first version, and a
change that goes through a consensus proposal, is applied once decided and reaches every
practice through the golden thread. The fixtures here are shared by the other matrix tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.testing import MemberOrganisationFactory, MembershipFactory, audited
from audit.models import AuditEntry
from collectives.models import Membership, Role
from decisions import services as decision_services
from decisions.models import Decision, Phase, Proposal
from golden_thread.models import Briefing, Thread
from shared_services import selectors_matrix as selectors
from shared_services import services_matrix as services
from shared_services.models import Function, MatrixCell, MatrixChange, MatrixChangeStatus


@dataclass
class Island:
    """A collective with a federation, two PCNs and an LMC on its leadership group (each
    with a representative), three practices, and a member, an observer and a guest."""

    convenor: Membership
    federation: Any
    pcns: list[Any]
    lmc: Any
    practices: list[Any]
    reps: list[Membership]
    member: Membership
    observer: Membership
    guest: Membership
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def collective(self) -> Any:
        return self.convenor.collective

    def key(self, organisation: Any) -> str:
        return f"org:{organisation.pk}"

    def decide(
        self, proposal: Proposal, summary: str = "The federation answers for estates."
    ) -> Decision:
        """The leadership group reaches consensus on the proposal, and it is recorded."""
        decision_services.proposal_move(
            actor_membership=self.convenor, proposal=proposal, phase=Phase.CONSENT
        )
        for rep in self.reps:
            decision_services.position_state(membership=rep, proposal=proposal, stance="support")
        return decision_services.decision_record(
            actor_membership=self.convenor, proposal=proposal, summary=summary
        )


def make_island(convenor: Membership, *, pcns: int = 2, practices: int = 3) -> Island:
    collective = convenor.collective

    def member(name: str, kind: str, leadership: bool = False) -> Any:
        return MemberOrganisationFactory(
            collective=collective,
            is_leadership=leadership,
            organisation__name=name,
            organisation__kind=kind,
        ).organisation

    federation = member("Island Federation", "federation", True)
    pcn_orgs = [member(f"PCN {n}", "pcn", True) for n in range(1, pcns + 1)]
    lmc = member("Island LMC", "lmc", True)
    practice_orgs = [member(f"Surgery {n}", "practice") for n in range(1, practices + 1)]
    reps = [
        MembershipFactory(collective=collective, role=Role.REPRESENTATIVE, organisation=o)
        for o in (federation, *pcn_orgs, lmc)
    ]
    return Island(
        convenor=convenor,
        federation=federation,
        pcns=pcn_orgs,
        lmc=lmc,
        practices=practice_orgs,
        reps=reps,
        member=MembershipFactory(
            collective=collective, role=Role.MEMBER, organisation=practice_orgs[0]
        ),
        observer=MembershipFactory(collective=collective, role=Role.OBSERVER),
        guest=MembershipFactory(collective=collective, role=Role.GUEST),
    )


@pytest.fixture
def island(convenor: Membership) -> Island:
    return make_island(convenor)


def cells_of(function: Function) -> dict[str, str]:
    found: dict[str, str] = {}
    for cell in MatrixCell.objects.filter(function=function).order_by("role"):
        key = f"org:{cell.organisation_id}" if cell.organisation_id else cell.group
        found[key] = "".join(x for x in "RACI" if x in found.get(key, "") + cell.role)
    return found


def estates_set_by_hand(island: Island) -> Function:
    """The first version: the federation Responsible for estates, PCN 1 Accountable."""
    services.matrix_functions_ensure(actor_membership=island.convenor)
    services.matrix_first_version_set(
        actor_membership=island.convenor,
        cells=[
            {"function": "Estates", "body": island.key(island.federation), "roles": "R"},
            {"function": "Estates", "body": island.key(island.pcns[0]), "roles": "A"},
            {"function": "Estates", "body": "practices", "roles": "I"},
        ],
    )
    return Function.objects.get(collective=island.collective, name="Estates")


def estates_change(island: Island) -> MatrixChange:
    """A draft: the federation becomes Responsible and Accountable; PCN 1 only Consulted."""
    return services.matrix_change_draft(
        actor_membership=island.convenor,
        summary="The federation answers for estates",
        cells=[
            {"function": "Estates", "body": island.key(island.federation), "roles": "RA"},
            {"function": "Estates", "body": island.key(island.pcns[0]), "roles": "C"},
            {"function": "Estates", "body": "practices", "roles": "I"},
        ],
    )


# The standard functions -------------------------------------------------------------------


def test_the_standard_functions_are_made_once_on_first_use(island):
    made = services.matrix_functions_ensure(actor_membership=island.member)
    assert [f.name for f in made] == list(services.STANDARD_FUNCTIONS)
    assert len(services.STANDARD_FUNCTIONS) == 12
    assert services.matrix_functions_ensure(actor_membership=island.convenor) == []
    assert Function.objects.filter(collective=island.collective).count() == 12
    assert audited(services.SEEDED) == [(None, island.collective.pk)]


def test_a_convenor_who_removes_every_function_does_not_get_them_back(island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    for function in Function.objects.filter(collective=island.collective):
        services.function_remove(actor_membership=island.convenor, function=function)
    assert services.matrix_functions_ensure(actor_membership=island.convenor) == []
    assert not Function.objects.filter(collective=island.collective).exists()


def test_guests_do_not_use_the_matrix(island):
    with pytest.raises(PermissionDenied):
        services.matrix_functions_ensure(actor_membership=island.guest)


def test_the_convenor_adds_renames_and_removes_functions(island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    added = services.function_add(actor_membership=island.convenor, name="  Home  visiting ")
    assert added.name == "Home visiting" and added.position == 13
    with pytest.raises(ValidationError, match="already a function called “estates”"):
        services.function_add(actor_membership=island.convenor, name="estates")
    services.function_rename(actor_membership=island.convenor, function=added, name="Visiting")
    assert Function.objects.get(pk=added.pk).name == "Visiting"
    services.function_remove(actor_membership=island.convenor, function=added)
    assert not Function.objects.filter(pk=added.pk).exists()
    assert [a for a, _ in audited("matrix_function.removed")] == [island.convenor.user_id]


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_only_a_convenor_changes_the_functions(island, who):
    with pytest.raises(PermissionDenied):
        services.function_add(actor_membership=getattr(island, who), name="Visiting")


def test_renaming_a_function_carries_open_changes_with_it(island):
    estates = estates_set_by_hand(island)
    change = estates_change(island)
    services.function_rename(actor_membership=island.convenor, function=estates, name="Premises")
    change.refresh_from_db()
    assert {entry["function"] for entry in change.cells} == {"Premises"}


def test_a_function_in_an_open_change_cannot_be_removed(island):
    estates = estates_set_by_hand(island)
    estates_change(island)
    with pytest.raises(ValidationError, match="withdraw the change"):
        services.function_remove(actor_membership=island.convenor, function=estates)


# The bodies and the first version ---------------------------------------------------------


def test_the_bodies_are_the_federation_the_pcns_the_lmc_and_the_two_groups(island):
    MemberOrganisationFactory(
        collective=island.collective, organisation__name="Island ICB", organisation__kind="icb"
    )
    bodies = selectors.bodies_of(island.collective.pk)
    assert [b.name for b in bodies] == [
        "Island Federation",
        "PCN 1",
        "PCN 2",
        "Island LMC",
        "The practices",
        "The leadership group",
    ]
    assert bodies[0].key == island.key(island.federation)


def test_the_convenor_sets_the_first_version_directly(island):
    estates = estates_set_by_hand(island)
    assert cells_of(estates) == {
        island.key(island.federation): "R",
        island.key(island.pcns[0]): "A",
        "practices": "I",
    }
    assert audited("matrix.first_version_set") == [(island.convenor.user_id, island.collective.pk)]


def test_cells_naming_unknown_functions_bodies_or_letters_are_refused(island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    practice = f"org:{island.practices[0].pk}"
    with pytest.raises(ValidationError) as refused:
        services.matrix_first_version_set(
            actor_membership=island.convenor,
            cells=[
                {"function": "Astrology", "body": "practices", "roles": "R"},
                {"function": "Estates", "body": practice, "roles": "R"},
                {"function": "Estates", "body": "practices", "roles": "RX"},
                {"function": "Estates", "body": "everyone", "roles": "R"},
            ],
        )
    assert refused.value.message_dict["cells"] == [
        "There is no function called “Astrology”.",
        f"“{practice}” is not a member federation, PCN or LMC of the collective.",
        "“X” is not one of R (Responsible), A (Accountable), C (Consulted) and I (Informed).",
        "“everyone” is not a body: give “org:<id>” for a member organisation, “practices” or "
        "“leadership”.",
    ]
    assert not MatrixCell.objects.exists()


def test_the_matrix_shows_each_conflict(island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    services.matrix_first_version_set(
        actor_membership=island.convenor,
        cells=[
            {"function": "Estates", "body": island.key(island.federation), "roles": "RA"},
            {"function": "Staff bank", "body": island.key(island.federation), "roles": "RA"},
            {"function": "Staff bank", "body": island.key(island.pcns[0]), "roles": "A"},
            {"function": "Training hub", "body": "leadership", "roles": "A"},
        ],
    )
    view = selectors.matrix_for(island.collective.pk)
    by_function: dict[str, list[str]] = {}
    for conflict in view.conflicts:
        by_function.setdefault(conflict.function, []).append(conflict.kind)
    assert "Estates" not in by_function
    assert by_function["Staff bank"] == ["many_accountable"]
    assert by_function["Training hub"] == ["no_responsible"]
    assert by_function["Extended access"] == ["no_accountable", "no_responsible"]


# A change, from draft to every practice ---------------------------------------------------


def test_a_change_goes_through_a_consensus_proposal_and_reaches_every_practice(island):
    estates = estates_set_by_hand(island)
    change = estates_change(island)
    assert change.status == MatrixChangeStatus.DRAFT
    assert len(change.cells) == 6  # every body, for the one function it names

    proposal = services.matrix_change_propose(actor_membership=island.convenor, change=change)
    change.refresh_from_db()
    assert change.status == MatrixChangeStatus.PROPOSED and change.proposal == proposal
    assert proposal.title == "Who does what: The federation answers for estates"
    version = proposal.versions.get()
    assert (
        "| Estates | Island Federation | Responsible | Responsible and Accountable |"
        in version.text
    )
    assert "| Estates | PCN 1 | Accountable | Consulted |" in version.text
    assert "Estates: Island Federation is now Responsible and Accountable" in (
        version.changes_for_practices
    )

    with pytest.raises(ValidationError, match="has no recorded decision yet"):
        services.matrix_change_apply(actor_membership=island.convenor, change=change)
    assert cells_of(estates)[island.key(island.federation)] == "R"  # nothing changed

    decision = island.decide(proposal)
    services.matrix_change_apply(actor_membership=island.convenor, change=change, confirm_hard=True)

    change.refresh_from_db()
    assert change.status == MatrixChangeStatus.APPLIED and change.applied_at is not None
    assert cells_of(estates) == {
        island.key(island.federation): "RA",
        island.key(island.pcns[0]): "C",
        "practices": "I",
    }
    briefing = Briefing.objects.get(decision=decision)
    assert briefing.is_published
    assert "Estates: Island Federation is now Responsible and Accountable" in briefing.meaning
    reached = set(Thread.objects.filter(briefing=briefing).values_list("practice_id", flat=True))
    assert reached == {p.pk for p in island.practices}
    assert [a for a, _ in audited("matrix_change.applied")] == [island.convenor.user_id]
    estates_conflicts = [
        c for c in selectors.matrix_for(island.collective.pk).conflicts if c.function == "Estates"
    ]
    assert estates_conflicts == []


def test_once_agreed_the_matrix_is_no_longer_set_directly(island):
    estates_set_by_hand(island)
    change = estates_change(island)
    proposal = services.matrix_change_propose(actor_membership=island.convenor, change=change)
    island.decide(proposal)
    services.matrix_change_apply(actor_membership=island.convenor, change=change, confirm_hard=True)
    with pytest.raises(ValidationError, match="change it through a proposal"):
        services.matrix_first_version_set(
            actor_membership=island.convenor,
            cells=[{"function": "Estates", "body": "practices", "roles": "RA"}],
        )


def test_a_briefing_already_written_for_the_decision_is_the_one_published(island):
    from golden_thread import services as golden_thread

    estates_set_by_hand(island)
    change = estates_change(island)
    proposal = services.matrix_change_propose(actor_membership=island.convenor, change=change)
    decision = island.decide(proposal)
    written = golden_thread.briefing_save(
        actor_membership=island.convenor,
        decision=decision,
        summary="The federation now answers for estates.",
        meaning="Ask the federation about your building.",
    )
    services.matrix_change_apply(actor_membership=island.convenor, change=change, confirm_hard=True)
    [briefing] = Briefing.objects.filter(decision=decision)
    assert briefing.pk == written.pk and briefing.is_published
    assert briefing.meaning == "Ask the federation about your building."


def test_a_hard_briefing_needs_confirming_and_then_nothing_is_applied(island):
    estates = estates_set_by_hand(island)
    change = estates_change(island)
    proposal = services.matrix_change_propose(actor_membership=island.convenor, change=change)
    island.decide(proposal)
    hard = (
        "Notwithstanding considerable organisational heterogeneity, responsibilities "
        "concerning estates infrastructure are consolidated administratively."
    )
    with pytest.raises(ValidationError) as refused:
        services.matrix_change_apply(
            actor_membership=island.convenor,
            change=change,
            briefing_summary=hard,
            briefing_meaning=hard,
        )
    assert refused.value.error_list[0].code == "needs_confirmation"
    change.refresh_from_db()
    assert change.status == MatrixChangeStatus.PROPOSED
    assert cells_of(estates)[island.key(island.federation)] == "R"
    assert not Briefing.objects.exists()


def test_a_change_that_changes_nothing_cannot_be_proposed(island):
    estates = estates_set_by_hand(island)
    change = services.matrix_change_draft(
        actor_membership=island.convenor, summary="No change", functions=[estates]
    )
    with pytest.raises(ValidationError, match="changes nothing yet"):
        services.matrix_change_propose(actor_membership=island.convenor, change=change)


def test_a_draft_starts_from_who_does_what_now_and_is_edited(island):
    estates = estates_set_by_hand(island)
    bank = Function.objects.get(collective=island.collective, name="Staff bank")
    change = services.matrix_change_draft(
        actor_membership=island.convenor, summary="Estates", functions=[estates]
    )
    assert {(e["body"], e["roles"]) for e in change.cells if e["roles"]} == {
        (island.key(island.federation), "R"),
        (island.key(island.pcns[0]), "A"),
        ("practices", "I"),
    }
    services.matrix_change_edit(
        actor_membership=island.convenor,
        change=change,
        summary="Estates and the staff bank",
        functions=[estates, bank],
    )
    change.refresh_from_db()
    assert [e["function"] for e in change.cells] == ["Estates"] * 6 + ["Staff bank"] * 6
    services.matrix_change_edit(
        actor_membership=island.convenor,
        change=change,
        cells=[{"function": "Staff bank", "body": "leadership", "roles": "ra"}],
    )
    change.refresh_from_db()
    assert {e["function"] for e in change.cells} == {"Staff bank"}
    assert {(e["body"], e["roles"]) for e in change.cells if e["roles"]} == {("leadership", "RA")}


def test_withdrawing_a_proposed_change_withdraws_its_proposal(island):
    estates_set_by_hand(island)
    change = estates_change(island)
    proposal = services.matrix_change_propose(actor_membership=island.convenor, change=change)
    services.matrix_change_withdraw(actor_membership=island.convenor, change=change)
    change.refresh_from_db()
    proposal.refresh_from_db()
    assert change.status == MatrixChangeStatus.WITHDRAWN
    assert proposal.phase == Phase.WITHDRAWN
    with pytest.raises(ValidationError, match="only a draft or a proposed change"):
        services.matrix_change_withdraw(actor_membership=island.convenor, change=change)
    assert list(selectors.changes_in(island.collective.pk)) == []


def test_an_applied_change_cannot_be_edited_proposed_or_withdrawn(island):
    estates_set_by_hand(island)
    change = estates_change(island)
    island.decide(services.matrix_change_propose(actor_membership=island.convenor, change=change))
    services.matrix_change_apply(actor_membership=island.convenor, change=change, confirm_hard=True)
    for act in (
        lambda: services.matrix_change_edit(
            actor_membership=island.convenor, change=change, summary="x"
        ),
        lambda: services.matrix_change_propose(actor_membership=island.convenor, change=change),
        lambda: services.matrix_change_withdraw(actor_membership=island.convenor, change=change),
        lambda: services.matrix_change_apply(actor_membership=island.convenor, change=change),
    ):
        with pytest.raises(ValidationError, match="agreed and applied"):
            act()


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_only_a_convenor_drafts_proposes_and_applies(island, who):
    estates_set_by_hand(island)
    change = estates_change(island)
    membership = getattr(island, who)
    with pytest.raises(PermissionDenied):
        services.matrix_change_propose(actor_membership=membership, change=change)
    with pytest.raises(PermissionDenied):
        services.matrix_change_withdraw(actor_membership=membership, change=change)
    with pytest.raises(PermissionDenied):
        services.matrix_first_version_set(
            actor_membership=membership,
            cells=[{"function": "Estates", "body": "practices", "roles": "R"}],
        )


def test_another_collectives_change_is_not_found(island, outsider):
    estates_set_by_hand(island)
    change = estates_change(island)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="No such change"):
        services.matrix_change_withdraw(actor_membership=outsider, change=change)
    assert AuditEntry.objects.count() == before
