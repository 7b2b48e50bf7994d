"""The demo shows the trust surveys on a first visit (surveys.demo): closed rounds whose
results pages have figures under the k rule, and an open round the demo representative has
yet to answer."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from directory.models import Organisation
from surveys.models import RoundPublication, SurveyRound
from surveys.selectors import round_leaks

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests (each runs in its own savepoint inside
    this transaction) and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(client, loaded):
    client.force_login(User.objects.get(email="representative@example.org"))
    latest = SurveyRound.objects.filter(closed_at__isnull=False).order_by("-closed_at").first()
    assert latest is not None
    return f"/c/isle-of-wight/surveys/{latest.pk}/"


def _main(response) -> str:
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.content.decode().split("<main", 1)[1])
    return re.sub(r"\s+", " ", html.unescape(text))


def test_the_representatives_home_lists_the_open_survey(client, demo):
    home = _main(client.get("/c/isle-of-wight/"))
    assert "This quarter's trust survey" in home


def test_the_network_map_sizes_organisations_by_value(client, demo):
    page = client.get(demo + "map/").content.decode()
    graph = json.loads(re.search(r'(\{"nodes":.*?\]\})', page).group(1))  # type: ignore[union-attr]
    assert len(graph["nodes"]) == 20 and len(graph["edges"]) > 20
    assert sum(1 for node in graph["nodes"] if node["value"] is not None) >= 10


def test_how_others_see_us_shows_figures(client, demo):
    page = _main(client.get(demo + "us/"))
    assert "Not enough responses" not in page
    assert re.search(r"1\d organisations rated you\. Trust \(1 to 4\) \d\.\d", page)


def test_allies_or_neighbours_shows_figures_for_each_pcn(client, demo):
    for pcn in Organisation.objects.filter(kind="pcn", name__contains="(IW)"):
        page = _main(client.get(demo + f"pcns/{pcn.pk}/"))
        assert re.search(r"want their relationships \d\.\d steps closer", page), pcn.name
        counts = re.search(r"Step Now Wanted Allies (\d+) (\d+) Friends (\d+) (\d+)", page)
        assert counts is not None and sum(map(int, counts.groups())) > 0, pcn.name


def test_the_demo_rounds_leak_nothing(loaded):
    closed = SurveyRound.objects.filter(closed_at__isnull=False)
    assert closed.count() == 2
    for survey in closed:
        assert RoundPublication.objects.filter(round=survey).exists()
        assert round_leaks(survey=survey) == []
