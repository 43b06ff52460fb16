import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0002_council_codes"),
        ("software", "0007_usage_monthly_without_database_foreign_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("m365_active_user", "Microsoft 365 active user detail"),
                            ("licence_export", "Microsoft 365 licence assignment export"),
                            ("entra_signin", "Entra sign-in log"),
                            ("m365_apps", "Microsoft 365 Apps user detail"),
                            ("generic", "CSV file with chosen columns"),
                            ("manual", "Entered by hand"),
                        ],
                        max_length=20,
                    ),
                ),
                ("as_at", models.DateField()),
                ("filename", models.CharField(blank=True, max_length=255)),
                ("imported_on", models.DateField()),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="councils.council"
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="software.product"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "usage evidence",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("council", "product", "source"), name="software_usage_evidence_unique"
                    )
                ],
            },
        ),
    ]
