from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """The community directory: groups and services people are connected to.
    It sits on top of people and conversations; neither imports it."""

    name = "directory"
    verbose_name = "Community directory"

    def ready(self) -> None:
        from directory import receivers, sections

        receivers.connect()
        sections.register_sections()
