"""The ODS import against the real file formats (excerpts committed beside the tests)."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.testing import UserFactory, manage, own_database_env
from directory.importer import ImportRefused, ods_import
from directory.models import (
    ImportRun,
    ImportStatus,
    Organisation,
    OrganisationRelationship,
    OrganisationStatus,
)
from directory.ods.readers import ODSFileError
from directory.services import organisation_update
from directory.tests.ods_reports import core_partner_rows, write_core_partner_report

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "directory" / "fixtures" / "ods"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ods"
SHARED = (ROOT.parent / "shared" / "data" / "ods").resolve()

PRACTICES = DEMO / "epraccur-demo.csv"
PCNS = [DEMO / "epcn-demo.csv", DEMO / "epcncorepartnerdetails-demo.csv"]
PARTNERS = PCNS[1]  # the core partner report, which may also come alone


def _import(**kwargs):
    return ods_import(
        practices_path=kwargs.pop("practices", PRACTICES),
        pcn_paths=kwargs.pop("pcns", PCNS),
        **kwargs,
    )


def _changes(summary):
    """What a run changed: organisations created and updated, memberships added and ended."""
    return (summary.created, summary.updated, summary.memberships_added, summary.memberships_ended)


def _state():
    return (
        sorted(Organisation.objects.values_list("ods_code", "name", "status", "kind")),
        sorted(
            OrganisationRelationship.objects.values_list(
                "organisation__ods_code", "parent__ods_code", "start_date", "end_date"
            )
        ),
    )


def test_it_imports_practices_pcns_and_memberships(db):
    summary = _import()
    assert summary.created == 24 + 6 + 2  # practices, PCNs, the two CCGs
    assert summary.memberships_added == 24
    assert summary.active_practices == 23  # one of the 24 is dormant
    assert any("J84014" in w and "dormant" in w for w in summary.warnings)
    practice = Organisation.objects.get(ods_code="C84001")
    assert (practice.name, practice.kind, practice.status) == (
        "LARWOOD SURGERY",
        "practice",
        "active",
    )
    assert practice.commissioner.ods_code == "02Q"
    assert practice.commissioner.name == "NHS BASSETLAW CCG"
    assert practice.postcode == "S81 0HH"
    pcn = Organisation.objects.get(ods_code="U05001")
    assert pcn.name == "LARWOOD & BAWTRY PCN"
    assert OrganisationRelationship.objects.filter(
        organisation=practice, parent=pcn, end_date__isnull=True
    ).exists()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert [f["name"] for f in run.files] == [
        "epraccur-demo.csv",
        "epcn-demo.csv",
        "epcncorepartnerdetails-demo.csv",
    ]
    assert all(len(f["sha256"]) == 64 for f in run.files)


def test_a_second_run_changes_nothing(db):
    _import()
    before = _state()
    summary = _import()
    assert _changes(summary) == (0, 0, 0, 0)
    assert summary.unchanged == 32
    assert _state() == before
    assert ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).count() == 2


@pytest.mark.parametrize(
    "pcns,code,edits,in_file",
    [
        (
            PCNS,
            "C84001",
            {"name": "Larwood Surgery, Worksop", "phone": "01909 500233"},
            "LARWOOD SURGERY",
        ),
        ([PARTNERS], "U05001", {"name": "Larwood and Bawtry PCN"}, "LARWOOD & BAWTRY PCN"),
    ],
    ids=["a practice", "a PCN named by the core partner report alone"],
)
def test_a_hand_edited_field_survives_and_is_listed_as_a_conflict(db, pcns, code, edits, in_file):
    _import(pcns=pcns)
    editor = UserFactory(is_superuser=True)  # a data steward
    organisation = Organisation.objects.get(ods_code=code)
    organisation_update(actor=editor, organisation=organisation, **edits)
    summary = _import(pcns=pcns)
    organisation.refresh_from_db()
    assert {field: getattr(organisation, field) for field in edits} == edits
    assert summary.updated == 0
    assert any(f"name: kept {edits['name']!r}" in c and in_file in c for c in summary.conflicts), (
        summary.conflicts
    )


def test_a_big_drop_in_active_practices_is_refused_unless_forced(db, tmp_path):
    _import()
    fewer = tmp_path / "epraccur-fewer.csv"
    rows = PRACTICES.read_bytes().splitlines(keepends=True)
    fewer.write_bytes(b"".join(rows[:15]))  # at most 15 of 23 active: a drop of over 30%
    before = _state()
    with pytest.raises(ImportRefused, match=r"\d+% fewer than the 23 of the last import"):
        _import(practices=fewer, pcns=[])
    assert _state() == before
    assert ImportRun.objects.latest("id").status == ImportStatus.REFUSED
    summary = _import(practices=fewer, pcns=[], force=True)
    assert summary.active_practices < 16


def test_memberships_the_file_no_longer_lists_are_ended(db, tmp_path):
    _import()
    partners = tmp_path / "epcncorepartnerdetails.csv"
    rows = PCNS[1].read_bytes().splitlines(keepends=True)
    partners.write_bytes(b"".join(rows[1:]))
    summary = _import(pcns=[PCNS[0], partners])
    assert summary.memberships_ended == 1
    assert OrganisationRelationship.objects.filter(end_date__isnull=False).count() == 1


def test_a_membership_naming_a_practice_missing_from_the_practices_file_is_kept(db, tmp_path):
    practices = tmp_path / "epraccur.csv"
    rows = PRACTICES.read_bytes().splitlines(keepends=True)
    practices.write_bytes(b"".join(rows[1:]))
    summary = _import(practices=practices)
    assert any("C84001" in w and "not in the practices file" in w for w in summary.warnings)
    assert OrganisationRelationship.objects.filter(organisation__ods_code="C84001").exists()


@pytest.mark.parametrize(
    "broken",
    [
        "empty.csv",
        "binary.csv",
        "epraccur-truncated.csv",
        "epraccur-short-row.csv",
        "epraccur-extra-column.csv",
    ],
)
def test_a_broken_practices_file_changes_nothing(db, broken):
    _import()
    before = _state()
    with pytest.raises(ODSFileError) as error:
        _import(practices=FIXTURES / broken)
    assert broken in str(error.value)
    assert _state() == before
    assert ImportRun.objects.latest("id").status == ImportStatus.FAILED


# --- the core partner report alone


def _pcn_details():
    return list(
        Organisation.objects.filter(kind="pcn")
        .order_by("ods_code")
        .values("ods_code", "name", "status", "open_date", "close_date", "address", "postcode",
                "commissioner__ods_code", "commissioner__name")
    )  # fmt: skip


def test_the_core_partner_report_alone_gives_named_pcns_and_their_memberships(db):
    summary = _import(pcns=[PARTNERS])
    assert summary.created == 24 + 6 + 2  # practices, PCNs, the two CCGs
    assert (summary.memberships_added, summary.pcns, summary.current_memberships) == (24, 6, 24)
    assert not [w for w in summary.warnings if "not in the PCN details" in w]
    details = _pcn_details()
    assert [(p["ods_code"], p["name"], p["commissioner__ods_code"]) for p in details] == [
        ("U01198", "SOUTH (IW) PCN", "10L"),
        ("U05001", "LARWOOD & BAWTRY PCN", "02Q"),
        ("U10748", "NEWGATE MEDICAL GROUP PCN", "02Q"),
        ("U24247", "CENTRAL & WEST (IW) PCN", "10L"),
        ("U75079", "NORTH & EAST (IW) PCN", "10L"),
        ("U82499", "RETFORD AND VILLAGES PCN", "02Q"),
    ]
    # Active, with no dates or address: the report does not give them.
    unknown = {
        (p["status"], p["open_date"], p["close_date"], p["address"], p["postcode"]) for p in details
    }
    assert unknown == {("active", None, None, "", "")}
    assert Organisation.objects.get(ods_code="02Q").name == "NHS BASSETLAW CCG"
    with open(PARTNERS, newline="") as report:
        in_file = {(row[0], row[4]) for row in csv.reader(report)}
    assert len(in_file) == 24
    assert (
        set(
            OrganisationRelationship.objects.filter(end_date__isnull=True).values_list(
                "organisation__ods_code", "parent__ods_code"
            )
        )
        == in_file
    )
    assert [f["name"] for f in ImportRun.objects.get().files] == [
        "epraccur-demo.csv",
        "epcncorepartnerdetails-demo.csv",
    ]


@pytest.mark.parametrize(
    "practices,earlier,partners",
    [
        (PRACTICES, PCNS, PARTNERS),
        (
            FIXTURES / "epraccur-legacy.csv",
            [FIXTURES / "epcn-ccg.xlsx"],
            FIXTURES / "epcncorepartnerdetails.csv",
        ),
    ],
    ids=["after the epcn report", "after the workbook"],
)
def test_the_core_partner_report_alone_keeps_the_dates_and_addresses_an_earlier_import_gave(
    db, practices, earlier, partners
):
    _import(practices=practices, pcns=earlier)
    details, state = _pcn_details(), _state()
    assert all(p["open_date"] and p["address"] and p["postcode"] for p in details)
    summary = _import(practices=practices, pcns=[partners])
    assert _changes(summary) == (0, 0, 0, 0)
    assert (_pcn_details(), _state()) == (details, state)


def test_the_core_partner_report_alone_does_not_reopen_a_closed_pcn(db, tmp_path):
    epcn = tmp_path / "epcn.csv"
    epcn.write_bytes(
        PCNS[0].read_bytes().replace(b'"20191001","","LARWOOD', b'"20191001","20230331","LARWOOD')
    )
    _import(pcns=[epcn, PARTNERS])
    closed = Organisation.objects.get(ods_code="U05001")
    assert (closed.status, closed.close_date) == ("closed", dt.date(2023, 3, 31))
    _import(pcns=[PARTNERS])
    closed.refresh_from_db()
    assert (closed.status, closed.close_date) == ("closed", dt.date(2023, 3, 31))


def test_a_second_run_of_the_core_partner_report_alone_changes_nothing(db):
    _import(pcns=[PARTNERS])
    before = _state()
    summary = _import(pcns=[PARTNERS])
    assert _changes(summary) == (0, 0, 0, 0)
    assert summary.unchanged == 32
    assert _state() == before


@pytest.mark.parametrize(
    "broken,message",
    [
        ("truncated", "epcncorepartnerdetails.csv, row 24: the row has 8 fields, 11 expected"),
        ("practices", "epraccur-demo.csv: this is neither the epcn report"),
    ],
)
def test_a_broken_core_partner_report_alone_changes_nothing(db, tmp_path, broken, message):
    _import()
    before = _state()
    if broken == "truncated":
        text = PARTNERS.read_text()
        path = tmp_path / "epcncorepartnerdetails.csv"
        path.write_text(text[: text.rindex(',"20191001"')])
    else:
        path = PRACTICES  # a practices file given as the PCN report
    with pytest.raises(ODSFileError) as error:
        _import(pcns=[path])
    assert str(error.value).startswith(message), error.value
    assert _state() == before
    assert ImportRun.objects.latest("id").status == ImportStatus.FAILED


def test_a_broken_pcn_file_changes_nothing(db):
    before = _state()
    with pytest.raises(ODSFileError, match=r"fake\.xlsx"):
        _import(pcns=[FIXTURES / "fake.xlsx"])
    assert _state() == before


def test_the_command_prints_a_summary(db, capsys):
    call_command(
        "import_ods", "--practices", str(PRACTICES), "--pcns", str(PCNS[0]), "--pcns", str(PCNS[1])
    )
    out = capsys.readouterr().out
    assert "Organisations: 32 created, 0 updated, 0 unchanged, 0 closed." in out
    assert "PCN memberships: 24 added, 0 ended." in out
    call_command(
        "import_ods", "--practices", str(PRACTICES), "--pcns", str(PCNS[0]), "--pcns", str(PCNS[1])
    )
    assert "Organisations: 0 created, 0 updated, 32 unchanged, 0 closed." in capsys.readouterr().out


def test_the_command_imports_the_core_partner_report_alone(db, capsys):
    call_command("import_ods", "--practices", str(PRACTICES), "--pcns", str(PARTNERS))
    out = capsys.readouterr().out
    assert "Organisations: 32 created, 0 updated, 0 unchanged, 0 closed." in out
    assert "PCN memberships: 24 added, 0 ended." in out
    assert "PCNs in the PCN files: 6, with 24 current practice memberships." in out


def test_the_command_names_a_missing_file(db):
    with pytest.raises(CommandError, match=r"no-such-file\.csv: no such file"):
        call_command("import_ods", "--practices", "no-such-file.csv")


#: Not text at all: the file likeliest to escape as an unhandled decoding error.
BINARY = (["--practices", "binary.csv"], "binary.csv: this is not a CSV text file")
BROKEN = [
    (["--practices", "empty.csv"], "empty.csv: the file is empty"),
    BINARY,
    (["--practices", "epraccur-truncated.csv"], "epraccur-truncated.csv, row 6:"),
    (
        ["--practices", "epraccur-short-row.csv"],
        "epraccur-short-row.csv, row 4: the row has 20 fields, 27 expected",
    ),
    (["--practices", "epraccur-extra-column.csv"], "epraccur-extra-column.csv, row"),
    (
        ["--practices", "epraccur-unknown-encoding.csv"],
        "matches neither the legacy nor the newer epraccur encoding",
    ),
    (
        ["--practices", "epraccur-legacy.csv", "--pcns", "fake.xlsx"],
        "fake.xlsx: not an Excel workbook",
    ),
    (
        ["--practices", "epraccur-legacy.csv", "--pcns", "epcn.csv"],
        "epcn.csv: the epcn report alone is not enough",
    ),
]


def _fixture_args(args: list[str]) -> list[str]:
    return [str(FIXTURES / a) if not a.startswith("--") else a for a in args]


@pytest.mark.parametrize("args,expected", BROKEN)
def test_a_broken_file_is_refused_with_a_clear_message_and_nothing_imported(db, args, expected):
    """The command's refusal: a CommandError, which manage.py prints without a traceback and
    turns into a non-zero exit (the test below shows that for one file, in another process)."""
    with pytest.raises(CommandError) as refused:
        call_command("import_ods", *_fixture_args(args))
    assert expected in str(refused.value)
    assert str(refused.value).endswith("Nothing was imported.")
    assert _state() == ([], [])


@pytest.fixture(scope="module")
def command_env(tmp_path_factory):
    """A database of its own, for running manage.py as a person would: migrated only as far
    as the import needs (the directory and what it depends on), which is a quarter of the
    cost of migrating every app."""
    env = own_database_env(tmp_path_factory.mktemp("command"))
    manage(env, "migrate", "directory", "-v0")
    return env


def _organisations(env: dict[str, str]) -> int:
    """How many organisations the command's database holds, read straight from its file."""
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as database:
        table = Organisation._meta.db_table
        return database.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_broken_file_exits_non_zero_with_a_clear_message_and_no_traceback(command_env):
    """As a person runs it, in another process (one file: the others' messages are checked
    above, in this process)."""
    args, expected = BINARY
    result = manage(command_env, "import_ods", *_fixture_args(args), check=False)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert "Nothing was imported." in result.stderr
    assert _organisations(command_env) == 0


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the real ODS files are not at {SHARED} "
    "(CI has them beside the repository as ../shared)",
)
def test_the_real_files_give_the_documented_counts(db):
    summary = ods_import(
        practices_path=SHARED / "epraccur-2019.csv", pcn_paths=[SHARED / "ePCN-2020.xlsx"]
    )
    assert summary.active_practices == 6830
    assert (
        Organisation.objects.filter(
            kind="practice", status=OrganisationStatus.ACTIVE, prescribing_setting="4"
        ).count()
        == 6830
    )
    assert Organisation.objects.filter(kind="pcn").count() == 1250
    assert OrganisationRelationship.objects.filter(end_date__isnull=True).count() == 6757
    assert not Organisation.objects.filter(name__startswith="=").exists()
    # Three PCN members are other prescribing settings in epraccur: kept, and said.
    assert summary.skipped_settings == 14357 - 8204 - 3
    assert sum("not a GP practice" in w for w in summary.warnings) == 3
    again = ods_import(
        practices_path=SHARED / "epraccur-2019.csv", pcn_paths=[SHARED / "ePCN-2020.xlsx"]
    )
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the real ODS files are not at {SHARED} "
    "(CI has them beside the repository as ../shared)",
)
def test_the_real_partner_sheet_as_a_csv_report_alone_gives_the_documented_counts(db, tmp_path):
    """The shared data has no plain CSV of the core partner report: made from the workbook."""
    report = write_core_partner_report(
        SHARED / "ePCN-2020.xlsx", tmp_path / "epcncorepartnerdetails.csv"
    )
    summary = ods_import(practices_path=SHARED / "epraccur-2019.csv", pcn_paths=[report])
    assert (summary.pcns, summary.current_memberships, summary.memberships_added) == (
        1250,
        6757,
        6757,
    )
    names = {row[4]: row[5] for row in core_partner_rows(SHARED / "ePCN-2020.xlsx")}
    assert len(names) == 1250
    assert dict(Organisation.objects.filter(kind="pcn").values_list("ods_code", "name")) == names
    assert OrganisationRelationship.objects.filter(end_date__isnull=True).count() == 6757
    assert sum("not a GP practice" in w for w in summary.warnings) == 3
