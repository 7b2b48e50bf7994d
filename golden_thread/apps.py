from django.apps import AppConfig


class GoldenThreadConfig(AppConfig):
    name = "golden_thread"
    verbose_name = "The golden thread"

    def ready(self) -> None:
        from golden_thread.attention import briefings_needing_you
        from home import attention

        attention.register(briefings_needing_you)
