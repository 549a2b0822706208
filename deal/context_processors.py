from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from deal.links import page_url
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
            {"text": item.text, "href": page_url(item.url_name), "active": active}
            for item, active in items
        ],
        # The earlier of the idle timeout and the absolute limit, for the
        # warning before sign-out.
        "session_seconds": session_seconds,
        "session_ends": session_ends,
        # Whose copies of typed text this browser may put back (see
        # static/js/keep-typed.mjs): an opaque name for the user, so a shared
        # computer never gives one member of staff another's typing, and the
        # longest a copy is kept, the longest a session lasts.
        "kept_for": salted_hmac("keep-typed", str(user.pk)).hexdigest()[:20],
        "kept_hours": settings.SESSION_ABSOLUTE_HOURS,
    }
