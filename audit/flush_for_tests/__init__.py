"""A `flush` for the test suite only, which may also empty the audit log.

Django's test cases that commit (pytest-django's `transactional_db` and `live_server`) call
`flush` after each test to empty the database. The audit table's triggers refuse that
(TRUNCATE on PostgreSQL, DELETE on SQLite) as they refuse every other change, and they
must: in production `manage.py flush` may not erase the log. `alliance/settings_test.py`
installs this app; its `flush` command lifts the audit triggers inside the one transaction
that empties the database and puts them back before that transaction commits. No other
settings install it.
"""
