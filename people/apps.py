from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from deal.open_work import register
        from people.open_work import named_worker_people

        register(named_worker_people)
