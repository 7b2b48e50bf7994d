from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "cascade"
    verbose_name = "The golden thread"

    def ready(self) -> None:
        from cascade.attention import briefings_needing_you
        from home import attention

        attention.register(briefings_needing_you)
