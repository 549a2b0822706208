from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from deal.permissions import Capability, user_can


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
        ]
    if user.is_superuser:
        items.append(("Django admin", reverse("admin:index"), "admin"))
    section = getattr(request, "resolver_match", None)
    current = ""
    if section is not None:
        current = "home" if section.view_name == "home" else section.namespace
    return {
        "service_navigation": [
            {"text": text, "href": href, "active": key == current} for text, href, key in items
        ],
        "session_seconds": settings.SESSION_COOKIE_AGE,
    }
