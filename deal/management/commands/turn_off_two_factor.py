"""Turn off two-factor sign-in for someone who has lost their phone and their
recovery codes, so that they can set it up again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from deal.models import User, normalise_email


class Command(BaseCommand):
    help = "Remove a member of staff's authenticator app and recovery codes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    @transaction.atomic
    def handle(self, *args, email: str, **options) -> None:
        user = User.objects.filter(email=normalise_email(email)).first()
        if user is None:
            raise CommandError(f"No member of staff has the email address {email}")
        apps, _ = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        self.stdout.write(
            f"Two-factor sign-in is off for {user.email} ({apps} app removed). "
            "If their role needs it, they will be asked to set it up again on their next page."
        )
