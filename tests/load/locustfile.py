"""Fifty members of staff at work, for `make loadtest` (tests/load/loadtest.sh).

Each simulated member of staff signs in through the sign-in page, then finds
people, opens profiles, records conversations with agreed actions through the
real form (as the page renders it, the way a browser's "add another" does),
follows actions up, and looks at their own work; managers also open their
team's pages. Every save the service confirms is written down, so that
loadtest.sh can check afterwards that each exists exactly once with all its
actions.

Reads LOAD_STAFF (a JSON file of accounts and the people of their teams, made
by loadtest.sh) and writes LOAD_SAVES (JSON lines, one per confirmed save).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import threading
import uuid
from html.parser import HTMLParser
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

STAFF = json.load(open(os.environ["LOAD_STAFF"]))  # noqa: SIM115 - read once at start
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-not-a-secret")
SAVES_PATH = os.environ.get("LOAD_SAVES", "load-saves.jsonl")
_next_account = iter(range(10**6))
_lock = threading.Lock()
SEARCHES = ["smith", "jones", "patel", "WN1", "WN3 ", "taylor mar", "o'brien", "begum", "M46"]
CONVERSATION_LINK = re.compile(r'href="/conversations/(\d+)/"')
ACTION_LINK = re.compile(r'href="/actions/(\d+)/"')


class Form:
    """A form's fields, with the values a browser would send before anyone
    types: hidden and filled-in inputs, checked boxes and radios, selected
    options, textareas."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.radios: dict[str, list[str]] = {}
        self.selects: dict[str, list[str]] = {}
        self.names: list[str] = []


class FormParser(HTMLParser):
    """Every <form method="post"> on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self._select: str | None = None
        self._selected: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form = Form()
            self.forms.append(self.form)
        form = self.form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            form.names.append(name)
            if kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.values[name] = [a.get("value", "on")]
            elif kind == "checkbox":
                if "checked" in a:
                    form.values.setdefault(name, []).append(a.get("value", "on"))
            else:
                form.values[name] = [a.get("value") or ""]
        elif tag == "select" and name:
            form.names.append(name)
            self._select, self._selected = name, []
            form.selects[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.selects[self._select].append(value)
            if "selected" in a:
                self._selected.append(value)
        elif tag == "textarea" and name:
            form.names.append(name)
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self.form
        if form is None:
            return
        if tag == "form":
            self.form = None
        elif tag == "select" and self._select:
            form.values[self._select] = self._selected or form.selects[self._select][:1]
            self._select = None
        elif tag == "textarea" and self._textarea:
            form.values[self._textarea] = ["".join(self._text).lstrip("\n")]
            self._textarea = None


def parse_form(html: str, field: str = "csrfmiddlewaretoken") -> Form:
    """The first post form on the page with the given field."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if field in form.names:
            return form
    return Form()


def set_date(values: dict, name: str, day: dt.date) -> None:
    """A GOV.UK date input: three boxes, day, month and year."""
    parts = sorted(k for k in values if re.fullmatch(re.escape(name) + r"_\d", k))
    if len(parts) == 3:
        for part, value in zip(parts, (day.day, day.month, day.year), strict=True):
            values[part] = [str(value)]


class Staff(HttpUser):
    """A member of staff. One in ten signs in as a manager."""

    # Seconds between one step and the next: LOAD_WAIT, "1-3" by default
    # (a member of staff clicking on every two seconds or so, harder than
    # anyone who is reading or typing).
    wait_time = between(*(float(n) for n in os.environ.get("LOAD_WAIT", "1-3").split("-")))

    def on_start(self) -> None:
        with _lock:
            n = next(_next_account)
        self.manager = n % 10 == 0
        accounts = STAFF["managers"] if self.manager else STAFF["workers"]
        # Each simulated manager is a different manager: the 1st, 2nd, 3rd...
        # (n % len would give the 1st manager to users 0 and 30, who then sign
        # in with the same authenticator within one 30-second step, and the
        # second code is refused as a replay, as it should be).
        self.account = accounts[(n // 10 if self.manager else n) % len(accounts)]
        self.people = STAFF["people"][str(self.account["team"])]
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        form = parse_form(page.text, "password")
        values = dict(form.values)
        values["username"] = [self.account["email"]]
        values["password"] = [PASSWORD]
        with self.client.post(
            "/accounts/login/", data=values, name="sign in", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                return
            location = response.headers.get("Location", "")
        if self.account.get("totp_key"):
            # Managers: the code from their app before any page opens.
            self.give_code("/accounts/two-factor/code/?next=" + (location or "/"))

    def give_code(self, location: str) -> None:
        """The code from the authenticator app, as its owner would type it."""
        from django_otp.oath import totp

        page = self.client.get(location, name="two-factor code page")
        values = dict(parse_form(page.text, "code").values)
        values["code"] = [f"{totp(bytes.fromhex(self.account['totp_key'])):06d}"]
        with self.client.post(
            location, data=values, name="two-factor code", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"the code answered {response.status_code}")

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/" in response.url:
                response.failure(f"{name} answered {response.status_code} at {response.url}")
            return response

    @task(4)
    def search(self) -> None:
        self.page(f"/people/?q={random.choice(SEARCHES)}", "find a person")

    @task(4)
    def profile(self) -> None:
        self.page(f"/people/{random.choice(self.people)}/", "profile")

    @task(2)
    def my_work(self) -> None:
        self.page("/", "my work")

    @task(2)
    def open_conversation(self) -> None:
        profile = self.page(f"/people/{random.choice(self.people)}/", "profile")
        ids = CONVERSATION_LINK.findall(profile.text or "")
        if ids:
            self.page(f"/conversations/{random.choice(ids)}/", "a conversation")

    @task(2)
    def record_conversation(self) -> None:
        """Fill in the record form as rendered and save it as complete, with
        two agreed actions (the second line added as the page's script does)."""
        person = random.choice(self.people)
        url = f"/people/{person}/conversations/new/"
        page = self.page(url, "record form")
        if page.status_code != 200:
            return
        form = parse_form(page.text, "what_matters")
        values = {k: list(v) for k, v in form.values.items()}
        marker = uuid.uuid4().hex
        # A few minutes ago where the service is: a fixed time of day would be
        # in the future for a run before it.
        now = dt.datetime.now(ZoneInfo("Europe/London")) - dt.timedelta(minutes=5)
        today = now.date()
        set_date(values, "date", today)
        if "time" in values:
            values["time"] = [f"{now:%H:%M}"]
        for name, options in form.radios.items():
            if name not in values and "-" not in name and options:
                values[name] = [options[0]]
        values["what_matters"] = ["Seeing my grandchildren and getting to the allotment"]
        if "what_matters_changed" in form.radios:
            values["what_matters_changed"] = ["yes"]
        # Opening the form gives it its key, in the address it redirects to.
        url = urlparse(page.url).path
        values["notes"] = [f"Load test {marker}"]
        prefix = "actions"
        total = int(values.get(f"{prefix}-TOTAL_FORMS", ["1"])[0] or 1)
        lines = max(total, 1) + 1
        values[f"{prefix}-TOTAL_FORMS"] = [str(lines)]
        line0 = [n for n in form.names if n.startswith(f"{prefix}-0-")]
        for i in range(lines):
            for name in line0:
                field = name.removeprefix(f"{prefix}-0-")
                key = f"{prefix}-{i}-{field}"
                if key not in values and name in form.values and field not in ("id",):
                    values[key] = list(form.values[name])
            values[f"{prefix}-{i}-what"] = [f"Action {i + 1} of {marker}"]
            values[f"{prefix}-{i}-owner_type"] = ["person"]
            set_date(values, f"{prefix}-{i}-due", today + dt.timedelta(days=14 + i))
        values["complete"] = ["1"]
        with self.client.post(
            url, data=values, name="save a conversation", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            location = response.headers.get("Location", "")
            match = re.search(r"/conversations/(\d+)/", location)
            if response.status_code != 302 or not match:
                errors = re.findall(r"govuk-error-summary__list.*?</ul>", response.text or "", re.S)
                response.failure(f"save answered {response.status_code} {errors[:1]}")
                return
            saved = int(match.group(1))
            record_save({"kind": "conversation", "marker": marker, "id": saved, "actions": lines})

    @task(2)
    def follow_up(self) -> None:
        """Open my actions, pick one, and add a note to it."""
        listing = self.page("/actions/", "actions")
        ids = ACTION_LINK.findall(listing.text or "")
        if not ids:
            return
        pk = random.choice(ids)
        page = self.page(f"/actions/{pk}/", "an action")
        if page.status_code != 200:
            return
        form = parse_form(page.text, "note")
        values = {k: list(v) for k, v in form.values.items()}
        marker = uuid.uuid4().hex
        values["note"] = [f"Rang them: going well ({marker})"]
        with self.client.post(
            f"/actions/{pk}/", data=values, name="save a follow-up", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"follow-up answered {response.status_code}")
                return
            record_save({"kind": "follow_up", "marker": marker, "action": int(pk)})

    @task(1)
    def sign_out_and_in(self) -> None:
        if self.account.get("totp_key"):
            # An authenticator code is good once: a manager signs in once.
            return
        page = self.page("/", "my work")
        token = parse_form(page.text or "").values.get("csrfmiddlewaretoken", [""])
        self.client.post(
            "/accounts/logout/", data={"csrfmiddlewaretoken": token}, name="sign out",
            allow_redirects=False,
        )  # fmt: skip
        self.sign_in()

    @task(2)
    def manager_pages(self) -> None:
        if not self.manager:
            return
        self.page("/actions/?owner=&team=", "team's actions (manager)")
        for url, name in STAFF.get("manager_pages", []):
            self.page(url, name)


def record_save(entry: dict) -> None:
    with _lock, open(SAVES_PATH, "a") as out:
        out.write(json.dumps(entry) + "\n")
