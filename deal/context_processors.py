from django.http import HttpRequest
from django.urls import reverse

from deal.permissions import Capability, user_can
from deal.session import session_end


def _section(request: HttpRequest) -> str:
    """Which navigation item the page belongs to."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name == "home":
        return "home"
    if match.view_name in ("conversations:actions", "conversations:action"):
        return "actions"
    if match.namespace in ("people", "conversations"):
        return "people"
    if match.view_name in ("manage:teams", "manage:team_add") or match.url_name.startswith("team_"):
        return "teams"
    if match.namespace == "themes":
        return "themes"
    if match.view_name == "manage:changes":
        return "changes"
    if match.view_name == "manage:confirmations":
        return "confirmations"
    if match.namespace == "manage":
        return "staff"
    return match.namespace


def navigation(request: HttpRequest) -> dict:
    """The service navigation: only what the signed-in user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    items = []
    if user_can(user, Capability.WORK_WITH_PEOPLE):
        items += [
            ("My work", reverse("home"), "home"),
            ("People", reverse("people:find"), "people"),
            ("Actions", reverse("conversations:actions"), "actions"),
            ("Reports", reverse("reports:index"), "reports"),
        ]
    if user_can(user, Capability.MANAGE_STAFF):
        items += [
            ("Staff", reverse("manage:staff"), "staff"),
            ("Teams", reverse("manage:teams"), "teams"),
            ("Themes", reverse("themes:list"), "themes"),
            ("Changes", reverse("manage:changes"), "changes"),
        ]
    if user_can(user, Capability.CONFIRM_MEMBERS):
        items.append(("Joiners", reverse("manage:confirmations"), "confirmations"))
    if user.is_superuser:
        items.append(("Django admin", reverse("admin:index"), "admin"))
    current = _section(request)
    session_seconds, session_ends = session_end(request)
    return {
        "service_navigation": [
            {"text": text, "href": href, "active": key == current} for text, href, key in items
        ],
        # The earlier of the idle timeout and the absolute limit, for the
        # warning before sign-out.
        "session_seconds": session_seconds,
        "session_ends": session_ends,
    }
