from django.apps import AppConfig


class HabitsConfig(AppConfig):
    name = "habits"
    verbose_name = "Relationship health II: the five habits"

    def ready(self) -> None:
        from habits.attention import habits_needing_you
        from home import attention

        attention.register(habits_needing_you)
