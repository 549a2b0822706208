"""Signals the people app sends, for the parts built on top of it.

people/ never imports the apps above it, yet their records follow a person:
when a person moves team, each app moves what it holds for them (actions
carry their person's team, so that lists filter on one table).
"""

from django.dispatch import Signal

# Sent inside person_update's transaction with `person` (already saved with
# its new team) and `actor`. Each receiver moves its own records and returns
# what it moved, in words for the audit log ("3 agreed actions").
person_moved_team = Signal()
