from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from deal.permissions import Capability, user_can
from people.models import Person


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: what needs doing next."""
    if not user_can(request.user, Capability.WORK_WITH_PEOPLE):
        return render(request, "home_admin.html")
    my_people = (
        Person.objects.visible_to(request.user)
        .filter(named_worker=request.user, status="open")
        .order_by("-updated_at")
    )
    return render(
        request,
        "home.html",
        {"my_people": my_people[:10], "my_people_count": my_people.count()},
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
