from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class DealConfig(AppConfig):
    name = "deal"
    verbose_name = "Staff, teams and audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from deal import database_roles, session, two_factor

        user_logged_in.connect(session.record_sign_in, dispatch_uid="deal.session.record_sign_in")
        user_logged_in.connect(
            two_factor.record_sign_in, dispatch_uid="deal.two_factor.record_sign_in"
        )
        # Once, after every app's migrations: the app role's privileges on
        # every table, new ones included.
        post_migrate.connect(
            database_roles.grant_after_migrate,
            sender=self,
            dispatch_uid="deal.database_roles.grant_after_migrate",
        )
        from deal.subject_access import register_own

        register_own()
        checks.register(demo_mode_is_not_live, checks.Tags.security, deploy=True)
        register_navigation_items()
        register_sections()


def register_sections() -> None:
    from deal.sections import Section, register
    from deal.team_views import pulse_section, team_link_section

    # First on My work: three questions, answered or skipped in seconds.
    register("my_work", Section("pulse", "includes/pulse.html", pulse_section, 1))
    register("my_work_links", Section("team", "team/link.html", team_link_section, 1))


def register_navigation_items() -> None:
    from deal.permissions import Capability, user_can
    from deal.sections import NavItem, register_navigation

    def can(capability):
        return lambda user: user_can(user, capability)

    for item in (
        # A manager's home page: first, before their own work.
        NavItem("team", "Your team", "team:overview", can(Capability.MANAGE_TEAM), 5, ("team",)),
        NavItem("home", "My work", "home", can(Capability.WORK_WITH_PEOPLE), 10, ("home",)),
        NavItem("staff", "Staff", "manage:staff", can(Capability.MANAGE_STAFF), 60, ("manage",)),
        NavItem(
            "teams",
            "Teams",
            "manage:teams",
            can(Capability.MANAGE_STAFF),
            61,
            tuple(
                f"manage:{name}"
                for name in (
                    "teams",
                    "team_add",
                    "team_detail",
                    "team_change",
                    "team_add_manager",
                )
            ),
        ),
        NavItem(
            "changes",
            "Changes",
            "manage:changes",
            can(Capability.MANAGE_STAFF),
            63,
            ("manage:changes",),
        ),
        NavItem(
            "governance",
            "Audit log",
            "governance:audit",
            can(Capability.GOVERN_INFORMATION),
            65,
            ("governance:audit", "governance:audit_csv"),
        ),
        NavItem(
            "subject_access",
            "Subject access",
            "governance:find_person",
            can(Capability.GOVERN_INFORMATION),
            66,
            ("governance",),
        ),
        NavItem(
            "confirmations",
            "Joiners",
            "manage:confirmations",
            can(Capability.CONFIRM_MEMBERS),
            70,
            ("manage:confirmations",),
        ),
        NavItem(
            "admin",
            "Django admin",
            "admin:index",
            lambda user: user.reaches_django_admin,
            90,
            ("admin",),
        ),
    ):
        register_navigation(item)


def demo_mode_is_not_live(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """DEMO_MODE drops HTTPS and loads made-up people: never on a live service."""
    if settings.DEMO_MODE:
        return [
            checks.Error(
                "DEMO_MODE is on: it is for a trial on one computer, never a live service.",
                hint="Unset DEMO_MODE.",
                id="deal.E001",
            )
        ]
    return []
