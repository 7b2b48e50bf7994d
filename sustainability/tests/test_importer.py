"""The practice data import (`manage.py import_practice_data`): every shared file gives the
counts and hand-checked values of its README, a second run changes nothing and says so, and
a broken file is refused with a clear message, a non-zero exit, no traceback and no change."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.testing import manage, own_database_env
from audit.models import AuditEntry
from sustainability.importer import practice_data_import
from sustainability.models import ImportStatus, PracticeDataImport, PracticeFigure
from sustainability.readers import DEPRIVATION, ENGLAND, DataFileError

from .test_readers import FIXTURES, SHARED, needs_shared

GOOD = [
    FIXTURES / name
    for name in (
        "payments-2019-20.csv",
        "registrations-2021-01.csv",
        "workforce-subset.csv",
        "fingertips-93553.csv",
    )
]


def _import(*paths: Path) -> list[str]:
    out = StringIO()
    call_command("import_practice_data", *map(str, paths), stdout=out)
    return out.getvalue().splitlines()


def _figure(code: str, measure: str, period: str) -> float | None:
    return PracticeFigure.objects.get(practice_code=code, measure=measure, period=period).value


def test_it_stores_each_files_figures_with_their_publication(db):
    lines = _import(*GOOD)
    assert lines[0] == (
        "payments-2019-20.csv: NHS Payments to General Practice, 2019-20: 4 rows, 4 practices."
    )
    assert lines[-1] == "Figures: 55 added, 0 changed, 0 unchanged."
    figure = PracticeFigure.objects.get(
        practice_code="A81001", measure="payments_per_weighted_patient", period="2019-20"
    )
    assert (figure.value, figure.source) == (155.47, "NHS Payments to General Practice, 2019-20")
    assert _figure("B87041", "gp_fte", "2019-09") is None  # ND: missing, never zero
    assert _figure("B87041", "nurses_fte", "2019-09") == 0
    assert _figure("A81005", DEPRIVATION, "2019") is None


def test_a_second_run_changes_nothing_and_says_so(db):
    _import(*GOOD)
    before = list(PracticeFigure.objects.order_by("pk").values_list())
    assert _import(*GOOD)[-1] == "No change: all 55 figures were already stored."
    assert list(PracticeFigure.objects.order_by("pk").values_list()) == before


def test_a_corrected_figure_is_changed_and_counted(db, tmp_path):
    _import(*GOOD)
    corrected = tmp_path / "payments-2019-20.csv"
    corrected.write_bytes(
        (FIXTURES / "payments-2019-20.csv").read_bytes().replace(b"155.47", b"155.48")
    )
    assert _import(corrected)[-1] == "Figures: 0 added, 1 changed, 23 unchanged."
    assert _figure("A81001", "payments_per_weighted_patient", "2019-20") == 155.48


def test_an_import_is_recorded_and_audited(db):
    summary = practice_data_import(paths=GOOD)
    run = PracticeDataImport.objects.get()
    assert (run.status, run.counts) == (ImportStatus.SUCCEEDED, summary.counts())
    assert [f["practices"] for f in run.files] == [4, 3, 3, 3]
    entry = AuditEntry.objects.get(action="sustainability.imported")
    assert entry.after["created"] == 55


def test_a_failed_import_is_recorded_with_its_error_and_changes_no_figure(db):
    _import(*GOOD)
    count = PracticeFigure.objects.count()
    with pytest.raises(DataFileError):
        practice_data_import(paths=[GOOD[0], FIXTURES / "payments-2022-23-truncated.csv"])
    run = PracticeDataImport.objects.filter(status=ImportStatus.FAILED).get()
    assert run.error.startswith("payments-2022-23-truncated.csv, row 4: the row has")
    assert PracticeFigure.objects.count() == count


def test_the_command_names_a_missing_file(db):
    with pytest.raises(CommandError, match=r"no-such-file\.csv: no such file\. Nothing was"):
        call_command("import_practice_data", "no-such-file.csv")


#: Broken part of the way through, after rows that read well.
TRUNCATED = ("payments-2022-23-truncated.csv", "payments-2022-23-truncated.csv, row 4: the row has")
BROKEN = [
    TRUNCATED,
    (
        "payments-2022-23-no-practice-code.csv",
        "payments-2022-23-no-practice-code.csv, row 1: the header lacks `practice code`",
    ),
    (
        "registrations-by-age.csv",
        "registrations-by-age.csv, row 2, column SEX: this file is broken down by sex or "
        "age (MALE, 0), so it is not the totals file",
    ),
    ("binary.csv", "binary.csv: this is not a CSV text file"),
    ("empty.csv", "empty.csv: the file is empty"),
]


@pytest.mark.parametrize(("name", "expected"), BROKEN)
def test_a_broken_file_is_refused_with_a_clear_message_and_changes_nothing(db, name, expected):
    """The command's refusal: a CommandError, which manage.py prints without a traceback and
    turns into a non-zero exit (the test below shows that in another process)."""
    _import(*GOOD)
    before = list(PracticeFigure.objects.order_by("pk").values_list())
    with pytest.raises(CommandError) as refused:  # a good file first: the broken one stops it
        call_command("import_practice_data", str(GOOD[0]), str(FIXTURES / name))
    assert expected in str(refused.value)
    assert str(refused.value).endswith("Nothing was imported.")
    assert list(PracticeFigure.objects.order_by("pk").values_list()) == before


@pytest.fixture(scope="module")
def command_env(tmp_path_factory):
    """A database of its own holding the good fixtures, for running manage.py as a person
    would: migrated only as far as the import needs (the audit log, and the figures with what
    they depend on), which costs a fraction of migrating every app."""
    env = own_database_env(tmp_path_factory.mktemp("command"))
    setup = (  # in one process: each start of manage.py costs seconds
        "from django.core.management import call_command as run; "
        "run('migrate', 'audit', verbosity=0); "
        "run('migrate', 'sustainability', verbosity=0); "
        f"run('import_practice_data', *{list(map(str, GOOD))!r}, verbosity=0)"
    )
    manage(env, "shell", "-c", setup)
    return env


def _stored(env: dict[str, str]) -> list[tuple[object, ...]]:
    """Every stored figure, read straight from the command's database file."""
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as database:
        table, key = PracticeFigure._meta.db_table, PracticeFigure._meta.pk.column
        return database.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()


def test_a_broken_file_exits_non_zero_with_no_traceback_and_no_change(command_env):
    """As a person runs it, in another process: a good file, then a broken one (one: the
    others' messages are checked above, in this process)."""
    before = _stored(command_env)
    assert len(before) == 55
    name, expected = TRUNCATED
    result = manage(
        command_env, "import_practice_data", str(GOOD[0]), str(FIXTURES / name), check=False
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert "Nothing was imported." in result.stderr
    assert _stored(command_env) == before


@needs_shared
def test_importing_every_shared_file_gives_the_readmes_counts_and_values(db):
    lines = _import(*sorted(SHARED.glob("*.csv")))
    assert lines == [
        "fingertips-93553-imd2019-gp.csv: OHID Fingertips, 2019: 6,547 rows, 6,545 practices.",
        "gp-reg-pat-prac-all-2021-01.csv: Patients Registered at a GP Practice, 2021-01: "
        "6,658 rows, 6,658 practices.",
        "gpw-practice-level-subset-wakefield-2019-2023.csv: GP Workforce, practice level, "
        "2019-09, 2023-09: 71 rows, 37 practices.",
        "nhs-payments-to-general-practice-2019-20.csv: NHS Payments to General Practice, "
        "2019-20: 7,001 rows, 7,001 practices.",
        "nhs-payments-to-general-practice-2022-23.csv: NHS Payments to General Practice, "
        "2022-23: 6,669 rows, 6,669 practices.",
        "Figures: 95,650 added, 0 changed, 0 unchanged.",
    ]
    for period, registered, per_weighted in (
        ("2019-20", 4_110, 155.47),
        ("2022-23", 4_029.25, 157.31),
    ):
        assert _figure("A81001", "registered_patients", period) == registered
        assert _figure("A81001", "payments_per_weighted_patient", period) == per_weighted
    assert _figure("A81001", "registered_patients", "2021-01") == 4_100
    assert round(_figure(ENGLAND, DEPRIVATION, "2019"), 2) == 21.72
    assert round(_figure("A81001", DEPRIVATION, "2019"), 2) == 32.36
    registered = PracticeFigure.objects.filter(measure="registered_patients")
    assert sum(registered.filter(period="2021-01").values_list("value", flat=True)) == 60_606_345
    assert round(sum(registered.filter(period="2019-20").values_list("value", flat=True))) == (
        60_316_398
    )

    again = _import(*sorted(SHARED.glob("*.csv")))
    assert again[-1] == "No change: all 95,650 figures were already stored."
