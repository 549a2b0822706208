"""The directory's demo data."""

from conversations.models import Owner
from directory import demo
from directory.models import Connection, Service
from tests.factories import AgreedActionFactory


def test_a_dozen_groups_and_the_demos_actions_linked_and_again_changes_nothing(conversation):
    knitting = AgreedActionFactory(
        conversation=conversation, owner_type=Owner.COMMUNITY, owner_name="Thursday Knit and Natter"
    )
    AgreedActionFactory(
        conversation=conversation, owner_type=Owner.COMMUNITY, owner_name="Not in the directory"
    )
    demo.add_demo_data()
    assert Service.objects.offered().count() == 12
    assert [c.action for c in Connection.objects.all()] == [knitting]
    before = list(Service.objects.values_list("uuid", "updated_at").order_by("uuid"))
    demo.add_demo_data()
    assert list(Service.objects.values_list("uuid", "updated_at").order_by("uuid")) == before
    assert Connection.objects.count() == 1
