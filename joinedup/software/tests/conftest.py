import pytest


@pytest.fixture
def private_files(settings):
    """The folder this test's uploaded files wait in (the root conftest puts it under tmp_path)."""
    return settings.PRIVATE_FILES_ROOT
