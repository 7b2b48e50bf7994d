from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Decisions by consensus"

    def ready(self) -> None:
        from decisions.attention import proposals_needing_you
        from home import attention

        attention.register(proposals_needing_you)
