import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.core.validation import validation_messages
from joinedup.councils.models import Council
from joinedup.councils.ward_import import read_ward_lookup, wards_import_geojson


class Command(BaseCommand):
    help = (
        "Import a council's ward boundaries from an ONS GeoJSON file (for example 'Wards (May 2025) "
        "Boundaries UK BGC'). Re-running it updates names and boundaries and changes nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The GeoJSON file.")
        parser.add_argument("--council", required=True, help="The council's ONS code, like E07000136.")
        parser.add_argument(
            "--lookup", type=Path, help="ONS ward to local authority lookup CSV, for files with no council codes."
        )
        parser.add_argument(
            "--all", action="store_true", dest="import_all", help="Every ward in the file belongs to this council."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, saving nothing.")

    def handle(self, *args, path, council, lookup, import_all, dry_run, **options):
        try:
            target = Council.objects.get(gss_code=council.upper())
        except Council.DoesNotExist:
            raise CommandError(f"No council has the ONS code {council}.") from None
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise CommandError(f"There is no file at {path}.") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}."
            ) from None
        try:
            ward_lookup = read_ward_lookup(lookup) if lookup else None
            result = wards_import_geojson(
                actor=None, council=target, data=data, lookup=ward_lookup, import_all=import_all, dry_run=dry_run
            )
        except ValidationError as error:
            raise CommandError("Nothing was imported:\n" + "\n".join(validation_messages(error))) from None
        prefix = "Dry run, nothing saved: would have " if dry_run else ""
        if result.reprojected:
            self.stdout.write("The file is in British National Grid; boundaries were converted to WGS84.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{len(result.created)} created, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged for {target.name}; "
                f"{result.other_councils} wards of other councils skipped."
            )
        )
