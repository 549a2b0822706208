from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from deal.open_work import (
            register,
            register_mover,
            register_people_of,
            register_restriction_notes,
        )
        from deal.permissions import Capability, register_record_check, user_can
        from deal.sections import NavItem, register_navigation
        from people.open_work import (
            hand_on_named_people,
            hand_on_restriction_notes,
            named_worker_people,
            people_named_for,
        )
        from people.sections import register_sections
        from people.services import check_restriction

        register_record_check(check_restriction)
        register(named_worker_people)
        register_mover(hand_on_named_people)
        register_people_of(people_named_for)
        register_restriction_notes(hand_on_restriction_notes)
        register_sections()
        from people.subject_access import register_exporters

        register_exporters()
        from people.retention import register_retention

        register_retention()
        register_navigation(
            NavItem(
                "people",
                "People",
                "people:find",
                lambda user: user_can(user, Capability.WORK_WITH_PEOPLE),
                20,
                # A person's conversations and actions are theirs, so under People.
                ("people", "conversations"),
            )
        )
        # Information governance reads every team's break-glass openings:
        # the list is theirs to watch, so it is in their menu, beside the
        # audit log, not only linked from their home page.
        register_navigation(
            NavItem(
                "break_glass",
                "Openings of restricted records",
                "break_glass:governance",
                lambda user: user_can(user, Capability.GOVERN_INFORMATION),
                67,
                ("break_glass:governance",),
            )
        )
