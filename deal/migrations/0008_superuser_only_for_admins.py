from django.db import migrations


def clear_for_other_roles(apps, schema_editor):
    # Superuser and staff follow the role from now on (User.save): anyone
    # given them before, with another role, loses them here.
    User = apps.get_model("deal", "User")
    User.objects.exclude(role="admin").update(is_superuser=False, is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("deal", "0007_audit_about_person")]

    operations = [migrations.RunPython(clear_for_other_roles, migrations.RunPython.noop)]
