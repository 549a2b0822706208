from django.apps import AppConfig


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
