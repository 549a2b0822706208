"""Dates and times are written the GOV.UK way on every page."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import dateformat
from hypothesis import given
from hypothesis import strategies as st

from deal.templatetags.govuk import govuk_date, govuk_datetime, govuk_time

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("hour", "minute", "written"),
    [
        (10, 5, "10:05am"),
        (15, 0, "3pm"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (0, 30, "12:30am"),
        (12, 45, "12:45pm"),
        (23, 59, "11:59pm"),
    ],
)
def test_times_are_written_the_govuk_way(hour, minute, written):
    assert govuk_time(dt.datetime(2026, 1, 1, hour, minute, tzinfo=LONDON)) == written


def test_dates_and_times_are_in_london_time():
    # 09:05 UTC in summer is 10:05am in London.
    moment = dt.datetime(2026, 7, 1, 9, 5, tzinfo=dt.UTC)
    assert govuk_datetime(moment) == "1 July 2026 at 10:05am"
    assert govuk_date(dt.date(2026, 1, 1)) == "1 January 2026"
    assert govuk_date(dt.date(2026, 1, 1), "short") == "1 Jan 2026"
    assert govuk_date(None) == ""


@given(st.dates(min_value=dt.date(1900, 1, 1)), st.sampled_from(["", "short"]))
def test_dates_are_the_words_djangos_date_format_gives(day, style):
    """govuk_date puts the words together itself, for speed; they are the
    same as dateformat's, in every month, and for a moment in London time."""
    assert govuk_date(day, style) == dateformat.format(day, "j M Y" if style else "j F Y")
    moment = dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.UTC)
    local = moment.astimezone(LONDON)
    assert govuk_date(moment, style) == dateformat.format(local, "j M Y" if style else "j F Y")


def test_pages_write_times_one_way(alice_client, alice, person):
    from tests.factories import AgreedActionFactory, ConversationFactory, FollowUpFactory

    happened = dt.datetime(2026, 1, 1, 10, 5, tzinfo=LONDON)
    conversation = ConversationFactory(person=person, recorded_by=alice, happened_at=happened)
    action = AgreedActionFactory(conversation=conversation)
    FollowUpFactory(action=action, by=alice)
    for url in [
        person.get_absolute_url(),
        conversation.get_absolute_url(),
        action.get_absolute_url(),
    ]:
        html = alice_client.get(url).content.decode()
        # No 24-hour clock ("10:05" not followed by am or pm) anywhere.
        assert not re.search(
            r"\b\d{1,2}:\d{2}(?![ap]m|\d)", re.sub(r'datetime="[^"]*"', "", html)
        ), url
    conversation_page = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert "1 January 2026 at 10:05am" in conversation_page
