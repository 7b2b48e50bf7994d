from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Trust surveys"

    def ready(self) -> None:
        from home import attention
        from surveys.attention import unanswered_rounds

        attention.register(unanswered_rounds)
