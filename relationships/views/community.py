"""Nudges, asks for help and put-it-right pages. Forms parse, relationships.services enforce who
may act; every object is looked up within the collective (404 otherwise)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from relationships import access, services
from relationships.forms_community import (
    AnswerForm,
    AskForm,
    OfferForm,
    PutItRightForm,
    ResponseForm,
    SnoozeForm,
)
from relationships.models import AskStatus
from relationships.selectors import community
from relationships.selectors.overview import ask_counts
from relationships.services import ACTING_ROLES
from relationships.views.common import crumbs


def _crumbs(membership: Membership, *more: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return crumbs(membership, *((text, reverse(name, args=[slug])) for text, name in more))


def _acts(membership: Membership) -> bool:
    """Whether the person can ask, offer and respond for an organisation."""
    return membership.organisation_id is not None and membership.role in ACTING_ROLES


# Nudges -------------------------------------------------------------------------------------


@collective_page("relationships")
def nudges(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(
        request,
        "relationships/nudges.html",
        {
            "title": "Nudges",
            "membership": membership,
            "nudges": list(community.open_nudges_visible_to(membership)[:100]),
            "can_act": membership.is_convenor or _acts(membership),
            "tomorrow": timezone.localdate() + dt.timedelta(days=1),
            "snooze_form": SnoozeForm(),
            "breadcrumbs": _crumbs(membership, ("Nudges", "relationships:nudges")),
        },
    )


@require_POST
@collective_page("relationships")
def nudge_action(
    request: HttpRequest, membership: Membership, pk: int, action: str
) -> HttpResponse:
    if action not in ("dismiss", "snooze"):
        raise Http404("No such action.")
    nudge = access.get_nudge_in_collective(membership, pk)
    if action == "dismiss":
        services.nudge_dismiss(actor_membership=membership, nudge=nudge)
        messages.success(request, "Nudge dismissed.")
    else:
        form = SnoozeForm(request.POST)
        valid = form.is_valid()
        days = (form.cleaned_data.get("days") if valid else None) or 7
        try:
            if not valid and "until" in form.errors:
                raise ValidationError(list(form.errors["until"]))
            nudge = services.nudge_snooze(
                actor_membership=membership,
                nudge=nudge,
                days=days,
                until=form.cleaned_data.get("until") if valid else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            shows_again = timezone.localtime(nudge.snoozed_until)
            messages.success(request, f"Nudge snoozed until {shows_again:%-d %B %Y}.")
    return redirect(reverse("relationships:nudges", args=[membership.collective.slug]))


# Asks for help ----------------------------------------------------------------------------


@collective_page("relationships")
def asks(request: HttpRequest, membership: Membership) -> HttpResponse:
    base = community.asks_visible_to(membership).select_related(
        "organisation", "helped_by__organisation"
    )
    since = timezone.now() - dt.timedelta(days=365)
    return render(
        request,
        "relationships/asks.html",
        {
            "title": "Asks for help",
            "membership": membership,
            "open_asks": list(
                base.filter(status=AskStatus.OPEN)
                .prefetch_related("addressed_to")
                .order_by("-asked_at", "-id")[:100]
            ),
            "answered": list(
                base.filter(status=AskStatus.ANSWERED).order_by("-answered_at", "-id")[:20]
            ),
            "counts": ask_counts(collective=membership.collective, since=since),
            "can_ask": _acts(membership),
            "breadcrumbs": _crumbs(membership, ("Asks for help", "relationships:asks")),
        },
    )


@collective_page("relationships")
def ask_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = AskForm(
        request.POST or None, collective=membership.collective, own=membership.organisation_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ask = services.ask_post(
                actor_membership=membership,
                what=data["what"],
                needed_by=data["needed_by"],
                to_organisations=[o.pk for o in data["organisations"]],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "to_organisations" in error.error_dict:
                error = ValidationError({"organisations": error.error_dict["to_organisations"]})
            add_service_errors(form, error)
        else:
            messages.success(request, "Your ask is posted.")
            return redirect(reverse("relationships:ask", args=[membership.collective.slug, ask.pk]))
    return render(
        request,
        "relationships/ask_form.html",
        {
            "title": "Ask for help",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(
                membership,
                ("Asks for help", "relationships:asks"),
                ("Ask for help", "relationships:ask_new"),
            ),
        },
    )


@collective_page("relationships")
def ask_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    ask = access.get_ask_visible_to(membership, pk)
    offers = community.offers_on(ask=ask)
    own = membership.organisation_id
    is_asker = _acts(membership) and own == ask.organisation_id
    addressed = ask.to_everyone or any(o.pk == own for o in ask.addressed_to.all())
    can_offer = _acts(membership) and ask.status == AskStatus.OPEN and not is_asker and addressed
    offer_form = OfferForm(request.POST if "offer" in request.POST else None, prefix="offer")
    answer_form = AnswerForm(
        request.POST if "answer" in request.POST else None, offers=offers, prefix="answer"
    )
    if request.method == "POST":
        url = reverse("relationships:ask", args=[membership.collective.slug, ask.pk])
        if "offer" in request.POST and offer_form.is_valid():
            try:
                services.offer_make(
                    actor_membership=membership, ask=ask, text=offer_form.cleaned_data["text"]
                )
            except ValidationError as error:
                add_service_errors(offer_form, error)
            else:
                messages.success(request, "Your offer is sent. Thank you for helping.")
                return redirect(url)
        elif "answer" in request.POST and answer_form.is_valid():
            try:
                services.ask_answer(
                    actor_membership=membership,
                    ask=ask,
                    offer=answer_form.cleaned_data["offer"],
                    thanks=answer_form.cleaned_data["thanks"],
                )
            except ValidationError as error:
                add_service_errors(answer_form, error)
            else:
                messages.success(request, "Marked answered. Your thanks are shared.")
                return redirect(url)
        elif "offer" not in request.POST and "answer" not in request.POST:
            raise Http404("Nothing to do.")
    return render(
        request,
        "relationships/ask.html",
        {
            "title": f"{ask.organisation.name} asks for help",
            "membership": membership,
            "ask": ask,
            "offers": list(ask.offers.all()),
            "is_asker": is_asker,
            "can_offer": can_offer,
            "offer_form": offer_form,
            "answer_form": answer_form,
            "breadcrumbs": _crumbs(membership, ("Asks for help", "relationships:asks")),
        },
    )


# Put it right -----------------------------------------------------------------------------


@collective_page("relationships")
def put_it_rights(request: HttpRequest, membership: Membership) -> HttpResponse:
    records = list(
        community.put_it_rights_in(collective_id=membership.collective_id).prefetch_related(
            "responses"
        )[:100]
    )
    return render(
        request,
        "relationships/put_it_rights.html",
        {
            "title": "Putting things right",
            "membership": membership,
            "records": records,
            "can_record": _acts(membership),
            "breadcrumbs": _crumbs(
                membership, ("Putting things right", "relationships:put_it_rights")
            ),
        },
    )


@collective_page("relationships")
def put_it_right_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = PutItRightForm(
        request.POST or None, collective=membership.collective, own=membership.organisation_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.put_it_right_record(
                actor_membership=membership,
                mistake=data["mistake"],
                impact=data["impact"],
                will_do=data["will_do"],
                apologises_to=[o.pk for o in data["apologises_to"]],
                decision=data["decision"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded. Thank you for owning it.")
            return redirect(
                reverse("relationships:put_it_right", args=[membership.collective.slug, record.pk])
            )
    return render(
        request,
        "relationships/put_it_right_form.html",
        {
            "title": "We got this wrong",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(
                membership,
                ("Putting things right", "relationships:put_it_rights"),
                ("We got this wrong", "relationships:put_it_right_new"),
            ),
        },
    )


@collective_page("relationships")
def put_it_right_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    record = access.get_put_it_right_in_collective(membership, pk)
    apologised = {o.pk for o in record.apologises_to.all()}
    can_respond = _acts(membership) and membership.organisation_id in apologised
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.put_it_right_respond(
                actor_membership=membership, record=record, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your response is shared.")
            return redirect(
                reverse("relationships:put_it_right", args=[membership.collective.slug, record.pk])
            )
    responses = list(record.responses.all())
    return render(
        request,
        "relationships/put_it_right.html",
        {
            "title": f"{record.organisation.name} puts it right",
            "membership": membership,
            "record": record,
            "responses": responses,
            "can_respond": can_respond,
            "responded": any(r.organisation_id == membership.organisation_id for r in responses),
            "form": form,
            "decision": record.decision,
            "breadcrumbs": _crumbs(
                membership, ("Putting things right", "relationships:put_it_rights")
            ),
        },
    )
