import pytest
from django.contrib.auth.models import AnonymousUser

from joinedup.accounts import permissions
from joinedup.accounts.models import Role
from joinedup.councils.models import Council

pytestmark = pytest.mark.django_db


def test_staff_see_only_their_own_council(staff_user, council, partner_council, outside_council):
    assert list(permissions.staff_councils(staff_user)) == [council]
    assert permissions.can_view_staff_pages(staff_user, council) is True
    assert permissions.can_view_staff_pages(staff_user, partner_council) is False
    assert permissions.can_manage_council(staff_user, council) is False


def test_partnership_officer_sees_every_partner_council_and_none_outside(
    partnership_officer, council, partner_council, outside_council
):
    assert set(permissions.staff_councils(partnership_officer)) == {council, partner_council}
    assert permissions.can_view_staff_pages(partnership_officer, outside_council) is False
    assert permissions.can_manage_council(partnership_officer, council) is True
    assert permissions.can_manage_council(partnership_officer, outside_council) is False


def test_administrator_sees_and_manages_every_council(administrator, council, outside_council):
    assert set(permissions.staff_councils(administrator)) == set(Council.objects.all())
    assert permissions.can_manage_council(administrator, outside_council) is True


def test_councillor_has_their_wards_and_figures_but_no_back_office(councillor, council, partner_council):
    assert permissions.user_roles(councillor) == {"resident", "councillor"}
    assert permissions.councillor_wards(councillor, council).count() == 1
    assert permissions.councillor_wards(councillor, partner_council).count() == 0
    assert permissions.can_view_staff_pages(councillor, council) is False
    assert permissions.can_view_figures(councillor, council) is True


def test_scrutiny_member_reads_figures_for_their_council_only(scrutiny_member, council, partner_council):
    assert permissions.can_view_figures(scrutiny_member, council) is True
    assert permissions.can_view_figures(scrutiny_member, partner_council) is False
    assert permissions.can_view_staff_pages(scrutiny_member, council) is False
    assert permissions.can_manage_council(scrutiny_member, council) is False


def test_resident_and_anonymous_have_no_council_access(resident, council):
    for user in (resident, AnonymousUser(), None):
        assert permissions.staff_councils(user).count() == 0
        assert permissions.can_view_figures(user, council) is False
    assert permissions.user_roles(resident) == {"resident"}
    assert permissions.user_roles(AnonymousUser()) == set()


def test_inactive_user_loses_every_role(staff_user, council):
    staff_user.is_active = False
    staff_user.save()
    assert permissions.can_view_staff_pages(staff_user, council) is False


@pytest.mark.parametrize(
    ("role_fixture", "needs"),
    [
        ("staff_user", True),
        ("partnership_officer", True),
        ("administrator", True),
        ("councillor", False),
        ("scrutiny_member", False),
        ("resident", False),
    ],
)
def test_back_office_roles_need_mfa_when_required(request, settings, role_fixture, needs):
    user = request.getfixturevalue(role_fixture)
    settings.REQUIRE_STAFF_MFA = True
    assert permissions.needs_mfa(user) is needs
    settings.REQUIRE_STAFF_MFA = False
    assert permissions.needs_mfa(user) is False


def test_unverified_staff_have_no_access_while_mfa_is_required(settings, staff_user, council):
    settings.REQUIRE_STAFF_MFA = True
    staff_user.is_verified = lambda: False
    assert permissions.can_view_staff_pages(staff_user, council) is False
    staff_user.is_verified = lambda: True
    assert permissions.can_view_staff_pages(staff_user, council) is True


def test_role_values_match_the_documented_roles():
    assert {r.value for r in Role} == {
        "resident",
        "staff",
        "councillor",
        "partnership_officer",
        "scrutiny_member",
        "scrutiny_officer",
        "portfolio_holder",
        "portfolio_approver",
        "administrator",
    }


def test_new_council_roles_need_a_council_and_back_office_ones_need_two_factor(settings):
    from joinedup.accounts.models import BACK_OFFICE_ROLES, COUNCIL_ROLES

    for role in (Role.SCRUTINY_OFFICER, Role.PORTFOLIO_HOLDER, Role.PORTFOLIO_APPROVER):
        assert role in COUNCIL_ROLES
    assert Role.SCRUTINY_OFFICER in BACK_OFFICE_ROLES
    assert Role.PORTFOLIO_APPROVER in BACK_OFFICE_ROLES
    # A portfolio holder is an elected member, like a councillor: no back-office data by role alone.
    assert Role.PORTFOLIO_HOLDER not in BACK_OFFICE_ROLES
