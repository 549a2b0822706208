"""On PostgreSQL, make the audit log append-only in the database itself: an
UPDATE or DELETE of an audit row is refused whoever sends it."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION deal_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS deal_audit_append_only ON deal_auditevent;
CREATE TRIGGER deal_audit_append_only
    BEFORE UPDATE OR DELETE ON deal_auditevent
    FOR EACH ROW EXECUTE FUNCTION deal_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS deal_audit_append_only ON deal_auditevent;
DROP FUNCTION IF EXISTS deal_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("deal", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
