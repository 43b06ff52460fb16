"""Evidence dates for imports made before they were kept: each imported usage file's products as
at its Report Refresh Date (or, with none, the day it was imported), and each assignment file's
products as at the day it was imported. Later imports replace them as usual."""

from django.db import migrations

USAGE_SOURCES = {
    "m365_active_user": "m365_active_user",
    "m365_apps": "m365_apps",
    "entra_signin": "entra_signin",
    "generic": "generic",
    "licence_export": "licence_export",
}


def backfill(apps, schema_editor):
    ImportBatch = apps.get_model("software", "ImportBatch")
    Product = apps.get_model("software", "Product")
    UsageEvidence = apps.get_model("software", "UsageEvidence")
    Council = apps.get_model("councils", "Council")
    councils = {council.pk: council for council in Council.objects.all()}
    found = {}
    for batch in ImportBatch.objects.filter(status="imported").order_by("created_at", "pk"):
        source = USAGE_SOURCES.get(batch.kind)
        council = councils.get(batch.council_id)
        names = list((batch.summary or {}).get("products", {}))
        if source is None or council is None or not names:
            continue
        if council.partnership_id:
            products = Product.objects.filter(partnership_id=council.partnership_id, name__in=names)
        else:
            products = Product.objects.filter(council_id=council.pk, name__in=names)
        imported_on = batch.created_at.date()
        as_at = imported_on if source == "licence_export" else (batch.report_refresh_date or imported_on)
        for product_id in products.values_list("pk", flat=True):
            key = (council.pk, product_id, source)
            if key not in found or as_at >= found[key][0]:
                found[key] = (as_at, batch.filename[:255], imported_on)
    UsageEvidence.objects.bulk_create(
        [
            UsageEvidence(
                council_id=council_id,
                product_id=product_id,
                source=source,
                as_at=as_at,
                filename=filename,
                imported_on=imported_on,
            )
            for (council_id, product_id, source), (as_at, filename, imported_on) in found.items()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0002_council_codes"),
        ("software", "0010_entra_json"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
