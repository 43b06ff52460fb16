import datetime

from django.db import migrations

# Green Book 2022, table 6.1. Kept as data, so a new version can be added without a code change.
BANDS = [[0, "0.035"], [31, "0.030"], [76, "0.025"], [126, "0.020"], [201, "0.015"], [301, "0.010"]]


def seed(apps, schema_editor):
    DiscountSchedule = apps.get_model("portfolio", "DiscountSchedule")
    DiscountSchedule.objects.update_or_create(
        version="green-book-2022",
        defaults={
            "name": "HM Treasury Green Book 2022 (3.5% to year 30, then declining)",
            "bands": BANDS,
            "effective_from": datetime.date(2022, 11, 18),
            "is_current": True,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("portfolio", "DiscountSchedule").objects.filter(version="green-book-2022").delete()


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
