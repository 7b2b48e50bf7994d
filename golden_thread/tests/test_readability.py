"""How hard a briefing reads: textstat's own figures, and what to rewrite when it reads hard."""

from __future__ import annotations

import pytest
import textstat

from collectives import services as collective_services
from golden_thread import services
from golden_thread.readability import DEFAULT_THRESHOLD, measure
from golden_thread.tests.conftest import HARD, PLAIN


def _text(parts: dict[str, str]) -> str:
    return "\n\n".join(part for part in parts.values() if part)


TEXTS = [
    _text(PLAIN),
    _text(HARD),
    "The cat sat on the mat.",
    "We meet on Tuesdays. Bring your questions. The agenda goes out a week before.",
    "Notwithstanding the aforementioned considerations, the committee deliberated extensively.",
    "One line with no full stop\nand a second line",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_figures_are_textstats_own(text):
    figures = measure(text)
    assert figures.reading_ease == textstat.flesch_reading_ease(text)
    assert figures.grade == textstat.flesch_kincaid_grade(text)
    assert figures.threshold == DEFAULT_THRESHOLD


def test_the_plain_briefing_reads_as_plain_english_and_the_hard_one_does_not():
    plain, hard = measure(_text(PLAIN)), measure(_text(HARD))
    assert plain.reading_ease >= 60
    assert not plain.below_threshold
    assert plain.verdict.startswith("Plain English")
    assert hard.reading_ease < 60
    assert hard.below_threshold
    assert hard.verdict.startswith("Hard to read")


def test_a_plain_text_names_nothing_to_rewrite():
    plain = measure(_text(PLAIN))
    assert plain.longest_sentences == []
    assert plain.hardest_words == []


def test_a_hard_text_names_its_longest_sentence_and_hardest_words():
    hard = measure(_text(HARD))
    assert hard.longest_sentences[0] == HARD["summary"]
    for word in ("heterogeneity", "reconfiguration", "discontinuation", "organisational"):
        assert word in hard.hardest_words
    assert len(hard.hardest_words) <= 8
    # Short plain words are never flagged.
    for word in ("group", "the", "shall", "clinics"):
        assert word not in hard.hardest_words


def test_a_hard_text_of_short_sentences_still_names_one_to_rewrite():
    text = "Reconfiguration necessitates collaboration. Administrative infrastructure diminishes."
    hard = measure(text)
    assert hard.below_threshold
    assert hard.longest_sentences == ["Reconfiguration necessitates collaboration."]
    assert "reconfiguration" in hard.hardest_words


@pytest.mark.parametrize("text", ["", "   \n\n  ", "123 456."])
def test_an_empty_text_has_nothing_to_measure(text):
    figures = measure(text)
    assert figures.words == 0
    assert not figures.below_threshold
    assert figures.longest_sentences == [] and figures.hardest_words == []
    assert figures.verdict == "Nothing to measure yet."


def test_a_collective_with_a_higher_threshold_flags_a_text_others_would_pass(convenor):
    text = _text(PLAIN)
    collective = convenor.collective
    assert not services.readability_of(text, collective).below_threshold
    collective_services.collective_update(
        actor_membership=convenor,
        name=collective.name,
        area=collective.area,
        description=collective.description,
        readability_threshold=90,
    )
    convenor.collective.refresh_from_db()
    figures = services.readability_of(text, convenor.collective)
    assert figures.threshold == 90
    assert figures.below_threshold
    assert figures.verdict == (
        f"Hard to read: reading ease {figures.reading_ease:.0f}, under this collective's 90."
    )


def test_a_collective_with_a_lower_threshold_passes_a_text_others_would_flag(convenor):
    text = (
        "The practices agreed to share one service for blood tests, which the federation "
        "will organise from next April."
    )
    assert 50 < measure(text).reading_ease < 60
    assert services.readability_of(text, convenor.collective).below_threshold
    collective = convenor.collective
    collective_services.collective_update(
        actor_membership=convenor,
        name=collective.name,
        area=collective.area,
        description=collective.description,
        readability_threshold=50,
    )
    convenor.collective.refresh_from_db()
    assert not services.readability_of(text, convenor.collective).below_threshold
