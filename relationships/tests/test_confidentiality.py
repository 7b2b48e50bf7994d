"""PRODUCT.md §4 over pages, API and CSV: no one-way rating is ever shown."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relationships import selectors


def _rate_everyone(survey, raters, **kwargs):
    for rater in raters:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee, **kwargs)


def test_with_two_raters_an_organisation_sees_not_enough_responses(client, survey):
    oak, ash, elm, _yew = survey.reps
    survey.answer(ash, oak, trust=1)
    survey.answer(elm, oak, trust=2)
    survey.close()
    client.force_login(oak.user)
    page = client.get(f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}/us/")
    html = page.content.decode()
    assert "Not enough responses" in html
    assert "1.50" not in html and "1.00" not in html and "2.00" not in html


def test_with_three_raters_an_organisation_sees_the_mean(client, survey):
    oak, ash, elm, yew = survey.reps
    survey.answer(ash, oak, trust=1, value=2)
    survey.answer(elm, oak, trust=2, value=2)
    survey.answer(yew, oak, trust=4, value=3)
    survey.close()
    client.force_login(oak.user)
    html = client.get(
        f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}/us/"
    ).content.decode()
    assert "3 organisations rated you." in html
    assert "2.33" in html  # (1 + 2 + 4) / 3
    assert "2.33" in html and "Not enough responses" not in html


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
    html = client.get(
        f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}/us/"
    ).content.decode()
    assert "Private grumble" not in html
    assert "Great to work with" in html and "Elm Surgery" not in html
    assert "Thanks for the cover" in html and "Yew Surgery" in html


def test_a_one_way_tie_never_appears_on_the_map_or_in_the_csv(client, survey):
    oak, ash, elm, yew = survey.reps
    survey.answer(oak, ash, trust=1)  # one way only
    survey.answer(elm, yew, trust=4)
    survey.answer(yew, elm, trust=4)
    survey.close()
    client.force_login(survey.convenor.user)
    base = f"/c/{survey.round.collective.slug}/surveys/{survey.round.pk}"
    html = client.get(f"{base}/map/").content.decode()
    assert "Oak Surgery and Ash Surgery" not in html
    assert "Elm Surgery and Yew Surgery" in html and "Strong" in html
    csv_text = client.get(f"{base}/results.csv").content.decode()
    assert "Oak Surgery,Ash Surgery" not in csv_text
    assert "Elm Surgery,Yew Surgery,strong" in csv_text


RATING = st.integers(min_value=1, max_value=4)
DECIMAL = re.compile(r"(?<![\d.])-?\d\.\d\d\b|(?<![\d.])-?\d\.\d+(?=[,}\]])")


def _allowed_numbers(results) -> set[str]:
    """Every number a page may show: aggregates over at least k organisations, and counts
    and network shape measures that are not ratings."""
    m = results.measures
    numbers = [
        m.response_rate,
        m.density,
        m.reciprocity,
        m.centralization,
        m.mean_trust,
        m.mean_value,
        m.gap,
        *m.rc_means.values(),
    ]
    numbers += [v for r in results.received for v in (r.trust, r.value)]
    numbers += [v.misalignment for v in results.pcns]
    numbers += [v.gap for v in results.pcns]
    numbers += [abs(n) for n in numbers if n is not None]  # gaps are shown as steps
    allowed = set()
    for n in numbers:
        if n is not None:
            allowed |= {f"{n:.2f}", repr(float(n)), str(n)}
    return allowed


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    answers=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), RATING, RATING), min_size=1, max_size=12
    )
)
def test_no_page_api_or_csv_shows_a_number_that_is_not_a_k_aggregate(client, survey, answers):
    """Random rounds: every decimal number on every results page, API response and export
    is one of the aggregates the k rule allows, so no one-way rating can show."""
    from relationships.models import Response

    Response.objects.all().delete()
    survey.round.closed_at = None
    survey.round.save()
    for rater_i, ratee_i, trust, value in answers:
        if rater_i != ratee_i:
            survey.answer(survey.reps[rater_i], survey.reps[ratee_i], trust=trust, value=value)
    survey.close()
    results = selectors.round_results(survey=survey.round)
    k = survey.round.collective.min_raters
    for r in results.received:
        assert r.enough == (r.raters >= k)
        if not r.enough:
            assert r.trust is None and r.value is None
    if results.measures.respondents < k:
        assert results.measures.mean_trust is None and results.measures.gap is None
    allowed = _allowed_numbers(results)
    slug = survey.round.collective.slug
    base = f"/c/{slug}/surveys/{survey.round.pk}"
    urls = [
        f"{base}/",
        f"{base}/map/",
        f"{base}/results.csv",
        f"{base}/pcns/{survey.pcn.pk}/",
        f"/api/v1/collectives/{slug}/surveys/{survey.round.pk}/results/",
    ]
    for viewer in (survey.convenor, survey.reps[0]):
        client.force_login(viewer.user)
        for url in [*urls, *([f"{base}/us/"] if viewer.organisation_id else [])]:
            response = client.get(url)
            if response.status_code == 404 and "/pcns/" in url:
                continue  # no practice of the PCN answered
            assert response.status_code == 200, url
            shown = set(DECIMAL.findall(response.content.decode()))
            assert shown <= allowed, (url, shown - allowed)
