from django.apps import AppConfig


class FlushForTestsConfig(AppConfig):
    name = "audit.flush_for_tests"
    label = "audit_flush_for_tests"
    verbose_name = "Audit log: flush for the test suite"
