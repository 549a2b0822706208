"""Names offered as you type who will do an action, from parts built on top
of conversations (the community directory), which register a provider in
their AppConfig.ready(): conversations itself imports none of them."""

from __future__ import annotations

from collections.abc import Callable

# A provider takes the person and gives (name, what it is) pairs.
Provider = Callable[[object], list[tuple[str, str]]]

_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def offered_names(person) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    for provider in _PROVIDERS:
        names += provider(person)
    return names
