import datetime
import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from joinedup.councils.models import Council
from joinedup.software.models import Assignment

HEADER = (
    "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,"
    "Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,"
    "Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,"
    "Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,"
    "Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,"
    "Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date,Assigned Products"
)


class Command(BaseCommand):
    help = (
        "Write sample files for a council from its assignments: a Microsoft 365 active user detail report and a "
        "licence assignment export, in the formats the import page reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True)
        parser.add_argument("--out", default=".", help="The folder to write the files to.")

    def handle(self, *args, council, out, **options):
        council_obj = Council.objects.filter(slug=council).first()
        if council_obj is None:
            raise CommandError(f"No council with the slug '{council}'.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        people = {}
        for person, product in Assignment.objects.filter(council=council_obj).values_list("person", "product__name"):
            people.setdefault(person, []).append(product)
        rng = random.Random(council)
        today = timezone.localdate()
        refresh = today - datetime.timedelta(days=2)
        report, export = [HEADER], ["User principal name,Display name,Licenses"]
        for person, products in sorted(people.items()):
            name = person.split("@")[0]
            days = rng.choice([None, 1, 3, 10, 40, 120])
            last = "" if days is None else (refresh - datetime.timedelta(days=days)).isoformat()
            assigned = "+".join(p.upper() for p in sorted(products))
            report.append(
                ",".join(
                    [
                        refresh.isoformat(),
                        person,
                        name,
                        "False",
                        "",
                        "True",
                        "True",
                        "True",
                        "False",
                        "True",
                        "True",
                        last,
                        "",
                        last,
                        "",
                        "",
                        last,
                        "2024-04-01",
                        "2024-04-01",
                        "2024-04-01",
                        "",
                        "2024-04-01",
                        "2024-04-01",
                        assigned,
                    ]
                )
            )
            export.append(f"{person},{name},{'+'.join(sorted(products))}")
        report_path = folder / f"{council}-Office365ActiveUserDetail{refresh:%m-%d-%Y}.csv"
        export_path = folder / f"{council}-licence-assignments.csv"
        # Microsoft's report downloads start with a byte-order mark.
        report_path.write_text("\ufeff" + "\r\n".join(report) + "\r\n", encoding="utf-8")
        export_path.write_text("\r\n".join(export) + "\r\n", encoding="utf-8")
        self.stdout.write(f"Wrote {report_path} and {export_path} ({len(people)} people).")
