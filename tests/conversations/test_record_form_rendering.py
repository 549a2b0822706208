"""The record form, the staff pulse and the reports' choices are drawn by
deal.govuk_fields (fast) rather than
`{% crispy %}` (slow): the two must give the same page, field for field, so
that what a worker sees, what a screen reader announces and where the error
summary's links land do not change. Compared as parsed HTML (tags, attributes,
text), since the two lay out whitespace differently."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.template import Context, Template

from conversations.forms import ConversationForm
from deal.govuk_fields import render_form
from deal.team_forms import PulseForm
from tests.factories import (
    ConversationFactory,
    PersonFactory,
    ProfileEntryFactory,
    ThemeFactory,
    UserFactory,
    WhatMattersFactory,
)

LONG_WORD = "a" * 300
ERROR_CLASS_AS_CRISPY_HAS_IT = {
    "govuk-textarea--error": "govuk-input--error",
    "govuk-select--error": "govuk-input--error",
}
CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")


def shape(html: str) -> list:
    """What a browser and a screen reader make of the markup: each element
    with its attributes (classes as a set) and each piece of text."""
    out = []
    for node in BeautifulSoup(html, "html.parser").descendants:
        if isinstance(node, NavigableString):
            text = " ".join(node.split())
            if text:
                out.append(text)
            continue
        attrs = {}
        for name, value in node.attrs.items():
            if name == "class":
                # crispy-forms-gds marks every control in error with the text
                # input's class; GOV.UK Frontend has one for each control,
                # which is what we draw. The same red border either way.
                attrs[name] = frozenset(
                    ERROR_CLASS_AS_CRISPY_HAS_IT.get(name, name) for name in value
                )
                # crispy-forms-gds writes inline radios without GOV.UK's base
                # class, so they stack; we write both (asserted where used).
                if "govuk-radios--inline" in attrs[name]:
                    attrs[name] |= {"govuk-radios"}
            elif name == "aria-describedby":
                attrs[name] = tuple(value.split())
            else:
                attrs[name] = " ".join(value) if isinstance(value, list) else value
        out.append((node.name, tuple(sorted(attrs.items()))))
    return out


def both(make_form, context: dict | None = None) -> tuple[list, list]:
    # Each rendering has its own form: crispy-forms-gds writes its classes
    # into the widgets' attributes as it draws them.
    crispy = CRISPY.render(Context({"form": make_form(), **(context or {})}))
    ours_form = make_form()
    ours = render_form(ours_form, Context({"form": ours_form, **(context or {})}))
    return shape(str(crispy)), shape(str(ours))


@pytest.fixture
def person(wigan, alice):
    person = PersonFactory(team=wigan, created_by=alice)
    ProfileEntryFactory(person=person, kind="strength", text="Good with people")
    ProfileEntryFactory(person=person, kind="interest", text="Birds")
    # An entry holds at most 200 characters.
    ProfileEntryFactory(person=person, kind="need", text=f"Somewhere warm {LONG_WORD[:180]}")
    UserFactory(full_name="Zoe <b>Colleague</b>", teams=[wigan])
    ThemeFactory(name="Loneliness")
    ThemeFactory(name="Money & debt")
    return person


def test_a_new_conversation_is_drawn_the_same(person):
    crispy, ours = both(lambda: ConversationForm(person=person))
    assert ours == crispy


def test_a_form_sent_back_with_every_kind_of_error_is_drawn_the_same(person):
    data = {
        "what_matters": LONG_WORD * 20,
        "date_0": "31",
        "date_1": "2",
        "date_2": "2026",
        "time": "<script>alert(1)</script>",
        "place": "nowhere",
        "kind": "",
        "themes": ["999"],
        "notes": "x" * 5000,
        "life_satisfaction": "11",
        "new_strengths": LONG_WORD,
        "submission_key": "not-a-key",
    }

    def make():
        form = ConversationForm(data, person=person)
        form.is_valid()
        return form

    assert make().errors
    crispy, ours = both(make)
    assert ours == crispy


def test_correcting_a_conversation_with_what_matters_is_drawn_the_same(person, alice):
    WhatMattersFactory(person=person, text="Getting out to see the birds")
    conversation = ConversationFactory(
        person=person,
        recorded_by=alice,
        happened_at=dt.datetime(2026, 3, 27, 14, 30, tzinfo=dt.UTC),
        life_satisfaction=7,
    )

    def make():
        return ConversationForm(instance=conversation, person=person)

    crispy, ours = both(make, {"wellbeing_open": True})
    assert ours == crispy
    assert ("Getting out to see the birds") in ours


def test_the_record_page_uses_the_quick_drawing(alice_app, person):
    page = alice_app.get(f"/people/{person.pk}/conversations/new/").follow()
    form = page.forms["conversation-form"]
    # Every field of the form is on the page, ready to fill in.
    for name in ("what_matters", "date_0", "time", "place", "kind", "themes", "notes"):
        assert name in form.fields


def test_date_boxes_bring_up_a_phones_number_pad(alice_app, person):
    """As the GOV.UK date input: day, month and year ask for digits, on the
    record form (drawn quickly) and on the person's details (drawn by
    crispy-forms-gds) alike."""
    record = alice_app.get(f"/people/{person.pk}/conversations/new/").follow()
    details = alice_app.get(f"/people/{person.pk}/edit/")
    for page, field in ((record, "date"), (details, "date_of_birth")):
        for part in range(3):
            box = page.html.find("input", attrs={"name": f"{field}_{part}"})
            assert box["inputmode"] == "numeric", box


def test_the_pulse_is_drawn_the_same():
    crispy, ours = both(PulseForm)
    assert ours == crispy
    assert "Strongly disagree" in ours


def test_the_pulse_sent_back_with_a_made_up_answer_is_drawn_the_same():
    def make():
        form = PulseForm({"can_act": "99", "backed": "4"})
        form.is_valid()
        return form

    assert make().errors
    crispy, ours = both(make)
    assert ours == crispy
    assert "Choose an answer from the list" in ours


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0"},
        {"actions-TOTAL_FORMS": '"><script>', "actions-INITIAL_FORMS": "0"},
    ],
    ids=["new", "sent back", "tampered"],
)
def test_a_formsets_management_form_is_drawn_as_django_draws_it(data):
    """{% hidden_fields %} (deal/govuk_fields.py) for the record page's
    formsets: the same hidden inputs, names, ids and values as `{{ form }}`,
    a tampered value escaped as Django escapes it."""
    from django import forms

    from deal.templatetags.govuk import hidden_fields

    formset = forms.formset_factory(forms.Form, extra=1)(data, prefix="actions")
    management = formset.management_form
    assert shape(hidden_fields(management)) == shape(str(management))
    assert 'name="actions-TOTAL_FORMS"' in hidden_fields(management)
    assert "<script>" not in hidden_fields(management)


@pytest.mark.parametrize(
    "query",
    [{}, {"start": "2026-03", "end": "2026-01"}, {"start": "1999-01", "team": "<b>"}],
    ids=["as first shown", "months the wrong way round", "not on offer"],
)
def test_the_reports_choices_are_drawn_the_same(alice, wigan, leigh, query):
    from django.http import QueryDict

    from conversations.report_forms import ReportFilterForm
    from deal.factories import join_team

    join_team(alice, leigh)

    def make():
        data = QueryDict(mutable=True)
        data.update(query)
        form = ReportFilterForm(data, user=alice, today=dt.date(2026, 6, 15))
        form.is_valid()
        return form

    crispy, ours = both(make)
    assert ours == crispy
    assert "June 2026" in ours and "All my teams" in ours


# The forms of the other busy pages: an action and its follow-up, the
# actions list's filters, a conversation's comment box, the decisions lists'
# filters. Each as first shown and sent back with errors.


def _follow_up_form(data):
    from conversations.action_forms import FollowUpForm
    from tests.factories import AgreedActionFactory

    action = AgreedActionFactory(what="Ring <b>the</b> GP")

    def make():
        form = FollowUpForm(data, action=action)
        if data is not None:
            form.is_valid()
        return form

    return make


def _filter_form(form_class, data, user):
    from django.http import QueryDict

    def make():
        query = QueryDict(mutable=True)
        query.update(data)
        form = form_class(query, user=user)
        form.is_valid()
        return form

    return make


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "not_done", "reason": "", "due_0": "31", "due_1": "2", "due_2": "2026",
         "note": LONG_WORD * 20, "owner_user": "999999", "version": "1"},
    ],
    ids=["as first shown", "sent back with every error"],
)  # fmt: skip
def test_following_an_action_up_is_drawn_the_same(db, data):
    crispy, ours = both(_follow_up_form(data))
    assert ours == crispy
    assert "Follow-up note" in ours


@pytest.mark.parametrize(
    ("module", "name", "data"),
    [
        ("conversations.action_forms", "ActionFilterForm", {}),
        ("conversations.action_forms", "ActionFilterForm", {"status": "x", "owner": "<b>"}),
        ("conversations.decision_forms", "DecisionFilterForm", {}),
        ("conversations.decision_forms", "DecisionFilterForm", {"status": "<b>"}),
        ("conversations.decision_forms", "LearningFilterForm", {}),
        ("conversations.decision_forms", "LearningFilterForm", {"outcome": "<b>"}),
    ],
)
def test_the_lists_filters_are_drawn_the_same(alice, wigan, leigh, module, name, data):
    from importlib import import_module

    from deal.factories import join_team

    join_team(alice, leigh)
    UserFactory(full_name="Zoe <b>Colleague</b>", teams=[wigan])
    crispy, ours = both(_filter_form(getattr(import_module(module), name), data, alice))
    assert ours == crispy


@pytest.mark.parametrize("already_reviewed", [False, True])
@pytest.mark.parametrize("data", [None, {"text": LONG_WORD * 20, "key": "not-a-key"}])
def test_a_managers_comment_box_is_drawn_the_same(alice, already_reviewed, data):
    from conversations.review import CommentForm

    def make():
        # Each comment box has a key of its own; both drawings get the same.
        key = "8a6e0804-2bd0-4672-b79e-d7ae4b8bd8bc"
        form = CommentForm(
            data, already_reviewed=already_reviewed, worker=alice, initial={"key": key}
        )
        if data is not None:
            form.is_valid()
        return form

    crispy, ours = both(make)
    assert ours == crispy
    assert "Comment for Alice Worker" in ours
