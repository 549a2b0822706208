"""How a signed-in member of staff is read on each request."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from deal.models import User


class StaffBackend(ModelBackend):
    """Django's ModelBackend, reading the user with their teams in one round
    trip (UserQuerySet.with_memberships): every signed-in page needs both,
    and at council scale each round trip counts."""

    def get_user(self, user_id):
        try:
            user = User.objects.with_memberships().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
