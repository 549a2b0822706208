from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations and agreed actions"

    def ready(self) -> None:
        from conversations.decision_sections import (
            register_sections as register_decision_sections,
        )
        from conversations.open_work import hand_on_actions, open_actions, people_of_actions
        from conversations.receivers import move_actions_with_person, move_decisions_with_person
        from conversations.sections import register_sections
        from conversations.team_figures import ACTIONS, DECISIONS, DRAFTS, REVIEWS
        from deal import team_figures
        from deal.open_work import register, register_mover, register_people_of
        from deal.permissions import Capability, user_can
        from deal.sections import NavItem, register_navigation
        from people.signals import person_moved_team

        register(open_actions)
        register_mover(hand_on_actions)
        register_people_of(people_of_actions)
        team_figures.register(ACTIONS)
        team_figures.register(DRAFTS)
        team_figures.register(REVIEWS)
        team_figures.register(DECISIONS)
        register_sections()
        register_decision_sections()
        from conversations.subject_access import register_exporters

        register_exporters()
        from conversations.retention import register_retention

        register_retention()
        person_moved_team.connect(move_actions_with_person, dispatch_uid="move_actions_with_person")
        person_moved_team.connect(
            move_decisions_with_person, dispatch_uid="move_decisions_with_person"
        )
        register_navigation(
            NavItem(
                "actions",
                "Actions",
                "conversations:actions",
                lambda user: user_can(user, Capability.WORK_WITH_PEOPLE),
                30,
                ("conversations:actions", "conversations:action"),
            )
        )
        register_navigation(
            NavItem(
                "decisions",
                "Decisions",
                "decisions:list",
                lambda user: user_can(user, Capability.WORK_WITH_PEOPLE),
                35,
                ("decisions",),
            )
        )
        register_navigation(
            NavItem(
                "themes",
                "Themes",
                "themes:list",
                lambda user: user_can(user, Capability.MANAGE_STAFF),
                62,
                ("themes",),
            )
        )
        register_navigation(
            NavItem(
                "reports",
                "Reports",
                "reports:index",
                lambda user: user_can(user, Capability.MANAGE_TEAM),
                40,
                ("reports",),
            )
        )
