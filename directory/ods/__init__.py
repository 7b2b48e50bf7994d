"""Reading the NHS Organisation Data Service (ODS) files Alliance imports.

Kept apart from the importer so the parsing can be tested on real files without a database.
"""

from directory.ods.readers import (
    ODSFileError,
    PCNFiles,
    PCNMembershipRecord,
    PCNRecord,
    PracticeRecord,
    PracticesFile,
    read_pcns,
    read_practices,
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
