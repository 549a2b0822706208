"""On PostgreSQL, a trigram index so that finding a person by part of a name
(search_names LIKE '% jo%') does not read every row. SQLite, used for a
one-laptop trial, has no such index and does not need one at that size."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS person_search_names_trgm
    ON people_person USING gin (search_names gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS person_search_names_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
