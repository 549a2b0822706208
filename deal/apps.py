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
        checks.register(demo_mode_is_not_live, checks.Tags.security, deploy=True)


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
