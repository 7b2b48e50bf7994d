"""Write the headerless epcncorepartnerdetails CSV report from an ePCN workbook.

The shared data has `ePCN-2020.xlsx` but no plain CSV of the core partner report, so the
tests (and anyone checking the import by hand) make one from the workbook's `PCN Core
Partner Details` sheet, in the report's 11 columns, every field quoted, CRLF line ends, as
the committed excerpts are. The sheet's cells are taken as they are, but for its two
formulas: `PCN Name` (`=VLOOKUP(E2,'PCN Details'!A:B,2,FALSE)`) becomes the name from the
`PCN Details` sheet, and the match flag (`=G2=C2`) becomes TRUE or FALSE.

    python -m directory.tests.ods_reports ../shared/data/ods/ePCN-2020.xlsx /tmp/partners.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import openpyxl

# The partner sheet's headings in the 2020 workbook, in the order of the report's columns.
PARTNER_HEADINGS = (
    "Partner Organisation Code",
    "Partner Name",
    "Practice Parent CCG Code",
    "Practice Parent CCG Name",
    "PCN Code",
    "PCN Name",
    "PCN Parent CCG Code",
    "PCN Parent CCG Name",
    "Practice to PCN Relationship Start Date",
    "Practice to PCN Relationship End Date",
    "Practice CCG and PCN CCG match?",
)


def core_partner_rows(workbook_path: Path) -> list[list[str]]:
    """The partner sheet's data rows as the report's text fields, formulas resolved."""
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    try:
        details = workbook["PCN Details"].iter_rows(min_row=2, values_only=True)
        names = {row[0]: row[1] for row in details if row[0]}
        rows = workbook["PCN Core Partner Details"].iter_rows(values_only=True)
        headings = tuple(next(rows)[: len(PARTNER_HEADINGS)])
        if headings != PARTNER_HEADINGS:
            raise ValueError(f"{workbook_path}: unexpected partner headings {headings}")
        report = []
        for row in rows:
            if not any(row):
                continue
            fields = ["" if value is None else str(value) for value in row[:11]]
            fields[5] = names[fields[4]]
            fields[10] = "TRUE" if fields[6] == fields[2] else "FALSE"
            report.append(fields)
    finally:
        workbook.close()
    return report


def write_core_partner_report(workbook_path: Path, out_path: Path) -> Path:
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows(core_partner_rows(workbook_path))
    return out_path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m directory.tests.ods_reports ePCN.xlsx OUT.csv")
    written = write_core_partner_report(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{written}: {len(written.read_text().splitlines())} rows")
