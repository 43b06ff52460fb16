import datetime

import pytest
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.software import services
from joinedup.software.models import SupplierCommitment
from joinedup.software.tests.factories import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(council):
    return make_contract(council, "BDC-1", end=datetime.date(2030, 3, 31))


def test_overdue_is_past_due_and_not_delivered(contract):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    pending = services.commitment_create(actor=None, contract=contract, description="Training", due_date=yesterday)
    delivered = services.commitment_create(
        actor=None, contract=contract, description="Health check", due_date=yesterday, status="delivered"
    )
    future = services.commitment_create(
        actor=None, contract=contract, description="Roadmap", due_date=timezone.localdate()
    )
    assert pending.overdue and not delivered.overdue and not future.overdue


def test_add_change_and_list_commitments(client, council, staff_user, contract):
    client.force_login(staff_user)
    base = f"/{council.slug}/staff/software/contracts/{contract.pk}/commitments/"
    response = client.post(f"{base}new/", {"description": "", "due_date": "2020-13-01", "status": "pending"})
    content = response.content.decode()
    assert "There is a problem" in content and "Enter what the supplier committed to" in content
    assert not SupplierCommitment.objects.exists()
    response = client.post(
        f"{base}new/", {"description": "Two free training days", "due_date": "2020-01-31", "status": "pending"}
    )
    assert response.status_code == 302
    commitment = SupplierCommitment.objects.get()
    content = client.get(base).content.decode()
    assert "Two free training days" in content and "Overdue" in content
    response = client.post(
        f"{base}{commitment.pk}/edit/",
        {"description": "Two free training days", "due_date": "2020-01-31", "status": "delivered"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "delivered"
    assert "Overdue" not in client.get(base).content.decode()
    assert AuditEntry.objects.filter(action="software.commitment.update").exists()
    assert "Supplier commitments" in client.get(f"/{council.slug}/staff/software/contracts/").content.decode()


def test_other_councils_cannot_see_or_change_them(client, council, partner_council, contract):
    commitment = services.commitment_create(actor=None, contract=contract, description="Training")
    other = UserFactory()
    grant(other, Role.STAFF, council=partner_council)
    client.force_login(other)
    base = f"/{council.slug}/staff/software/contracts/{contract.pk}/commitments/"
    assert client.get(base).status_code == 403
    assert client.get(f"/{partner_council.slug}/staff/software/contracts/{contract.pk}/commitments/").status_code == 404
    url = f"/{partner_council.slug}/staff/software/contracts/{contract.pk}/commitments/{commitment.pk}/edit/"
    assert client.get(url).status_code == 404
