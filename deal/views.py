import sys

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist, TemplateSyntaxError, loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from deal.governance_views import index_context
from deal.permissions import Capability, user_can
from deal.sections import sections_for
from deal.services import admins_waiting_for, memberships_waiting_for


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
        # Their home is their index, /governance/, drawn here too.
        return render(request, "governance/index.html", index_context())
    if not user_can(user, Capability.WORK_WITH_PEOPLE):
        return render(request, "home_admin.html", {"joiners_waiting": joiners_waiting})
    # A joiner sees none of a team's people until a manager confirms them.
    teams_waiting = user.teams_waiting()
    return render(
        request,
        "home.html",
        {
            # Each app adds its part of My work (deal/sections.py).
            "sections": sections_for("my_work", request),
            "links": sections_for("my_work_links", request),
            "joiners_waiting": joiners_waiting,
            "teams_waiting": teams_waiting,
        },
    )


# What every page needs besides the database: the layout every page extends,
# and the static files it links (with ManifestStaticFilesStorage, a missing or
# stale manifest makes each of these a 500 on every page).
PAGE_TEMPLATES = ("base.html", "500.html", "503.html")
PAGE_STATIC_FILES = (
    "govuk/govuk-frontend.min.css",
    "moj/moj-frontend.min.css",
    "css/app.css",
    "js/app.mjs",
)


def _unavailable(why: str) -> HttpResponse:
    return HttpResponse(f"{why}\n", status=503, content_type="text/plain")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when a page can be served, 503 when the
    database does not answer, a template every page needs cannot be loaded or
    the static files' manifest lacks what every page links."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return _unavailable("database unavailable")
    try:
        for name in PAGE_TEMPLATES:
            loader.get_template(name)
    except (TemplateDoesNotExist, TemplateSyntaxError):
        return _unavailable("templates unavailable")
    try:
        for name in PAGE_STATIC_FILES:
            staticfiles_storage.url(name)
    except ValueError:
        # ManifestStaticFilesStorage: "Missing staticfiles manifest entry".
        return _unavailable("static files not collected")
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
