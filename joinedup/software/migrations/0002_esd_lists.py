"""Seed the 13 top-level functions of the LGA/ESD Function List and the LGSL services the demo needs.

Source: standards.esd.org.uk (Open Government Licence). The full lists can be loaded later.
"""

from django.db import migrations

FUNCTIONS = [
    (1, "Advice and benefits"),
    (6, "Business and employment"),
    (16, "Community safety"),
    (23, "Education and learning"),
    (30, "Environmental protection"),
    (42, "Government, citizens and rights"),
    (58, "Health and social care"),
    (66, "Housing"),
    (72, "Leisure and culture"),
    (82, "Licences, permits and permissions"),
    (95, "Marine and waterway services"),
    (99, "Planning and building control"),
    (105, "Transport and highways"),
]

SERVICES = [
    (69, "Housing benefit new claim", 1),
    (70, "Housing benefit current claim", 1),
    (487, "Full planning applications", 99),
    (528, "Bulky household waste collections", 30),
    (829, "Procurement - contracts management", 42),
    (979, "Staff - payroll", 42),
    (1629, "Corporate - procurement", 42),
    (1645, "Staff - recruitment", 42),
]


def seed(apps, schema_editor):
    EsdFunction = apps.get_model("software", "EsdFunction")
    LgslService = apps.get_model("software", "LgslService")
    functions = {}
    for identifier, label in FUNCTIONS:
        functions[identifier], _ = EsdFunction.objects.get_or_create(identifier=identifier, defaults={"label": label})
    for identifier, label, function in SERVICES:
        LgslService.objects.get_or_create(
            identifier=identifier, defaults={"label": label, "function": functions[function]}
        )


def unseed(apps, schema_editor):
    apps.get_model("software", "LgslService").objects.filter(identifier__in=[s[0] for s in SERVICES]).delete()
    apps.get_model("software", "EsdFunction").objects.filter(identifier__in=[f[0] for f in FUNCTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("software", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
