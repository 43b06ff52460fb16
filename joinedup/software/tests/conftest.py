import pytest


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Every software test keeps uploaded files in its own folder, never in var/."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT
