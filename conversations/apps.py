from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations and agreed actions"

    def ready(self) -> None:
        from conversations.open_work import hand_on_actions, open_actions
        from deal.open_work import register, register_mover

        register(open_actions)
        register_mover(hand_on_actions)

        from conversations.team_figures import ACTIONS, DRAFTS
        from deal import team_figures

        team_figures.register(ACTIONS)
        team_figures.register(DRAFTS)
