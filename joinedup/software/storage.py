"""
The private file store: uploaded usage files kept on disk while they wait for confirmation.

It is the "private" entry of the STORAGES setting (by default a folder, PRIVATE_FILES_ROOT, beside
MEDIA_ROOT and never under it), so production can swap in another backend. No address serves
these files: `PrivateFileStorage.url()` refuses. Files get random names; the name the person
uploaded is kept on the ImportBatch only.
"""

import contextlib
import os
import shutil
import tempfile
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

IMPORTS_FOLDER = "software-imports"
CHUNK = 1 << 20


class PrivateFileStorage(FileSystemStorage):
    """A folder on disk that no web address serves. Its location is PRIVATE_FILES_ROOT unless given."""

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Files in the private store have no web address.")


def private_storage():
    """The private file store (also the storage of `ImportBatch.file`)."""
    return storages["private"]


def import_file_name(instance=None, filename=""):
    """An unguessable name for a kept import file (the uploaded name is not used)."""
    return f"{IMPORTS_FOLDER}/{uuid.uuid4().hex}.csv"


@contextlib.contextmanager
def local_path(name: str):
    """The path of a stored file on this machine, to read it from disk (DuckDB needs a path).

    A store with files on disk gives their own path; any other (an object store, say) is copied
    to a temporary file in pieces first, and that is removed afterwards.
    """
    if not name:
        raise FileNotFoundError("No file is kept.")
    storage = private_storage()
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        if not os.path.exists(path):
            raise FileNotFoundError(name)
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".csv") as copy, storage.open(name, "rb") as source:
        shutil.copyfileobj(source, copy, CHUNK)
        copy.flush()
        yield copy.name
