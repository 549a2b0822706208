import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from conversations.models import DUE_SOON_DAYS, AgreedAction, Conversation, ConversationStatus
from deal.permissions import Capability, user_can
from deal.services import admins_waiting_for, memberships_waiting_for
from people.models import Person

# Each list on the home page shows this many, with a count of the rest.
HOME_LIST_LENGTH = 10


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: what needs doing next."""
    user = request.user
    joiners_waiting = (
        memberships_waiting_for(user).count() + admins_waiting_for(user).count()
        if user_can(user, Capability.CONFIRM_MEMBERS)
        else 0
    )
    if user_can(user, Capability.GOVERN_INFORMATION):
        return render(request, "home_governance.html")
    if not user_can(user, Capability.WORK_WITH_PEOPLE):
        return render(request, "home_admin.html", {"joiners_waiting": joiners_waiting})
    my_actions = (
        AgreedAction.objects.visible_to(user)
        .responsible(user)
        .overdue_or_due_soon()
        .with_joins()
        .overdue_first()
    )
    drafts = Conversation.objects.visible_to(user).drafts_of(user).with_joins()
    recent = (
        Conversation.objects.visible_to(user)
        .filter(recorded_by=user, status=ConversationStatus.COMPLETE)
        .with_joins()
    )
    my_people = (
        Person.objects.visible_to(user)
        .filter(named_worker=user, status="open")
        .order_by("-updated_at")
    )
    my_actions_count = my_actions.count()
    drafts_count = drafts.count()
    my_people_count = my_people.count()
    # A joiner sees none of a team's people until a manager confirms them.
    teams_waiting = list(
        user.memberships.waiting().order_by("team__name").values_list("team__name", flat=True)
    )
    return render(
        request,
        "home.html",
        {
            "my_actions": my_actions[:HOME_LIST_LENGTH],
            "my_actions_count": my_actions_count,
            "my_actions_more": max(my_actions_count - HOME_LIST_LENGTH, 0),
            "drafts": drafts[:HOME_LIST_LENGTH],
            "drafts_more": max(drafts_count - HOME_LIST_LENGTH, 0),
            "recent": recent[:HOME_LIST_LENGTH],
            "my_people": my_people[:HOME_LIST_LENGTH],
            "my_people_more": max(my_people_count - HOME_LIST_LENGTH, 0),
            "due_soon_days": DUE_SOON_DAYS,
            "joiners_waiting": joiners_waiting,
            "teams_waiting": teams_waiting,
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# Seconds a browser or proxy is told to wait before asking again while the
# database is away.
RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500. When the error is the database being away (a
    restart, a fail-over) the page says the service is unavailable, with
    status 503 so load balancers and monitoring treat it as such; nothing was
    saved, because every save is one transaction. Other errors keep the 500
    page. Neither shows any detail of the error."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
