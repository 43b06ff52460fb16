"""Uploaded files waiting for confirmation are kept in the private file store, not the database."""

import datetime
import hashlib
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from joinedup.software import services
from joinedup.software.models import Assignment, ImportBatch, ImportStatus, UsageMonthly
from joinedup.software.storage import IMPORTS_FOLDER, private_storage
from joinedup.software.tests.factories import make_product

pytestmark = pytest.mark.django_db

LICENCES = b"User Principal Name,Licenses\r\nann@b.gov.uk,ENTERPRISEPACK\r\nbob@b.gov.uk,ENTERPRISEPACK\r\n"
GENERIC = b"Email,System,Used on,Logins\r\nann@b.gov.uk,Uniform,03/12/2026,2\r\nbob@b.gov.uk,Uniform,04/12/2026,5\r\n"
GENERIC_MAPPING = {
    "person": "Email",
    "day": "Used on",
    "date_format": "dmy",
    "product_column": "System",
    "product": "",
    "events": "Logins",
}


@pytest.fixture
def e3(council):
    return make_product(council, "Office 365 E3", aliases=["ENTERPRISEPACK"])


@pytest.fixture
def uniform(council):
    return make_product(council, "Uniform", publisher="Idox")


def kept_files(root):
    folder = root / IMPORTS_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(client, council, data, kind="licence_export", name="licences.csv"):
    return client.post(
        f"/{council.slug}/staff/software/imports/", {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def test_an_upload_is_kept_on_disk_under_a_random_name_not_in_the_database(
    client, council, staff_user, e3, private_files, settings
):
    client.force_login(staff_user)
    response = upload(client, council, LICENCES, name="March licences.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    (path,) = kept_files(private_files)
    assert path.read_bytes() == LICENCES
    assert batch.file.name == f"{IMPORTS_FOLDER}/{path.name}" and batch.filename == "March licences.csv"
    assert "March" not in path.name and len(path.stem) == 32  # random, not the uploaded name
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    # The database holds the file's name, not its bytes.
    columns = [
        column.name
        for column in connection.introspection.get_table_description(connection.cursor(), "software_importbatch")
    ]
    assert "content" not in columns and "file" in columns
    with pytest.raises(ValueError, match="no web address"):
        batch.file.url  # noqa: B018


def test_preview_and_confirm_read_the_kept_file_and_it_goes_once_imported(
    client, council, staff_user, e3, private_files, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    response = upload(client, council, LICENCES)
    preview = client.get(response["Location"]).content.decode()
    assert "Office 365 E3: 2" in preview and not Assignment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(response["Location"]).status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.IMPORTED and not batch.file
    assert Assignment.objects.count() == 2
    assert kept_files(private_files) == []


def test_the_mapping_page_and_the_check_read_a_generic_file_from_disk(
    client, council, staff_user, uniform, private_files, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    base = f"/{council.slug}/staff/software/imports/"
    upload(client, council, GENERIC, kind="generic", name="usage.csv")
    batch = ImportBatch.objects.get()
    assert len(kept_files(private_files)) == 1
    page = client.get(f"{base}{batch.pk}/columns/").content.decode()
    assert '<option value="Used on">Used on</option>' in page and '<option value="Logins">Logins</option>' in page
    response = client.post(f"{base}{batch.pk}/columns/", GENERIC_MAPPING)
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{batch.pk}/")
    assert "Person-days of use to record" in client.get(f"{base}{batch.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}{batch.pk}/")
    assert UsageMonthly.objects.count() == 2 and kept_files(private_files) == []


def test_a_file_with_problems_keeps_nothing_on_disk(client, council, staff_user, e3, private_files):
    client.force_login(staff_user)
    response = upload(client, council, b"User Principal Name,Licenses\r\nann@b.gov.uk,NOT A PRODUCT\r\n")
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    response = upload(client, council, b"PK\x03\x04 a spreadsheet", kind="generic", name="g.xlsx")
    assert "not a CSV file" in response.content.decode()
    assert not ImportBatch.objects.exists() and kept_files(private_files) == []


def test_a_failure_while_checking_removes_the_file_just_written(council, staff_user, private_files):
    with pytest.raises(KeyError):
        services.import_upload(actor=staff_user, council=council, kind="no such kind", upload=ContentFile(LICENCES))
    assert not ImportBatch.objects.exists() and kept_files(private_files) == []


def test_files_not_confirmed_go_after_a_day_with_their_file(
    council, staff_user, e3, private_files, django_capture_on_commit_callbacks
):
    old, _ = services.import_upload(
        actor=staff_user, council=council, kind="licence_export", upload=ContentFile(LICENCES, name="old.csv")
    )
    old_path = private_storage().path(old.file.name)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        new, _ = services.import_upload(
            actor=staff_user, council=council, kind="licence_export", upload=ContentFile(LICENCES, name="new.csv")
        )
    assert list(ImportBatch.objects.values_list("filename", flat=True)) == ["new.csv"]
    assert not os.path.exists(old_path) and kept_files(private_files) == [private_files / new.file.name]


def test_a_deleted_batch_takes_its_file_but_a_rollback_keeps_both(
    council, staff_user, e3, private_files, django_capture_on_commit_callbacks
):
    batch, _ = services.import_upload(
        actor=staff_user, council=council, kind="licence_export", upload=ContentFile(LICENCES, name="l.csv")
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).delete()
        raise RuntimeError("rolled back")
    assert ImportBatch.objects.filter(pk=batch.pk).exists() and len(kept_files(private_files)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        batch.delete()
    assert kept_files(private_files) == []


def test_a_failed_confirm_keeps_the_file(client, council, staff_user, e3, private_files):
    client.force_login(staff_user)
    response = upload(client, council, LICENCES)
    e3.aliases.all().delete()  # the dictionary changed since the check: the file now has problems
    response = client.post(response["Location"])
    assert response.status_code == 200 and "ENTERPRISEPACK" in response.content.decode()
    assert ImportBatch.objects.get().status == ImportStatus.PREVIEWED and len(kept_files(private_files)) == 1


def test_a_kept_file_gone_from_the_store_asks_for_the_file_again(client, council, staff_user, e3, private_files):
    client.force_login(staff_user)
    response = upload(client, council, LICENCES)
    for path in kept_files(private_files):
        path.unlink()
    response = client.post(response["Location"], follow=True)
    assert "no longer kept" in response.content.decode() and "Upload it again" in response.content.decode()
    assert ImportBatch.objects.get().status == ImportStatus.PREVIEWED and not Assignment.objects.exists()


def test_another_councils_staff_cannot_see_or_confirm_a_kept_file(
    client, council, partner_council, staff_user, e3, private_files
):
    from joinedup.accounts.models import Role
    from joinedup.accounts.tests.factories import UserFactory, grant

    batch, _ = services.import_upload(
        actor=staff_user, council=council, kind="licence_export", upload=ContentFile(LICENCES, name="l.csv")
    )
    theirs = UserFactory(email="officer@felpersham.example.org")
    grant(theirs, Role.STAFF, council=partner_council)
    client.force_login(theirs)
    assert client.get(f"/{partner_council.slug}/staff/software/imports/{batch.pk}/").status_code == 404
    assert client.post(f"/{partner_council.slug}/staff/software/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/{council.slug}/staff/software/imports/{batch.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.import_confirm(actor=theirs, batch=batch)
    with pytest.raises(PermissionDenied):
        services.import_upload(actor=theirs, council=council, kind="licence_export", upload=ContentFile(LICENCES))
    assert not Assignment.objects.exists() and len(kept_files(private_files)) == 1


def test_a_file_over_the_limit_is_refused_with_the_message(client, council, staff_user, e3, private_files, settings):
    settings.SOFTWARE_IMPORT_MAX_MB = 1
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/software/imports/").content.decode()
    assert "It can be up to 1 MB." in page
    too_big = LICENCES + b"carol@b.gov.uk,ENTERPRISEPACK\r\n" * 40_000  # about 1.2 MB
    response = upload(client, council, too_big)
    content = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in content
    assert "The selected file must be 1 MB or smaller" in content and "Choose a CSV file" not in content
    assert not ImportBatch.objects.exists() and kept_files(private_files) == []
    # Just under the limit is fine.
    assert upload(client, council, too_big[: 1024 * 1024 - 100].rsplit(b"\r\n", 1)[0]).status_code == 302


def test_the_default_limit_is_shown_in_the_hint(client, council, staff_user):
    client.force_login(staff_user)
    assert "It can be up to 1 GB." in client.get(f"/{council.slug}/staff/software/imports/").content.decode()


def test_a_file_bigger_than_the_in_memory_limit_goes_through_the_real_upload_path(
    client, council, staff_user, e3, private_files, settings, tmp_path, django_capture_on_commit_callbacks
):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE, Django streams the upload to a temporary file; the service
    # moves that into the store.
    rows = [f"person{number:06d}@borchester.gov.uk,ENTERPRISEPACK" for number in range(120_000)]
    source = tmp_path / "big licences.csv"
    source.write_bytes(("User Principal Name,Licenses\r\n" + "\r\n".join(rows) + "\r\n").encode())
    size = source.stat().st_size
    assert size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploading")
    os.mkdir(settings.FILE_UPLOAD_TEMP_DIR)
    client.force_login(staff_user)
    with source.open("rb") as file:
        response = client.post(f"/{council.slug}/staff/software/imports/", {"kind": "licence_export", "file": file})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    (kept,) = kept_files(private_files)
    assert kept.stat().st_size == size and batch.filename == "big licences.csv"
    assert batch.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []  # moved, not left behind
    assert "Office 365 E3: 120000" in client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    assert Assignment.objects.count() == 120_000 and kept_files(private_files) == []


def test_the_clean_up_command_removes_expired_files_and_orphans(
    council, staff_user, e3, private_files, django_capture_on_commit_callbacks, capsys
):
    waiting, _ = services.import_upload(
        actor=staff_user, council=council, kind="licence_export", upload=ContentFile(LICENCES, name="w.csv")
    )
    expired, _ = services.import_upload(
        actor=staff_user, council=council, kind="licence_export", upload=ContentFile(LICENCES, name="e.csv")
    )
    ImportBatch.objects.filter(pk=expired.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    folder = private_files / IMPORTS_FOLDER
    old_orphan, new_orphan = folder / ("a" * 32 + ".csv"), folder / ("b" * 32 + ".csv")
    old_orphan.write_bytes(b"left by a rolled-back upload")
    new_orphan.write_bytes(b"an upload still being checked")
    two_hours_ago = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    os.utime(old_orphan, (two_hours_ago, two_hours_ago))
    os.utime(private_files / waiting.file.name, (two_hours_ago, two_hours_ago))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_software_imports")
    output = capsys.readouterr().out
    assert "more than a day, deleted: 1" in output and "with no import, deleted: 1" in output
    assert list(ImportBatch.objects.all()) == [waiting]
    assert kept_files(private_files) == sorted([private_files / waiting.file.name, new_orphan])


def test_the_clean_up_command_with_no_store_yet(private_files, capsys):
    call_command("clean_software_imports")
    assert "with no import, deleted: 0" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_waiting_files_out_of_the_database_and_back(council, private_files, restore_migrations):
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("software", "0005_usage_monthly")], [("software", "0006_import_files_in_private_store")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldBatch = old_apps.get_model("software", "ImportBatch")
    waiting = OldBatch.objects.create(council_id=council.pk, kind="licence_export", filename="w.csv", content=LICENCES)
    done = OldBatch.objects.create(council_id=council.pk, kind="licence_export", filename="d.csv", status="imported")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    batch = ImportBatch.objects.get(pk=waiting.pk)
    assert (private_files / batch.file.name).read_bytes() == LICENCES
    assert not ImportBatch.objects.get(pk=done.pk).file
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert bytes(OldBatch.objects.get(pk=waiting.pk).content) == LICENCES and kept_files(private_files) == []
    executor = MigrationExecutor(connection)
    executor.migrate(after)


def test_only_the_councils_staff_can_send_a_file_and_nothing_is_kept_otherwise(
    client, council, resident, e3, private_files
):
    """Signed-out people and residents are turned away (before the file is read) and nothing is kept."""
    response = upload(client, council, LICENCES)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
    client.force_login(resident)
    assert upload(client, council, LICENCES).status_code == 403
    assert not ImportBatch.objects.exists() and kept_files(private_files) == []


def test_an_upload_still_needs_the_forms_csrf_token(council, staff_user, e3, private_files):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert upload(client, council, LICENCES).status_code == 403
    assert not ImportBatch.objects.exists() and kept_files(private_files) == []
    page = client.get(f"/{council.slug}/staff/software/imports/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        f"/{council.slug}/staff/software/imports/",
        {"kind": "licence_export", "file": SimpleUploadedFile("l.csv", LICENCES), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and ImportBatch.objects.count() == 1
