from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from joinedup.councils.models import Council
from joinedup.software import services
from joinedup.software.models import ImportKind, normalise_name
from joinedup.software.selectors import product_dictionary


class Command(BaseCommand):
    help = "Import a usage or licence file for a council: all of it, or (with --dry-run) only say what it would do."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--council", required=True, help="The council's slug, like boston.")
        parser.add_argument("--kind", required=True, choices=list(ImportKind.values))
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; import nothing.")
        parser.add_argument("--product", default="", help="m365_apps, or generic with one product: its name or alias.")
        parser.add_argument("--person-column", default="", help="generic: the column naming the person.")
        parser.add_argument("--date-column", default="", help="generic: the column with the date.")
        parser.add_argument("--date-format", default="iso", choices=["iso", "dmy", "mdy"], help="generic.")
        parser.add_argument("--product-column", default="", help="generic: the column naming the product.")
        parser.add_argument("--events-column", default="", help="generic: the column counting uses that day.")
        parser.add_argument(
            "--other-council-confirmed",
            action="store_true",
            help="licence_export: import it although its user names are at another council's domain.",
        )

    def _options(self, council, kind, options):
        product = None
        if options["product"]:
            key = normalise_name(options["product"])
            product = product_dictionary(council=council).filter(Q(key=key) | Q(aliases__key=key)).distinct().first()
            if product is None:
                raise CommandError(f"'{options['product']}' is not in the council's product dictionary.")
        if kind == ImportKind.M365_APPS:
            return {"product": product.pk if product else None}
        if kind == ImportKind.GENERIC:
            return {
                "person": options["person_column"],
                "day": options["date_column"],
                "date_format": options["date_format"],
                "product_column": options["product_column"],
                "product": product.pk if product else None,
                "events": options["events_column"],
            }
        return None

    def handle(self, *args, path, council, kind, dry_run, **options):
        council_obj = Council.objects.filter(slug=council).first()
        if council_obj is None:
            raise CommandError(f"No council with the slug '{council}'.")
        reader_options = self._options(council_obj, kind, options)
        # The file is read from disk as it is needed, not held in memory: logs run to hundreds of MB.
        data = Path(path)
        try:
            with data.open("rb"):
                pass
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        if dry_run:
            result = services.import_check(council=council_obj, kind=kind, data=data, options=reader_options)
        else:
            try:
                _, result = services.import_file(
                    actor=None,
                    council=council_obj,
                    kind=kind,
                    data=data,
                    filename=Path(path).name,
                    options=reader_options,
                    source="software_import",
                    other_council_confirmed=options["other_council_confirmed"],
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
