from django.apps import AppConfig


class GoldenThreadConfig(AppConfig):
    name = "golden_thread"
    verbose_name = "The golden thread"

    def ready(self) -> None:
        from collectives import demo
        from golden_thread.attention import briefings_needing_you
        from golden_thread.demo import load_thread_demo
        from home import attention

        attention.register(briefings_needing_you)
        demo.register(lambda people: load_thread_demo(people.convenor))
