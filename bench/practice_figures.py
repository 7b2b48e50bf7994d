"""`make bench`'s national practice figures (bench/run.py calls it; see bench/README.md).
Runnable alone: `.venv/bin/python bench/practice_figures.py` (a fresh SQLite database).

- The import: `import_practice_data` of every shared file (../shared/data/practice/*.csv)
  into an empty database, and again unchanged, each over the time to merely read the same
  files (sustainability.importer.read_files). Median of 3. Budget: 3 x.
- The collective's sustainability page (/c/<slug>/sustainability/) for a collective of 150
  practices with 5 years of figures (built with bulk_create, on top of the import), its
  server time through Django's test client over a trivial view's; England's figures kept
  per import (the page's steady state), and worked out afresh (the first page after an
  import). Median of 30 (of 5 afresh). Budget: 40 x. And the page's queries for 3
  practices with 1 year and for 150 with 5: they must be the same.

This file shares its name with the app, so bench/run.py loads it by its path.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT.parent / "shared" / "data" / "practice").resolve()
MedianTime = Callable[..., float]


def _empty() -> None:
    from sustainability.models import Measure, PracticeDataImport, PracticeFigure, PracticeProfile

    PracticeFigure.objects.all().delete()
    PracticeProfile.objects.all().delete()
    Measure.objects.all().delete()
    PracticeDataImport.objects.all().delete()


def bench_import(median_time: MedianTime, repeat: int) -> None:
    from sustainability.importer import practice_data_import, read_files
    from sustainability.models import PracticeFigure

    files = sorted(SHARED.glob("*.csv"))
    if not files:
        print(f"Practice data import: skipped (no files at {SHARED})")
        return
    parse_s = median_time(lambda: read_files(files), repeat)
    import_s = median_time(lambda: practice_data_import(paths=files), repeat, before=_empty)
    again_s = median_time(lambda: practice_data_import(paths=files), repeat)
    figures = PracticeFigure.objects.count()
    print(f"Practice data import ({len(files)} files in {SHARED.name}/, {figures:,} figures):")
    print(f"  read only              {parse_s:8.3f} s")
    print(f"  full import, empty     {import_s:8.3f} s   = {import_s / parse_s:5.2f} x read")
    print(f"  re-import, unchanged   {again_s:8.3f} s   = {again_s / parse_s:5.2f} x read")


def _collective(practices: int, years: int, prefix: str) -> Any:
    """A collective of `practices` practices in PCNs of about 7 (each PCN with 2 practices
    outside the collective too), each with `years` years of figures ending in 2022-23 or
    2023: payments and a profile each financial year, registrations each month, the
    workforce census each September, and deprivation. Real-looking values, fixed seed."""
    from alliance.testing import MembershipFactory
    from collectives.models import CollectiveOrganisation, Role
    from directory.models import Organisation, OrganisationRelationship, RelationshipKind
    from sustainability.models import (
        ImportStatus,
        PracticeDataImport,
        PracticeFigure,
        PracticeProfile,
    )
    from sustainability.readers import DEPRIVATION

    rng = random.Random(2029)  # noqa: S311 (fixed-seed test data, not secrets)
    convenor: Any = MembershipFactory(role=Role.CONVENOR)
    pcns = max(1, practices // 7)
    pcn_orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}N{i:03d}", name=f"Bench PCN {i}", kind="pcn")
        for i in range(pcns)
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}{i:04d}", name=f"Bench surgery {i}", kind="practice")
        for i in range(practices)
    )
    neighbours = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}X{i:03d}", name=f"Neighbour {i}", kind="practice")
        for i in range(2 * pcns)
    )
    CollectiveOrganisation.objects.bulk_create(
        CollectiveOrganisation(collective=convenor.collective, organisation=o) for o in orgs
    )
    OrganisationRelationship.objects.bulk_create(
        OrganisationRelationship(
            organisation=o, parent=pcn_orgs[i % pcns], kind=RelationshipKind.PCN_MEMBER
        )
        for i, o in enumerate([*orgs, *neighbours])
    )
    figures, profiles = [], []
    for o in [*orgs, *neighbours]:
        code = o.ods_code or ""
        size = rng.randint(2500, 18000)
        growth = rng.uniform(-0.04, 0.05)
        for y in range(years):
            start = 2023 - years + y
            fy = f"{start}-{(start + 1) % 100:02d}"
            registered = size * (1 + growth) ** y
            weighted = registered * rng.uniform(0.85, 1.2)
            per_weighted = rng.uniform(125, 190)
            figures += [
                PracticeFigure(practice_code=code, measure=m, period=fy, value=v, source="bench")
                for m, v in (
                    ("registered_patients", round(registered, 2)),
                    ("weighted_patients", round(weighted, 2)),
                    ("payments_per_weighted_patient", round(per_weighted, 2)),
                    (
                        "payments_per_registered_patient",
                        round(per_weighted * weighted / registered, 2),
                    ),
                    ("total_payments", round(per_weighted * weighted, 2)),
                    (
                        "locum_allowances",
                        round(rng.choice([0, 0, 0, 1]) * rng.uniform(0, 9) * registered, 2),
                    ),
                )
            ]
            profiles.append(
                PracticeProfile(
                    practice_code=code,
                    period=fy,
                    source=f"bench {fy}",
                    name=o.name.upper(),
                    contract_type=rng.choice(["GMS", "GMS", "PMS", "APMS"]),
                    dispensing=rng.choice(["No", "No", "No", "Yes"]),
                    practice_type="GP practice",
                    rurality=rng.choice(["Urban", "Urban", "Rural"]),
                )
            )
            for month in range(1, 13):
                figures.append(
                    PracticeFigure(
                        practice_code=code,
                        measure="registered_patients",
                        period=f"{start}-{month:02d}",
                        value=float(round(registered * (1 + growth) ** (month / 12))),
                        source="bench",
                    )
                )
            census = f"{start + 1}-09"
            figures += [
                PracticeFigure(
                    practice_code=code, measure=m, period=census, value=v, source="bench"
                )
                for m, v in (
                    ("workforce_patients", float(round(registered))),
                    ("gp_fte", round(registered / rng.uniform(1400, 2600), 3)),
                    ("gp_fte_excluding_trainees", round(registered / rng.uniform(1500, 2800), 3)),
                    ("nurses_fte", round(registered / rng.uniform(2500, 5000), 3)),
                    ("dpc_fte", round(registered / rng.uniform(2500, 6000), 3)),
                    ("admin_fte", round(registered / rng.uniform(700, 1300), 3)),
                )
            ]
        figures.append(
            PracticeFigure(
                practice_code=code,
                measure=DEPRIVATION,
                period="2019",
                value=round(rng.uniform(8, 45), 2),
                source="bench",
            )
        )
    PracticeFigure.objects.bulk_create(figures, batch_size=2000)
    PracticeProfile.objects.bulk_create(profiles, batch_size=2000)
    PracticeDataImport.objects.create(status=ImportStatus.SUCCEEDED)  # a new import: England anew
    return convenor, len(figures)


def bench_page(median_time: MedianTime, repeat: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from alliance.changes import forget_kept
    from sustainability.models import PracticeFigure

    def queries(client: Client, url: str, *, cold: bool) -> int:
        forget_kept()
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured)

    small, _ = _collective(3, 1, "ZS")
    big, made = _collective(150, 5, "ZB")
    counts = []
    for convenor in (small, big):
        client = Client()
        client.force_login(convenor.user)
        url = f"/c/{convenor.collective.slug}/sustainability/"
        client.get(url)
        counts.append((queries(client, url, cold=True), queries(client, url, cold=False)))
    client = Client()
    client.force_login(big.user)
    pages = {
        "trivial view": "/bench/trivial/",
        "sustainability page": f"/c/{big.collective.slug}/sustainability/",
    }
    for url in pages.values():
        assert client.get(url).status_code == 200, url
    times = {
        name: median_time(lambda u=url: client.get(u), repeat, before=forget_kept)
        for name, url in pages.items()
    }

    def afresh() -> None:
        forget_kept()
        cache.clear()

    fresh_s = median_time(
        lambda: client.get(pages["sustainability page"]), max(1, repeat // 6), before=afresh
    )
    client.force_login(big.user)  # the cache held the session's throttles, nothing else
    base = times["trivial view"]
    total = PracticeFigure.objects.count()
    print(
        f"Sustainability page (150 practices in 21 PCNs, 5 years: {made:,} of the "
        f"{total:,} figures; server time through the test client, signed in):"
    )
    for name, seconds in times.items():
        print(f"  {name:<28} {seconds * 1000:8.2f} ms   = {seconds / base:6.1f} x trivial")
    print(
        f"  {'the same, England afresh':<28} {fresh_s * 1000:8.2f} ms   = "
        f"{fresh_s / base:6.1f} x trivial (the first page after an import)"
    )
    print("  queries (3 practices and 1 year -> 150 practices and 5 years):")
    (few_cold, few_warm), (many_cold, many_warm) = counts
    for name, few, many in (
        ("England kept", few_warm, many_warm),
        ("England afresh", few_cold, many_cold),
    ):
        same = "same" if few == many else "GROWS"
        print(f"    {name:<26} {few:4d} -> {many:4d}   ({same})")


def bench_sustainability(
    median_time: MedianTime, *, import_repeat: int = 3, page_repeat: int = 30
) -> None:
    bench_import(median_time, import_repeat)
    bench_page(median_time, page_repeat)


if __name__ == "__main__":
    import run  # bench/run.py: Django on a fresh SQLite database, and the trivial view
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="run", DEBUG=False):
        call_command("migrate", verbosity=0)
        bench_sustainability(run.median_time)
