from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home"

    def ready(self) -> None:
        from home import attention
        from home.providers import register_foundation_providers

        register_foundation_providers(attention)
