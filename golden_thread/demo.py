"""The demo's golden thread: the leadership group reaches one decision by consensus, and its
briefing is published to every practice, through the real services. Loaded by load_demo
for the first demo collective; running it again changes nothing."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from collectives.models import Collective, CollectiveOrganisation, Membership, Role
from decisions import services as decision_services
from decisions.models import Decision
from directory.models import Person
from golden_thread import services, who_we_are

TITLE = "One phlebotomy service for the island"
BRIEFING = {
    "summary": "From April, the federation runs one blood test service for all practices. "
    "Patients book it like any other appointment.",
    "meaning": "Your patients can have blood taken at any of four clinics on the island. "
    "You no longer need to run your own clinics, and your nurses get time back.",
    "action": "Tell your reception team how to book the new clinics, and stop booking your "
    "own clinics after 31 March.",
}
ABOUT = (
    "We are the island's GP leadership group. We are the Clinical Directors of the three "
    "PCNs, the GP federation and the LMC.\n\n"
    "We meet every month. We agree things only when every member can sign up to them. We "
    "tell every practice what we decided, in plain words, and we check that it reached you.\n\n"
    "Ask your PCN's Clinical Director if you want something on our agenda."
)


def _speaker(collective: Collective, person: Person, email: str) -> Membership:
    """A leadership member's representative: the demo person who speaks for it."""
    user = User.objects.filter(email=email).first()
    if user is None:
        from collectives.demo import DEMO_PASSWORD

        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=person.name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Person.objects.filter(pk=person.pk).update(user=user, email=email)
    membership, _ = Membership.objects.get_or_create(
        collective=collective,
        user=user,
        defaults={"role": Role.REPRESENTATIVE, "organisation": person.organisation},
    )
    return membership


def load_thread_demo(convenor: Membership) -> None:
    collective = convenor.collective
    if Decision.objects.filter(collective=collective, title=TITLE).exists():
        return
    leaders = CollectiveOrganisation.objects.filter(collective=collective, is_leadership=True)
    speakers = []
    for member in leaders.select_related("organisation"):
        existing = Membership.objects.filter(
            collective=collective, organisation=member.organisation, role=Role.REPRESENTATIVE
        ).first()
        if existing is None:
            person = Person.objects.filter(organisation=member.organisation).first()
            if person is None:
                return  # the demo people are not there: nothing to show
            slug = person.name.lower().replace("dr ", "").replace(" ", ".")
            existing = _speaker(collective, person, f"{slug}@example.org")
        speakers.append(existing)
    proposal = decision_services.proposal_create(
        actor_membership=convenor,
        title=TITLE,
        problem="Each practice runs its own blood test clinics. Patients wait, and nurses "
        "spend hours on them.",
        text="The federation runs one bookable phlebotomy service for all practices, with a "
        "clinic in each PCN.",
    )
    decision_services.proposal_move(actor_membership=convenor, proposal=proposal, phase="consent")
    for speaker in speakers:
        decision_services.position_state(membership=speaker, proposal=proposal, stance="support")
    proposal.refresh_from_db()
    decision = decision_services.decision_record(
        actor_membership=convenor,
        proposal=proposal,
        summary="One phlebotomy service for the island, run by the federation.",
    )
    briefing = services.briefing_save(
        actor_membership=convenor,
        decision=decision,
        action_by=timezone.localdate() + dt.timedelta(days=60),
        **BRIEFING,
    )
    services.briefing_publish(actor_membership=convenor, briefing=briefing)
    who_we_are.about_save(actor_membership=convenor, text=ABOUT)
    who_we_are.about_publish(actor_membership=convenor)
