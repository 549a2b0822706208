from django.http import HttpRequest
from django.urls import reverse

from deal.sections import navigation_for
from deal.session import session_end


def navigation(request: HttpRequest) -> dict:
    """The service navigation: only what the signed-in user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    # Each app registers its own items (deal/sections.py).
    items = navigation_for(user, getattr(request, "resolver_match", None))
    session_seconds, session_ends = session_end(request)
    return {
        "service_navigation": [
            {"text": item.text, "href": reverse(item.url_name), "active": active}
            for item, active in items
        ],
        # The earlier of the idle timeout and the absolute limit, for the
        # warning before sign-out.
        "session_seconds": session_seconds,
        "session_ends": session_ends,
    }
