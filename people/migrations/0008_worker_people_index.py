"""My work's "people you are named worker for": one index from which the
list's first page and its count are read (the team, visible_to's condition,
carried in it), and on PostgreSQL statistics telling the planner that a
worker's people are in the worker's own team. Without them it multiplies the
two conditions' selectivities, expects 7 people where there are hundreds,
and merges two indexes' bitmaps rather than walking this one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE STATISTICS IF NOT EXISTS person_worker_team_stats (dependencies)
    ON named_worker_id, team_id FROM people_person;
ANALYZE people_person;
"""
DROP = "DROP STATISTICS IF EXISTS person_worker_team_stats;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("deal", "0008_superuser_only_for_admins"),
        ("people", "0007_person_team_id_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The new index first and the old one dropped last: building it stops only
    # writes to people, dropping the old one stops reads too, for a moment.
    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["named_worker", "status", "-updated_at"],
                include=("team",),
                name="person_named_worker_idx",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="person",
            name="named_worker",
            field=models.ForeignKey(
                blank=True,
                db_index=False,  # person_named_worker_idx starts with it
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="named_people",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
