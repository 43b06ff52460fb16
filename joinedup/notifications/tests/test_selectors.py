import pytest
from django.core.exceptions import PermissionDenied

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.notifications.selectors import messages_for

pytestmark = pytest.mark.django_db


def test_staff_see_the_messages_sent_about_a_record(staff_user, council, partner_council, queue):
    about = queue(obj=partner_council, recipient="a@example.org")
    queue(obj=council, recipient="b@example.org")
    queue(recipient="c@example.org")
    found = list(messages_for(user=staff_user, council=council, obj=partner_council))
    assert found == [about]


def test_only_the_councils_staff_see_its_messages(resident, council, partner_council):
    other_staff = UserFactory(email="officer@felpersham.example.org")
    grant(other_staff, Role.STAFF, council=partner_council)
    for user in (resident, other_staff, None):
        with pytest.raises(PermissionDenied):
            messages_for(user=user, council=council, obj=council)
