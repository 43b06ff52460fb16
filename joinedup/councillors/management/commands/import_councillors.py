from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from joinedup.councillors import services
from joinedup.councils.models import Council


class Command(BaseCommand):
    help = "Import a council's councillors from a CSV (name, email, ward_code, party, term_start, term_end)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--council", required=True, help="The council's slug, like boston.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; import nothing.")
        parser.add_argument(
            "--end-missing",
            action="store_true",
            help=(
                "The file lists every current councillor: end today the terms of the council's councillors "
                "not in it and remove their councillor role for this council (their accounts stay)."
            ),
        )

    def handle(self, *args, path, council, dry_run, end_missing, **options):
        council_obj = Council.objects.filter(slug=council).first()
        if council_obj is None:
            raise CommandError(f"No council with the slug '{council}'.")
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        if dry_run:
            result = services.councillors_check(council=council_obj, data=data)
        else:
            try:
                result = services.councillors_import(
                    actor=None, council=council_obj, data=data, source="import_councillors", end_missing=end_missing
                )
            except services.ImportFailed as failure:
                result = failure.result
        if not result.ok:
            for error in result.shown_errors:
                self.stderr.write(str(error))
            if result.more_errors:
                self.stderr.write(f"... and {result.more_errors} more problems.")
            raise CommandError("The file has problems; nothing was imported.")
        if dry_run:
            self.stdout.write(f"The file is correct: {result.rows} rows would be imported.")
        else:
            ended = f", {result.ended} terms ended" if end_missing else ""
            self.stdout.write(
                f"Imported {result.rows} rows: {result.created} councillors added, {result.updated} changed, "
                f"{result.unchanged} unchanged{ended}."
            )
        if result.missing:
            names = "; ".join(f"{c.name} <{c.email}>" for c in result.missing)
            if end_missing and not dry_run:
                self.stdout.write(f"Terms ended for the councillors not in the file: {names}")
            elif end_missing:
                self.stdout.write(f"With --end-missing, these terms would end: {names}")
            else:
                self.stdout.write(
                    f"{len(result.missing)} current councillors are not in the file and are left as they are "
                    f"(use --end-missing to end their terms): {names}"
                )
