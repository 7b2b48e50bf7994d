"""Replay the attacks of issue 12 on a checkout of Alliance from before it, with today's
adversary (surveys/disclosure.py).

    git worktree add /tmp/before-12 ec5f3d1
    .venv/bin/python scripts/replay_issue12_attacks.py /tmp/before-12

It runs inside the old checkout (its models, services and API, on a throw-away SQLite
database): each attack is played as the issue describes, the attacker reads only what the
old API gave it, and the adversary solves for the ratings it did not give. The shape of the
network (who rated whom) is taken as known, as docs/confidentiality.md assumes. For each leak
it prints the value the attacker works out and the true value.

Attacks 1, 2 and 4 are linear; attack 5 (a pair's band and position beside one's own answer)
is an interval argument, printed as the values the other side's answer can still take.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent.parent
OLD = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else None
if OLD is None or not (OLD / "manage.py").exists():
    sys.exit("Give the path of a checkout from before issue 12.")

spec = importlib.util.spec_from_file_location("adversary", HERE / "surveys" / "disclosure.py")
assert spec is not None and spec.loader is not None
adversary = importlib.util.module_from_spec(spec)
sys.modules["adversary"] = adversary
spec.loader.exec_module(adversary)

sys.path.insert(0, str(OLD))
os.chdir(OLD)
os.environ["DJANGO_SETTINGS_MODULE"] = "alliance.settings_test"
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/replay.sqlite3"

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

call_command("migrate", verbosity=0)

from alliance.testing import (  # noqa: E402
    MemberOrganisationFactory,
    MembershipFactory,
)
from collectives.models import Role  # noqa: E402
from surveys import services  # noqa: E402
from surveys.models import RATING_ITEMS, SurveyRound  # noqa: E402

unit = lambda component, key: key[:1]  # noqa: E731


def collective(names: list[str]):
    convenor = MembershipFactory(role=Role.CONVENOR)
    reps = {}
    for name in names:
        member = MemberOrganisationFactory(collective=convenor.collective, organisation__name=name)
        reps[name] = MembershipFactory(
            collective=convenor.collective,
            role=Role.REPRESENTATIVE,
            organisation=member.organisation,
        )
    return convenor, reps


def open_round(convenor, reps, days: int = 5):
    today = timezone.localdate()
    return services.round_open(
        actor_membership=convenor,
        title="Trust survey",
        opens_on=today,
        closes_on=today + dt.timedelta(days=days),
        participants=[r.organisation for r in reps.values()],
    )


def rate(survey, rater, ratee, trust: int, now: int = 2):
    values = dict.fromkeys(RATING_ITEMS[:6], trust) | dict.fromkeys(RATING_ITEMS[6:13], 3)
    values |= {"now": now, "wanted": 1}
    services.rating_save(membership=rater, survey=survey, ratee=ratee.organisation, values=values)


def results_as(user, survey) -> dict:
    client = Client()
    client.force_login(user)
    slug = survey.collective.slug
    return client.get(f"/api/v1/collectives/{slug}/surveys/{survey.pk}/results/").json()


def structure(survey) -> dict[tuple[int, int], float]:
    """Who rated whom (assumed known) and, for checking only, the true trust of each tie."""
    from surveys.selectors import _ties

    return {(t.rater, t.ratee): t.trust for t in _ties(survey)}


def figures_from_old_api(body: dict, ties: dict, tag: str) -> list[tuple[object, float]]:
    """The old API's figures as sums over ratings, by the old definitions: an organisation's
    received trust is the mean over the ties into it; the round's mean trust is over every
    tie."""
    found = []
    for row in body["received"]:
        if row["trust"] is not None:
            basis = frozenset(k for k in ties if k[1] == row["organisation"])
            found.append(
                (
                    adversary.Figure(f"{tag}received:{row['organisation']}", "trust", basis),
                    row["trust"] * row["raters"],
                )
            )
    measures = body["measures"]
    if measures["mean_trust"] is not None:
        found.append(
            (
                adversary.Figure(f"{tag}round", "trust", frozenset(ties)),
                measures["mean_trust"] * measures["ties"],
            )
        )
    return found


def solve(figures, known: dict) -> dict:
    """What the attacker computes: the least-squares values of the unknowns (exact for the
    determined ones)."""
    keys = sorted({k for f, _ in figures for k in f.basis} - set(known))
    a = np.array([[1.0 if k in f.basis else 0.0 for k in keys] for f, _ in figures])
    b = np.array([v - sum(known.get(k, 0.0) for k in f.basis) for f, v in figures])
    x, *_ = np.linalg.lstsq(a, b, rcond=None)
    return dict(zip(keys, x, strict=True))


def report(title: str, figures, attacker, reps, truth, k: int) -> None:
    names = {r.organisation.pk: n for n, r in reps.items()}
    me = attacker.organisation.pk
    known = {key: v for key, v in truth.items() if key[0] == me}
    viewer = adversary.Viewer(names[me], {"trust": frozenset(known)})
    leaks = adversary.audit([f for f, _ in figures], [viewer], k=k, unit=unit)
    values = solve(figures, known)
    print(f"\n== {title}")
    print(f"   figures read from the old API as {names[me]}: {', '.join(f.id for f, _ in figures)}")
    if not leaks:
        print("   the adversary finds nothing")
    for leak in leaks:
        if leak.viewer != names[me] or leak.kind != "rating":
            continue
        (key,) = leak.keys
        print(
            f"   LEAK: {names[me]} works out {names[key[0]]}'s trust rating of {names[key[1]]}: "
            f"{values[key]:.2f} (true {truth[key]:.2f}) from {', '.join(leak.figures)}"
        )


# Attack 1: a total minus its shown parts -----------------------------------------------------

convenor, reps = collective(["Federation", "Practice", "Ash", "Elm", "Yew", "Oak"])
survey = open_round(convenor, reps)
rate(survey, reps["Oak"], reps["Federation"], trust=1)
for name in ("Ash", "Elm", "Yew"):
    rate(survey, reps[name], reps["Practice"], trust=3 if name != "Yew" else 4)
services.round_close(actor_membership=convenor, survey=survey)
truth = structure(survey)
body = results_as(reps["Ash"].user, survey)
report(
    "Attack 1: one organisation rated the federation, three rated a practice",
    figures_from_old_api(body, truth, ""),
    reps["Ash"],
    reps,
    truth,
    3,
)

# Attack 1, again: the collective minus a PCN (the complement is one tie) -----------------

from directory.models import OrganisationRelationship, RelationshipKind  # noqa: E402

convenor, reps = collective(["PCN", "Ash", "Elm", "Yew", "Oak", "Federation"])
from directory.models import Organisation  # noqa: E402

pcn = reps["PCN"].organisation
Organisation.objects.filter(pk=pcn.pk).update(kind="pcn")
for name in ("Ash", "Elm", "Yew", "Oak"):
    OrganisationRelationship.objects.create(
        organisation=reps[name].organisation, parent=pcn, kind=RelationshipKind.PCN_MEMBER
    )
survey = open_round(convenor, reps)
for a in ("Ash", "Elm", "Yew", "Oak"):
    for b in ("Ash", "Elm", "Yew", "Oak"):
        if a != b:
            rate(survey, reps[a], reps[b], trust=3, now=2)
rate(survey, reps["Federation"], reps["Oak"], trust=1, now=5)
services.round_close(actor_membership=convenor, survey=survey)
client = Client()
client.force_login(reps["Ash"].user)
pcn_page = client.get(
    f"/c/{survey.collective.slug}/surveys/{survey.pk}/pcns/{pcn.pk}/"
).content.decode()
body = results_as(reps["Ash"].user, survey)
whole_enemies = body["measures"]["spectrum_now"]["enemies"]
print("\n== Attack 1: the collective's spectrum minus the PCN's")
pcn_enemies = re.search(r"Enemies</td>\s*<td[^>]*><progress[^>]*></progress> (\d+)", pcn_page)
print(
    f"   the collective shows {whole_enemies} tie(s) at 'enemies' now; the PCN page shows "
    f"{pcn_enemies.group(1) if pcn_enemies else '?'} among its practices: the one tie outside "
    "the PCN (Federation's rating of Oak) is at 'enemies'."
)
ties = structure(survey)
inner = frozenset(k for k in ties if k[0] != reps["Federation"].organisation.pk)
figs = [
    adversary.Figure("round:now", "now", frozenset(ties)),
    adversary.Figure(f"pcn:{pcn.pk}:now", "now", inner),
]
print("   the adversary:", "; ".join(str(x) for x in adversary.audit(figs, [], k=3, unit=unit)))

# Attack 1, again: this round minus the last (trends) ------------------------------------

convenor, reps = collective(["Practice", "Ash", "Elm", "Yew", "Oak"])
first = open_round(convenor, reps)
for name in ("Ash", "Elm", "Yew"):
    rate(first, reps[name], reps["Practice"], trust=3)
services.round_close(actor_membership=convenor, survey=first)
second = open_round(convenor, reps)
for name, trust in (("Ash", 3), ("Elm", 3), ("Yew", 3), ("Oak", 1)):
    rate(second, reps[name], reps["Practice"], trust=trust)
services.round_close(actor_membership=convenor, survey=second)
truth = structure(second)
figures = figures_from_old_api(results_as(reps["Ash"].user, first), structure(first), "spring ") + (
    figures_from_old_api(results_as(reps["Ash"].user, second), truth, "autumn ")
)
report(
    "Attack 1: two rounds whose raters differ by one (answers unchanged between rounds)",
    figures,
    reps["Ash"],
    reps,
    truth,
    3,
)

# Attack 2: a round closed by date, extended, rated once more, closed again --------------

convenor, reps = collective(["Practice", "Ash", "Elm", "Yew", "Oak"])
survey = open_round(convenor, reps)
for name in ("Ash", "Elm", "Yew"):
    rate(survey, reps[name], reps["Practice"], trust=3)
SurveyRound.objects.filter(pk=survey.pk).update(
    opens_on=timezone.localdate() - dt.timedelta(days=10),
    closes_on=timezone.localdate() - dt.timedelta(days=1),
)
survey.refresh_from_db()
before = results_as(reps["Ash"].user, survey)  # results seen: the round closed by its date
before_ties = structure(survey)
services.round_extend(
    actor_membership=convenor, survey=survey, closes_on=timezone.localdate() + dt.timedelta(days=3)
)
survey.refresh_from_db()
rate(survey, reps["Oak"], reps["Practice"], trust=1)
services.round_close(actor_membership=convenor, survey=survey)
truth = structure(survey)
report(
    "Attack 2: a round closed by date is extended and one more organisation rates",
    figures_from_old_api(before, before_ties, "first ")
    + figures_from_old_api(results_as(reps["Ash"].user, survey), truth, "again "),
    reps["Ash"],
    reps,
    truth,
    3,
)

# Attack 4: k = 2, and a change of k applied to a closed round ----------------------------

convenor, reps = collective(["Practice", "Ash", "Elm"])
survey = open_round(convenor, reps)
rate(survey, reps["Ash"], reps["Practice"], trust=4)
rate(survey, reps["Elm"], reps["Practice"], trust=1)
services.round_close(actor_membership=convenor, survey=survey)
hidden = results_as(reps["Ash"].user, survey)
services.min_raters_change(actor_membership=convenor, min_raters=2)  # after the close
truth = structure(survey)
report(
    "Attack 4: k lowered to 2 after the round closed; a rater subtracts its own rating",
    figures_from_old_api(hidden, truth, "at k=3 ")
    + figures_from_old_api(results_as(reps["Ash"].user, survey), truth, "at k=2 "),
    reps["Ash"],
    reps,
    truth,
    2,
)

# Attack 5: a pair's band and position beside one's own answer ----------------------------

convenor, reps = collective(["Ash", "Elm", "Yew"])
survey = open_round(convenor, reps)
rate(survey, reps["Ash"], reps["Elm"], trust=1, now=1)
rate(survey, reps["Elm"], reps["Ash"], trust=1, now=1)
rate(survey, reps["Ash"], reps["Yew"], trust=4, now=5)
rate(survey, reps["Yew"], reps["Ash"], trust=4, now=5)
services.round_close(actor_membership=convenor, survey=survey)
body = results_as(reps["Ash"].user, survey)
from surveys.analytics import band  # noqa: E402

print("\n== Attack 5: each pair's mutual band and position, beside Ash's own answer")
names = {r.organisation.pk: n for n, r in reps.items()}
ash = reps["Ash"].organisation.pk
own = {  # Ash's own answers (it knows them)
    reps["Elm"].organisation.pk: (1.0, 1),
    reps["Yew"].organisation.pk: (4.0, 5),
}
scale = [1 + i / 3 for i in range(10)]
for tie in body["ties"]:
    if ash not in (tie["a"], tie["b"]):
        continue
    other = tie["b"] if tie["a"] == ash else tie["a"]
    my_trust, my_now = own[other]
    trusts = [t for t in scale if band((my_trust + t) / 2) == tie["band"]]
    nows = [n for n in range(1, 6) if round((my_now + n) / 2) == tie["position"]]
    print(
        f"   pair Ash-{names[other]}: band {tie['band']}, position {tie['position']} -> "
        f"{names[other]}'s trust of Ash in {[round(t, 2) for t in trusts]}, "
        f"its 'now' in {nows}" + ("  PINNED" if len(trusts) == 1 or len(nows) == 1 else "")
    )
linear = [
    adversary.Figure(
        f"pair:{tie['a']}:{tie['b']}",
        "trust",
        frozenset({(tie["a"], tie["b"]), (tie["b"], tie["a"])}),
    )
    for tie in body["ties"]
]
for leak in adversary.audit(
    linear,
    [adversary.Viewer("Ash", {"trust": frozenset(k for k in structure(survey) if k[0] == ash)})],
    k=3,
    unit=unit,
):
    if leak.viewer == "Ash":
        (key,) = leak.keys
        print(
            "   the adversary (band read as exact): Ash isolates "
            f"{names[key[0]]}'s rating of {names[key[1]]} from {leak.figures[0]}"
        )
