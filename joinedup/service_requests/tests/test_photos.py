"""Photos are checked by content, cleaned of every bit of metadata, resized, and stored only when valid."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from joinedup.core.models import AuditEntry
from joinedup.service_requests import photos
from joinedup.service_requests.models import Photo
from joinedup.service_requests.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def service_request(council):
    return ServiceRequestFactory(council=council)


def image_bytes(fmt="JPEG", size=(120, 80), colour=(200, 30, 30), exif=None, mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, colour)
    if exif is not None:
        options["exif"] = exif
    image.save(out, format=fmt, **options)
    return out.getvalue()


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "Spycam"
    exif[0x0110] = "Model X"
    if orientation:
        exif[ORIENTATION] = orientation
    # Where the photo was taken: 52.97 N, 0.02 W (a resident's own front garden, say).
    exif[GPS_IFD] = {1: "N", 2: (52.0, 58.0, 12.5), 3: "W", 4: (0.0, 1.0, 30.0)}
    return exif


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_clean(field_file):
    with field_file.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif(), "the stored copy still has EXIF"
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    assert b"Exif" not in data
    assert b"Spycam" not in data
    assert b"GPS" not in data
    return image


def test_a_jpeg_with_gps_is_stored_without_any_metadata(service_request):
    data = image_bytes(size=(2400, 1200), exif=gps_exif())
    # The test photo really does carry a position before it is cleaned.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)

    photo = photos.photo_add(request=service_request, upload=upload(data))

    photo.refresh_from_db()
    display = assert_clean(photo.image)
    thumbnail = assert_clean(photo.thumbnail)
    assert display.size == (1600, 800)
    assert (photo.width, photo.height) == (1600, 800)
    assert max(thumbnail.size) == 400
    assert photo.is_public
    # The stored name is random, not the resident's file name.
    assert "photo" not in os.path.basename(photo.image.name)
    assert AuditEntry.objects.filter(action="service_requests.photo.add", object_id=str(photo.pk)).exists()


def test_the_exif_orientation_is_applied_before_it_is_removed(service_request):
    # Orientation 6: the camera was on its side, so the picture is shown turned 90 degrees.
    data = image_bytes(size=(300, 100), exif=gps_exif(orientation=6))
    photo = photos.photo_add(request=service_request, upload=upload(data))
    image = assert_clean(photo.image)
    assert image.size == (100, 300)


@pytest.mark.parametrize(
    ("fmt", "name", "options"),
    [("PNG", "photo.png", {}), ("WEBP", "photo.webp", {}), ("HEIF", "IMG_0001.HEIC", {})],
)
def test_png_webp_and_heic_are_taken(service_request, fmt, name, options):
    data = image_bytes(fmt=fmt, exif=gps_exif(), **options)
    photo = photos.photo_add(request=service_request, upload=upload(data, name=name, content_type="image/x"))
    image = assert_clean(photo.image)
    assert image.size == (120, 80)


def test_a_transparent_png_gets_a_white_background(service_request):
    data = image_bytes(fmt="PNG", mode="RGBA", colour=(0, 0, 0, 0))
    photo = photos.photo_add(request=service_request, upload=upload(data, name="clear.png"))
    image = assert_clean(photo.image).convert("RGB")
    assert image.getpixel((10, 10)) > (240, 240, 240)


def test_a_text_file_named_jpg_is_refused(service_request):
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(b"This is not a photo at all\n" * 10))
    assert error.value.messages == ["The selected file must be a JPG, PNG, WebP or HEIC photo"]
    assert not Photo.objects.exists()


def test_another_image_format_is_refused(service_request):
    data = image_bytes(fmt="GIF")
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(data, name="photo.jpg"))
    assert error.value.messages == ["The selected file must be a JPG, PNG, WebP or HEIC photo"]


def test_a_cut_off_jpeg_is_refused_as_damaged(service_request):
    data = image_bytes(size=(800, 600), quality=95)
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(data[: len(data) // 2]))
    assert error.value.messages == ["The selected file is damaged"]
    assert not Photo.objects.exists()


def test_a_file_over_10_mb_is_refused(service_request, media_root):
    # A real image (random pixels do not compress), 11 MB and more.
    noise = Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG", compress_level=0)
    data = out.getvalue()
    assert len(data) > 11 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(data, name="big.png"))
    assert error.value.messages == ["The selected file must be smaller than 10 MB"]
    assert not Photo.objects.exists()
    assert not media_root.exists() or not list(media_root.rglob("*.jpg"))


def test_a_file_that_says_it_is_small_is_still_measured(service_request):
    big = io.BytesIO(b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 10))
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=big)
    assert error.value.messages == ["The selected file must be smaller than 10 MB"]


def test_waiting_photos_are_cleaned_kept_and_discarded(media_root):
    token = photos.pending_token()
    name = photos.pending_save(token=token, upload=upload(image_bytes(exif=gps_exif())))
    path = photos.pending_path(token=token, name=name)
    assert path is not None and path.parent == media_root / "tmp" / token
    assert not Image.open(path).getexif()
    # Names that are not ours find nothing.
    assert photos.pending_path(token=token, name="../../settings.py") is None
    assert photos.pending_path(token="../etc", name=name) is None
    photos.pending_discard(token)
    assert not (media_root / "tmp" / token).exists()


def test_abandoned_waiting_photos_are_pruned(media_root):
    token = photos.pending_token()
    photos.pending_save(token=token, upload=upload(image_bytes()))
    folder = media_root / "tmp" / token
    assert photos.pending_prune() == 0
    old = folder.stat().st_mtime - 10 * 24 * 3600
    os.utime(folder, (old, old))
    assert photos.pending_prune() == 1
    assert not folder.exists()


def forged_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: it must be refused before any pixel is decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def test_more_than_24_megapixels_is_refused_from_the_header(service_request):
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(forged_png(6001, 4000), name="big.png"))
    assert error.value.messages == ["The selected photo must be smaller than 24 megapixels"]
    # 6000 x 4000 is exactly 24 megapixels: the size of the header is allowed (the file is then
    # found damaged, because it holds no such pixels).
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(forged_png(6000, 4000), name="ok.png"))
    assert error.value.messages == [photos.DAMAGED]
    assert not Photo.objects.exists()


def test_a_large_photo_is_decoded_small_and_keeps_its_orientation(service_request):
    # 4000 x 3000, taken on its side: stored at most 1,600 pixels, turned the right way up.
    data = image_bytes(size=(4000, 3000), exif=gps_exif(orientation=6))
    photo = photos.photo_add(request=service_request, upload=upload(data))
    assert (photo.width, photo.height) == (1200, 1600)


MEMORY_PROBE = """
import io, sys, threading
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from joinedup.service_requests import photos

data = open(sys.argv[1], "rb").read()
errors = []

def one():
    try:
        photos.photo_check(SimpleUploadedFile("big.png", data, content_type="image/png"))
    except Exception as error:  # noqa: BLE001 - reported below
        errors.append(repr(error))

threads = [threading.Thread(target=one) for _ in range(10)]
for t in threads:
    t.start()
for t in threads:
    t.join()
# The peak of this process's own memory. (Not getrusage's ru_maxrss: Linux carries the parent's
# peak over into a child started with fork and exec, so a big test process would count here.)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak_kb // 1024, len(errors), errors[:1])
"""


def test_ten_maximum_size_photos_at_once_stay_under_300_mb_in_one_process(tmp_path):
    """The attack in the security review: a small PNG of almost the maximum size, many at once.

    A separate process measures its own peak memory (a size, not a time: it does not depend on the
    machine's speed). Before decoding was bounded, one such photo took the process past 800 MB."""
    import subprocess
    import sys

    big = tmp_path / "big.png"
    Image.new("RGBA", (6000, 4000), (10, 20, 30, 128)).save(big, format="PNG")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "joinedup.settings", "READ_DOT_ENV_FILE": "false"}
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(big)], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    peak_mb, failures, first = result.stdout.split(maxsplit=2)
    assert int(failures) == 0, first
    assert int(peak_mb) < 300, f"peak memory {peak_mb} MB"


def test_a_cut_off_jpeg_is_refused_even_after_weasyprint_is_imported(service_request):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint leaves it, whatever the import order
    data = image_bytes(size=(800, 600), quality=95)
    with pytest.raises(ValidationError) as error:
        photos.photo_add(request=service_request, upload=upload(data[: len(data) // 2]))
    assert error.value.messages == [photos.DAMAGED]
    assert not Photo.objects.exists()
