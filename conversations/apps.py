from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations and agreed actions"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from conversations.open_work import open_actions
        from conversations.reports import register_sqlite_median
        from deal.open_work import register

        register(open_actions)
        connection_created.connect(register_sqlite_median)
