"""Who will do an action, written once and plainly."""

import pytest

from conversations.models import Owner


@pytest.mark.parametrize(
    ("owner_type", "name", "shown"),
    [
        (Owner.SOMEONE_IN_LIFE, "Tom (grandson)", "Tom (grandson, in their life)"),
        (Owner.SOMEONE_IN_LIFE, "Tom", "Tom (in their life)"),
    ],
)
def test_who_will_do_it_has_one_pair_of_brackets(make_action, owner_type, name, shown):
    action = make_action(owner_type=owner_type, owner_name=name, owner_user=None)
    assert action.owner_display == shown
