from django.apps import AppConfig


class SharedServicesConfig(AppConfig):
    name = "shared_services"
    verbose_name = "Shared services"

    def ready(self) -> None:
        from collectives import demo
        from home import attention
        from shared_services.attention import shared_services_needing_you
        from shared_services.demo import load_shared_services_demo

        attention.register(shared_services_needing_you)
        demo.register(lambda people: load_shared_services_demo(people.convenor))
