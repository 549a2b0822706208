"""How a signed-in member of staff is read on each request."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from deal.models import User


class StaffBackend(ModelBackend):
    """Django's ModelBackend, reading the user with their teams and their
    authenticator app's id in one round trip (UserQuerySet.with_memberships,
    with_app_device): every signed-in page needs them, and at council scale
    each round trip counts."""

    # Built once: building the array subquery's expressions on every request
    # cost more than running it. A queryset is only a description until it
    # is read, and each read below works on a copy of it.
    _users = None

    def get_user(self, user_id):
        if StaffBackend._users is None:
            StaffBackend._users = User.objects.with_memberships().with_app_device()
        try:
            user = StaffBackend._users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
