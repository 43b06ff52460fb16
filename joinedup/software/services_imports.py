"""
Imports of usage and licence files: check (the dry run), keep for confirmation, confirm, or
import in one go. Every import is checked in full first; only a file with no problems is
written, in one transaction (see `services_usage` for the writing).
"""

import datetime
import os
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from joinedup.core.audit import audit_record
from joinedup.core.files import files_delete_after_commit, orphan_files_remove
from joinedup.software.domains import check_domains
from joinedup.software.imports.csvfile import ImportResult, RowError, decode, file_sha256
from joinedup.software.imports.readers import READERS, file_headers
from joinedup.software.models import ImportBatch, ImportKind, ImportStatus
from joinedup.software.selectors import product_dictionary
from joinedup.software.services import require_register_access
from joinedup.software.services_usage import _write, assignment_diff
from joinedup.software.storage import IMPORTS_FOLDER, import_file_name, local_path, private_storage


class ImportFailed(Exception):
    """The file has problems; nothing was imported. `result.errors` lists them by row and column."""

    def __init__(self, result):
        super().__init__("; ".join(str(error) for error in result.errors[:5]))
        self.result = result


def import_check(*, council, kind: str, data, options: dict | None = None):
    """Read a file and say what importing it would do, writing nothing (the dry run).

    `options` are what the person importing chose: the product a Microsoft 365 Apps report counts
    (`{"product": id}`), or the columns of a generic file (see `readers.read_generic`).
    """
    dictionary = product_dictionary(council=council).prefetch_related("aliases")
    # The file's checksum (to spot a file imported already) is worked out while it is read.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checksum = pool.submit(file_sha256, data)
        result = READERS[kind](data, dictionary, **(options or {}))
        sha = result.sha256 = checksum.result()
    if not result.ok:
        return result
    check_domains(council, result)
    earlier = ImportBatch.objects.filter(council=council, kind=kind, sha256=sha, status=ImportStatus.IMPORTED).first()
    if kind == ImportKind.LICENCE_EXPORT:
        diff = assignment_diff(council, result)
        result.assignment_changes = diff.summary()
        if diff.held:
            result.warnings.append(
                f"Reclaimed licences still assigned in this file: {len(diff.held)}. They are not counted again: "
                "remove them in the Microsoft 365 admin centre. "
                "Once a file no longer lists someone, a later file that does means the licence was reassigned."
            )
        if diff.changes_nothing:
            result.warnings.append("Importing this file changes nothing: every assignment in it is recorded already.")
        elif earlier is not None:
            result.warnings.append(
                f"This file was imported already on {earlier.created_at:%-d %B %Y}, but assignments have changed "
                "since: importing it again makes the changes listed."
            )
    elif earlier is not None:
        # Usage is merged day by day and never removed, so the same file again adds nothing.
        result.warnings.append(
            f"This file was imported already on {earlier.created_at:%-d %B %Y}. Importing it again changes nothing."
        )
    return result


OTHER_COUNCIL = (
    "User names in this file are at another council's domain ({listed}). An assignment file replaces the "
    "council's assignments of the products it covers, so it is imported only when you confirm it is {council}'s."
)


def other_council_problem(council, result) -> str:
    """Why a licence assignment file needs confirming first ('' if it does not)."""
    if result.kind != ImportKind.LICENCE_EXPORT or not result.other_councils:
        return ""
    listed = ", ".join(f"{domain}: {item['council']}" for domain, item in sorted(result.other_councils.items()))
    return OTHER_COUNCIL.format(listed=listed, council=council.name)


@transaction.atomic
def import_file(
    *,
    actor,
    council,
    kind: str,
    data,
    filename: str,
    options: dict | None = None,
    source: str = "",
    other_council_confirmed: bool = False,
):
    """Check and import a file in one go (management commands and tests). Raise ImportFailed on any problem.

    `data` is the file's bytes or, for a large file, its path (it is then read from disk as needed).
    An assignment file whose user names are at another council's domain is refused unless
    `other_council_confirmed`.
    """
    require_register_access(actor, council)
    result = import_check(council=council, kind=kind, data=data, options=options)
    problem = other_council_problem(council, result)
    if problem and not other_council_confirmed:
        result.errors.append(RowError(None, "", problem))
    if not result.ok:
        raise ImportFailed(result)
    _write(council, kind, result, filename)
    batch = ImportBatch.objects.create(
        council=council,
        kind=kind,
        filename=filename[:255],
        sha256=result.sha256,
        status=ImportStatus.IMPORTED,
        uploaded_by=actor,
        report_refresh_date=result.report_refresh_date,
        summary=result.summary(),
        mapping=options or {},
    )
    audit_record(
        actor=actor,
        action="software.import",
        instance=batch,
        council=council,
        changes={"kind": kind, "filename": filename, **batch.summary},
        source=source,
    )
    return batch, result


def _store_upload(upload) -> str:
    """Put an uploaded file into the private store without reading it into memory; return its name.

    `upload` is Django's uploaded file (one over FILE_UPLOAD_MAX_MEMORY_SIZE is already a
    temporary file on disk, and is moved, or copied in pieces), any other Django `File`, or the
    path of a file on disk (copied in pieces).
    """
    storage = private_storage()
    if isinstance(upload, (str, os.PathLike)):
        with open(upload, "rb") as file:
            return storage.save(import_file_name(), File(file))
    return storage.save(import_file_name(), upload)


def import_expire(*, council=None) -> int:
    """Delete files checked but not confirmed within a day (one council's, or every council's).

    Their kept files go when the deletion is committed (see `ImportBatch`'s post_delete).
    """
    waiting = ImportBatch.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=timezone.now() - IMPORT_KEPT_FOR)
    if council is not None:
        waiting = waiting.filter(council=council)
    _, deleted = waiting.delete()
    return deleted.get(ImportBatch._meta.label, 0)


IMPORT_KEPT_FOR = datetime.timedelta(days=1)
# A file in the store that no batch refers to is left alone this long: its upload may still be
# being checked, in a transaction not yet committed.
ORPHAN_GRACE = datetime.timedelta(hours=1)


def import_orphans_remove() -> int:
    """Delete files in the private store's import folder that no batch refers to (left by an
    upload whose transaction rolled back, or a server stopped mid-upload). Return how many."""
    return orphan_files_remove(
        storage=private_storage(), folder=IMPORTS_FOLDER, model=ImportBatch, fields=["file"], grace=ORPHAN_GRACE
    )


def import_upload(*, actor, council, kind: str, upload, filename: str = "", options: dict | None = None):
    """Keep an uploaded file for confirmation if it has no problems; return (batch or None, result).

    `upload` is Django's uploaded file (or any Django `File`, or a path on disk). It goes into the
    private file store without being read into memory, and is checked from there; a file with
    problems is deleted at once, so nothing is kept. A generic file is kept as soon as it can be
    read as CSV with a header row: its columns are chosen next (`import_map`), and only then is it
    checked row by row.
    """
    require_register_access(actor, council)
    filename = filename or os.path.basename(getattr(upload, "name", None) or str(upload))
    name = _store_upload(upload)
    try:
        batch, result = _import_upload_check(actor, council, kind, name, filename, options)
    except BaseException:
        private_storage().delete(name)
        raise
    if batch is None:
        private_storage().delete(name)
    return batch, result


@transaction.atomic
def _import_upload_check(actor, council, kind, name, filename, options):
    # Files checked but never confirmed are not kept for more than a day.
    import_expire(council=council)
    choose_columns = kind == ImportKind.GENERIC and not options
    with local_path(name) as path:
        if choose_columns:
            # Kept as soon as it reads as CSV with a header row: its columns are chosen next
            # (`import_map`), and only then is it checked row by row.
            result = ImportResult(kind=kind)
            text = decode(path, result)
            if text is not None:
                text.close()
                if not file_headers(path):
                    result.error(1, "", "The file has no header row naming its columns.")
            sha256 = file_sha256(path) if result.ok else ""
        else:
            result = import_check(council=council, kind=kind, data=path, options=options)
            sha256 = result.sha256
    if not result.ok:
        return None, result
    batch = ImportBatch.objects.create(
        council=council,
        kind=kind,
        filename=filename[:255],
        sha256=sha256,
        file=name,
        uploaded_by=actor,
        report_refresh_date=result.report_refresh_date,
        summary={} if choose_columns else result.summary(),
        mapping=options or {},
    )
    return batch, result


KEPT_FILE_MISSING = (
    "The uploaded file is no longer kept (files waiting for confirmation are deleted after a day). Upload it again."
)


@transaction.atomic
def import_map(*, actor, batch, mapping: dict):
    """Check a kept generic file with the columns chosen; keep the choice if the file has no problems."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    council = batch.council
    require_register_access(actor, council)
    if batch.status == ImportStatus.IMPORTED:
        raise ValidationError("This file has been imported already.")
    try:
        with local_path(batch.file.name) as path:
            result = import_check(council=council, kind=batch.kind, data=path, options=mapping)
    except FileNotFoundError:
        raise ValidationError(KEPT_FILE_MISSING) from None
    if result.ok:
        batch.mapping = mapping
        batch.summary = result.summary()
        batch.save(update_fields=["mapping", "summary", "updated_at"])
    return result


@transaction.atomic
def import_confirm(*, actor, batch, other_council_confirmed: bool = False):
    """Import a file that was checked and kept. The file is read again: the dictionary may have changed.

    An assignment file whose user names are at another council's domain needs
    `other_council_confirmed` (the person importing says it is this council's file).
    Once imported, the kept file is deleted (when the transaction commits).
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    council = batch.council
    require_register_access(actor, council)
    if batch.status == ImportStatus.IMPORTED:
        raise ValidationError("This file has been imported already.")
    if batch.kind == ImportKind.GENERIC and not batch.mapping:
        raise ValidationError("Choose which column is which before importing the file.")
    try:
        with local_path(batch.file.name) as path:
            result = import_check(council=council, kind=batch.kind, data=path, options=batch.mapping)
    except FileNotFoundError:
        raise ValidationError(KEPT_FILE_MISSING) from None
    if not result.ok:
        raise ImportFailed(result)
    problem = other_council_problem(council, result)
    if problem and not other_council_confirmed:
        raise ValidationError({"other_council": problem})
    _write(council, batch.kind, result, batch.filename)
    files_delete_after_commit(private_storage(), [batch.file.name])
    batch.status = ImportStatus.IMPORTED
    batch.file = ""
    batch.summary = result.summary()
    batch.save(update_fields=["status", "file", "summary", "updated_at"])
    audit_record(
        actor=actor,
        action="software.import",
        instance=batch,
        council=council,
        changes={"kind": batch.kind, "filename": batch.filename, **batch.summary},
    )
    return batch, result
