"""Reading the NHS Organisation Data Service (ODS) files Alliance imports.

Kept apart from the importer so the parsing can be tested on real files without a database.
The public interface is in directory.ods.readers.
"""
