"""Every action gets a responsible member of staff: who does it when that is a
member of staff, otherwise who agreed it. Actions of draft conversations were
live at once; they wait, as drafts, until the conversation is completed."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    AgreedAction = apps.get_model("conversations", "AgreedAction")
    AgreedAction.objects.filter(owner_type="staff", owner_user__isnull=False).update(
        responsible=F("owner_user")
    )
    AgreedAction.objects.filter(responsible__isnull=True).update(responsible=F("created_by"))
    AgreedAction.objects.filter(conversation__status="draft", status="open").update(status="draft")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0004_drafts_and_responsible")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
