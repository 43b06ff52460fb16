# Uploaded files waiting for confirmation move out of the database (ImportBatch.content) into the
# private file store (ImportBatch.file).

from django.core.files.base import ContentFile
from django.db import migrations, models

import joinedup.software.storage


def content_to_files(apps, schema_editor):
    """Write each waiting file kept in the database to the private store."""
    ImportBatch = apps.get_model("software", "ImportBatch")
    storage = joinedup.software.storage.private_storage()
    waiting = ImportBatch.objects.filter(status="previewed").exclude(content=b"").values_list("pk", flat=True)
    for pk in list(waiting):
        content = ImportBatch.objects.filter(pk=pk).values_list("content", flat=True).get()
        name = storage.save(joinedup.software.storage.import_file_name(), ContentFile(bytes(content)))
        ImportBatch.objects.filter(pk=pk).update(file=name, content=b"")


def files_to_content(apps, schema_editor):
    """Read waiting files back into the database, and remove them from the store."""
    ImportBatch = apps.get_model("software", "ImportBatch")
    storage = joinedup.software.storage.private_storage()
    for pk, name in list(ImportBatch.objects.exclude(file="").values_list("pk", "file")):
        try:
            with storage.open(name, "rb") as file:
                content = file.read()
        except FileNotFoundError:
            content = b""
        ImportBatch.objects.filter(pk=pk).update(content=content, file="")
        storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("software", "0005_usage_monthly"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=joinedup.software.storage.private_storage,
                upload_to=joinedup.software.storage.import_file_name,
            ),
        ),
        migrations.RunPython(content_to_files, files_to_content),
        migrations.RemoveField(
            model_name="importbatch",
            name="content",
        ),
    ]
