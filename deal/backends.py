"""How a signed-in member of staff is read on each request."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from deal.models import User
from deal.prepared import prepared


class StaffBackend(ModelBackend):
    """Django's ModelBackend, reading the user with their teams and their
    authenticator app's id in one round trip (UserQuerySet.with_memberships,
    with_app_device): every signed-in page needs them, and at council scale
    each round trip counts."""

    def get_user(self, user_id):
        try:
            rows = _signed_in_user(user_id=int(user_id))
        except (TypeError, ValueError):
            return None
        if not rows:
            return None
        return rows[0] if self.user_can_authenticate(rows[0]) else None


@prepared
def _signed_in_user(*, user_id: int):
    # Prepared (deal.prepared): building the array subquery's expressions
    # and compiling them on every request cost more than running them.
    return User.objects.with_memberships().with_app_device().filter(pk=user_id)
