import hashlib

from django.db import migrations, models


def hash_loaded_captures(apps, schema_editor):
    """A source not edited in the admin holds its capture exactly as loaded: record that."""
    Source = apps.get_model("programs", "Source")
    for source in Source.objects.filter(edited_in_admin=False).only("pk", "text"):
        digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        Source.objects.filter(pk=source.pk).update(capture_hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="capture_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(hash_loaded_captures, migrations.RunPython.noop),
    ]
