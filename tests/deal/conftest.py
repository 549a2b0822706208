import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def web(django_app):
    """django-webtest over HTTPS: the cookies are secure-only, as in production,
    and CSRF checks the referrer on HTTPS."""
    django_app.extra_environ.update(
        {
            "wsgi.url_scheme": "https",
            "HTTP_HOST": "testserver",
            "HTTP_REFERER": "https://testserver/",
        }
    )
    return django_app


@pytest.fixture
def sign_in_through_the_page(web):
    """Sign in with the form as rendered; returns the response to it."""

    def sign_in(email, password=PASSWORD, **environ):
        page = web.get("/accounts/login/", extra_environ=environ)
        form = page.forms[0]
        form["username"] = email
        form["password"] = password
        return form.submit(extra_environ=environ, expect_errors=True)

    return sign_in
