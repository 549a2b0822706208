from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class DealConfig(AppConfig):
    name = "deal"
    verbose_name = "Staff, teams and audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from deal import session, two_factor

        user_logged_in.connect(session.record_sign_in, dispatch_uid="deal.session.record_sign_in")
        user_logged_in.connect(
            two_factor.record_sign_in, dispatch_uid="deal.two_factor.record_sign_in"
        )
        checks.register(demo_mode_is_not_live, checks.Tags.security, deploy=True)
        register_navigation_items()


def register_navigation_items() -> None:
    from deal.permissions import Capability, user_can
    from deal.sections import NavItem, register_navigation

    def can(capability):
        return lambda user: user_can(user, capability)

    for item in (
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
            "confirmations",
            "Joiners",
            "manage:confirmations",
            can(Capability.CONFIRM_MEMBERS),
            70,
            ("manage:confirmations",),
        ),
        NavItem(
            "admin", "Django admin", "admin:index", lambda user: user.is_superuser, 90, ("admin",)
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
