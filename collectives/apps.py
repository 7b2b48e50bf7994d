from django.apps import AppConfig


class CollectivesConfig(AppConfig):
    name = "collectives"
    verbose_name = "Collectives"

    def ready(self) -> None:
        from alliance import tenancy
        from collectives.tenancy import CollectivesTenancy

        tenancy.provide(CollectivesTenancy())
