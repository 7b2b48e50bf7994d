from django.apps import AppConfig


class SustainabilityConfig(AppConfig):
    name = "sustainability"
    verbose_name = "Sustainability"

    def ready(self) -> None:
        from collectives import demo
        from sustainability.demo import load_practice_data_demo

        demo.register(lambda people: load_practice_data_demo())
