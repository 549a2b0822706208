"""Keeping an idle session alive when the user asks to stay signed in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
@login_required
def keep_alive(request: HttpRequest) -> HttpResponse:
    # The session is saved on every request (SESSION_SAVE_EVERY_REQUEST), so
    # simply answering restarts its clock.
    return HttpResponse(status=204)
