from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Relationships: the five habits"

    def ready(self) -> None:
        from collectives import demo
        from home import attention
        from relationships.attention import habits_needing_you
        from relationships.demo import load_habits_demo

        attention.register(habits_needing_you)
        demo.register(lambda people: load_habits_demo(people.member, people.representative))
