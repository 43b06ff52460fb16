from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from joinedup.councils.models import Council
from joinedup.software import services
from joinedup.software.models import ImportKind


class Command(BaseCommand):
    help = "Import a usage or licence file for a council: all of it, or (with --dry-run) only say what it would do."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--council", required=True, help="The council's slug, like boston.")
        parser.add_argument("--kind", required=True, choices=list(ImportKind.values))
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; import nothing.")

    def handle(self, *args, path, council, kind, dry_run, **options):
        council_obj = Council.objects.filter(slug=council).first()
        if council_obj is None:
            raise CommandError(f"No council with the slug '{council}'.")
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        if dry_run:
            result = services.import_check(council=council_obj, kind=kind, data=data)
        else:
            try:
                _, result = services.import_file(
                    actor=None,
                    council=council_obj,
                    kind=kind,
                    data=data,
                    filename=Path(path).name,
                    source="software_import",
                )
            except services.ImportFailed as failure:
                result = failure.result
        for warning in result.warnings:
            self.stdout.write(f"Warning: {warning}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.more_errors:
                self.stderr.write(f"... and {result.more_errors} more problems.")
            raise CommandError("The file has problems; nothing was imported.")
        summary = result.summary()
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {summary['rows']} rows: {summary['people']} people, {summary['usage_days']} person-days of use, "
            f"{summary['assignments']} assignments ({summary['skipped']} rows left out)."
        )
