"""What conversations tells the parts built on top of it, without knowing
them: they connect receivers in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent inside the save's transaction after an agreed action is saved, with
# `action`, `actor`, `created` and `changed` (the names of the fields that
# changed; all of them for a new action). A receiver's writes are part of the
# same transaction: if it fails, nothing is saved.
action_saved = Signal()
