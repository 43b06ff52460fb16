"""Photo files on disk never outlive their rows: a failed save, retention and orphans all remove them."""

import datetime
import os
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from joinedup.service_requests import photos
from joinedup.service_requests.models import Photo, ServiceRequest, Status
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.formats import Open311Error
from joinedup.service_requests.open311.services import api_update_post
from joinedup.service_requests.tests.test_photos import image_bytes, upload
from joinedup.service_requests.tests.test_privacy import close_long_ago
from joinedup.service_requests.tests.test_services import report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def good():
    return upload(image_bytes())


def bad():
    return upload(b"not a photo at all", name="notes.jpg")


def make_old(root, *names, hours=2):
    then = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    for name in names:
        os.utime(root / name, (then, then))


def test_a_photo_whose_row_cannot_be_saved_leaves_no_files(council, category, media_root):
    unsaved = ServiceRequest(council=council, category=category)  # never saved: its photo row cannot be

    with pytest.raises(ValueError):
        photos.photo_add(request=unsaved, upload=good())

    assert files_in(media_root) == []
    assert not Photo.objects.exists()


def test_a_block_that_fails_after_adding_photos_removes_all_their_files(council, category, media_root):
    request = report(council, category)
    with pytest.raises(ValidationError), transaction.atomic(), photos.photo_files_removed_on_error():
        photos.photo_add(request=request, upload=good())
        with photos.photo_files_removed_on_error():  # an inner block that succeeds
            photos.photo_add(request=request, upload=good())
        assert len(files_in(media_root)) == 4  # two photos and their thumbnails were written
        photos.photo_add(request=request, upload=bad())

    assert files_in(media_root) == []
    assert not Photo.objects.exists()


def test_an_open311_update_with_a_bad_second_photo_keeps_neither(council, category, media_root):
    request = report(council, category)
    back_office, _ = clients.api_client_create(
        actor=None, name="Works system", council=council, scopes=(clients.SCOPE_UPDATES,)
    )

    with pytest.raises(Open311Error):
        api_update_post(
            client=back_office,
            council=council,
            service_request_id=request.reference,
            update_id="works-1",
            status="IN_PROGRESS",
            sent_at=timezone.now(),
            description="A crew is on the way.",
            uploads=[good(), bad()],
        )

    assert files_in(media_root) == []
    assert not Photo.objects.exists()
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_orphans_older_than_an_hour_go_and_young_or_referenced_files_stay(council, category, media_root):
    request = report(council, category)
    kept = photos.photo_add(request=request, upload=good())
    # Files left by reports whose transaction rolled back: one two hours ago, one a minute ago.
    with transaction.atomic():
        old = photos.photo_add(request=request, upload=good())
        transaction.set_rollback(True)
    with transaction.atomic():
        young = photos.photo_add(request=request, upload=good())
        transaction.set_rollback(True)
    assert not Photo.objects.filter(pk__in=[old.pk, young.pk]).exists()
    # Every file is old except the young orphan's: a referenced file is kept however old it is.
    make_old(media_root, kept.image.name, kept.thumbnail.name, old.image.name, old.thumbnail.name)
    out = StringIO()

    call_command("clean_orphan_photos", stdout=out)

    assert "deleted: 2" in out.getvalue()
    assert files_in(media_root) == sorted(
        [kept.image.name, kept.thumbnail.name, young.image.name, young.thumbnail.name]
    )
    with kept.image.open("rb") as handle:
        assert handle.read(2) == b"\xff\xd8"  # still a readable JPEG


def test_the_clean_up_with_no_photos_folder_yet(media_root):
    out = StringIO()
    call_command("clean_orphan_photos", stdout=out)
    assert "deleted: 0" in out.getvalue()


def test_a_deleted_photo_takes_its_files_but_a_rollback_keeps_both(
    council, category, media_root, django_capture_on_commit_callbacks
):
    request = report(council, category)
    photo = photos.photo_add(request=request, upload=good())
    with transaction.atomic():
        Photo.objects.filter(pk=photo.pk).delete()
        transaction.set_rollback(True)
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(files_in(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        Photo.objects.filter(pk=photo.pk).delete()

    assert files_in(media_root) == []


def test_retention_deletes_the_photos_and_their_files(
    settings, council, category, staff_user, media_root, django_capture_on_commit_callbacks
):
    settings.REQUEST_RETENTION_MONTHS = 24
    old = report(council, category)
    old_photos = [photos.photo_add(request=old, upload=good()) for _ in range(2)]
    close_long_ago(old, staff_user, days=732)
    recent = report(council, category)
    recent_photo = photos.photo_add(request=recent, upload=good())
    close_long_ago(recent, staff_user, days=700)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_personal_data", stdout=StringIO())

    assert not Photo.objects.filter(pk__in=[p.pk for p in old_photos]).exists()
    assert files_in(media_root) == sorted([recent_photo.image.name, recent_photo.thumbnail.name])
    recent_photo.refresh_from_db()
    assert recent_photo.request_id == recent.pk
