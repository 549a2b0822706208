from django.db import migrations

THEMES = [
    "Loneliness",
    "Money",
    "Housing",
    "Health",
    "Work",
    "Family",
    "Caring",
    "Mental health",
    "Getting out and about",
    "Food",
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("conversations", "Theme")
    for name in THEMES:
        Theme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]
    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
