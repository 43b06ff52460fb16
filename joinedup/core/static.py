from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class GovukWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """Serve static files, and GOV.UK Frontend's fonts and images at `/assets/`.

    The prebuilt GOV.UK Frontend stylesheet refers to its fonts and images by the absolute
    path `/assets/...`, so they are served there as well as under STATIC_URL.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        collected = settings.STATIC_ROOT / "govuk" / "assets"
        source = settings.GOVUK_FRONTEND_DIR / "assets"
        for directory in (collected, source):
            if directory.is_dir():
                self.add_files(str(directory), prefix="assets/")
                break
