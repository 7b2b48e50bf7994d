"""The ODS readers against excerpts of the real files (see fixtures/ods/README.md).

No database: the readers only parse. Each broken file must be refused with a message that
names the file, the row and the column, so these tests pin the exact wording.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
import zipfile
from pathlib import Path

import openpyxl
import pytest

from directory.ods.readers import (
    ODSFileError,
    PCNFiles,
    PracticesFile,
    read_pcns,
    read_practices,
)
from directory.tests.ods_reports import write_core_partner_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ods"
DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "ods"  # the demo collective's
# The real files live in the "shared" folder beside the repository folder.
SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ods").resolve()

LEGACY = FIXTURES / "epraccur-legacy.csv"
GP_PRACTICES = {"J81019", "J81031", "J82040", "J82101", "J82141", "J82171", "K83021", "K83622"}
MEMBERS = {
    "U42510": {"J81019", "J81031"},
    "U97340": {"J82040", "J82101", "J82141"},
    "U21248": {"K83021", "K83622"},
}


def _by_code(practices: PracticesFile) -> dict:
    return {record.ods_code: record for record in practices.records}


def _error(call, *args) -> ODSFileError:
    with pytest.raises(ODSFileError) as raised:
        call(*args)
    return raised.value


def _legacy_rows() -> list[str]:
    return LEGACY.read_text().splitlines(keepends=True)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _replace_field(line: str, column: int, value: str) -> str:
    fields = line.rstrip("\r\n").split('","')
    fields[0], fields[-1] = fields[0][1:], fields[-1][:-1]
    fields[column - 1] = value
    return '"' + '","'.join(fields) + '"\r\n'


# --- practices: good files


def test_it_reads_the_legacy_encoding():
    practices = read_practices(LEGACY)
    assert (practices.name, practices.encoding_scheme, practices.text_encoding) == (
        "epraccur-legacy.csv",
        "legacy",
        "utf-8",
    )
    assert practices.sha256 == hashlib.sha256(LEGACY.read_bytes()).hexdigest()
    assert [record.row for record in practices.records] == list(range(1, 14))
    records = _by_code(practices)
    blandford = records["J81019"]
    assert blandford == dataclasses.replace(
        blandford,
        name="THE BLANDFORD GROUP PRACTICE",
        region_code="Y58",
        geography_code="Q85",
        address=("BLANDFORD GROUP PRACTICE", "WHITECLIFF MILL STREET", "BLANDFORD", "DORSET"),
        postcode="DT11 7BH",
        open_date=dt.date(1974, 4, 1),
        close_date=None,
        status="active",
        commissioner_code="11J",
        phone="01258 452501",
        setting="4",
        is_gp_practice=True,
    )
    closed = records["J82171"]
    assert (closed.name, closed.status, closed.close_date, closed.is_gp_practice) == (
        "BITTERNE PARK SURGERY",
        "closed",
        dt.date(2018, 11, 30),
        True,
    )
    assert records["J81031"].status == "dormant"
    walk_in = records["Y04246"]
    assert (walk_in.status, walk_in.setting, walk_in.is_gp_practice) == ("closed", "1", False)
    assert records["Y06431"].setting == "3"


def test_only_setting_4_is_a_gp_practice():
    records = read_practices(LEGACY).records
    assert {record.ods_code for record in records if record.is_gp_practice} == GP_PRACTICES
    assert {record.setting for record in records if not record.is_gp_practice} == {
        "0",
        "1",
        "2",
        "3",
        "9",
    }


def test_a_zipped_file_reads_like_the_plain_one():
    zipped = read_practices(FIXTURES / "epraccur-legacy.zip")
    plain = read_practices(LEGACY)
    assert zipped.records == plain.records
    assert zipped.name == "epraccur-legacy.zip"
    assert (
        zipped.sha256 == hashlib.sha256((FIXTURES / "epraccur-legacy.zip").read_bytes()).hexdigest()
    )
    assert zipped.sha256 != plain.sha256


def test_it_reads_the_newer_encoding():
    practices = read_practices(FIXTURES / "epraccur-newer.csv")
    assert practices.encoding_scheme == "newer"
    records = _by_code(practices)
    assert records["J81019"].setting == "RO76"
    assert records["J81019"].is_gp_practice
    assert records["Y04246"].status == "closed"  # written INACTIVE
    assert records["Y06431"].setting == "RO80|RO87"
    assert not records["Y06431"].is_gp_practice


def test_the_newer_encoding_means_the_same_as_the_legacy_one():
    newer = read_practices(FIXTURES / "epraccur-newer.csv").records
    legacy = read_practices(LEGACY).records
    assert [dataclasses.replace(record, setting="") for record in newer] == [
        dataclasses.replace(record, setting="") for record in legacy
    ]


def test_it_falls_back_to_windows_1252_for_accented_names():
    practices = read_practices(FIXTURES / "epraccur-cp1252.csv")
    assert practices.text_encoding == "cp1252"
    assert [record.name for record in practices.records] == [
        "CAFÉ ROYAL SURGERY",
        "BRONTË HOUSE MEDICAL PRACTICE",
        "CRÈCHE LANE HEALTH CENTRE",
    ]
    assert practices.records[2].address[0] == "CRÈCHE LANE"


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path):
    text = (FIXTURES / "epraccur-cp1252.csv").read_bytes().decode("cp1252")
    path = _write(tmp_path, "epraccur.csv", text, encoding="utf-8-sig")
    practices = read_practices(path)
    assert practices.text_encoding == "utf-8"
    assert practices.records[0].ods_code == "Z99001"
    assert practices.records[0].name == "CAFÉ ROYAL SURGERY"


def test_blank_lines_are_skipped_but_rows_keep_their_line_numbers(tmp_path):
    rows = _legacy_rows()
    path = _write(tmp_path, "epraccur.csv", "".join([rows[0], "\r\n", rows[1], "\r\n"]))
    assert [record.row for record in read_practices(path).records] == [1, 3]


# --- practices: broken files


def test_a_truncated_file_is_refused_naming_its_last_row():
    error = _error(read_practices, FIXTURES / "epraccur-truncated.csv")
    assert str(error) == (
        "epraccur-truncated.csv, row 6: the row has 7 fields, 27 expected; it is the last row "
        "and it ends inside a quoted field that is never closed, so the file may be truncated "
        "(download it again)"
    )
    assert (error.file, error.row, error.column) == ("epraccur-truncated.csv", 6, None)


def test_a_truncated_file_without_a_quote_is_refused_too(tmp_path):
    rows = _legacy_rows()
    path = _write(tmp_path, "epraccur.csv", "".join(rows[:2]) + rows[2][:60] + '"\r\n')
    assert str(_error(read_practices, path)) == (
        "epraccur.csv, row 3: the row has 5 fields, 27 expected; it is the last row, so the "
        "file may be truncated (download it again)"
    )


def test_a_short_row_is_refused_with_its_field_count():
    error = _error(read_practices, FIXTURES / "epraccur-short-row.csv")
    assert str(error) == "epraccur-short-row.csv, row 4: the row has 20 fields, 27 expected"


def test_a_row_with_an_extra_column_is_refused():
    error = _error(read_practices, FIXTURES / "epraccur-extra-column.csv")
    assert str(error) == "epraccur-extra-column.csv, row 7: the row has 28 fields, 27 expected"


def test_an_empty_file_is_refused():
    assert str(_error(read_practices, FIXTURES / "empty.csv")) == "empty.csv: the file is empty"


def test_a_file_of_blank_lines_is_refused_as_empty(tmp_path):
    path = _write(tmp_path, "epraccur.csv", "\r\n\r\n")
    assert str(_error(read_practices, path)) == (
        "epraccur.csv: the file is empty (it holds only blank lines)"
    )


def test_a_binary_file_is_refused():
    assert str(_error(read_practices, FIXTURES / "binary.csv")) == (
        "binary.csv: this is not a CSV text file (it starts like a PNG image)"
    )


def test_a_file_with_nul_bytes_is_refused(tmp_path):
    path = tmp_path / "epraccur.csv"
    path.write_bytes(LEGACY.read_bytes()[:200] + b"\x00\x00\x00")
    assert str(_error(read_practices, path)) == (
        "epraccur.csv: this is not a CSV text file (it contains NUL bytes)"
    )


def test_a_file_of_neither_encoding_is_refused_saying_so():
    error = _error(read_practices, FIXTURES / "epraccur-unknown-encoding.csv")
    assert str(error) == (
        "epraccur-unknown-encoding.csv: the file matches neither the legacy nor the newer "
        "epraccur encoding: column 13 (status) holds 'OPEN', 'SHUT' and column 26 (prescribing "
        "setting) holds 'GP', 'CLINIC'; expected statuses A, C, D or P with numeric settings "
        "(4 = GP practice), or ACTIVE, INACTIVE, CLOSED, DORMANT or PROPOSED with ODS role ids "
        "(RO76 = GP practice)"
    )


def test_an_unknown_status_names_its_row_and_column(tmp_path):
    rows = _legacy_rows()
    rows[11] = _replace_field(rows[11], 13, "X")
    error = _error(read_practices, _write(tmp_path, "epraccur.csv", "".join(rows)))
    assert str(error) == (
        "epraccur.csv, row 12, column 13 (status): 'X' is not a status this importer knows "
        "(expected A, C, D or P, like the other rows of this legacy-encoded file)"
    )
    assert (error.row, error.column) == (12, "13 (status)")


def test_a_file_mixing_the_encodings_is_refused(tmp_path):
    rows = _legacy_rows()
    rows[4] = _replace_field(rows[4], 13, "ACTIVE")
    error = _error(read_practices, _write(tmp_path, "epraccur.csv", "".join(rows)))
    assert str(error) == (
        "epraccur.csv, row 5, column 13 (status): 'ACTIVE' is a newer-encoding status, but this "
        "file is legacy-encoded (A, C, D or P, with numeric prescribing settings); the file "
        "mixes the two encodings"
    )
    rows = _legacy_rows()
    rows[2] = _replace_field(rows[2], 26, "RO76")
    error = _error(read_practices, _write(tmp_path, "epraccur.csv", "".join(rows)))
    assert error.row == 3
    assert error.column == "26 (prescribing setting)"


def test_a_bad_date_names_its_row_and_column(tmp_path):
    rows = _legacy_rows()
    rows[1] = _replace_field(rows[1], 11, "1974-04-01")
    error = _error(read_practices, _write(tmp_path, "epraccur.csv", "".join(rows)))
    assert str(error) == (
        "epraccur.csv, row 2, column 11 (open date): '1974-04-01' is not a date in the form "
        "YYYYMMDD"
    )
    rows = _legacy_rows()
    rows[5] = _replace_field(rows[5], 12, "20181131")
    error = _error(read_practices, _write(tmp_path, "epraccur.csv", "".join(rows)))
    assert (error.row, error.column) == (6, "12 (close date)")


def test_an_empty_organisation_code_names_its_row(tmp_path):
    rows = _legacy_rows()
    rows[8] = _replace_field(rows[8], 1, "")
    error = _error(read_practices, _write(tmp_path, "epraccur.csv", "".join(rows)))
    assert str(error) == (
        "epraccur.csv, row 9, column 1 (organisation code): the organisation code is empty"
    )


def test_a_repeated_organisation_code_is_refused(tmp_path):
    rows = _legacy_rows()
    path = _write(tmp_path, "epraccur.csv", "".join([*rows, rows[0]]))
    assert str(_error(read_practices, path)) == (
        "epraccur.csv, row 14, column 1 (organisation code): the organisation code J81019 is "
        "already on row 1"
    )


def test_a_heading_row_is_pointed_out(tmp_path):
    heading = ",".join(["Organisation Code", "Name", *["x"] * 10, "Status", *["y"] * 14])
    path = _write(tmp_path, "epraccur.csv", heading + "\r\n" + "".join(_legacy_rows()))
    assert str(_error(read_practices, path)).endswith(
        "; row 1 looks like a heading row, and epraccur files have none"
    )


def test_a_zip_must_hold_exactly_one_csv(tmp_path):
    path = tmp_path / "epraccur.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("epraccur.csv", LEGACY.read_bytes())
        archive.writestr("epraccur-old.csv", LEGACY.read_bytes())
    assert str(_error(read_practices, path)) == (
        "epraccur.zip: the zip archive should hold exactly one .csv file, but it holds 2 (it "
        "contains: epraccur.csv, epraccur-old.csv)"
    )
    not_a_zip = _write(tmp_path, "epraccur2.zip", "hello")
    assert str(_error(read_practices, not_a_zip)) == (
        "epraccur2.zip: this is not a zip archive that can be opened"
    )


def test_a_workbook_is_not_a_practices_file():
    assert str(_error(read_practices, FIXTURES / "epcn-ccg.xlsx")) == (
        "epcn-ccg.xlsx: this is an Excel workbook; the practices file is the epraccur .csv (or "
        "a .zip holding it)"
    )


def test_a_missing_file_is_an_ods_file_error(tmp_path):
    assert str(_error(read_practices, tmp_path / "nope.csv")) == (
        "nope.csv: the file cannot be read (No such file or directory)"
    )


def test_the_error_survives_pickling():
    error = ODSFileError(file="/tmp/a/epraccur.csv", row=3, column="13 (status)", message="bad")
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.row, again.column, again.message) == (
        "epraccur.csv",
        3,
        "13 (status)",
        "bad",
    )
    assert str(again) == "epraccur.csv, row 3, column 13 (status): bad"


# --- PCNs


def _comparable(pcn_files: PCNFiles) -> tuple:
    """What the three PCN sources must agree on: all but row numbers and sources."""
    return (
        [dataclasses.replace(pcn, row=0) for pcn in pcn_files.pcns],
        [dataclasses.replace(m, row=0, source="") for m in pcn_files.memberships],
    )


def test_it_reads_the_ccg_era_workbook():
    pcn_files = read_pcns([FIXTURES / "epcn-ccg.xlsx"])
    assert pcn_files.variant == "xlsx-ccg"
    assert pcn_files.names == ["epcn-ccg.xlsx"]
    assert pcn_files.sha256s == [
        hashlib.sha256((FIXTURES / "epcn-ccg.xlsx").read_bytes()).hexdigest()
    ]
    triangle = pcn_files.pcns[2]
    assert triangle == dataclasses.replace(
        triangle,
        row=4,
        ods_code="U21248",
        name="TRIANGLE PCN",
        commissioner_code="04G",
        commissioner_name="NHS NENE CCG",
        open_date=dt.date(2019, 12, 1),
        close_date=None,
        address=("ROTHWELL MEDICAL CENTRE", "109 DESBOROUGH ROAD", "ROTHWELL", "NORTHAMPTONSHIRE"),
        postcode="NN14 6JQ",
    )
    members: dict[str, set[str]] = {}
    for membership in pcn_files.memberships:
        members.setdefault(membership.pcn_code, set()).add(membership.practice_code)
    assert members == MEMBERS
    first = pcn_files.memberships[0]
    assert (first.row, first.source, first.practice_name, first.start_date, first.end_date) == (
        2,
        "epcn-ccg.xlsx (sheet 'PCN Core Partner Details')",
        "WHITECLIFF GROUP PRACTICE",
        dt.date(2019, 10, 1),
        None,
    )


def test_workbook_formulas_never_leak_into_names():
    sheet = openpyxl.load_workbook(FIXTURES / "epcn-ccg.xlsx")["PCN Core Partner Details"]
    assert sheet["F2"].value.startswith("=VLOOKUP(")  # the fixture does hold formulas
    pcn_files = read_pcns([FIXTURES / "epcn-ccg.xlsx"])
    names = [pcn.name for pcn in pcn_files.pcns] + [m.practice_name for m in pcn_files.memberships]
    assert not [name for name in names if name.startswith("=")]
    assert [pcn.name for pcn in pcn_files.pcns] == [
        "BLANDFORD PCN",
        "SOUTHAMPTON BITTERNE PCN",
        "TRIANGLE PCN",
    ]


def test_it_reads_the_sub_icb_era_workbook():
    pcn_files = read_pcns([FIXTURES / "epcn-subicb.xlsx"])
    assert pcn_files.variant == "xlsx-sub-icb"
    assert pcn_files.pcns[0].commissioner_code == "11J"
    assert pcn_files.pcns[0].open_date == dt.date(2019, 10, 1)  # an Excel date
    assert pcn_files.memberships[0].start_date == dt.date(2019, 10, 1)  # text


def test_the_csv_reports_are_read_in_either_order():
    reports = [FIXTURES / "epcn.csv", FIXTURES / "epcncorepartnerdetails.csv"]
    forwards, backwards = read_pcns(reports), read_pcns(reports[::-1])
    assert forwards == backwards
    assert forwards.variant == "csv-reports"
    assert forwards.names == ["epcn.csv", "epcncorepartnerdetails.csv"]
    assert forwards.sha256s == [hashlib.sha256(p.read_bytes()).hexdigest() for p in reports]
    assert (forwards.memberships[0].row, forwards.memberships[0].source) == (
        1,
        "epcncorepartnerdetails.csv",
    )


def test_both_workbook_layouts_and_the_reports_give_the_same_pcns_and_memberships():
    ccg = _comparable(read_pcns([FIXTURES / "epcn-ccg.xlsx"]))
    assert _comparable(read_pcns([FIXTURES / "epcn-subicb.xlsx"])) == ccg
    assert (
        _comparable(read_pcns([FIXTURES / "epcn.csv", FIXTURES / "epcncorepartnerdetails.csv"]))
        == ccg
    )


def test_a_fake_workbook_is_refused():
    assert str(_error(read_pcns, [FIXTURES / "fake.xlsx"])) == (
        "fake.xlsx: not an Excel workbook (it is a text file, and ePCN workbooks are .xlsx files)"
    )


def _workbook(tmp_path: Path, sheets: dict[str, list[list]], name: str = "ePCN.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


DETAILS_HEAD = ["PCN Code", "PCN Name", "Current Clinical Commissioning Group Code",
                "Clinical Commissioning Group Name", "Open Date (YYYYMMDD)", "Close Date",
                "Postcode"]  # fmt: skip
PARTNER_HEAD = ["Partner Organisation Code", "Partner Name", "PCN Code", "PCN Name",
                "Practice to PCN Relationship Start Date",
                "Practice to PCN Relationship End Date"]  # fmt: skip


def test_a_missing_heading_is_named_with_its_sheet(tmp_path):
    path = _workbook(
        tmp_path,
        {
            "PCN Details": [[h for h in DETAILS_HEAD if "Group Code" not in h]],
            "PCN Core Partner Details": [PARTNER_HEAD],
        },
    )
    assert str(_error(read_pcns, [path])) == (
        "ePCN.xlsx: sheet 'PCN Details' has no 'Current Sub ICB Location Code' (or 'Current "
        "Clinical Commissioning Group Code') heading (looked in row 1, the heading row)"
    )


def test_a_missing_sheet_is_named(tmp_path):
    path = _workbook(tmp_path, {"PCN Details": [DETAILS_HEAD], "Sheet2": [PARTNER_HEAD]})
    assert str(_error(read_pcns, [path])) == (
        "ePCN.xlsx: the workbook has no sheet named 'PCN Core Partner Details' (its sheets: "
        "'PCN Details', 'Sheet2')"
    )


def test_headings_and_sheet_names_match_loosely_and_dates_come_in_any_form(tmp_path):
    path = _workbook(
        tmp_path,
        {
            " pcn  DETAILS": [
                [
                    "pcn code",
                    "PCN NAME",
                    "Current Sub-ICB Location Code",
                    "Sub ICB Location Name",
                    "Open Date",
                    "Close Date",
                    "Post Code",
                ],
                ["U00001", "ONE PCN", "D2P2L", "NHS X ICB - 01", 20191001, "", "AB1 2CD"],
                ["U00002", "TWO PCN", "D2P2L", "NHS X ICB - 01", "2019-10-01", None, ""],
                [None] * 7,
                [
                    "U00003",
                    "THREE PCN",
                    "D2P2L",
                    "NHS X ICB - 01",
                    "01/10/2019",
                    dt.datetime(2023, 3, 31, 0, 0),
                    "",
                ],
                ["U00004", "FOUR PCN", "D2P2L", "NHS X ICB - 01", 43739.0, None, ""],
            ],
            "PCN Core Partner Details": [
                PARTNER_HEAD,
                [
                    "A00001",
                    "=B1",
                    "U00001",
                    "=VLOOKUP(C2,'PCN Details'!A:B,2,FALSE)",
                    dt.datetime(2019, 10, 1),
                    20230331,
                ],
                ["A00002", "PRACTICE TWO", "U99999", "NOT IN DETAILS", "20191001", None],
            ],
        },
    )
    pcn_files = read_pcns([path])
    assert pcn_files.variant == "xlsx-sub-icb"
    assert [(p.row, p.ods_code, p.open_date) for p in pcn_files.pcns] == [
        (2, "U00001", dt.date(2019, 10, 1)),
        (3, "U00002", dt.date(2019, 10, 1)),
        (5, "U00003", dt.date(2019, 10, 1)),
        (6, "U00004", dt.date(2019, 10, 1)),  # an Excel serial day number
    ]
    assert pcn_files.pcns[2].close_date == dt.date(2023, 3, 31)
    first, unknown = pcn_files.memberships
    assert (first.practice_name, first.end_date) == ("", dt.date(2023, 3, 31))  # formula dropped
    assert (unknown.pcn_code, unknown.practice_name) == ("U99999", "PRACTICE TWO")  # kept


def test_a_bad_workbook_date_names_row_column_and_sheet(tmp_path):
    path = _workbook(
        tmp_path,
        {
            "PCN Details": [
                DETAILS_HEAD,
                ["U00001", "ONE PCN", "00C", "NHS X CCG", "soon", None, ""],
            ],
            "PCN Core Partner Details": [PARTNER_HEAD],
        },
    )
    error = _error(read_pcns, [path])
    assert str(error) == (
        "ePCN.xlsx, row 2, column Open Date (YYYYMMDD): in sheet 'PCN Details', 'soon' is not a "
        "date (expected YYYYMMDD, e.g. 20191001)"
    )


def test_a_formula_instead_of_a_pcn_name_in_the_details_is_refused(tmp_path):
    path = _workbook(
        tmp_path,
        {
            "PCN Details": [
                DETAILS_HEAD,
                ["U00001", "=A2", "00C", "NHS X CCG", 20191001, None, ""],
            ],
            "PCN Core Partner Details": [PARTNER_HEAD],
        },
    )
    assert str(_error(read_pcns, [path])) == (
        "ePCN.xlsx, row 2, column PCN Name: in sheet 'PCN Details', the cell holds an Excel "
        "formula (=A2) instead of the PCN name"
    )


def test_the_core_partner_report_alone_names_its_pcns_itself():
    partners = FIXTURES / "epcncorepartnerdetails.csv"
    alone = read_pcns([partners])
    assert alone.variant == "csv-core-partners"
    assert alone.names == ["epcncorepartnerdetails.csv"]
    assert alone.sha256s == [hashlib.sha256(partners.read_bytes()).hexdigest()]
    named = [
        (p.row, p.ods_code, p.name, p.commissioner_code, p.commissioner_name) for p in alone.pcns
    ]
    assert named == [
        (1, "U42510", "BLANDFORD PCN", "11J", "NHS DORSET CCG"),
        (3, "U97340", "SOUTHAMPTON BITTERNE PCN", "10X", "NHS SOUTHAMPTON CCG"),
        (6, "U21248", "TRIANGLE PCN", "04G", "NHS NENE CCG"),
    ]
    # It says nothing of dates and addresses, and says that it does not.
    unknown = {
        (p.open_date, p.close_date, p.address, p.postcode, p.has_details) for p in alone.pcns
    }
    assert unknown == {(None, None, (), "", False)}
    with_details = read_pcns([FIXTURES / "epcn.csv", partners])
    assert alone.memberships == with_details.memberships
    assert all(pcn.has_details for pcn in with_details.pcns)


def test_the_epcn_report_alone_is_refused():
    assert str(_error(read_pcns, [FIXTURES / "epcn.csv"])) == (
        "epcn.csv: the epcn report alone is not enough, as it does not say which practices are "
        "in each PCN: give it together with the epcncorepartnerdetails report (which may also "
        "be given alone), or give the ePCN .xlsx workbook instead"
    )


@pytest.mark.parametrize(
    "column,label,first",
    [(6, "PCN name", "BLANDFORD PCN"), (7, "PCN commissioner code", "11J")],
)
def test_a_pcn_named_two_ways_by_the_core_partner_report_alone_is_refused(
    tmp_path, column, label, first
):
    lines = (FIXTURES / "epcncorepartnerdetails.csv").read_text().splitlines(keepends=True)
    fields = lines[1].split(",")
    assert fields[column - 1] == f'"{first}"'
    fields[column - 1] = '"BLANDFORD"'
    lines[1] = ",".join(fields)
    path = _write(tmp_path, "epcncorepartnerdetails.csv", "".join(lines))
    assert str(_error(read_pcns, [path])) == (
        f"epcncorepartnerdetails.csv, row 2, column {column} ({label}): the {label} of U42510 "
        f"is 'BLANDFORD' here but '{first}' on row 1"
    )


def test_two_copies_of_one_report_are_refused():
    error = _error(read_pcns, [FIXTURES / "epcn.csv", FIXTURES / "epcn.csv"])
    assert str(error) == (
        "epcn.csv: this is a second epcn report (the first is epcn.csv); give one epcn and one "
        "epcncorepartnerdetails report"
    )


def test_a_workbook_with_other_files_is_refused():
    error = _error(read_pcns, [FIXTURES / "epcn-ccg.xlsx", FIXTURES / "epcn.csv"])
    assert str(error) == (
        "epcn-ccg.xlsx: 2 files were given with this workbook; give either the ePCN .xlsx "
        "workbook on its own, or the CSV reports"
    )


@pytest.mark.parametrize("others", [[], [FIXTURES / "epcn.csv"]], ids=["alone", "with epcn"])
def test_a_file_that_is_neither_report_is_refused(others):
    error = _error(read_pcns, [LEGACY, *others])
    assert str(error) == (
        "epraccur-legacy.csv: this is neither the epcn report (12 columns, starting with a PCN "
        "code such as U12345) nor the epcncorepartnerdetails report (11 columns, with the PCN "
        "code in column 5)"
    )


@pytest.mark.parametrize("others", [[], [FIXTURES / "epcn.csv"]], ids=["alone", "with epcn"])
def test_a_truncated_core_partner_report_names_its_last_row(tmp_path, others):
    text = (FIXTURES / "epcncorepartnerdetails.csv").read_text()
    path = _write(tmp_path, "epcncorepartnerdetails.csv", text[: text.rindex(',"20191201"')])
    error = _error(read_pcns, [*others, path])
    assert str(error) == (
        "epcncorepartnerdetails.csv, row 7: the row has 8 fields, 11 expected; it is the last "
        "row, so the file may be truncated (download it again)"
    )


def test_a_bad_pcn_code_in_a_report_names_row_and_column(tmp_path):
    lines = (FIXTURES / "epcn.csv").read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace('"U97340"', '"97340"')
    path = _write(tmp_path, "epcn.csv", "".join(lines))
    error = _error(read_pcns, [path, FIXTURES / "epcncorepartnerdetails.csv"])
    assert str(error) == (
        "epcn.csv, row 2, column 1 (PCN code): '97340' is not a PCN code (expected U and 5 "
        "digits, e.g. U12345)"
    )


# --- the real files, when they are beside the repository


needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the real ODS files are not at {SHARED} (they live beside the repository as "
    "../shared/data/ods)",
)


@needs_shared
def test_the_real_files_give_the_documented_counts():
    practices = read_practices(SHARED / "epraccur-2019.csv")
    assert (practices.encoding_scheme, practices.text_encoding) == ("legacy", "utf-8")
    assert len(practices.records) == 14_357
    active_gp = [r for r in practices.records if r.is_gp_practice and r.status == "active"]
    assert len(active_gp) == 6_830

    pcn_files = read_pcns([SHARED / "ePCN-2020.xlsx"])
    assert pcn_files.variant == "xlsx-ccg"
    assert len(pcn_files.pcns) == 1_250
    assert len(pcn_files.memberships) == 6_757
    assert all(m.end_date is None for m in pcn_files.memberships)
    names = [p.name for p in pcn_files.pcns] + [m.practice_name for m in pcn_files.memberships]
    assert not [name for name in names if name.startswith("=")]
    pcn_codes = {pcn.ods_code for pcn in pcn_files.pcns}
    assert {m.pcn_code for m in pcn_files.memberships} <= pcn_codes


@needs_shared
def test_the_real_partner_sheet_as_a_csv_report_alone_names_every_pcn(tmp_path):
    report = write_core_partner_report(
        SHARED / "ePCN-2020.xlsx", tmp_path / "epcncorepartnerdetails.csv"
    )
    lines = set(report.read_text().splitlines())
    for excerpt in (
        FIXTURES / "epcncorepartnerdetails.csv",
        DEMO / "epcncorepartnerdetails-demo.csv",
    ):
        assert set(excerpt.read_text().splitlines()) <= lines, excerpt  # committed rows are real
    alone = read_pcns([report])
    workbook = read_pcns([SHARED / "ePCN-2020.xlsx"])
    assert (len(alone.pcns), len(alone.memberships)) == (1_250, 6_757)
    named = {(p.ods_code, p.name, p.commissioner_code, p.commissioner_name) for p in alone.pcns}
    assert named == {
        (p.ods_code, p.name, p.commissioner_code, p.commissioner_name) for p in workbook.pcns
    }
    assert _comparable(alone)[1] == _comparable(workbook)[1]  # the same memberships
