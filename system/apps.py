from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "system"
    verbose_name = "Whole-system working"

    def ready(self) -> None:
        from collectives import demo
        from home import attention
        from system.attention_meetings import meetings_needing_you
        from system.attention_relationships import cold_relationships_for_you
        from system.attention_voice import needs_for_you
        from system.demo import load_system_demo

        attention.register(cold_relationships_for_you)
        attention.register(meetings_needing_you)
        attention.register(needs_for_you)
        demo.register(lambda people: load_system_demo(people.convenor, people.representative))
