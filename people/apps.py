from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from deal.open_work import register, register_mover
        from people.open_work import hand_on_named_people, named_worker_people

        register(named_worker_people)
        register_mover(hand_on_named_people)
