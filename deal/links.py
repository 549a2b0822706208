"""Links to a record's page, made quickly.

A busy page links to a hundred records (a profile's actions, timeline and
answers; a list of people or actions), and Django's reverse() takes about
35 microseconds a link: it matches the arguments against every way the URL
could be written each time. For the pages whose URL holds only the record's
id, record_url() reverses each URL once (per script prefix, which is the same
for a whole deployment) and then puts each id between the two parts it
found, giving exactly what reverse() gives.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse

# An id no record has yet, that an int path converter accepts: where it
# lands in the reversed URL is where each record's id goes.
_MARK = 918273645


@functools.cache
def _parts(name: str, script_prefix: str) -> tuple[str, str]:
    before, mark, after = reverse(name, kwargs={"pk": _MARK}).partition(str(_MARK))
    if not mark or str(_MARK) in after:
        raise ValueError(f"{name} does not hold the id once: use reverse()")
    return before, after


def record_url(name: str, pk: int) -> str:
    """reverse(name, kwargs={"pk": pk}) for a URL with an <int:pk> alone."""
    before, after = _parts(name, get_script_prefix())
    return f"{before}{int(pk)}{after}"


@functools.cache
def _plain(name: str, script_prefix: str) -> str:
    return reverse(name)


def page_url(name: str) -> str:
    """reverse(name) for a URL with no arguments (a list's page), reversed
    once: the team view links each of its figures to a list."""
    return _plain(name, get_script_prefix())
