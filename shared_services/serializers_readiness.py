"""What the readiness API answers (shared_services.api.readiness): exactly what the page
shows the caller (selectors_readiness decides it; ``readiness_output`` only writes it out).
A practice's figures appear only in its own people's ``own``, and only when they may see
them; the lead's ``overview`` has the practices that share, by name, and counts that are
null when there are too few practices to count."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from alliance.api import choice_output_field
from directory.serializers import OrganisationRefOutput
from shared_services import readiness
from shared_services.readiness import Placement
from shared_services.selectors_readiness import ReadinessView

PLACEMENTS = [(p.value, readiness.LABELS[p]) for p in Placement]
QUADRANT_CHOICES = [(p.value, readiness.LABELS[p]) for p in readiness.QUADRANTS]

PlacementField = choice_output_field(PLACEMENTS)
QuadrantField = choice_output_field(QUADRANT_CHOICES)


class ReadinessRoundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ReadinessAnswersOutput(serializers.Serializer):
    """The practice's own answers about itself (means over its respondents, 1 to 5)."""

    round = ReadinessRoundOutput()
    sustainable_alone = serializers.FloatField(allow_null=True)
    joint_difference = serializers.FloatField(allow_null=True)
    belief = serializers.FloatField(allow_null=True)


class ReadinessTrustOutput(serializers.Serializer):
    organisation = OrganisationRefOutput()
    is_host = serializers.BooleanField()
    trust = serializers.FloatField(help_text="1 to 4.")
    low = serializers.BooleanField()


class ReadinessRatingsOutput(serializers.Serializer):
    round = ReadinessRoundOutput()
    trust = serializers.FloatField(allow_null=True, help_text="1 to 4.")
    organisations = ReadinessTrustOutput(many=True)


class ReadinessSuggestionOutput(serializers.Serializer):
    text = serializers.CharField()
    habit = serializers.CharField()


class OwnReadinessOutput(serializers.Serializer):
    """The caller's own practice's readiness."""

    organisation = OrganisationRefOutput()
    placement = PlacementField()
    placement_label = serializers.CharField()
    description = serializers.CharField()
    missing = serializers.CharField(help_text="Why it cannot be placed; empty when it can.")
    figures_shown = serializers.BooleanField(
        help_text="Whether the caller sees the answers behind it (those who answer the trust "
        "survey for the practice)."
    )
    answers = ReadinessAnswersOutput(allow_null=True)
    ratings = ReadinessRatingsOutput(allow_null=True)
    suggestions = ReadinessSuggestionOutput(many=True)
    shared = serializers.BooleanField()
    shared_at = serializers.DateTimeField(allow_null=True)
    may_share = serializers.BooleanField(
        help_text="Whether the caller may share it with the service lead, or stop sharing it."
    )


class ReadinessCountOutput(serializers.Serializer):
    placement = QuadrantField()
    placement_label = serializers.CharField()
    practices = serializers.IntegerField()


class ReadinessSharedOutput(serializers.Serializer):
    organisation = OrganisationRefOutput()
    placement = PlacementField()
    placement_label = serializers.CharField()
    shared_at = serializers.DateTimeField()


class ReadinessOverviewOutput(serializers.Serializer):
    """What the service's lead and the convenors see."""

    counts_shown = serializers.BooleanField()
    message = serializers.CharField()
    counts = ReadinessCountOutput(
        many=True,
        help_text="The practices that have not shared, in each of the four; empty when there "
        "are too few of them to count.",
    )
    shared = ReadinessSharedOutput(many=True)


class ReadinessServiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReadinessOutput(serializers.Serializer):
    service = ReadinessServiceOutput()
    k = serializers.IntegerField(help_text="The fewest practices counts are shown over.")
    own = OwnReadinessOutput(
        allow_null=True, help_text="The caller's own practice's readiness, if it takes part."
    )
    overview = ReadinessOverviewOutput(
        allow_null=True, help_text="For the service's lead and the convenors."
    )
    explanation = serializers.CharField()


EXPLANATION = (
    "Each practice in the service sees its own readiness (belief x trust, from its own "
    "trust survey answers). The service's lead and the convenors see the practices that "
    "share theirs, by name, and how many of the others are in each of the four, only when "
    "at least k of them can be counted. Nobody else sees which practice is where."
)
NOT_ENOUGH = "Not enough practices to show readiness."


def _round(evidence: Any) -> dict[str, Any]:
    return {"id": evidence.round.id, "title": evidence.round.title}


def _org(organisation: Any) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def readiness_output(view: ReadinessView) -> dict[str, Any]:
    """The answer for the caller: what the page shows them."""
    own = None
    if view.own is not None:
        mine = view.own
        answers, ratings = mine.assessment.answers, mine.assessment.ratings
        own = {
            "organisation": _org(mine.organisation),
            "placement": mine.placement.value,
            "placement_label": readiness.LABELS[mine.placement],
            "description": readiness.DESCRIPTIONS[mine.placement],
            "missing": mine.assessment.missing,
            "figures_shown": mine.figures,
            "answers": {
                "round": _round(answers),
                "sustainable_alone": answers.sustainable_alone,
                "joint_difference": answers.joint_difference,
                "belief": answers.belief,
            }
            if mine.figures and answers is not None
            else None,
            "ratings": {
                "round": _round(ratings),
                "trust": ratings.trust,
                "organisations": [
                    {
                        "organisation": _org(row.organisation),
                        "is_host": row.is_host,
                        "trust": row.trust,
                        "low": row.low,
                    }
                    for row in mine.trust_rows
                ],
            }
            if mine.figures and ratings is not None
            else None,
            "suggestions": [{"text": s.text, "habit": s.habit} for s in mine.suggestions],
            "shared": mine.share is not None,
            "shared_at": mine.share.shared_at if mine.share else None,
            "may_share": mine.may_share,
        }
    overview = None
    if view.overview is not None:
        figures = view.overview.figures
        overview = {
            "counts_shown": figures.shown,
            "message": ""
            if figures.shown
            else f"{NOT_ENOUGH} Counts are shown only when at least {figures.k} practices "
            "that have not shared their readiness can be counted.",
            "counts": [
                {"placement": q.value, "placement_label": readiness.LABELS[q], "practices": n}
                for q, n in (figures.counts or {}).items()
            ],
            "shared": [
                {
                    "organisation": _org(row.organisation),
                    "placement": row.placement.value,
                    "placement_label": readiness.LABELS[row.placement],
                    "shared_at": row.shared_at,
                }
                for row in view.overview.shared
            ],
        }
    return {
        "service": {"id": view.service.pk, "name": view.service.name},
        "k": view.k,
        "own": own,
        "overview": overview,
        "explanation": EXPLANATION,
    }
