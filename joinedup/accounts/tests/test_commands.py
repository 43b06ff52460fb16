import pytest
from django.core.management import CommandError, call_command

from joinedup.accounts import permissions
from joinedup.accounts.models import User
from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_grant_role_creates_the_account_and_scopes_the_role(council, capsys):
    ServiceAreaFactory(council=council, slug="waste")
    call_command(
        "grant_role",
        "New.Officer@Example.org",
        "staff",
        "--name",
        "New Officer",
        "--council",
        council.gss_code,
        "--service-area",
        "waste",
    )
    user = User.objects.get(email="new.officer@example.org")
    assert user.has_usable_password() is False
    assert permissions.can_view_staff_pages(user, council) is True
    assert "is now council staff" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="accounts.role.grant", actor_label="system: grant_role").exists()


def test_grant_role_gives_a_councillor_their_wards(council):
    ward = WardFactory(council=council)
    call_command(
        "grant_role",
        "cllr@example.org",
        "councillor",
        "--name",
        "A Councillor",
        "--council",
        council.gss_code,
        "--ward",
        ward.gss_code,
    )
    assert list(permissions.councillor_wards(User.objects.get(email="cllr@example.org"), council)) == [ward]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staff", "--name", "X"], "needs a council"),
        (["administrator", "--name", "X", "--council", "E07000901"], "takes no council"),
        (["partnership_officer", "--name", "X"], "needs a partnership"),
        (["staff", "--council", "E07000901"], "give the person's name"),
        (["staff", "--name", "X", "--council", "E07000000"], "No council has the ONS code"),
        (["staff", "--name", "X", "--council", "E07000901", "--service-area", "nope"], "Unknown service area"),
    ],
)
def test_grant_role_explains_what_is_wrong_and_saves_nothing(council, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", "x@example.org", *args)
    assert not User.objects.filter(email="x@example.org").exists()
