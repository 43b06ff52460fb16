"""The shared clean-up of stored files that no row refers to."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from joinedup.core.files import orphan_files_remove, storage_walk
from joinedup.service_requests.models import Photo
from joinedup.service_requests.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path / "store")


def write(storage, name, *, hours_old=0):
    storage.save(name, ContentFile(b"x"))
    if hours_old:
        then = (timezone.now() - datetime.timedelta(hours=hours_old)).timestamp()
        os.utime(storage.path(name), (then, then))
    return name


def remaining(storage, folder="photos"):
    return sorted(storage_walk(storage, folder))


def test_the_walk_finds_files_in_sub_folders_and_nothing_in_a_missing_folder(storage):
    names = [write(storage, "photos/a.jpg"), write(storage, "photos/2026/b.jpg"), write(storage, "photos/2026/t/c.jpg")]
    write(storage, "elsewhere/d.jpg")
    assert remaining(storage) == sorted(names)
    assert list(storage_walk(storage, "nowhere")) == []


@pytest.mark.parametrize("batch_size", [1, 2, 500])
def test_only_old_files_no_row_names_are_deleted_in_any_batch_size(storage, council, batch_size, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    request = ServiceRequestFactory(council=council)
    referenced = []
    for n in range(3):
        image = write(storage, f"photos/2026/{n}.jpg", hours_old=5)
        thumb = write(storage, f"photos/2026/thumbs/{n}.jpg", hours_old=5)
        Photo.objects.create(request=request, image=image, thumbnail=thumb, width=1, height=1)
        referenced += [image, thumb]
    old_orphans = [write(storage, f"photos/2026/old{n}.jpg", hours_old=2) for n in range(3)]
    old_orphans.append(write(storage, "photos/2026/thumbs/old.jpg", hours_old=2))
    young = write(storage, "photos/2026/young.jpg")
    outside = write(storage, "other/old.jpg", hours_old=5)

    removed = orphan_files_remove(
        storage=storage, folder="photos", model=Photo, fields=["image", "thumbnail"], batch_size=batch_size
    )

    assert removed == len(old_orphans)
    assert remaining(storage) == sorted([*referenced, young])
    assert storage.exists(outside)


def test_the_grace_period_can_be_set(storage, council):
    name = write(storage, "photos/a.jpg", hours_old=2)
    kept = orphan_files_remove(
        storage=storage, folder="photos", model=Photo, fields=["image"], grace=datetime.timedelta(hours=3)
    )
    assert kept == 0 and storage.exists(name)
    assert orphan_files_remove(storage=storage, folder="photos", model=Photo, fields=["image"]) == 1
    assert not storage.exists(name)


def test_fields_must_be_named(storage):
    with pytest.raises(ValueError):
        orphan_files_remove(storage=storage, folder="photos", model=Photo, fields=[])
