"""record_url() gives exactly what reverse() gives, quickly, for the pages
whose URL holds a record's id alone."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from deal.links import page_url, record_url

RECORD_PAGES = [
    "people:detail",
    "conversations:detail",
    "conversations:action",
    "decisions:detail",
    "directory:detail",
]


@pytest.mark.parametrize("name", RECORD_PAGES)
@given(pk=st.integers(min_value=1, max_value=2**63 - 1))
def test_the_same_link_as_reverse(name, pk):
    assert record_url(name, pk) == reverse(name, kwargs={"pk": pk})


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_the_same_link_under_a_script_prefix(name):
    """Served under /deal/ (SCRIPT_NAME), the links start with it as
    reverse()'s do."""
    set_script_prefix("/deal/")
    try:
        assert record_url(name, 7) == reverse(name, kwargs={"pk": 7})
        assert record_url(name, 7).startswith("/deal/")
    finally:
        set_script_prefix("/")


def test_a_page_without_the_id_alone_is_refused():
    with pytest.raises(NoReverseMatch):
        record_url("people:find", 7)
    with pytest.raises(TypeError):
        record_url("people:detail", None)


LIST_PAGES = ["conversations:actions", "conversations:drafts", "conversations:reviews", "home"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_is_the_same_link_as_reverse_under_any_script_prefix(name):
    assert page_url(name) == reverse(name)
    set_script_prefix("/deal/")
    try:
        assert page_url(name) == reverse(name)
        assert page_url(name).startswith("/deal/")
    finally:
        set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        page_url("people:detail")
