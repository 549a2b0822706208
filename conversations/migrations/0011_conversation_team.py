"""Each conversation keeps the team that had it, for the reports: a team's
conversations in a period are then read from one index instead of through
every person of the team. Indexes that let the reports read a team's
conversations, their wellbeing answers and their actions from the indexes
alone. Filled from each person's team now, the best that
is known of the past."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # One join rather than a subquery a row: minutes faster at a million.
        schema_editor.execute(
            "UPDATE conversations_conversation c SET team_id = p.team_id "
            "FROM people_person p WHERE p.id = c.person_id"
        )
        return
    Conversation = apps.get_model("conversations", "Conversation")
    Person = apps.get_model("people", "Person")
    Conversation.objects.update(
        team_id=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("team_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0010_comments_and_team_view_indexes"),
        ("deal", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conversations",
                to="deal.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conversation",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conversations",
                to="deal.team",
            ),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                fields=["team", "status", "happened_at", "person", "id"],
                name="conversation_team_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                condition=models.Q(("status", "complete"))
                & (
                    models.Q(("life_satisfaction__isnull", False))
                    | models.Q(("worthwhile__isnull", False))
                    | models.Q(("happiness__isnull", False))
                    | models.Q(("anxiety__isnull", False))
                ),
                fields=[
                    "team",
                    "happened_at",
                    "person",
                    "id",
                    "life_satisfaction",
                    "worthwhile",
                    "happiness",
                    "anxiety",
                ],
                name="conversation_answers_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="agreedaction",
            index=models.Index(
                fields=["conversation", "status", "due", "closed_at"],
                name="action_conversation_idx",
            ),
        ),
    ]
