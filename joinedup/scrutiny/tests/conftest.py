import datetime

import pytest

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.scrutiny import services
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.models import CommitteeKind

D = datetime.date


@pytest.fixture
def officer(council):
    user = UserFactory(email="so@borchester.example.org", full_name="Sue Officer")
    grant(user, Role.SCRUTINY_OFFICER, council=council)
    return user


@pytest.fixture
def holder(council):
    user = UserFactory(email="holder@borchester.example.org", full_name="Cllr Holly Holder")
    grant(user, Role.PORTFOLIO_HOLDER, council=council)
    return user


@pytest.fixture
def committee(council, officer, scrutiny_member):
    committee = services.committee_create(
        actor=officer,
        owner=council,
        name="Overview and Scrutiny Committee",
        code="OSC",
        kind=CommitteeKind.COMMITTEE,
        takes_public_suggestions=True,
    )
    services.membership_add(actor=officer, committee=committee, user=scrutiny_member, start_date=D(2024, 5, 1))
    return committee


@pytest.fixture
def other_member(council):
    """A scrutiny member of the council who does not sit on the committee."""
    user = UserFactory(email="other.member@example.org")
    grant(user, Role.SCRUTINY_MEMBER, council=council)
    return user


@pytest.fixture
def report(committee, scrutiny_member):
    return tracker.report_create(
        actor=scrutiny_member, committee=committee, title="Closing the loop", agreed_on=D(2026, 9, 15)
    )
