"""Writes for the register of shared services and its autonomy ledger: a service, its
practices, its stage (every move recorded with who and why), the decisions behind it, its
benefit measures and their monthly values, its ways of working (each versioned) and each
practice's answer to the current version.

Who may act is `shared_services.access`: a convenor creates a service; its lead or a
convenor runs it; a practice's representative or deputy answers for that practice. Every
write is audited in its transaction; a state change locks its service first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, snapshot
from collectives.models import CollectiveOrganisation, Membership, Role
from decisions.models import Decision
from directory.models import Organisation, OrganisationKind
from shared_services import access
from shared_services.models import (
    Answer,
    BenefitMeasure,
    BenefitValue,
    Better,
    Participation,
    ServiceKind,
    SharedService,
    SharedServicesSettings,
    Stage,
    StageMove,
    WayAnswer,
    WayOfWorking,
    WayOfWorkingVersion,
)
from shared_services.selectors import outstanding_answers

#: The organisations that may host a service.
HOST_KINDS = (OrganisationKind.FEDERATION, OrganisationKind.PCN, OrganisationKind.PRACTICE)
#: The most values one CSV upload of a measure may hold (ten years of months, and more).
MAX_UPLOADED_VALUES = 600
#: The largest CSV of values read (600 rows need a few kilobytes).
MAX_UPLOAD_BYTES = 1_000_000


def _member_organisation(
    collective_id: int, pk: int, field: str, kinds: Any = None
) -> Organisation:
    found = (
        CollectiveOrganisation.objects.select_related("organisation")
        .filter(collective_id=collective_id, organisation_id=pk)
        .first()
    )
    if found is None or (kinds and found.organisation.kind not in kinds):
        what = (
            "a member practice"
            if kinds == (OrganisationKind.PRACTICE,)
            else ("a member federation, PCN or practice" if kinds else "a member organisation")
        )
        raise ValidationError({field: f"Choose {what} of the collective."})
    return found.organisation


def _lead(collective_id: int, user_id: int | None) -> Any:
    if user_id is None:
        return None
    found = (
        Membership.objects.select_related("user")
        .filter(collective_id=collective_id, user_id=user_id)
        .exclude(role__in=(Role.GUEST, Role.OBSERVER))
        .first()
    )
    if found is None:
        raise ValidationError({"lead": "Choose a member of the collective to lead the service."})
    return found.user


def _locked(service: SharedService) -> SharedService:
    return SharedService.objects.select_for_update().get(pk=service.pk)


def _clean_text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This cannot be empty."})
    return value


# ------------------------------------------------------------------------------------------
# The register


def service_create(
    *,
    actor_membership: Membership,
    name: str,
    kind: str,
    host: int,
    lead: int | None = None,
    purpose: str = "",
    service_levels: str = "",
    practices: list[int] | None = None,
    joined_on: dt.date | None = None,
) -> SharedService:
    access.require_reader(actor_membership)
    access.require_convenor(actor_membership)
    collective_id = actor_membership.collective_id
    name = _clean_text(name, "name")
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": "Choose what kind of service it is."})
    if SharedService.objects.filter(collective_id=collective_id, name__iexact=name).exists():
        raise ValidationError({"name": f"The collective already has a service called {name}."})
    host_organisation = _member_organisation(collective_id, host, "host", HOST_KINDS)
    lead_user = _lead(collective_id, lead)
    joined_on = joined_on or timezone.localdate()
    members = [
        _member_organisation(collective_id, pk, "practices", (OrganisationKind.PRACTICE,))
        for pk in dict.fromkeys(practices or [])
    ]
    with transaction.atomic():
        service = SharedService.objects.create(
            collective_id=collective_id,
            name=name,
            kind=kind,
            host=host_organisation,
            lead=lead_user,
            purpose=purpose.strip(),
            service_levels=service_levels.strip(),
        )
        StageMove.objects.create(
            service=service, to_stage=Stage.IDEA, by=actor_membership.user, reason="Added."
        )
        Participation.objects.bulk_create(
            [Participation(service=service, organisation=o, joined_on=joined_on) for o in members]
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.service_created",
            obj=service,
            collective=actor_membership.collective,
            after={**snapshot(service), "practices": [o.pk for o in members]},
        )
    return service


def service_update(
    *, actor_membership: Membership, service: SharedService, **changes: Any
) -> SharedService:
    """Change the service's name, kind, host, lead, purpose or service levels. Its lead or a
    convenor may; only a convenor names another lead."""
    access.require_runs(actor_membership, service)
    collective_id = actor_membership.collective_id
    with transaction.atomic():
        service = _locked(service)
        before = snapshot(service)
        if "name" in changes:
            name = _clean_text(changes["name"], "name")
            clash = SharedService.objects.filter(collective_id=collective_id, name__iexact=name)
            if clash.exclude(pk=service.pk).exists():
                raise ValidationError(
                    {"name": f"The collective already has a service called {name}."}
                )
            service.name = name
        if "kind" in changes:
            if changes["kind"] not in ServiceKind.values:
                raise ValidationError({"kind": "Choose what kind of service it is."})
            service.kind = changes["kind"]
        if "host" in changes:
            service.host = _member_organisation(collective_id, changes["host"], "host", HOST_KINDS)
        if "lead" in changes and changes["lead"] != service.lead_id:
            access.require_convenor(actor_membership)
            service.lead = _lead(collective_id, changes["lead"])
        for field in ("purpose", "service_levels"):
            if field in changes:
                setattr(service, field, (changes[field] or "").strip())
        service.save()
        audit_record(
            actor=actor_membership.user,
            action="shared_services.service_changed",
            obj=service,
            collective=actor_membership.collective,
            before=before,
            after=snapshot(service),
        )
    return service


def participant_add(
    *,
    actor_membership: Membership,
    service: SharedService,
    organisation: int,
    joined_on: dt.date | None = None,
) -> Participation:
    access.require_runs(actor_membership, service)
    practice = _member_organisation(
        actor_membership.collective_id, organisation, "organisation", (OrganisationKind.PRACTICE,)
    )
    with transaction.atomic():
        _locked(service)
        if Participation.objects.filter(
            service=service, organisation=practice, left_on__isnull=True
        ).exists():
            raise ValidationError({"organisation": f"{practice.name} is already in the service."})
        joined = Participation.objects.create(
            service=service, organisation=practice, joined_on=joined_on or timezone.localdate()
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.practice_joined",
            obj=service,
            collective=actor_membership.collective,
            after={"organisation": practice.pk, "joined_on": str(joined.joined_on)},
        )
    return joined


def participant_leave(
    *,
    actor_membership: Membership,
    service: SharedService,
    organisation: int,
    left_on: dt.date | None = None,
) -> Participation:
    access.require_runs(actor_membership, service)
    with transaction.atomic():
        _locked(service)
        current = (
            Participation.objects.select_related("organisation")
            .filter(service=service, organisation_id=organisation, left_on__isnull=True)
            .first()
        )
        if current is None:
            raise ValidationError({"organisation": "That practice is not in the service."})
        left_on = left_on or timezone.localdate()
        if left_on < current.joined_on:
            raise ValidationError(
                {"left_on": f"It joined on {current.joined_on:%d %B %Y}; it cannot leave before."}
            )
        current.left_on = left_on
        current.save(update_fields=["left_on"])
        audit_record(
            actor=actor_membership.user,
            action="shared_services.practice_left",
            obj=service,
            collective=actor_membership.collective,
            after={"organisation": organisation, "left_on": str(left_on)},
        )
    return current


def stage_move(
    *, actor_membership: Membership, service: SharedService, to_stage: str, reason: str
) -> StageMove:
    """Move the service to another stage, saying why. It goes live (running) only when every
    current practice has agreed every current way of working, unless the collective allows
    it sooner: the refusal names who and what is outstanding."""
    access.require_runs(actor_membership, service)
    if to_stage not in Stage.values:
        raise ValidationError({"stage": "Choose a stage."})
    reason = _clean_text(reason, "reason")
    with transaction.atomic():
        service = _locked(service)
        if service.stage == to_stage:
            raise ValidationError(
                {"stage": f"The service is already at {service.get_stage_display().lower()}."}
            )
        if to_stage == Stage.RUNNING:
            settings = SharedServicesSettings.objects.filter(
                collective_id=service.collective_id
            ).first()
            if settings is None or not settings.may_run_before_all_agree:
                waiting = outstanding_answers(service)
                if waiting:
                    lines = "; ".join(
                        f"{row.practice.name}: {', '.join(w.title for w in row.ways)}"
                        for row in waiting
                    )
                    raise ValidationError(
                        {
                            "stage": "The service cannot go live until every practice has "
                            f"agreed every way of working. Outstanding: {lines}."
                        }
                    )
        move = StageMove.objects.create(
            service=service,
            from_stage=service.stage,
            to_stage=to_stage,
            by=actor_membership.user,
            reason=reason,
        )
        service.stage = to_stage
        service.save(update_fields=["stage", "updated_at"])
        audit_record(
            actor=actor_membership.user,
            action="shared_services.stage_moved",
            obj=service,
            collective=actor_membership.collective,
            before={"stage": move.from_stage},
            after={"stage": to_stage, "reason": reason},
        )
    return move


def service_decision_link(
    *, actor_membership: Membership, service: SharedService, decision: int, linked: bool = True
) -> None:
    """Record (or remove) a consensus decision that started or changed the service."""
    access.require_runs(actor_membership, service)
    found = Decision.objects.filter(
        pk=decision, collective_id=actor_membership.collective_id
    ).first()
    if found is None:
        raise ValidationError({"decision": "Choose a decision of the collective."})
    with transaction.atomic():
        _locked(service)
        if linked:
            service.decisions.add(found)
        else:
            service.decisions.remove(found)
        audit_record(
            actor=actor_membership.user,
            action="shared_services.decision_linked"
            if linked
            else "shared_services.decision_unlinked",
            obj=service,
            collective=actor_membership.collective,
            after={"decision": found.pk},
        )


# ------------------------------------------------------------------------------------------
# Benefit measures


def _number(value: Any, field: str, *, required: bool = False) -> float | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: "Enter a number."})
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not a number."}) from None
    if not math.isfinite(number) or abs(number) >= 1e15:
        raise ValidationError({field: f"{value!r} is not a number a measure can take."})
    return number


def measure_add(
    *,
    actor_membership: Membership,
    service: SharedService,
    name: str,
    unit: str,
    better: str = Better.UP,
    baseline: Any = None,
    target: Any = None,
) -> BenefitMeasure:
    access.require_runs(actor_membership, service)
    name, unit = _clean_text(name, "name"), _clean_text(unit, "unit")
    if better not in Better.values:
        raise ValidationError({"better": "Say which direction is better."})
    if BenefitMeasure.objects.filter(service=service, name__iexact=name).exists():
        raise ValidationError({"name": f"The service already measures {name}."})
    with transaction.atomic():
        measure = BenefitMeasure.objects.create(
            service=service,
            name=name,
            unit=unit,
            better=better,
            baseline=_number(baseline, "baseline"),
            target=_number(target, "target"),
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.measure_added",
            obj=measure,
            collective=actor_membership.collective,
            after=snapshot(measure),
        )
    return measure


def _month(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d", "%m/%Y", "%b %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().replace(day=1)  # noqa: DTZ007
        except ValueError:
            continue
    raise ValidationError({field: f"{text[:40]!r} is not a month: write it like 2026-03."})


def measure_values_set(
    *, actor_membership: Membership, measure: BenefitMeasure, values: list[tuple[Any, Any]]
) -> int:
    """Enter or correct monthly values ((month, value) pairs); returns how many changed."""
    access.require_runs(actor_membership, measure.service)
    cleaned: dict[dt.date, float] = {}
    for index, (month, value) in enumerate(values):
        when = _month(month, f"values[{index}].month")
        if when > timezone.localdate():
            raise ValidationError({f"values[{index}].month": f"{when:%B %Y} has not begun."})
        number = _number(value, f"values[{index}].value", required=True)
        assert number is not None
        cleaned[when] = number
    if not cleaned:
        raise ValidationError({"values": "Give at least one month's value."})
    with transaction.atomic():
        _locked(measure.service)
        existing = {
            v.month: v for v in BenefitValue.objects.filter(measure=measure, month__in=cleaned)
        }
        changed = []
        for month, number in cleaned.items():
            found = existing.get(month)
            if found is None:
                changed.append(
                    BenefitValue.objects.create(
                        measure=measure, month=month, value=number, entered_by=actor_membership.user
                    )
                )
            elif found.value != number:
                found.value, found.entered_by, found.entered_at = (
                    number,
                    actor_membership.user,
                    timezone.now(),
                )
                found.save()
                changed.append(found)
        audit_record(
            actor=actor_membership.user,
            action="shared_services.measure_values_set",
            obj=measure,
            collective=actor_membership.collective,
            after={"values": {f"{v.month:%Y-%m}": v.value for v in changed}},
        )
    return len(changed)


def measure_values_upload(
    *, actor_membership: Membership, measure: BenefitMeasure, data: bytes
) -> int:
    """Monthly values from a CSV of two columns, month and value (a header row is
    optional). A row that cannot be read is refused, naming its row and column, and nothing
    is stored."""
    access.require_runs(actor_membership, measure.service)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": "The file is larger than 1 MB: it cannot be a list of months."}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": "The file is not UTF-8 text: save it as CSV."}) from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and rows[0] and rows[0][0].strip().lower() == "month":
        rows = rows[1:]
    if not rows:
        raise ValidationError({"file": "The file holds no values."})
    if len(rows) > MAX_UPLOADED_VALUES:
        raise ValidationError({"file": f"The file holds more than {MAX_UPLOADED_VALUES} rows."})
    pairs = []
    for number, row in enumerate(rows, start=1):
        if len(row) < 2:
            raise ValidationError({"file": f"Row {number}: give a month and a value."})
        try:
            pairs.append((_month(row[0], "month"), _number(row[1], "value", required=True)))
        except ValidationError as error:
            ((column, messages),) = error.message_dict.items()
            raise ValidationError({"file": f"Row {number}, {column}: {messages[0]}"}) from None
    return measure_values_set(actor_membership=actor_membership, measure=measure, values=pairs)


# ------------------------------------------------------------------------------------------
# Ways of working: the autonomy ledger


def way_add(
    *, actor_membership: Membership, service: SharedService, title: str, text: str
) -> WayOfWorking:
    """A new way of working, at version 1: every practice in the service is asked."""
    access.require_runs(actor_membership, service)
    title, text = _clean_text(title, "title"), _clean_text(text, "text")
    with transaction.atomic():
        _locked(service)
        if WayOfWorking.objects.filter(service=service, title__iexact=title).exists():
            raise ValidationError(
                {"title": f"The service already has a way of working called {title}."}
            )
        position = WayOfWorking.objects.filter(service=service).count() + 1
        way = WayOfWorking.objects.create(service=service, title=title, position=position)
        version = WayOfWorkingVersion.objects.create(
            way=way, number=1, text=text, by=actor_membership.user
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.way_added",
            obj=way,
            collective=actor_membership.collective,
            after={"title": title, "version": 1, "text": version.text},
        )
    return way


def way_revise(
    *, actor_membership: Membership, way: WayOfWorking, text: str, change_note: str
) -> WayOfWorkingVersion:
    """A new version: every practice is asked again; their answers to older versions are
    kept, shown as given on that version."""
    access.require_runs(actor_membership, way.service)
    text, change_note = _clean_text(text, "text"), _clean_text(change_note, "change_note")
    with transaction.atomic():
        _locked(way.service)
        latest = WayOfWorkingVersion.objects.filter(way=way).order_by("-number").first()
        if latest is not None and latest.text.strip() == text:
            raise ValidationError({"text": "This is the current version's text: change it first."})
        version = WayOfWorkingVersion.objects.create(
            way=way,
            number=(latest.number if latest else 0) + 1,
            text=text,
            change_note=change_note,
            by=actor_membership.user,
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.way_revised",
            obj=way,
            collective=actor_membership.collective,
            after={"version": version.number, "text": text, "change_note": change_note},
        )
    return version


def way_answer(
    *,
    actor_membership: Membership,
    way: WayOfWorking,
    answer: str,
    variation: str = "",
    variation_reason: str = "",
    variation_until: dt.date | None = None,
    would_help: str = "",
    reason: str = "",
) -> WayAnswer:
    """The practice's answer to the current version, by its representative or deputy; it
    replaces the practice's earlier answer to the same version."""
    access.require_reader(actor_membership)
    practice = access.practice_spoken_for(actor_membership)
    if practice is None:
        raise PermissionDenied("Only a practice's representative or deputy answers for it.")
    if answer not in Answer.values:
        raise ValidationError({"answer": "Choose an answer."})
    fields: dict[str, Any] = {
        "variation": "",
        "variation_reason": "",
        "variation_until": None,
        "would_help": "",
        "reason": "",
    }
    if answer == Answer.VARIATION:
        fields["variation"] = _clean_text(variation, "variation")
        fields["variation_reason"] = _clean_text(variation_reason, "variation_reason")
        if variation_until is None:
            raise ValidationError({"variation_until": "Say until when the variation lasts."})
        if variation_until <= timezone.localdate():
            raise ValidationError({"variation_until": "A variation must end after today."})
        fields["variation_until"] = variation_until
    elif answer == Answer.NOT_YET:
        fields["would_help"] = _clean_text(would_help, "would_help")
    elif answer == Answer.DECLINED:
        fields["reason"] = _clean_text(reason, "reason")
    with transaction.atomic():
        _locked(way.service)
        if not Participation.objects.filter(
            service_id=way.service_id, organisation=practice, left_on__isnull=True
        ).exists():
            raise PermissionDenied(f"{practice.name} is not in {way.service.name}.")
        version = WayOfWorkingVersion.objects.filter(way=way).order_by("-number").first()
        if version is None:
            raise ValidationError({"way": "The way of working has no version to answer."})
        given, _ = WayAnswer.objects.update_or_create(
            version=version,
            organisation=practice,
            defaults={
                "answer": answer,
                "answered_by": actor_membership.user,
                "answered_at": timezone.now(),
                **fields,
            },
        )
        audit_record(
            actor=actor_membership.user,
            action="shared_services.way_answered",
            obj=way,
            collective=actor_membership.collective,
            after={
                "organisation": practice.pk,
                "version": version.number,
                "answer": answer,
                **{k: str(v) for k, v in fields.items() if v},
            },
        )
    return given


def settings_update(*, actor_membership: Membership, **changes: Any) -> SharedServicesSettings:
    access.require_convenor(actor_membership)
    with transaction.atomic():
        found, _ = SharedServicesSettings.objects.select_for_update().get_or_create(
            collective_id=actor_membership.collective_id
        )
        before = snapshot(found)
        for field, value in changes.items():
            setattr(found, field, value)
        found.full_clean()
        found.save()
        audit_record(
            actor=actor_membership.user,
            action="shared_services.settings_changed",
            obj=found,
            collective=actor_membership.collective,
            before=before,
            after=snapshot(found),
        )
    return found
