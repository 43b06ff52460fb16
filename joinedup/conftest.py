import socket

import pytest

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.councils.tests.factories import CouncilFactory, PartnershipFactory, ServiceAreaFactory, WardFactory


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Borsetshire Partnership", slug="borsetshire")


@pytest.fixture
def council(partnership):
    """A partnership council, 'Borchester'."""
    return CouncilFactory(
        gss_code="E07000901",
        name="Borchester District Council",
        slug="borchester",
        short_name="BDC",
        partnership=partnership,
    )


@pytest.fixture
def partner_council(partnership):
    """Another council of the same partnership."""
    return CouncilFactory(
        gss_code="E07000902",
        name="Felpersham District Council",
        slug="felpersham",
        short_name="FDC",
        partnership=partnership,
    )


@pytest.fixture
def outside_council():
    """A council outside the partnership."""
    return CouncilFactory(gss_code="E06000903", name="Ambridge Council", slug="ambridge", short_name="AC")


@pytest.fixture
def staff_user(council):
    user = UserFactory(email="officer@borchester.example.org", full_name="Olive Officer")
    grant(user, Role.STAFF, council=council, service_areas=[ServiceAreaFactory(council=council, name="Waste")])
    return user


@pytest.fixture
def partnership_officer(partnership):
    user = UserFactory(email="partnership@example.org")
    grant(user, Role.PARTNERSHIP_OFFICER, partnership=partnership)
    return user


@pytest.fixture
def administrator():
    user = UserFactory(email="admin@example.org")
    grant(user, Role.ADMINISTRATOR)
    return user


@pytest.fixture
def councillor(council):
    user = UserFactory(email="cllr@example.org")
    grant(user, Role.COUNCILLOR, council=council, wards=[WardFactory(council=council)])
    return user


@pytest.fixture
def scrutiny_member(council):
    user = UserFactory(email="scrutiny@example.org")
    grant(user, Role.SCRUTINY_MEMBER, council=council)
    return user


@pytest.fixture
def resident():
    return UserFactory(email="resident@example.org")


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    """Files a test writes (photos, uploads waiting for confirmation) go to its own folder, never var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords quickly; the real hasher is Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; yields the list of messages it receives."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received = []

    class Collector:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collector(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture
def category(council):
    """A fly-tipping category at Borchester with two extra questions."""
    from joinedup.service_requests.models import QuestionKind
    from joinedup.service_requests.tests.factories import CategoryFactory, QuestionFactory

    category = CategoryFactory(
        council=council,
        name="Fly-tipping",
        slug="fly-tipping",
        allow_anonymous=True,
        service_area=ServiceAreaFactory(council=council, name="Street Scene"),
    )
    QuestionFactory(
        category=category,
        code="size",
        prompt="About how much is there?",
        required=True,
        kind=QuestionKind.SINGLE_CHOICE,
        choices=[
            {"value": "bag", "label": "A bag"},
            {"value": "van", "label": "A van load"},
            {"value": "asbestos", "label": "Asbestos", "stop_message": "Phone 01632 960 000 now."},
        ],
    )
    QuestionFactory(category=category, code="seen", prompt="When did you see it?", kind=QuestionKind.DATE)
    return category


@pytest.fixture
def restore_migrations():
    """For a test that migrates an app back and forth: afterwards, bring every app back to its
    latest migration, so the tests after it (in the same database) find every table."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
