"""Themes of conversations, looked after by admins at /manage/themes/: add,
rename, retire (never delete: past conversations keep their themes). Each
change is one transaction with an audit entry holding before and after."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from conversations.models import Theme
from deal.audit import Actor, audit_record
from deal.models import AuditAction


def _clean_name(name: str, *, theme: Theme | None = None) -> str:
    name = " ".join((name or "").split())
    clash = Theme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already a theme with this name"})
    return name


@transaction.atomic
def theme_add(*, actor: Actor, name: str) -> Theme:
    theme = Theme.objects.create(name=_clean_name(name))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=theme,
        detail=f"Added theme {theme.name}",
        changes={"name": [None, theme.name]},
    )
    return theme


@transaction.atomic
def theme_rename(*, actor: Actor, theme: Theme, name: str) -> Theme:
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    before = theme.name
    theme.name = _clean_name(name, theme=theme)
    if theme.name != before:
        theme.save(update_fields=["name"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=theme,
            detail=f"Renamed theme {before}",
            changes={"name": [before, theme.name]},
        )
    return theme


@transaction.atomic
def theme_set_in_use(*, actor: Actor, theme: Theme, in_use: bool) -> Theme:
    """Retire a theme (not offered for new conversations) or bring it back."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.is_active != in_use:
        theme.is_active = in_use
        theme.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=theme,
            detail=f"{'Brought back' if in_use else 'Retired'} theme {theme.name}",
            changes={"in use": [not in_use, in_use]},
        )
    return theme
