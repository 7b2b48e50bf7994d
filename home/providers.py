"""The foundation's own attention items."""

from __future__ import annotations

from types import ModuleType

from allauth.mfa.models import Authenticator
from django.urls import reverse

from collectives.models import CollectiveOrganisation, Membership, Role
from collectives.selectors import invitations_needing_attention
from home.attention import AttentionItem


def two_factor_not_set_up(membership: Membership) -> list[AttentionItem]:
    if Authenticator.objects.filter(
        user_id=membership.user_id, type=Authenticator.Type.TOTP
    ).exists():
        return []
    return [
        AttentionItem(
            title="Turn on two-factor authentication",
            description="Protect your account with a code from an authenticator app "
            "as well as your password.",
            href=reverse("mfa_activate_totp"),
            action="Set up two-factor authentication",
        )
    ]


def convenor_housekeeping(membership: Membership) -> list[AttentionItem]:
    if membership.role != Role.CONVENOR:
        return []
    items = []
    slug = membership.collective.slug
    expired = invitations_needing_attention(collective=membership.collective)
    if expired:
        items.append(
            AttentionItem(
                title=f"{expired} invitation{'s' if expired != 1 else ''} expired unanswered",
                description="Resend them, or withdraw them if they are no longer needed.",
                href=reverse("collectives:invitations", args=[slug]),
                action="Review invitations",
            )
        )
    if not CollectiveOrganisation.objects.filter(
        collective_id=membership.collective_id, is_leadership=True
    ).exists():
        items.append(
            AttentionItem(
                title="Name the leadership group",
                description="No member organisation is marked as a member of the local GP "
                "leadership group yet.",
                href=reverse("collectives:organisations", args=[slug]),
                action="Choose leadership-group members",
            )
        )
    return items


def register_foundation_providers(attention: ModuleType) -> None:
    attention.register(two_factor_not_set_up)
    attention.register(convenor_housekeeping)
