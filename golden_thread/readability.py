"""How hard a text is to read: textstat's Flesch reading ease and Flesch-Kincaid grade, and,
for a text that reads hard, its longest sentences and hardest words, so the author knows
what to rewrite.

Flesch reading ease runs from about 0 (very hard) to 100 (very easy); 60-70 is plain
English. The grade is the US school grade a reader needs (8 is about age 13-14).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import textstat

#: Reading ease under which a collective asks for a confirmation, unless it sets its own.
DEFAULT_THRESHOLD = 60.0
#: A sentence longer than this many words is worth splitting.
LONG_SENTENCE = 25
#: A word of this many syllables or more is worth replacing where a plainer one will do.
HARD_WORD_SYLLABLES = 4

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Readability:
    reading_ease: float
    grade: float
    words: int
    threshold: float
    longest_sentences: list[str] = field(default_factory=list)
    hardest_words: list[str] = field(default_factory=list)

    @property
    def below_threshold(self) -> bool:
        return self.reading_ease < self.threshold

    @property
    def verdict(self) -> str:
        if self.words == 0:
            return "Nothing to measure yet."
        if self.below_threshold:
            return (
                f"Hard to read: reading ease {self.reading_ease:.0f}, under this collective's "
                f"{self.threshold:.0f}."
            )
        return f"Plain English: reading ease {self.reading_ease:.0f}."


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _word_count(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def measure(text: str, *, threshold: float = DEFAULT_THRESHOLD) -> Readability:
    """Measure `text`. The figures are textstat's own, unrounded."""
    text = text.strip()
    words = _word_count(text)
    if not words:
        return Readability(reading_ease=100.0, grade=0.0, words=0, threshold=threshold)
    ease = float(textstat.flesch_reading_ease(text))
    grade = float(textstat.flesch_kincaid_grade(text))
    longest: list[str] = []
    hardest: list[str] = []
    if ease < threshold:
        by_length = sorted(sentences(text), key=_word_count, reverse=True)
        longest = [s for s in by_length if _word_count(s) > LONG_SENTENCE][:3] or by_length[:1]
        seen: dict[str, int] = {}
        for word in _WORD.findall(text):
            key = word.lower().strip("'’-")
            if key not in seen:
                seen[key] = textstat.syllable_count(key)
        ranked = sorted(
            (w for w, n in seen.items() if n >= HARD_WORD_SYLLABLES),
            key=lambda w: (-seen[w], w),
        )
        hardest = ranked[:8]
    return Readability(
        reading_ease=ease,
        grade=grade,
        words=words,
        threshold=threshold,
        longest_sentences=longest,
        hardest_words=hardest,
    )
