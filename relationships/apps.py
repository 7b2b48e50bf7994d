from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Relationships: the five habits"

    def ready(self) -> None:
        from home import attention
        from relationships.attention import habits_needing_you

        attention.register(habits_needing_you)
