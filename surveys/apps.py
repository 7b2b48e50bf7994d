from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Trust surveys"

    def ready(self) -> None:
        from collectives import demo
        from home import attention
        from surveys.attention import unanswered_rounds
        from surveys.demo import load_survey_demo

        attention.register(unanswered_rounds)
        demo.register(lambda people: load_survey_demo(people.convenor, people.representative))
