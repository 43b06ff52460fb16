import pytest

from joinedup.core.demo import seed_demo
from joinedup.councils.models import Council, Partnership
from joinedup.software.demo import seed_software
from joinedup.software.models import (
    Application,
    Assignment,
    Attestation,
    Contract,
    ReclaimRequest,
    UsageMonthly,
)
from joinedup.software.selectors import licence_position, partnership_duplication, renewal_calendar

pytestmark = pytest.mark.django_db


def test_demo_estates_are_realistic_and_seeding_is_idempotent():
    seed_demo(password="demo-password-1234")
    counts = (
        Application.objects.count(),
        Contract.objects.count(),
        Assignment.objects.count(),
        UsageMonthly.objects.count(),
        ReclaimRequest.objects.count(),
        Attestation.objects.count(),
    )
    assert seed_software() == 0
    assert (
        Application.objects.count(),
        Contract.objects.count(),
        Assignment.objects.count(),
        UsageMonthly.objects.count(),
        ReclaimRequest.objects.count(),
        Attestation.objects.count(),
    ) == counts
    for council in Council.objects.all():
        assert Application.objects.filter(council=council).count() >= 24
    boston = Council.objects.get(slug="boston")
    positions = {p.product.name: p for p in licence_position(council=boston)}
    assert positions["Office 365 E3"].reclaimable > 0 and positions["Office 365 E3"].yearly_saving > 0
    assert positions["Microsoft 365 F3"].over_deployed > 0
    groups = partnership_duplication(partnership=Partnership.objects.get())
    assert any(group.duplicated for group in groups)
    assert any(group.version_differences for group in groups)
    assert renewal_calendar(councils=list(Council.objects.filter(partnership__isnull=False)))


def test_demo_products_are_classified_by_service():
    seed_demo(password="demo-password-1234")
    groups = partnership_duplication(partnership=Partnership.objects.get(), by="service")
    planning = next(g for g in groups if g.category.identifier == 487)
    assert planning.duplicated and planning.single_product_saving is not None


def test_demo_has_reclaim_requests_and_an_attestation_campaign_in_each_state():
    seed_demo(password="demo-password-1234")
    boston = Council.objects.get(slug="boston")
    reclaims = set(ReclaimRequest.objects.filter(council=boston).values_list("status", flat=True))
    assert reclaims == {"open", "kept", "reclaimed"}
    kept = ReclaimRequest.objects.get(council=boston, status="kept")
    assert (
        kept.reason
        and not Assignment.objects.filter(
            council=boston,
            product=kept.product,
            person=ReclaimRequest.objects.get(council=boston, status="reclaimed").person,
        ).exists()
    )
    answers = set(Attestation.objects.filter(council=boston).values_list("status", flat=True))
    assert {"confirmed", "changes"} <= answers and len(answers) == 3
