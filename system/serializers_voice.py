"""The provider voice's API shapes: ...Input parses a request, ...Output writes an answer
(from the selectors' rows, so the API shows what the pages show).

A mandate has two outputs: MandateOutput for everyone who reads it, and
LeadershipMandateOutput, which adds its limits, for the leadership group only. Anyone else's
answer has no `limits` field at all (not null, not empty)."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from alliance.api import IdField, choice_field, choice_output_field
from alliance.limits import TEXT_MAX
from directory.serializers import OrganisationRefOutput
from system.models import EventKind, MandateStatus, NeedStatus
from system.services_voice import MandateEnding, NeedDecision


class NeedStatusFilter(models.TextChoices):
    OPEN = "open", "Still being worked on (raised, prioritised or negotiating)"
    RAISED = NeedStatus.RAISED.value, NeedStatus.RAISED.label
    PRIORITISED = NeedStatus.PRIORITISED.value, NeedStatus.PRIORITISED.label
    NEGOTIATING = NeedStatus.NEGOTIATING.value, NeedStatus.NEGOTIATING.label
    CLOSED = NeedStatus.CLOSED.value, NeedStatus.CLOSED.label
    SET_ASIDE = NeedStatus.SET_ASIDE.value, NeedStatus.SET_ASIDE.label


class NeedLink(models.TextChoices):
    RAISED = "raised", "Raised"
    SUPPORTED = "supported", "Supported"


NeedStatusOutput = choice_output_field(NeedStatus)
NeedStatusFilterField = choice_field(NeedStatusFilter)
NeedDecisionField = choice_field(NeedDecision)
MandateStatusOutput = choice_output_field(MandateStatus)
MandateStatusField = choice_field(MandateStatus)
MandateEndingField = choice_field(MandateEnding)
NeedLinkOutput = choice_output_field(NeedLink)
EventKindField = choice_field(EventKind)
EventKindOutput = choice_output_field(EventKind)


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)  # type: ignore[arg-type]


# Needs --------------------------------------------------------------------------------------


class NeedFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the title, the detail or the practice."
    )
    status = NeedStatusFilterField(required=False)


class NeedInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="The need, in a line.")
    detail = _text(required=False, default="", allow_blank=True)


class NeedSupportInput(serializers.Serializer):
    evidence = serializers.CharField(
        max_length=300, help_text="One line of evidence: what the practice sees."
    )


class NeedPrioritiseInput(serializers.Serializer):
    decision = NeedDecisionField()
    priority = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=999,
        help_text="1 is first; needed when prioritising.",
    )
    reason = _text(help_text="Why: the practices behind the need read it.")


class NeedSupportOutput(serializers.Serializer):
    practice = OrganisationRefOutput()
    evidence = serializers.CharField()
    at = serializers.DateTimeField()


class NeedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    detail = serializers.CharField()
    practice = OrganisationRefOutput(help_text="The practice that raised it.")
    raised_at = serializers.DateTimeField()
    status = NeedStatusOutput()
    priority = serializers.IntegerField(allow_null=True, help_text="The leadership's order.")
    outcome = serializers.CharField(help_text="Empty until it has one.")
    outcome_at = serializers.DateTimeField(allow_null=True)
    practices = serializers.IntegerField(
        help_text="Practices behind it: the raiser and supporters."
    )
    patients = serializers.IntegerField(
        allow_null=True,
        help_text="The registered patients of those practices, from the national practice "
        "data; null when not known.",
    )
    supporters = NeedSupportOutput(many=True)


class MandateRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    of_whom = OrganisationRefOutput()
    status = MandateStatusOutput()


class NeedDetailOutput(NeedOutput):
    mandates = MandateRefOutput(many=True)


class PracticeNeedOutput(serializers.Serializer):
    how = NeedLinkOutput(help_text="Whether the practice raised the need or supported it.")
    evidence = serializers.CharField(help_text="The practice's evidence, when it supported it.")
    need = NeedOutput()


# Mandates -----------------------------------------------------------------------------------


class MandateFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the need, the ask or whom we ask."
    )
    status = MandateStatusField(required=False)


class MandateInput(serializers.Serializer):
    need = IdField(help_text="The need it negotiates.")
    ask = _text(help_text="What we ask.")
    of_whom = IdField(help_text="The organisation we ask (a directory organisation).")
    opening_position = _text()
    limits = _text(help_text="How far we may go: seen only by the leadership group.")


class MandateChangeInput(serializers.Serializer):
    ask = _text(required=False)
    of_whom = IdField(required=False)
    opening_position = _text(required=False)
    limits = _text(required=False)


class NegotiationEventInput(serializers.Serializer):
    kind = EventKindField()
    happened_on = serializers.DateField()
    text = _text()


class NegotiationEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = EventKindOutput()
    happened_on = serializers.DateField()
    text = serializers.CharField()
    recorded_by = serializers.CharField(allow_null=True, help_text="Their name.")
    recorded_at = serializers.DateTimeField()


class MandateOutcomeInput(serializers.Serializer):
    status = MandateEndingField()
    outcome = _text(help_text="In plain English: every practice reads it.")
    meaning = _text(help_text="What the outcome means for a practice.")
    confirm_hard = serializers.BooleanField(
        default=False, help_text="Publish it even though it reads harder than the threshold."
    )


class NeedRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    practice = OrganisationRefOutput()


class MandateOutput(serializers.Serializer):
    """A negotiation mandate as every member but guests reads it: without its limits."""

    id = serializers.IntegerField()
    need = NeedRefOutput()
    ask = serializers.CharField()
    of_whom = OrganisationRefOutput()
    opening_position = serializers.CharField()
    status = MandateStatusOutput()
    outcome = serializers.CharField()
    outcome_at = serializers.DateTimeField(allow_null=True)
    briefing = serializers.IntegerField(
        allow_null=True, help_text="The golden-thread briefing its outcome was published as."
    )
    created_at = serializers.DateTimeField()
    events = serializers.IntegerField(help_text="How many meetings, offers and notes it has.")


class LeadershipMandateOutput(MandateOutput):
    """A negotiation mandate with its limits: only the leadership group receives this."""

    limits = serializers.CharField(
        required=False,
        help_text="Our limits. Sent only to the leadership group: anyone else's answer has "
        "no such field.",
    )


class MandateDetailOutput(MandateOutput):
    history = NegotiationEventOutput(many=True, help_text="Its meetings, offers and notes.")


class LeadershipMandateDetailOutput(LeadershipMandateOutput):
    history = NegotiationEventOutput(many=True, help_text="Its meetings, offers and notes.")
