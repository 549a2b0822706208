from django.apps import AppConfig


class DealConfig(AppConfig):
    name = "deal"
    verbose_name = "Staff, teams and audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from deal.session import record_sign_in

        user_logged_in.connect(record_sign_in, dispatch_uid="deal.session.record_sign_in")
