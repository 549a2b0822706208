"""Random and hostile input, through the forms as rendered: every field a page
draws (other than hidden ones) is filled with what hypothesis makes (text, huge
numbers, NUL bytes, 10,000 characters, markup), then the form is sent with one
of its buttons. Never a 500, nothing half-saved (a refused form leaves every
table as it was), and nothing typed ever comes back as a script that runs. The
list pages' query strings get the same.

Bounded so the suite stays quick: a few examples for each form, derandomised
(the same examples on every run and in CI). `HYPOTHESIS_EXAMPLES=200` runs a
longer search locally. The staff and team forms have their own such test
(tests/deal/test_manage.py)."""

from __future__ import annotations

import os
import random
from urllib.parse import quote

import pytest
from django.apps import apps
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conversations.models import Conversation
from tests.factories import AgreedActionFactory, PersonFactory, PersonInLifeFactory

MARKER = "h0st1le"
HOSTILE = [
    f'<script>document.title="{MARKER}"</script>',
    f'"><img src=x onerror="document.title=\'{MARKER}\'">',
    f"javascript:alert('{MARKER}')",
    "\x00",
    f"{MARKER}\x00nul",
    "x" * 10_000,
    "3000000000",
    "-5",
    "9" * 40,
    "0",
    " ",
    "\u202e\u200b",
    "Robert'); DROP TABLE people_person;--",
    "{{ request }}{% debug %}",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "4"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("people", "conversations")
        for model in apps.get_app_config(app).get_models()
    }


def assert_no_script_runs(page) -> None:
    """Typed markup is shown as text: no script, and no attribute that runs
    code, carries what was typed."""
    for script in page.html.find_all("script"):
        assert MARKER not in script.get_text()
    for element in page.html.find_all(True):
        for name, value in element.attrs.items():
            if name.startswith("on"):
                assert MARKER not in str(value), f"{element.name} {name}"
        if element.name == "a":
            assert not str(element.get("href", "")).lower().startswith("javascript:")


def fill_everything(form, values: list[str], chooser: random.Random) -> None:
    """Every field the page drew, other than hidden ones: text boxes get the
    values; a choice gets one of its options or, as an altered page, a value."""
    values = list(values)
    for name, fields in form.fields.items():
        for field in fields:
            kind = getattr(field, "attrs", {}).get("type", "")
            if not name or kind in ("hidden", "submit", "button") or field.tag == "button":
                continue
            value = values.pop() if values else ""
            if name.endswith("_2") and value.lstrip("-").isdigit() and len(value) > 4:
                # A year of more than 4 digits is refused before anything else
                # is looked at: a real year, so the day and month are checked.
                value = "2001"
            if field.tag in ("textarea",) or kind in ("text", "tel", "email", "number", ""):
                if field.tag == "select":
                    options = [o[0] for o in field.options]
                    if chooser.random() < 0.8 and options:
                        field.value = chooser.choice(options)
                    else:
                        field.force_value(value)
                else:
                    field.value = value
            elif kind in ("radio", "checkbox"):
                if kind == "checkbox":
                    field.checked = chooser.random() < 0.5
                else:
                    options = [o[0] for o in field.options]
                    if chooser.random() < 0.8 and options:
                        field.value = chooser.choice(options)
                    else:
                        field.force_value(value)


@pytest.fixture
def world(alice, wigan):
    person = PersonFactory(team=wigan, created_by=alice, given_name="Jean", family_name="Smith")
    in_life = PersonInLifeFactory(person=person, name="Susan", relationship="Daughter")
    action = AgreedActionFactory(
        conversation__person=person, conversation__recorded_by=alice, responsible=alice
    )
    return {"person": person, "in_life": in_life, "action": action}


def form_pages(world) -> list[tuple[str, str | int]]:
    person, action = world["person"], world["action"]
    conversation = action.conversation
    return [
        ("/people/new/", "person-form"),
        (f"/people/{person.pk}/edit/", "person-form"),
        (f"/people/{person.pk}/what-matters/", "what-matters-form"),
        (f"/people/{person.pk}/strengths/new/", "entry-form"),
        (f"/people/{person.pk}/interests/new/", "entry-form"),
        (f"/people/{person.pk}/needs/new/", "entry-form"),
        (f"/people/{person.pk}/people-in-their-life/new/", "person-in-life-form"),
        (f"/people/{person.pk}/people-in-their-life/{world['in_life'].pk}/", "person-in-life-form"),
        (f"/people/{person.pk}/conversations/new/", "conversation-form"),
        (f"/conversations/{conversation.pk}/edit/", "conversation-form"),
        (action.get_absolute_url(), 1),
    ]


@pytest.mark.parametrize("index", range(11))
def test_random_and_hostile_values_in_every_form(alice_app, world, index):
    path, form_id = form_pages(world)[index]

    @BOUNDED
    @given(values=st.lists(TEXT, min_size=40, max_size=40), seed=st.integers(0, 2**16))
    # Every field at once: the seen faults, and what a script would need.
    @example(values=["3000000000"] * 40, seed=0)
    @example(values=[HOSTILE[0], HOSTILE[1]] * 20, seed=1)
    def send(values, seed):
        chooser = random.Random(seed)
        page = alice_app.get(path, status="*")
        if page.status_code == 302:
            page = page.follow()
        assert page.status_code == 200
        form = page.forms[form_id]
        fill_everything(form, values, chooser)
        buttons = [n for n, f in form.fields.items() if n and f[0].tag == "button"] or [None]
        before = row_counts()
        answer = form.submit(chooser.choice(buttons), status="*", expect_errors=True)
        assert answer.status_code < 500, answer.text[:2000]
        if answer.status_code == 200:
            # Refused: the page says why, and nothing was saved.
            assert row_counts() == before or "already" in answer.text
            assert_no_script_runs(answer)
        else:
            assert answer.status_code in (302, 400, 404)
            if answer.status_code == 302:
                shown = answer.follow(status="*")
                assert shown.status_code < 500
                assert_no_script_runs(shown)

    send()
    # What was saved is shown as text everywhere it is shown.
    person = world["person"]
    for shown in (
        f"/people/{person.pk}/",
        "/",
        "/actions/?owner=anyone&status=any",
        *(c.get_absolute_url() for c in Conversation.objects.all()),
        *(
            f"/conversations/{c.pk}/summary/"
            for c in Conversation.objects.filter(status="complete")
        ),
    ):
        page = alice_app.get(shown, status="*")
        if page.status_code == 302:
            page = page.follow()
        assert page.status_code == 200
        assert_no_script_runs(page)


LIST_PARAMS = ["q", "page", "status", "due", "owner", "team", "timeline_before", "timeline_after"]


@BOUNDED
@given(params=st.dictionaries(st.sampled_from(LIST_PARAMS), TEXT, max_size=5))
@example(params={"timeline_before": "9" * 30, "page": "9" * 30, "q": HOSTILE[0]})
def test_random_and_hostile_query_strings_on_every_list_page(alice_app, world, params):
    person = world["person"]
    for path in ("/", "/people/", "/actions/", f"/people/{person.pk}/"):
        page = alice_app.get(path, params, status="*")
        assert page.status_code == 200, (path, params)
        assert_no_script_runs(page)


UNICODE_SURROGATE = "%ED%A0%80"  # a lone surrogate, as UTF-8 bytes no browser sends


@pytest.mark.parametrize("index", range(11))
def test_bytes_that_are_not_utf8_in_every_form_field(alice_app, world, index):
    """Altered page: the rendered form's own fields, each holding a lone
    surrogate and a NUL byte, sent as raw bytes."""
    path, form_id = form_pages(world)[index]
    page = alice_app.get(path)
    if page.status_code == 302:
        page = page.follow()
    form = page.forms[form_id]
    before = row_counts()
    body = "&".join(
        f"{quote(name)}={quote(value) if kind == 'hidden' else UNICODE_SURROGATE + '%00'}"
        for name, kind, value in (
            (name, getattr(field, "attrs", {}).get("type", ""), field.value or "")
            for name, fields in form.fields.items()
            if name
            for field in fields[:1]
            if field.tag != "button"
        )
    )
    answer = alice_app.post(
        form.action or path,
        body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        status="*",
        expect_errors=True,
    )
    assert answer.status_code < 500
    if answer.status_code == 200:
        assert row_counts() == before


# --- A huge number ticked in a multi-choice field ---------------------------------------

HUGE = "999999999999999999999999999999"  # more than a 64-bit integer holds
KEPT = "Typed before the page was altered"


def all_row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("deal", "people", "conversations", "directory")
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "deal.AuditEvent"
    }


def multi_choice_pages(world, wigan, alice, dave):
    """(who, page, field ticked, a text box typed in) for every multi-choice field."""
    from directory.factories import ServiceFactory

    person, conversation = world["person"], world["action"].conversation
    group = ServiceFactory(name="Knit and natter")
    record = f"/people/{person.pk}/conversations/new/"
    return {
        "record themes": ("alice", record, "themes", "what_matters"),
        "record staff present": ("alice", record, "staff_present", "what_matters"),
        "record noticed": ("alice", record, "noticed", "what_matters"),
        "record needs raised": ("alice", record, "needs_raised", "what_matters"),
        "edit themes": ("alice", f"/conversations/{conversation.pk}/edit/", "themes", "notes"),
        "propose themes": ("alice", f"/risks/propose/{person.pk}/", "themes", "what"),
        "hand on colleagues": (
            "bob",
            f"/team/{wigan.pk}/hand-on/?worker={alice.pk}",
            "colleagues",
            None,
        ),
        "new group categories": ("bob", "/directory/new/", "categories", "name"),
        "edit group categories": ("bob", f"/directory/{group.pk}/edit/", "categories", "name"),
        "invite teams": ("dave", "/manage/staff/invite/", "teams", "full_name"),
        "change teams": ("dave", f"/manage/staff/{alice.pk}/change/", "teams", None),
    }


@pytest.mark.parametrize(
    "case",
    [
        "record themes",
        "record staff present",
        "record noticed",
        "record needs raised",
        "edit themes",
        "propose themes",
        "hand on colleagues",
        "new group categories",
        "edit group categories",
        "invite teams",
        "change teams",
    ],
)
def test_a_huge_number_ticked_in_a_multi_choice_field_is_a_govuk_error(
    app_for, world, wigan, alice, bob, dave, case
):
    """Altered page: a ticked box's value too big for the database's integer.
    SQLite refuses it with OverflowError; the page names the field instead."""
    who, path, name, text = multi_choice_pages(world, wigan, alice, dave)[case]
    app = app_for({"alice": alice, "bob": bob, "dave": dave}[who])
    page = app.get(path)
    if page.status_code == 302:
        page = page.follow()
    form = next(f for f in page.forms.values() if f.method.lower() == "post" and len(f.fields) > 2)
    if text:
        form[text] = KEPT
    fields = [(n, v) for n, v in form.submit_fields() if n != name]
    before = all_row_counts()
    answer = app.post(
        form.action or path,
        [*fields, (name, HUGE)],
        headers={"Referer": page.request.url},
        status="*",
        expect_errors=True,
    )
    assert answer.status_code == 200, answer.text[:2000]
    errors = [e.get_text(" ", strip=True) for e in answer.html.select(".govuk-error-summary a")]
    # "Select themes from the list"; the hand-on page says "from this team".
    assert any(e.endswith(("from the list", "from this team")) for e in errors), errors
    assert all_row_counts() == before
    if text:
        assert KEPT in answer.text
