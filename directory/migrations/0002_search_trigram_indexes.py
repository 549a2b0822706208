"""On PostgreSQL, trigram indexes so that finding a group by part of a word
(search_text LIKE '%walk%') does not read every row, as for people (people
migration 0002). SQLite, for a one-laptop trial, needs none."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS directory_service_search_text_trgm
    ON directory_service USING gin (search_text gin_trgm_ops);
CREATE INDEX IF NOT EXISTS directory_service_search_areas_trgm
    ON directory_service USING gin (search_areas gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS directory_service_search_text_trgm;
DROP INDEX IF EXISTS directory_service_search_areas_trgm;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
