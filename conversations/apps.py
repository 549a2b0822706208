from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations and agreed actions"

    def ready(self) -> None:
        from conversations.open_work import open_actions
        from deal.open_work import register

        register(open_actions)
