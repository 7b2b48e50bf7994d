"""Parse the NHS ODS practices file (epraccur) and the PCN files into plain records.

Pure parsing, no models and no database: the importer decides what the records mean. Every
problem is an ODSFileError naming the file, the row and the column, because the person who
runs an import needs to know exactly what is wrong with the file they downloaded; a file that
cannot be understood is refused outright rather than imported as nothing.

The code is split by file: records.py (what the readers return), text.py (bytes, text and
CSV rows), practices.py (epraccur), pcns.py (ePCN.xlsx), pcn_reports.py (the PCN CSV reports)
and pcn_rows.py (the rows and records both PCN readers share).
"""

from directory.ods.pcns import read_pcns
from directory.ods.practices import read_practices
from directory.ods.records import (
    ODSFileError,
    PCNFiles,
    PCNMembershipRecord,
    PCNRecord,
    PracticeRecord,
    PracticesFile,
)

__all__ = [
    "ODSFileError",
    "PCNFiles",
    "PCNMembershipRecord",
    "PCNRecord",
    "PracticeRecord",
    "PracticesFile",
    "read_pcns",
    "read_practices",
]
