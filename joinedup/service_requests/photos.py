"""
Photos of a problem: checked by what the file contains (not its name), cleaned, resized, stored.

Every stored copy is made again from the pixels alone, so no metadata survives: no EXIF, no GPS
position, no camera details, no embedded thumbnail, no colour profile or XMP. The EXIF
orientation is applied first, so a photo taken on its side still shows the right way up.

While a resident is still filling in the report form, photos wait in a temporary folder
(MEDIA_ROOT/tmp/<token>/, the token kept in their session), already cleaned; they are attached
with `photo_add` only when the report is sent, and the folder is removed then.
"""

import contextlib
import io
import re
import secrets
import shutil
import threading
import time
import uuid
import warnings
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from PIL import Image, ImageChops, ImageFile, UnidentifiedImageError

from joinedup.core.audit import audit_record
from joinedup.core.files import files_delete, files_delete_after_commit, orphan_files_remove
from joinedup.service_requests.models import Photo, RequestEvent, ServiceRequest

try:  # HEIC, the iPhone's own format
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a dependency; without it HEIC is refused
    pillow_heif = None

MAX_BYTES = 10 * 1024 * 1024
# Phone cameras make 12 to 24 megapixel photos (a 48-megapixel sensor saves 12 by default). The
# cap is checked from the file's header, before any pixel is decoded.
MAX_PIXELS = 24_000_000
# How many photos one web process works on at once, from reading the upload to the finished
# JPEGs. A full-size photo takes up to about 200 MB while it is decoded, so this bounds a
# process's memory however many uploads arrive together (in threaded workers; a sync worker
# takes one request at a time anyway).
DECODE_SLOTS = threading.BoundedSemaphore(1)
DISPLAY_SIZE = 1600
THUMBNAIL_SIZE = 400
MAX_PHOTOS = 3
# Pillow's names for the formats we take: JPEG, PNG, WebP and HEIC (Pillow calls it HEIF).
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}

NOT_A_PHOTO = "The selected file must be a JPG, PNG, WebP or HEIC photo"
TOO_BIG = "The selected file must be smaller than 10 MB"
DAMAGED = "The selected file is damaged"
TOO_MANY_PIXELS = "The selected photo must be smaller than 24 megapixels"


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(TOO_BIG, code="too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    # Read one byte more than allowed, so a file without a known size is measured too.
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG, code="too_big")
    if not data:
        raise ValidationError("The selected file is empty", code="empty")
    return data


def _open(data: bytes) -> Image.Image:
    """Open and decode the image in `data`, at most DISPLAY_SIZE pixels on its longest side, or
    raise ValidationError saying what is wrong.

    The size is checked from the header first. A JPEG is decoded at a reduced scale straight away
    (libjpeg's draft mode), and any other image is shrunk as soon as it is decoded, so no more than
    one full-size copy is ever held. Callers hold one of DECODE_SLOTS."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise ValidationError(NOT_A_PHOTO, code="not_a_photo") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from None
        except Exception:
            raise ValidationError(DAMAGED, code="damaged") from None
        if probe.format not in ALLOWED_FORMATS:
            raise ValidationError(NOT_A_PHOTO, code="not_a_photo")
        if probe.width * probe.height > MAX_PIXELS:
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
        try:
            probe.verify()
        except Exception:
            raise ValidationError(DAMAGED, code="damaged") from None
        # verify() leaves the image unusable, and does not decode the pixels: do that too, so a
        # cut-off file is caught here and not half-stored.
        # WeasyPrint (the scrutiny report's PDF) sets this on import, process-wide, which would
        # let a cut-off photo through with its missing part painted grey: photos are strict.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        image = small = None
        try:
            image = Image.open(io.BytesIO(data))
            orientation = _orientation(image)
            if image.format in ("JPEG", "MPO"):
                image.draft("RGB", (DISPLAY_SIZE, DISPLAY_SIZE))
            image.load()
            small = _shrunk_to_rgb(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            small = None
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from None
        except Exception:
            small = None
            raise ValidationError(DAMAGED, code="damaged") from None
        finally:
            # Free the full-size pixels now, before the next photo is let in, whatever still
            # refers to the image (a traceback, say).
            if image is not None and image is not small:
                image.close()
    return small.transpose(orientation) if orientation is not None else small


# EXIF orientation values and the turn that puts the picture the right way up.
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ORIENTATION_TAG = 0x0112


def _orientation(image: Image.Image):
    # An unreadable orientation tag leaves the pixels as they are.
    try:
        return _ORIENTATIONS.get(image.getexif().get(ORIENTATION_TAG))
    except Exception:
        return None


def _shrunk_to_rgb(image: Image.Image) -> Image.Image:
    """Return the decoded picture at most DISPLAY_SIZE on its longest side, as RGB on white.

    A transparent image is put on a white background one colour band at a time, because Pillow
    resizes an RGBA image through a second full-size copy: this way a 24-megapixel PNG needs about
    150 MB at most instead of 300."""
    size = (DISPLAY_SIZE, DISPLAY_SIZE)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        alpha = rgba.getchannel("A")
        # On white, a band is c * a + 255 * (1 - a): shrink the premultiplied c * a, add 255 - a.
        bands = []
        for name in "RGB":
            band = ImageChops.multiply(rgba.getchannel(name), alpha)
            band.thumbnail(size, Image.Resampling.LANCZOS)
            bands.append(band)
        del rgba
        alpha.thumbnail(size, Image.Resampling.LANCZOS)
        background = ImageChops.invert(alpha)
        return Image.merge("RGB", [ImageChops.add(band, background) for band in bands])
    if image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    image.thumbnail(size, Image.Resampling.LANCZOS)
    return image if image.mode == "RGB" else image.convert("RGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    """Return plain RGB pixels with nothing else attached: no info, no EXIF, no profile."""
    return Image.frombytes("RGB", image.size, image.tobytes())


def _jpeg(image: Image.Image, longest_side: int, quality: int = 85) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def _cleaned(upload) -> Image.Image:
    return _pixels_only(_open(_read(upload)))


def photo_check(upload) -> Image.Image:
    """Check an uploaded file is a photo we take. Return its cleaned pixels, or raise ValidationError."""
    with DECODE_SLOTS:
        return _cleaned(upload)


# The photo files written inside the innermost `photo_files_removed_on_error` block, if any.
_written: ContextVar[list[str] | None] = ContextVar("photo_files_written", default=None)


def _photo_storage():
    return Photo._meta.get_field("image").storage


@contextlib.contextmanager
def photo_files_removed_on_error():
    """Delete again every photo file written inside this block if the block raises.

    Wrap a service that adds photos and then does more work (other photos, other rows), so a
    failure anywhere in it leaves no files behind once the database has forgotten their rows.
    Blocks can be nested: files written in an inner block that succeeds count in the outer one.
    """
    outer = _written.get()
    written: list[str] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        files_delete(_photo_storage(), written)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(written)


def _written_add(name: str) -> None:
    written = _written.get()
    if written is not None:
        written.append(name)


def photo_add(
    *, request: ServiceRequest, upload, event: RequestEvent | None = None, actor=None, is_public: bool = True
) -> Photo:
    """Store a cleaned display copy (at most 1,600 pixels) and thumbnail (400) of a photo of the request.

    Raises ValidationError, and stores nothing, if the file is not a JPEG, PNG, WebP or HEIC
    image, is over 10 MB, or is damaged. If anything fails after the files are written, they are
    deleted again (and so are they if a surrounding `photo_files_removed_on_error` block fails).
    A transaction rolled back later still leaves them: `photos_orphans_remove` deletes those.
    """
    if event is not None and event.request_id != request.pk:
        raise ValueError("The event belongs to another request.")
    with DECODE_SLOTS:
        pixels = _cleaned(upload)
        display, width, height = _jpeg(pixels, DISPLAY_SIZE)
        thumbnail, _, _ = _jpeg(pixels, THUMBNAIL_SIZE, quality=80)
        del pixels
    with photo_files_removed_on_error():
        return _photo_store(request, event, actor, is_public, display, thumbnail, width, height)


@transaction.atomic
def _photo_store(request, event, actor, is_public, display, thumbnail, width, height) -> Photo:
    # A random name: the resident's own file name can say who they are.
    name = uuid.uuid4().hex
    photo = Photo(request=request, event=event, width=width, height=height, is_public=is_public)
    photo.image.save(f"{name}.jpg", ContentFile(display), save=False)
    _written_add(photo.image.name)
    photo.thumbnail.save(f"{name}.jpg", ContentFile(thumbnail), save=False)
    _written_add(photo.thumbnail.name)
    photo.save()
    audit_record(
        actor=actor,
        action="service_requests.photo.add",
        instance=photo,
        council=request.council,
        changes={"request": request.reference, "width": width, "height": height},
    )
    return photo


@receiver(post_delete, sender=Photo)
def _photo_files_delete(sender, instance, **kwargs):
    """A deleted photo takes its files with it, once the deletion is committed (a rollback keeps both).

    Connected when this module is imported (the app's ready() does).
    """
    names = [instance.image.name, instance.thumbnail.name]
    files_delete_after_commit(_photo_storage(), names)


# The folder every stored photo (and its thumbnail) is under: see Photo.image's upload_to.
PHOTOS_FOLDER = "requests"


def photos_orphans_remove(*, now=None) -> int:
    """Delete photo files that no photo refers to and that are older than an hour (left by a
    report whose transaction rolled back, or a server stopped mid-upload). Return how many."""
    return orphan_files_remove(
        storage=_photo_storage(), folder=PHOTOS_FOLDER, model=Photo, fields=["image", "thumbnail"], now=now
    )


# Photos waiting in a resident's unsent report.

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PENDING_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


def pending_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "tmp"


def pending_token() -> str:
    return secrets.token_urlsafe(18)


def _pending_dir(token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise ValueError("Not a photo folder token.")
    return pending_root() / token


def pending_save(*, token: str, upload) -> str:
    """Check and clean an uploaded photo and keep it until the report is sent. Return its stored name."""
    with DECODE_SLOTS:
        pixels = _cleaned(upload)
        display, _, _ = _jpeg(pixels, DISPLAY_SIZE, quality=90)
        del pixels
    folder = _pending_dir(token)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.jpg"
    (folder / name).write_bytes(display)
    return name


def pending_path(*, token: str, name: str) -> Path | None:
    """The file of one waiting photo, or None if there is no such photo."""
    if not PENDING_NAME.match(name or ""):
        return None
    try:
        path = _pending_dir(token) / name
    except ValueError:
        return None
    return path if path.is_file() else None


def pending_remove(*, token: str, name: str) -> None:
    path = pending_path(token=token, name=name)
    if path is not None:
        path.unlink(missing_ok=True)


def pending_discard(token: str) -> None:
    """Remove a report's waiting photos (after it is sent, or abandoned)."""
    try:
        folder = _pending_dir(token)
    except ValueError:
        return
    shutil.rmtree(folder, ignore_errors=True)


def pending_prune(max_age_seconds: int | None = None) -> int:
    """Remove waiting photos of reports abandoned longer ago than a session lasts. Return how many folders."""
    max_age = max_age_seconds if max_age_seconds is not None else settings.SESSION_COOKIE_AGE
    root = pending_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age
    removed = 0
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
