"""Two-factor sign-in: an authenticator app (TOTP) with recovery codes,
required for admins and managers when REQUIRE_TWO_FACTOR is on."""

import os
import re
import subprocess
import sys
from base64 import b32encode
from importlib import import_module
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from deal.audit import Actor
from deal.models import Role
from deal.services import staff_change
from deal.two_factor import _new_recovery_codes
from tests.conftest import PASSWORD
from tests.factories import UserFactory

SET_UP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/code/"


@pytest.fixture
def required(settings):
    settings.REQUIRE_TWO_FACTOR = True


@pytest.fixture
def no_slowing_down(settings):
    """django-otp makes each wrong code wait longer before the next is checked;
    tests that give a right code just after a wrong one turn that off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def app_code(device: TOTPDevice) -> str:
    """What the user's authenticator app shows now."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def submit_code(page, code):
    form = page.forms[next(k for k, f in page.forms.items() if "code" in f.fields)]
    form["code"] = code
    return form.submit(expect_errors=True)


def test_a_manager_must_set_up_an_app_before_anything_else(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    response = sign_in_through_the_page("bob@example.org")
    assert response.status_code == 302
    for path in ("/", "/people/", "/actions/", "/admin/"):
        answer = web.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith(SET_UP), path

    page = web.get("/").follow()
    assert page.status_code == 200
    assert "Set up two-factor sign-in" in page.text
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    # The QR code, and the key in text for those who cannot scan it.
    assert page.html.find("img", alt=re.compile("QR code"))["src"].startswith("data:image/svg")
    key = page.html.find(id="secret-key")["data-key"]
    assert key.replace(" ", "") == b32encode(device.bin_key).decode()

    wrong = submit_code(page, "000000" if app_code(device) != "000000" else "111111")
    assert wrong.status_code == 200
    assert "The code is not correct" in wrong.text
    assert web.get("/").status_code == 302

    done = submit_code(wrong, app_code(device)).follow()
    assert "Two-factor sign-in is on" in done.text
    codes = [code.text for code in done.html.select(".app-recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert web.get("/").status_code == 200
    # Shown once only.
    assert (
        "Your recovery codes" not in web.get("/accounts/two-factor/recovery-codes/").follow().text
    )


def test_an_admin_must_set_up_an_app_too(sign_in_through_the_page, web, dave, required):
    sign_in_through_the_page("dave@example.org")
    assert web.get("/")["Location"].startswith(SET_UP)


def test_a_frontline_worker_may_sign_in_without_an_app(
    sign_in_through_the_page, web, alice, required
):
    sign_in_through_the_page("alice@example.org")
    assert web.get("/").status_code == 200


def test_without_the_setting_managers_need_no_app(sign_in_through_the_page, web, bob, settings):
    settings.REQUIRE_TWO_FACTOR = False
    sign_in_through_the_page("bob@example.org")
    assert web.get("/").status_code == 200


def test_with_an_app_the_code_is_asked_after_the_password(
    sign_in_through_the_page, web, alice, no_slowing_down
):
    device = with_app(alice)
    response = sign_in_through_the_page("alice@example.org")
    page = response.follow().follow()
    assert page.request.path == VERIFY
    assert "Enter the code from your authenticator app" in page.text
    assert web.get("/people/")["Location"].startswith(VERIFY)

    wrong = submit_code(page, "12345" + ("6" if app_code(device)[-1] != "6" else "7"))
    assert "The code is not correct" in wrong.text
    right = submit_code(wrong, app_code(device))
    assert right.status_code == 302
    assert web.get("/people/").status_code == 200


def test_a_recovery_code_works_once(sign_in_through_the_page, web, alice):
    with_app(alice)
    codes = _new_recovery_codes(alice)
    page = sign_in_through_the_page("alice@example.org").follow().follow()
    assert submit_code(page, codes[0].upper()).status_code == 302
    assert web.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    web.reset()
    page = sign_in_through_the_page("alice@example.org").follow().follow()
    again = submit_code(page, codes[0])
    assert "The code is not correct" in again.text
    assert web.get("/").status_code == 302


def test_guessing_codes_is_locked_out_like_passwords(
    sign_in_through_the_page, web, alice, settings
):
    device = with_app(alice)
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only django-axes, for this test
    settings.AXES_FAILURE_LIMIT = 5
    page = sign_in_through_the_page("alice@example.org").follow().follow()
    wrong = "000000" if app_code(device) != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = submit_code(page, wrong)
        assert page.status_code == 200
    locked = submit_code(page, wrong)
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.text
    # Even the right code is refused now.
    page = web.get(VERIFY)
    assert submit_code(page, app_code(device)).status_code == 429
    assert web.get("/").status_code == 302


def test_a_worker_can_turn_on_two_factor_sign_in(sign_in_through_the_page, web, alice):
    sign_in_through_the_page("alice@example.org")
    page = web.get("/accounts/two-factor/")
    assert "Two-factor sign-in is off" in page.text
    page = page.click("Set up two-factor sign-in")
    device = TOTPDevice.objects.get(user=alice)
    done = submit_code(page, app_code(device)).follow()
    assert "Two-factor sign-in is on" in done.text
    web.reset()
    response = sign_in_through_the_page("alice@example.org")
    assert response.follow()["Location"].startswith(VERIFY)


def test_the_next_page_is_kept_through_the_code(sign_in_through_the_page, web, alice, person):
    device = with_app(alice)
    page = web.get(f"/people/{person.pk}/").follow()
    form = page.forms[0]
    form["username"] = "alice@example.org"
    form["password"] = PASSWORD
    page = form.submit().follow().follow()
    assert page.request.path == VERIFY
    assert submit_code(page, app_code(device))["Location"] == f"/people/{person.pk}/"


def test_a_right_code_straight_after_a_wrong_one_is_asked_to_wait(
    sign_in_through_the_page, web, alice
):
    device = with_app(alice)
    page = sign_in_through_the_page("alice@example.org").follow().follow()
    wrong = submit_code(page, "000000" if app_code(device) != "000000" else "111111")
    assert "The code is not correct" in wrong.text
    # "Straight after", however slow the machine running the test: the wrong
    # code's moment is now (django-otp makes the first wait one second).
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now()
    device.save(update_fields=["throttling_failure_timestamp"])
    too_soon = submit_code(wrong, app_code(device))
    assert too_soon.status_code == 200
    assert "You entered a wrong code a moment ago. Wait 1 second" in too_soon.text
    assert web.get("/").status_code == 302


def test_the_two_factor_pages_need_sign_in(web, db):
    for path in (SET_UP, VERIFY, "/accounts/two-factor/", "/accounts/two-factor/recovery-codes/"):
        response = web.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_code_page_never_sends_elsewhere(sign_in_through_the_page, web, alice, no_slowing_down):
    device = with_app(alice)
    sign_in_through_the_page("alice@example.org")
    page = web.get(f"{VERIFY}?next=https://evil.example.org/")
    assert submit_code(page, app_code(device))["Location"] == "/"


def test_new_recovery_codes_replace_the_old(sign_in_through_the_page, web, alice, no_slowing_down):
    device = with_app(alice)
    old = _new_recovery_codes(alice)
    page = sign_in_through_the_page("alice@example.org").follow().follow()
    submit_code(page, app_code(device))
    page = web.get("/").click("Two-factor sign-in")
    assert "Two-factor sign-in is on" in page.text
    assert "You have 10 recovery codes left" in page.text
    shown = page.forms[1].submit("new_codes").follow()
    new = [code.text for code in shown.html.select(".app-recovery-codes code")]
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


@pytest.mark.parametrize(("debug", "expected"), [("0", "True"), ("1", "False")])
def test_two_factor_is_required_by_default_outside_debug(debug, expected):
    # Read in a fresh process: the test run itself turns the setting off.
    env = {k: v for k, v in os.environ.items() if k != "REQUIRE_TWO_FACTOR"}
    env.update(DEBUG=debug, DJANGO_SETTINGS_MODULE="deal.settings")
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.REQUIRE_TWO_FACTOR)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected


def test_a_lost_phone_is_handled_by_turning_two_factor_off(
    sign_in_through_the_page, web, bob, required
):
    with_app(bob)
    _new_recovery_codes(bob)
    out = StringIO()
    call_command("turn_off_two_factor", "Bob@Example.org", stdout=out)
    assert "Two-factor sign-in is off for bob@example.org" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert not StaticToken.objects.filter(device__user=bob).exists()
    # A manager is then asked to set up a new app.
    sign_in_through_the_page("bob@example.org")
    assert web.get("/")["Location"].startswith(SET_UP)
    with pytest.raises(CommandError):
        call_command("turn_off_two_factor", "nobody@example.org")


def test_the_django_admin_does_not_show_anyone_s_secret_key(client, alice):
    device = with_app(alice)
    root = UserFactory(email="root@example.org", role=Role.ADMIN, is_superuser=True, is_staff=True)
    client.force_login(root)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert b32encode(device.bin_key).decode() not in page.content.decode()


def test_a_worker_made_a_manager_while_signed_in_must_set_up_an_app(
    sign_in_through_the_page, web, alice, dave, required
):
    """Two-factor sign-in is required of managers: being made one part way
    through a session does not let the session carry on without it."""
    sign_in_through_the_page("alice@example.org")
    assert web.get("/people/").status_code == 200
    staff_change(actor=Actor(user=dave), user=alice, role=Role.MANAGER, teams=alice.teams.all())
    answer = web.get("/people/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(SET_UP)


# --- A verified session's pages, without reading the app each time ---------------


def verified_with_app(sign_in_through_the_page, user) -> TOTPDevice:
    device = with_app(user)
    page = sign_in_through_the_page(user.email).follow().follow()
    assert submit_code(page, app_code(device)).status_code == 302
    return device


def turned_away(response) -> bool:
    """Sent to give a code (or, with no app left, on to set one up)."""
    return response.status_code == 302 and response["Location"].startswith((VERIFY, SET_UP))


def device_queries(web, path="/people/") -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = web.get(path, expect_errors=True).status_code
    return status, [q["sql"] for q in queries if "otp_totp_totpdevice" in q["sql"]]


def test_a_verified_session_reads_its_app_with_the_user(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    """The app a session was verified with is known to be the user's and
    confirmed from the query that reads the user: no query of its own."""
    verified_with_app(sign_in_through_the_page, bob)
    status, device_reads = device_queries(web)
    assert status == 200
    # The only mention of the app is inside the user's own query.
    assert all('"deal_user"' in sql for sql in device_reads)


def test_a_session_whose_app_is_removed_is_no_longer_verified(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    verified_with_app(sign_in_through_the_page, bob)
    TOTPDevice.objects.filter(user=bob).delete()
    assert turned_away(web.get("/people/"))


def test_a_session_whose_app_is_replaced_is_asked_for_a_code_again(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    old = verified_with_app(sign_in_through_the_page, bob)
    old.delete()
    with_app(bob)
    assert turned_away(web.get("/people/"))


def test_a_session_whose_app_is_no_longer_confirmed_is_not_verified(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    device = verified_with_app(sign_in_through_the_page, bob)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert turned_away(web.get("/people/"))


def test_a_session_cannot_claim_another_users_app(
    sign_in_through_the_page, web, bob, alice, required, no_slowing_down
):
    """A session naming an app that is not the user's is not verified,
    whichever way its device is read."""
    verified_with_app(sign_in_through_the_page, bob)
    theirs = with_app(alice)
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(web.cookies[settings.SESSION_COOKIE_NAME])
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert turned_away(web.get("/people/"))


def test_new_recovery_codes_in_a_session_verified_with_a_recovery_code(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    """Someone who lost their phone signs in with a recovery code and asks
    for new ones: they see them, and their session stays signed in (the old
    codes are replaced on the same device, not with a new device)."""
    with_app(bob)
    old = _new_recovery_codes(bob)
    page = sign_in_through_the_page("bob@example.org").follow().follow()
    assert submit_code(page, old[0]).status_code == 302
    page = web.get("/accounts/two-factor/")
    shown = page.forms[1].submit("new_codes").follow()
    new = [code.text for code in shown.html.select(".app-recovery-codes code")]
    assert len(new) == 10
    assert not set(old) & set(new)
    assert web.get("/people/").status_code == 200


def test_a_worker_whose_two_factor_is_turned_off_carries_on(
    sign_in_through_the_page, web, alice, required, no_slowing_down
):
    """Turned off for a frontline worker (who need not have it), their open
    session carries on without being sent to set up a new app."""
    verified_with_app(sign_in_through_the_page, alice)
    call_command("turn_off_two_factor", "alice@example.org", stdout=StringIO())
    assert web.get("/people/").status_code == 200


def test_a_manager_whose_two_factor_is_turned_off_must_set_it_up_again(
    sign_in_through_the_page, web, bob, required, no_slowing_down
):
    verified_with_app(sign_in_through_the_page, bob)
    call_command("turn_off_two_factor", "bob@example.org", stdout=StringIO())
    assert turned_away(web.get("/people/"))
