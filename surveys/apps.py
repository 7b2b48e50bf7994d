from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Relationship health"

    def ready(self) -> None:
        from home import attention
        from relationships.attention import unanswered_rounds

        attention.register(unanswered_rounds)
