"""
Stored files that no database row refers to any more (orphans), and removing them.

A file is written to storage before the row that names it is committed. If that transaction
rolls back (a later error in the same submission, a database error, a server stopped halfway),
the row is forgotten and the file stays: for photos of a problem or uploaded usage files, that is
personal data kept for no reason. `orphan_files_remove` finds such files and deletes them.

It walks the folder through the storage API (`listdir`), so it works with any storage backend,
and asks the database about the names it found in batches, so it never loads every row. A file
younger than the grace period is always kept: its row may be in a transaction not yet committed.
"""

import datetime
import functools
import operator
from collections.abc import Iterable, Iterator, Sequence

from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

# A file that no row refers to is left alone this long: the transaction that will refer to it
# may still be running.
ORPHAN_GRACE = datetime.timedelta(hours=1)
# How many file names are looked up in the database at once.
BATCH_SIZE = 500


def storage_walk(storage: Storage, folder: str) -> Iterator[str]:
    """Every file name in `folder` of `storage` and its sub-folders, as the storage names them.

    A folder that does not exist has no files.
    """
    pending = [folder.strip("/")]
    while pending:
        current = pending.pop()
        try:
            folders, files = storage.listdir(current)
        except (FileNotFoundError, NotADirectoryError):
            continue
        prefix = f"{current}/" if current else ""
        for name in files:
            yield f"{prefix}{name}"
        pending.extend(f"{prefix}{name}" for name in folders)


def _referenced(model: type[models.Model], fields: Sequence[str], names: list[str]) -> set[str]:
    """Which of `names` a row of `model` refers to in any of `fields`."""
    match = functools.reduce(operator.or_, (Q(**{f"{field}__in": names}) for field in fields))
    found = set()
    for values in model._base_manager.filter(match).values_list(*fields).iterator(chunk_size=BATCH_SIZE):
        found.update(values)
    return found


def _old_enough(storage: Storage, name: str, cutoff: datetime.datetime) -> bool:
    try:
        return storage.get_modified_time(name) < cutoff
    except (FileNotFoundError, OSError):
        # Gone already, or unreadable: leave it alone.
        return False


def _chunks(names: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk = []
    for name in names:
        chunk.append(name)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def orphan_files_remove(
    *,
    storage: Storage,
    folder: str,
    model: type[models.Model],
    fields: Sequence[str],
    grace: datetime.timedelta = ORPHAN_GRACE,
    now: datetime.datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Delete files under `folder` in `storage` that no `model` row names in any of `fields` (file
    fields stored in that storage) and that are older than `grace`. Return how many were deleted.

    A file is deleted only after the database has said, for its own name, that no row refers to it;
    a file whose age cannot be read is kept.
    """
    if not fields:
        raise ValueError("Name at least one field that refers to the files.")
    cutoff = (now or timezone.now()) - grace
    removed = 0
    for names in _chunks(storage_walk(storage, folder), batch_size):
        old = [name for name in names if _old_enough(storage, name, cutoff)]
        if not old:
            continue
        kept = _referenced(model, fields, old)
        for name in old:
            if name not in kept:
                storage.delete(name)
                removed += 1
    return removed


def files_delete(storage: Storage, names: Iterable[str]) -> None:
    """Delete these files, carrying on past any that are already gone."""
    for name in names:
        if name:
            try:
                storage.delete(name)
            except FileNotFoundError:
                continue


def files_delete_after_commit(storage: Storage, names: Iterable[str]) -> None:
    """Delete these files once the current transaction commits; if it rolls back, they stay with
    the rows that still refer to them."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: files_delete(storage, names))
