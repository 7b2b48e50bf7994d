"""Writes for "who we are": what the leadership group is and does, in plain English. Like a
briefing, a text that reads harder than the collective's threshold is published only when
the convenor confirms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from collectives.access import require_convenor
from collectives.models import Membership
from golden_thread.models import AboutPage
from golden_thread.readability import measure


@transaction.atomic
def about_save(*, actor_membership: Membership, text: str) -> AboutPage:
    require_convenor(actor_membership)
    if not text.strip():
        raise ValidationError({"text": "Say what the leadership group is and what it does."})
    collective = actor_membership.collective
    page = AboutPage.objects.select_for_update().filter(collective=collective).first()
    adding = page is None
    page = page or AboutPage(collective=collective)
    figures = measure(text, threshold=collective.readability_threshold)
    page.text = text.strip()
    page.reading_ease, page.grade = figures.reading_ease, figures.grade
    page.published_at = page.published_by = None
    page.published_below_threshold = False
    page.save()
    audit_record(
        actor=actor_membership.user,
        action="about_page.created" if adding else "about_page.changed",
        obj=page,
        collective=collective,
        after={"reading_ease": round(figures.reading_ease, 1)},
    )
    return page


@transaction.atomic
def about_publish(*, actor_membership: Membership, confirm_hard: bool = False) -> AboutPage:
    """Publish the 'who we are' text; under the readability threshold only when confirmed."""
    require_convenor(actor_membership)
    collective = actor_membership.collective
    page = AboutPage.objects.select_for_update().filter(collective=collective).first()
    if page is None:
        raise ValidationError("Write the text first.")
    figures = measure(page.text, threshold=collective.readability_threshold)
    if figures.below_threshold and not confirm_hard:
        raise ValidationError(
            f"The text reads hard (reading ease {figures.reading_ease:.0f}, under "
            f"{figures.threshold:.0f}). Rewrite it, or confirm that you want to publish it "
            "as it is.",
            code="needs_confirmation",
        )
    page.published_at, page.published_by = timezone.now(), actor_membership.user
    page.published_below_threshold = figures.below_threshold
    page.save()
    audit_record(
        actor=actor_membership.user,
        action="about_page.published",
        obj=page,
        collective=collective,
        after={"reading_ease": round(figures.reading_ease, 1)},
    )
    return page
