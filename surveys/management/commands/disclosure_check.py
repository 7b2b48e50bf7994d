"""`manage.py disclosure_check ROUND [ROUND ...] | --all`: run the adversary on published
survey results and say what it found (docs/confidentiality.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.models import Organisation
from surveys import publication, selectors, services
from surveys.checks import results_check
from surveys.disclosure import Leak
from surveys.models import RoundPublication, SurveyRound


class Command(BaseCommand):
    help = (
        "Look for any rating a participant could work out from the published results of "
        "survey rounds (with every overlapping round's). Exits with status 1 if it finds one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rounds", nargs="*", type=int, help="Survey round ids.")
        parser.add_argument("--all", action="store_true", help="Every published round.")
        parser.add_argument(
            "--hold",
            action="store_true",
            help="Hold back the results of any round found leaking (as the nightly job does).",
        )
        parser.add_argument(
            "--without-rules",
            action="store_true",
            help="Also publish each round again in memory with the rules switched off "
            "(k as low as 2, totals over every rating, no secondary suppression, every pair's "
            "band shown) and report what the adversary would then find. Changes nothing.",
        )

    def handle(self, *args: Any, rounds: list[int], **options: Any) -> None:
        if options["all"]:
            published = RoundPublication.objects.order_by("round_id")
            rounds = list(published.values_list("round_id", flat=True))
        if not rounds:
            raise CommandError("Name one or more survey round ids, or use --all.")
        found_any = False
        for pk in rounds:
            survey = SurveyRound.objects.select_related("collective").filter(pk=pk).first()
            if survey is None:
                raise CommandError(f"There is no survey round {pk}.")
            if not survey.is_closed:
                self.stdout.write(f"Round {pk} ({survey.title}) has not closed: nothing to check.")
                continue
            stored = services.round_results_publish(survey=survey)
            finding = results_check(survey=survey)
            shown = sum(cell["shown"] for cell in stored.cells.values())
            viewers = len(stored.participants)
            self.stdout.write(
                f"Round {pk} ({survey.title}, {survey.collective.name}): "
                f"k = {stored.min_raters}, {viewers} organisations, {len(stored.ledger)} figures "
                f"in {shown} cells shown, {len(stored.cells) - shown} held back, "
                f"{len(selectors.overlapping_round_ids(survey=survey))} overlapping rounds."
            )
            self._report("With the rules", finding.leaks)
            found_any = found_any or bool(finding.leaks)
            if finding.leaks and options["hold"]:
                services.round_results_hold(survey=survey, leaks=finding.leaks)
                self.stdout.write("  Its results are now held back.")
            if options["without_rules"]:
                data, _shape = selectors.publication_input(survey=survey)
                history = selectors.published_history(survey=survey)
                again = publication.publish(data, history, rules=publication.WITHOUT_RULES)
                everyone: list[publication.Published | publication.RoundInput] = [*history, data]
                figures = [f for h in history for f in h.figures] + list(again.figures)
                self._report(
                    "Without the rules",
                    publication.leaks(everyone, figures, min(data.k, 2)),
                )
        if found_any:
            raise CommandError("The adversary found ratings that can be worked out.")

    def _report(self, heading: str, leaks: list[Leak]) -> None:
        if not leaks:
            self.stdout.write(f"  {heading}: no participant can work out any rating.")
            return
        kinds: dict[str, int] = {}
        for leak in leaks:
            kinds[leak.kind] = kinds.get(leak.kind, 0) + 1
        summary = ", ".join(f"{n} x {kind}" for kind, n in sorted(kinds.items()))
        self.stdout.write(f"  {heading}: {len(leaks)} found ({summary}), for example:")
        ids = {i for leak in leaks[:8] for key in leak.keys for i in key}
        ids |= {int(leak.viewer.split()[-1]) for leak in leaks[:8] if leak.viewer != "anyone"}
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        for leak in leaks[:8]:
            self.stdout.write(f"    {_describe(leak, names)}")


def _describe(leak: Leak, names: dict[int, str]) -> str:
    """A leak in words: who can work out which answers, from which figures."""
    who = (
        "Anyone who sees the results"
        if leak.viewer == "anyone"
        else names.get(int(leak.viewer.split()[-1]), leak.viewer)
    )
    answers = []
    for key in sorted(leak.keys)[:3]:
        if len(key) == 2 and leak.component in publication.TIE_COMPONENTS:
            answers.append(f"{names.get(key[0], key[0])}'s rating of {names.get(key[1], key[1])}")
        elif len(key) == 2:
            answers.append(f"the pair {names.get(key[0], key[0])} and {names.get(key[1], key[1])}")
        else:
            answers.append(f"{names.get(key[0], key[0])}'s own answer")
    more = f" and {len(leak.keys) - 3} more" if len(leak.keys) > 3 else ""
    return (
        f"{who} can work out {leak.kind} ({leak.component}): {'; '.join(answers)}{more}, "
        f"from {', '.join(leak.figures[:6])}{'...' if len(leak.figures) > 6 else ''}"
    )
