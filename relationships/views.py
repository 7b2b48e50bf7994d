"""Trust survey pages. Thin: services for writes, selectors (with the confidentiality
rules) for reads."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from collectives.selectors import member_organisations
from relationships import access, selectors, services
from relationships.analytics import SPECTRUM
from relationships.forms import QUESTIONS, ExtendForm, RatingForm, RoundForm, SelfAssessmentForm
from relationships.models import RATING_ITEMS, RC_ITEMS, TRUST_ITEMS, VALUE_ITEMS

SPECTRUM_LABELS = {i + 1: label.capitalize() for i, label in enumerate(SPECTRUM)}


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = membership.collective.slug
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Trust surveys", "href": reverse("relationships:rounds", args=[slug])},
        *({"text": t, "href": h} for t, h in extra),
    ]


def _round_url(membership: Membership, survey: Any, name: str = "round") -> str:
    return reverse(f"relationships:{name}", args=[membership.collective.slug, survey.pk])


@collective_page("surveys")
def rounds(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(
        request,
        "relationships/rounds.html",
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
    by_pk = {o.pk: o for o in organisations}
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
                participants=[by_pk[pk] for pk in data["participants"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{survey.title} is set up.")
            return redirect(_round_url(membership, survey))
    return render(
        request,
        "relationships/round_new.html",
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
    participants = selectors.participants(survey=survey)
    finished = selectors.finished_organisation_ids(survey=survey)
    results = selectors.round_results(survey=survey)
    own = selectors.own_response(membership=membership, survey=survey)
    return render(
        request,
        "relationships/round.html",
        {
            "title": survey.title,
            "membership": membership,
            "survey": survey,
            "participants": participants,
            "finished": finished,
            "results": results,
            "can_answer": services.can_answer(membership, survey),
            "own": own,
            "spectrum": SPECTRUM,
            "rc_dimensions": RC_ITEMS,
            "questions": QUESTIONS,
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
        "relationships/answer.html",
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
        "relationships/rate.html",
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
        "relationships/round_extend.html",
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
        "relationships/round_close.html",
        {
            "title": f"Close {survey.title}",
            "membership": membership,
            "survey": survey,
            "unfinished": len(selectors.participants(survey=survey))
            - len(selectors.finished_organisation_ids(survey=survey)),
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


def _results_or_404(survey: Any) -> selectors.RoundResults:
    results = selectors.round_results(survey=survey)
    if results is None:
        raise Http404("Results appear when the round closes.")
    return results


@collective_page("surveys")
def round_map(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    results = _results_or_404(survey)
    pcn_filter = request.GET.get("pcn", "")
    pcn = next((v for v in results.pcns if str(v.pcn.pk) == pcn_filter), None)
    shown = {o.pk for o in pcn.practices} if pcn else set(results.organisations)
    received = {r.organisation.pk: r for r in results.received}
    graph = {
        "nodes": [
            {
                "id": o.pk,
                "label": o.name,
                "kind": o.kind,
                "value": received[o.pk].value if received[o.pk].enough else None,
            }
            for o in results.organisations.values()
            if o.pk in shown
        ],
        "edges": [
            {"source": p.a.pk, "target": p.b.pk, "band": p.band}
            for p in results.pairs
            if p.a.pk in shown and p.b.pk in shown
        ],
    }
    return render(
        request,
        "relationships/map.html",
        {
            "title": f"Network map: {survey.title}",
            "membership": membership,
            "survey": survey,
            "results": results,
            "pcn": pcn,
            "graph_data": graph,
            "pairs": [p for p in results.pairs if p.a.pk in shown and p.b.pk in shown],
            "spectrum_labels": SPECTRUM_LABELS,
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


@collective_page("surveys")
def round_pcn(request: HttpRequest, membership: Membership, pk: int, pcn: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    results = _results_or_404(survey)
    view = next((v for v in results.pcns if v.pcn.pk == pcn), None)
    if view is None:
        raise Http404("No practices of that PCN took part in this round.")
    return render(
        request,
        "relationships/pcn.html",
        {
            "title": f"Allies or neighbours? {view.pcn.name}",
            "membership": membership,
            "survey": survey,
            "view": view,
            "results": results,
            "spectrum": SPECTRUM,
            "spectrum_labels": SPECTRUM_LABELS,
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


@collective_page("surveys")
def round_us(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    survey = access.get_round_in_collective(membership, pk)
    if membership.organisation is None:
        raise Http404("You are not in this collective for an organisation.")
    seen = selectors.how_others_see(survey=survey, organisation=membership.organisation)
    if seen is None:
        raise Http404("Results appear when the round closes.")
    received, comments = seen
    return render(
        request,
        "relationships/us.html",
        {
            "title": f"How others see {membership.organisation.name}",
            "membership": membership,
            "survey": survey,
            "received": received,
            "comments": comments,
            "min_raters": survey.collective.min_raters,
            "breadcrumbs": _crumbs(membership, (survey.title, _round_url(membership, survey))),
        },
    )


@collective_page("surveys")
def round_csv(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Aggregates only: the same rules as the pages."""
    survey = access.get_round_in_collective(membership, pk)
    results = _results_or_404(survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.csv"'
    writer = csv.writer(response)
    m = results.measures
    writer.writerow(["section", "measure", "value"])
    for name in selectors.ROUND_FIGURES:
        writer.writerow(["round", name, _fmt(getattr(m, name))])
    for dim, value in m.rc_means.items():
        writer.writerow(["working together", dim, _fmt(value)])
    for label in SPECTRUM:
        writer.writerow(["relationship now", label, m.spectrum_now.get(label, 0)])
        writer.writerow(["relationship wanted", label, m.spectrum_wanted.get(label, 0)])
    writer.writerow([])
    writer.writerow(["organisation", "ods_code", "raters", "received_trust", "received_value"])
    for r in results.received:
        writer.writerow(
            [
                r.organisation.name,
                r.organisation.ods_code or "",
                r.raters,
                _fmt(r.trust) if r.enough else "not enough responses",
                _fmt(r.value) if r.enough else "not enough responses",
            ]
        )
    writer.writerow([])
    writer.writerow(["organisation_a", "organisation_b", "mutual_trust_band", "mutual_position"])
    for p in results.pairs:
        writer.writerow([p.a.name, p.b.name, p.band, SPECTRUM[p.position - 1]])
    writer.writerow([])
    writer.writerow(["pcn", "practices", "rating_practices", "misalignment"])
    for v in results.pcns:
        writer.writerow(
            [
                v.pcn.name,
                len(v.practices),
                v.raters,
                _fmt(v.misalignment) if v.enough else "not enough responses",
            ]
        )
    return response


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)


@collective_page("surveys")
def trends(request: HttpRequest, membership: Membership) -> HttpResponse:
    points = selectors.trends(collective=membership.collective)
    return render(
        request,
        "relationships/trends.html",
        {
            "title": "Trust over time",
            "membership": membership,
            "points": points,
            "trust_chart": selectors.trend_chart(points, "mean_trust", 1, 4),
            "breadcrumbs": _crumbs(membership),
        },
    )
