"""Trust survey pages. Thin: services for writes, selectors (with the confidentiality
rules) for reads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from alliance.changes import cached
from alliance.exports import csv_response, export_view, xlsx_response
from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from collectives.selectors import member_organisations
from surveys import access, results, selectors, services
from surveys.analytics import RC_DIMENSIONS, SPECTRUM
from surveys.forms import QUESTIONS, ExtendForm, RatingForm, RoundForm, SelfAssessmentForm
from surveys.models import RATING_ITEMS, RC_ITEMS, TRUST_ITEMS, VALUE_ITEMS

SPECTRUM_LABELS = {i + 1: label.capitalize() for i, label in enumerate(SPECTRUM)}


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Trust surveys", "href": reverse("surveys:rounds", args=[slug])},
        *({"text": t, "href": h} for t, h in extra),
    ]


def _round_url(membership: Membership, survey: Any, name: str = "round") -> str:
    return reverse(f"surveys:{name}", args=[membership.collective.slug, survey.pk])


@collective_page("surveys")
def rounds(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(
        request,
        "surveys/rounds.html",
        {
            "title": "Trust surveys",
            "membership": membership,
            "rounds": list(selectors.rounds_for_collective(collective=membership.collective)),
            "breadcrumbs": _crumbs(membership)[:1],
        },
    )


@collective_page("surveys", convenor_only=True)
def round_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisations = [m.organisation for m in member_organisations(collective=membership.collective)]
    form = RoundForm(
        request.POST or None,
        organisations=organisations,
        initial={"participants": [o.pk for o in organisations]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.round_open(
                actor_membership=membership,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                answer_mode=data["answer_mode"],
                participants=access.get_participants_named(membership, data["participants"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{survey.title} is set up.")
            return redirect(_round_url(membership, survey))
    return render(
        request,
        "surveys/round_new.html",
        {
            "title": "Open a trust survey",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("surveys")
def round_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)

    def figures() -> tuple[Any, Any, Any]:
        # What every member sees alike: kept until the collective changes (alliance.changes).
        return (
            list(selectors.participants(survey=survey)),
            selectors.finished_organisation_ids(survey=survey),
            results.round_results(survey=survey),
        )

    participants, finished, found = cached(
        "survey-round", membership.collective_id, survey.pk, figures
    )
    return render(
        request,
        "surveys/round.html",
        {
            "title": survey.title,
            "membership": membership,
            "survey": survey,
            "participants": participants,
            "finished": finished,
            "results": found,
            "can_answer": services.can_answer(membership, survey),
            "can_share": services.can_share_views(membership, survey),
            "own_finished": selectors.own_answers_finished(membership=membership, survey=survey),
            "spectrum": SPECTRUM,
            "rc_dimensions": RC_DIMENSIONS,
            "questions": QUESTIONS,
            "reason": results.reason,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("surveys")
def answer(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The raw answers' page. Writes go through the services and reads through
    access.get_own_answers_for: each refuses anyone who does not answer for the
    organisation, and the read is audited."""
    survey = access.get_round_in_collective(membership, pk)
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_save(
                membership=membership, survey=survey, values=form.cleaned_data
            )
            if "finish" in request.POST:
                services.response_submit(membership=membership, survey=survey)
                messages.success(
                    request,
                    "Thank you: your answers are in. You can change them until the round closes.",
                )
                return redirect(_round_url(membership, survey))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(_round_url(membership, survey, "answer"))
    own = access.get_own_answers_for(membership, survey)
    if request.method != "POST" and own is not None:
        initial = {name: getattr(own, name) for name in services.SELF_ITEMS}
        form = SelfAssessmentForm(initial=initial)
    ratings = {r.ratee_id: r for r in own.ratings.all()} if own else {}
    others = [
        o for o in selectors.participants(survey=survey) if o.pk != membership.organisation_id
    ]
    return render(
        request,
        "surveys/answer.html",
        {
            "title": f"Answer: {survey.title}",
            "membership": membership,
            "survey": survey,
            "others": others,
            "ratings": ratings,
            "form": form,
            "own": own,
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


@collective_page("surveys")
def rate(request: HttpRequest, membership: Membership, pk: int, organisation: int) -> HttpResponse:
    """Rating one organisation: the same rule and audit as the answer page."""
    survey = access.get_round_in_collective(membership, pk)
    ratee = access.get_participant_in_round(survey, organisation)
    form = RatingForm(request.POST or None)
    if request.method == "POST":
        try:
            if "not_working_with" in request.POST:
                services.rating_remove(membership=membership, survey=survey, ratee=ratee)
                messages.success(request, f"You do not rate {ratee.name}.")
                return redirect(_round_url(membership, survey, "answer"))
            if form.is_valid():
                data = form.cleaned_data
                services.rating_save(
                    membership=membership,
                    survey=survey,
                    ratee=ratee,
                    values={k: data[k] for k in RATING_ITEMS},
                    comment=data["comment"],
                    comment_shareable=data["comment_shareable"],
                    comment_anonymous=data["comment_anonymous"],
                )
                messages.success(request, f"Your answers about {ratee.name} are saved.")
                return redirect(_round_url(membership, survey, "answer"))
        except ValidationError as error:
            add_service_errors(form, error)
    own = access.get_own_answers_for(membership, survey)
    existing = next((r for r in own.ratings.all() if r.ratee_id == ratee.pk), None) if own else None
    if request.method != "POST" and existing is not None:
        form = RatingForm(
            initial={
                name: getattr(existing, name)
                for name in (*RATING_ITEMS, "comment", "comment_shareable", "comment_anonymous")
            }
        )
    return render(
        request,
        "surveys/rate.html",
        {
            "title": f"How you work with {ratee.name}",
            "membership": membership,
            "survey": survey,
            "ratee": ratee,
            "form": form,
            "groups": [
                ("Trust", TRUST_ITEMS),
                ("What they bring", VALUE_ITEMS),
                ("Working together", RC_ITEMS),
            ],
            "breadcrumbs": _crumbs(
                membership,
                (survey.title, _round_url(membership, survey)),
                ("Your answers", _round_url(membership, survey, "answer")),
            ),
        },
    )


@collective_page("surveys", convenor_only=True)
def round_extend(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    form = ExtendForm(request.POST or None, initial={"closes_on": survey.closes_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.round_extend(
                actor_membership=membership, survey=survey, closes_on=form.cleaned_data["closes_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The closing date was changed.")
            return redirect(_round_url(membership, survey))
    return render(
        request,
        "surveys/round_extend.html",
        {
            "title": f"Extend {survey.title}",
            "membership": membership,
            "survey": survey,
            "form": form,
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


@collective_page("surveys", convenor_only=True)
def round_close(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    if request.method == "POST":
        services.round_close(actor_membership=membership, survey=survey)
        messages.success(request, f"{survey.title} is closed. The results are below.")
        return redirect(_round_url(membership, survey))
    return render(
        request,
        "surveys/round_close.html",
        {
            "title": f"Close {survey.title}",
            "membership": membership,
            "survey": survey,
            "unfinished": len(selectors.participants(survey=survey))
            - len(selectors.finished_organisation_ids(survey=survey)),
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


def _results_context(membership: Membership, survey: Any, found: Any) -> dict[str, Any]:
    return {
        "membership": membership,
        "survey": survey,
        "results": found,
        "spectrum": SPECTRUM,
        "spectrum_labels": SPECTRUM_LABELS,
        "reason": results.reason,
        "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
    }


@collective_page("surveys")
def round_map(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    found = access.get_published_results(survey)
    pcn_filter = request.GET.get("pcn", "")
    pcn = next((v for v in found.pcns if str(v.pcn.pk) == pcn_filter), None)
    shown = {o.pk for o in pcn.practices} if pcn else set(found.organisations)
    pairs = [(a, b) for a, b in found.mutual_pairs if a.pk in shown and b.pk in shown]
    graph = {
        "nodes": [
            {
                "id": r.organisation.pk,
                "label": r.organisation.name,
                "kind": r.organisation.kind,
                "value": r.cell.values.get("value") if r.cell.shown else None,
            }
            for r in found.received
            if r.organisation.pk in shown
        ],
        "edges": [{"source": a.pk, "target": b.pk} for a, b in pairs],
    }
    return render(
        request,
        "surveys/map.html",
        {
            **_results_context(membership, survey, found),
            "title": f"Network map: {survey.title}",
            "pcn": pcn,
            "graph_data": graph,
            "pairs": pairs,
        },
    )


@collective_page("surveys")
def round_pcn(request: HttpRequest, membership: Membership, pk: int, pcn: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    found = access.get_published_results(survey)
    view = found.pcn(pcn)
    if view is None:
        raise Http404("Fewer than two practices of that PCN took part in this round.")
    return render(
        request,
        "surveys/pcn.html",
        {
            **_results_context(membership, survey, found),
            "title": f"Allies or neighbours? {view.pcn.name}",
            "view": view,
        },
    )


@collective_page("surveys")
def round_us(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    if membership.organisation is None:
        raise Http404("You are not in this collective for an organisation.")
    found = access.get_published_results(survey)
    if membership.organisation_id not in found.organisations:
        raise Http404("Your organisation did not take part in this round.")
    return render(
        request,
        "surveys/us.html",
        {
            **_results_context(membership, survey, found),
            "title": f"How others see {membership.organisation.name}",
            "received": found.received_by(membership.organisation.pk),
            "comments": selectors.shared_comments(
                survey=survey, organisation=membership.organisation
            ),
        },
    )


@collective_page("surveys")
def pair_views(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """'Allies or neighbours?' for one organisation: its relationships in the round, and, where
    both organisations agreed, each side's view. Only those who speak for it see this."""
    survey = access.get_round_in_collective(membership, pk)
    access.require_speaks_for_participant(membership, survey)
    organisation = membership.organisation
    assert organisation is not None
    if request.method == "POST":
        partner = access.get_participant_in_round(survey, _int(request.POST.get("partner")))
        try:
            if request.POST.get("share") == "yes":
                services.pair_consent_give(membership=membership, survey=survey, partner=partner)
                messages.success(request, f"You agreed to share your view with {partner.name}.")
            else:
                services.pair_consent_withdraw(
                    membership=membership, survey=survey, partner=partner
                )
                messages.success(request, f"You no longer share your view with {partner.name}.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(_round_url(membership, survey, "pair_views"))
    return render(
        request,
        "surveys/pair_views.html",
        {
            "title": f"Our relationships: {survey.title}",
            "membership": membership,
            "survey": survey,
            "organisation": organisation,
            "views": access.get_pair_views_for(membership, survey),
            "questions": QUESTIONS,
            "rc_dimensions": RC_DIMENSIONS,
            "spectrum_labels": SPECTRUM_LABELS,
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404("No such organisation.") from None


def _export_rows(found: results.RoundResults) -> dict[str, list[list[Any]]]:
    """The published results as spreadsheet rows, sheet by sheet (CSV puts them one after
    another). Held-back figures say why, never with a count beside them."""
    shape = found.structure
    cell = found.round

    def value(c: Any, name: str) -> Any:
        return c.values.get(name) if c.shown else results.reason(c)

    summary: list[list[Any]] = [["measure", "value"]]
    summary += [
        ["organisations taking part", shape.get("participants")],
        ["organisations that answered", shape.get("respondents")],
        ["response rate (%)", round(100 * shape.get("response_rate", 0))],
        ["ties rated", shape.get("ties")],
        ["density (%)", round(100 * shape.get("density", 0))],
        ["reciprocity (%)", round(100 * shape.get("reciprocity", 0))],
        ["centralization", round(shape.get("centralization", 0), 2)],
        ["fewest raters shown (k)", found.min_raters],
        ["organisations whose ratings the figures cover", found.covered],
        ["mean trust (1 to 4)", value(cell, "trust")],
        ["mean value (1 to 4)", value(cell, "value")],
        ["gap between now and wanted (steps)", value(cell, "gap")],
    ]
    for dim in RC_DIMENSIONS:
        summary.append(
            [f"working together: {QUESTIONS['rc_' + dim]} (1 to 5)", value(cell, "rc")]
            if not cell.shown
            else [f"working together: {QUESTIONS['rc_' + dim]} (1 to 5)", cell.values["rc"][dim]]
        )
    for label in SPECTRUM:
        for when in ("now", "wanted"):
            summary.append(
                [
                    f"relationships {when}: {label}",
                    cell.values[when][label] if cell.shown else results.reason(cell),
                ]
            )
    for band in ("strong", "moderate", "weak"):
        summary.append(
            [
                f"pairs rated both ways with {band} trust",
                found.pairs.values["bands"][band]
                if found.pairs.shown
                else results.reason(found.pairs),
            ]
        )
    organisations: list[list[Any]] = [
        ["organisation", "ods_code", "received_trust", "received_value"]
    ]
    for r in found.received:
        organisations.append(
            [
                r.organisation.name,
                r.organisation.ods_code or "",
                value(r.cell, "trust"),
                value(r.cell, "value"),
            ]
        )
    pcns: list[list[Any]] = [
        [
            "pcn",
            "practices",
            "gap_now_to_wanted",
            "pairs_misaligned_percent",
            "strong",
            "moderate",
            "weak",
        ]
    ]
    for v in found.pcns:
        pcns.append(
            [
                v.pcn.name,
                len(v.practices),
                value(v.spectrum, "gap"),
                value(v.pairs, "misaligned"),
                *(
                    v.pairs.values["bands"][band] if v.pairs.shown else results.reason(v.pairs)
                    for band in ("strong", "moderate", "weak")
                ),
            ]
        )
    pairs: list[list[Any]] = [["organisation_a", "organisation_b"]]
    pairs += [[a.name, b.name] for a, b in found.mutual_pairs]
    return {
        "Round": summary,
        "Organisations": organisations,
        "PCNs": pcns,
        "Rated both ways": pairs,
    }


@export_view
@collective_page("surveys")
def round_csv(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The published figures only: the same cells as the pages."""
    survey = access.get_round_in_collective(membership, pk)
    sheets = _export_rows(access.get_published_results(survey))
    rows: list[list[Any]] = []
    for title, sheet in sheets.items():
        rows += [[title], *sheet, []]
    return csv_response(f"survey-{survey.pk}-results.csv", rows)


@export_view
@collective_page("surveys")
def round_xlsx(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    return xlsx_response(
        f"survey-{survey.pk}-results.xlsx", _export_rows(access.get_published_results(survey))
    )


@collective_page("surveys")
def trends(request: HttpRequest, membership: Membership) -> HttpResponse:
    points = results.trends(collective=membership.collective)
    return render(
        request,
        "surveys/trends.html",
        {
            "title": "Trust over time",
            "membership": membership,
            "points": points,
            "changes": results.changes(points[-2], points[-1]) if len(points) > 1 else [],
            "trust_chart": results.trend_chart(points, 1, 4),
            "reason": results.reason,
            "breadcrumbs": _crumbs(membership),
        },
    )
