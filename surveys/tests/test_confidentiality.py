"""PRODUCT.md §4 on the real pages, API and exports: what a participant can see of a round.

The adversary here gathers what each participant can see the way a participant would (every
results page, API response and export, the PCN pages, the trends), checks that every number
in it is a figure the publication chose to show, and then solves for the ratings it did not
give (surveys.disclosure): it must find none.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re

import openpyxl
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.testing import (
    MemberOrganisationFactory,
    MembershipFactory,
    summary_list,
    table_rows,
)
from collectives.models import Role
from surveys import results, selectors, services
from surveys.models import RoundPublication, SurveyRound

DECIMAL = re.compile(r"(?<![\d.:/\w-])-?\d+\.\d+(?![\d.])")
SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)


def _text(response) -> str:
    """A page as a person reads it: the drawings left out (icons' paths are full of decimals;
    each chart says that the table beside it gives the same figures)."""
    return SVG.sub("", response.content.decode())


def _base(survey) -> str:
    return f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}"


def test_with_two_raters_an_organisation_sees_not_enough_responses_and_no_count(client, survey):
    oak, ash, elm, _yew = survey.reps
    survey.answer(ash, oak, trust=1)
    survey.answer(elm, oak, trust=2)
    survey.close()
    client.force_login(oak.user)
    html = _text(client.get(f"{_base(survey)}/us/"))
    assert "Not enough responses" in html
    assert "1.5" not in html and "2 organisations" not in html
    assert "organisations rated you." not in html
    api = client.get(
        f"/api/v1/collectives/{survey.round.collective.slug}/surveys/{survey.round.pk}/results/"
    ).json()
    row = next(r for r in api["received"] if r["organisation"] == oak.organisation.pk)
    assert row["received"] == {"shown": False, "reason": "Not enough responses", "values": {}}


def test_with_three_raters_an_organisation_sees_the_mean_to_one_decimal(client, survey):
    oak, ash, elm, yew = survey.reps
    survey.answer(ash, oak, trust=1, value=2)
    survey.answer(elm, oak, trust=2, value=2)
    survey.answer(yew, oak, trust=4, value=3)
    survey.close()
    client.force_login(oak.user)
    html = client.get(f"{_base(survey)}/us/").content.decode()
    assert "3 organisations rated you." in html
    # (1 + 2 + 4) / 3, to the precision a 1-4 scale supports
    assert summary_list(html)["Trust (1 to 4)"] == "2.3"
    assert "2.33" not in html


def test_comments_show_only_when_shareable_and_without_author_when_asked(client, survey):
    oak, ash, elm, yew = survey.reps
    survey.answer(ash, oak, comment="Private grumble", comment_shareable=False)
    survey.answer(
        elm, oak, comment="Great to work with", comment_shareable=True, comment_anonymous=True
    )
    survey.answer(
        yew, oak, comment="Thanks for the cover", comment_shareable=True, comment_anonymous=False
    )
    survey.close()
    client.force_login(oak.user)
    html = client.get(f"{_base(survey)}/us/").content.decode()
    assert "Private grumble" not in html
    assert "Great to work with" in html and "Elm Surgery" not in html
    assert "Thanks for the cover" in html and "Yew Surgery" in html


def test_the_total_minus_its_parts_attack_finds_nothing_on_the_pages(client, survey):
    """Issue 12, attack 1: one organisation rated Yew; three rated Oak. The old results
    published the round's mean over all four ratings, and Oak's mean with its three raters:
    4 x round - 3 x Oak gave the lone rating of Yew. Now the round covers Oak's ratings only
    and Yew's count is not shown."""
    oak, ash, elm, yew = survey.reps
    survey.answer(oak, yew, trust=1)
    for rep in (ash, elm, yew):
        survey.answer(rep, oak, trust=3)
    survey.close()
    client.force_login(ash.user)
    page = client.get(f"{_base(survey)}/").content.decode()
    assert "cover the ratings of the 1 organisation that at least 3 others rated" in page
    rows = list(
        csv.reader(io.StringIO(client.get(f"{_base(survey)}/results.csv").content.decode()))
    )
    yew_row = next(row for row in rows if row and row[0] == "Yew Surgery")
    assert yew_row[2:] == ["Not enough responses", "Not enough responses"]
    assert ["mean trust (1 to 4)", "3.0"] in rows  # Oak's three, not (1 + 3 x 3) / 4
    assert selectors.round_leaks(survey=survey.round) == []


def test_no_pairs_band_is_shown_to_anyone_not_even_its_own_two(client, survey):
    oak, ash, elm, yew = survey.reps
    for a, b in ((oak, ash), (ash, oak), (elm, yew), (yew, elm)):
        survey.answer(a, b, trust=4)
    survey.close()
    for viewer in (survey.convenor, oak):
        client.force_login(viewer.user)
        for path in ("/map/", f"/pcns/{survey.pcn.pk}/", "/results.csv"):
            text = client.get(_base(survey) + path).content.decode()
            rows = [" ".join(row) for row in table_rows(text)]
            for line in [*rows, *text.split("\n")]:
                if "Oak Surgery" in line and "Ash Surgery" in line:
                    assert not re.search(r"strong|moderate|weak", line, re.I), (path, line)
        assert ["Oak Surgery", "Ash Surgery"] in table_rows(
            client.get(f"{_base(survey)}/map/").content.decode()
        )  # who rated whom is the network's shape, not a rating


# What a round closed by date or by hand does ----------------------------------------------


def test_a_round_closed_by_date_publishes_on_first_read_with_its_own_k(client, survey):
    for rater in survey.reps:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee)
    SurveyRound.objects.filter(pk=survey.round.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=20),
        closes_on=timezone.localdate() - dt.timedelta(days=1),
    )
    survey.round.refresh_from_db()
    assert not RoundPublication.objects.exists()
    client.force_login(survey.reps[0].user)
    assert "Mean trust" in client.get(f"{_base(survey)}/").content.decode()
    stored = RoundPublication.objects.get()
    assert stored.min_raters == 3
    services.min_raters_change(actor_membership=survey.convenor, min_raters=5)
    stored.refresh_from_db()
    survey.round.refresh_from_db()
    assert stored.min_raters == 3 and survey.round.min_raters == 3  # frozen at close
    assert results.round_results(survey=survey.round).round.shown


# The adversary on everything a participant sees --------------------------------------------


def _numbers(text: str) -> set[float]:
    return {round(float(n), 2) for n in DECIMAL.findall(text)}


def _published_numbers(survey: SurveyRound) -> set[float]:
    """Every number a page may show of this round: published values and the network's shape."""
    stored = RoundPublication.objects.get(round=survey)
    allowed: set[float] = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, float | int) and not isinstance(value, bool):
            allowed.update({float(value), -float(value)})

    for cell in stored.cells.values():
        walk(cell["values"])
    for name in ("response_rate", "density", "reciprocity", "centralization"):
        allowed.add(stored.structure[name])
    return allowed


def _everything_seen(client, survey, viewer) -> str:
    slug = survey.round.collective.slug
    base = _base(survey)
    client.force_login(viewer.user)
    found = results.round_results(survey=survey.round)
    paths = [
        f"{base}/",
        f"{base}/map/",
        f"{base}/results.csv",
        f"/api/v1/collectives/{slug}/surveys/{survey.round.pk}/results/",
        f"/c/{slug}/surveys/trends/",
        f"/c/{slug}/relationships/",
        f"/c/{slug}/who-we-are/",
        *(f"{base}/pcns/{v.pcn.pk}/" for v in found.pcns),
    ]
    if viewer.organisation_id:
        paths.append(f"{base}/us/")
    text = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text.append(_text(response))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/results.xlsx").content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            text.append(",".join("" if v is None else str(v) for v in row))
    return "\n".join(text)


RATING = st.integers(min_value=1, max_value=4)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    answers=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), RATING, RATING, st.integers(1, 5)),
        min_size=1,
        max_size=24,
    ),
    consents=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=4),
)
def test_everything_a_participant_can_see_isolates_no_rating(client, survey, answers, consents):
    """Random rounds of six organisations (four in a PCN), twice over: every decimal on every
    page, API response and export a participant can see is a published figure, and from the
    published figures no participant can work out a rating it did not give."""
    RoundPublication.objects.all().delete()
    SurveyRound.objects.exclude(pk=survey.round.pk).delete()
    survey.round.responses.all().delete()
    survey.round.pair_consents.all().delete()
    SurveyRound.objects.filter(pk=survey.round.pk).update(closed_at=None)
    survey.round.refresh_from_db()
    collective = survey.round.collective
    while len(survey.reps) < 6:
        practice = MemberOrganisationFactory(collective=collective)
        survey.reps.append(
            MembershipFactory(
                collective=collective, role=Role.REPRESENTATIVE, organisation=practice.organisation
            )
        )
        survey.round.round_participants.create(organisation=practice.organisation)
    first = survey.round
    for number in (1, 2):
        if number == 2:
            today = timezone.localdate()
            survey.round = services.round_open(
                actor_membership=survey.convenor,
                title="Second round",
                opens_on=today,
                closes_on=today,
                participants=[r.organisation for r in survey.reps],
            )
        for rater_i, ratee_i, trust, value, now in answers[number - 1 :: 1 if number == 1 else 2]:
            if rater_i != ratee_i:
                survey.answer(
                    survey.reps[rater_i], survey.reps[ratee_i], trust=trust, value=value, now=now
                )
        for a, b in consents:
            if a != b:
                for x, y in ((a, b), (b, a)):
                    with contextlib.suppress(ValidationError):  # refused: it would leak
                        services.pair_consent_give(
                            membership=survey.reps[x],
                            survey=survey.round,
                            partner=survey.reps[y].organisation,
                        )
        survey.close()
    for viewer in (survey.convenor, *survey.reps[:3]):
        seen = _everything_seen(client, survey, viewer)
        second, earlier = _published_numbers(survey.round), _published_numbers(first)
        # The trends page shows each change between the rounds: a difference of two
        # published figures, which adds nothing to them.
        changes = {a - b for a in second for b in earlier}
        allowed = {round(n, 2) for n in second | earlier | changes}
        assert _numbers(seen) <= allowed, _numbers(seen) - allowed
    assert selectors.round_leaks(survey=survey.round) == []
    assert selectors.round_leaks(survey=first) == []
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get(f"{_base(survey)}/results.csv").content.decode("utf-8-sig"))
        )
    )
    assert ["Round"] in csv_rows
