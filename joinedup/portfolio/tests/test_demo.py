import pytest

from joinedup.core.demo import seed_demo
from joinedup.councils.models import Council
from joinedup.portfolio import selectors
from joinedup.portfolio.demo import seed_portfolio
from joinedup.portfolio.models import Proposal, Score, Stage, StatusReport, WeightSet

pytestmark = pytest.mark.django_db


def test_demo_roadmap_is_realistic_and_seeding_is_idempotent():
    seed_demo(password="demo-password-1234")
    counts = (Proposal.objects.count(), Score.objects.count(), StatusReport.objects.count())
    assert counts[0] == 7
    seed_portfolio()
    assert (Proposal.objects.count(), Score.objects.count(), StatusReport.objects.count()) == counts
    stages = set(Proposal.objects.values_list("stage", flat=True))
    assert {Stage.IDEA, Stage.VETTING, Stage.BUSINESS_CASE, Stage.APPROVED, Stage.DELIVERY, Stage.CLOSED} <= stages
    weights = WeightSet.objects.get()
    assert weights.consistency_ratio < 0.10
    boston = Council.objects.get(slug="boston")
    platform = Proposal.objects.get(title="Single customer platform for the partnership")
    assert [c.stage for c in platform.business_cases.all()] == ["SOC", "OBC", "FBC"]
    appraisal = selectors.preferred_appraisal(platform)
    assert appraisal.result.npsv > 0
    assert platform.depends_on.count() == 1
    assert Proposal.objects.filter(council=boston, stage__in=[Stage.DELIVERY, Stage.APPROVED]).exists()
    assert platform.challenges.exclude(answer="").exists()


def test_demo_gates_are_decided_by_the_board_member_and_frozen():
    from joinedup.portfolio.models import Challenge, GateDecision

    seed_demo(password="demo-password-1234")
    gates = GateDecision.objects.select_related("decided_by")
    assert gates.exists()
    assert {g.decided_by.email for g in gates} == {"board@example.org"}
    assert all(g.version_id for g in gates)
    # Every answer is signed by a person: no "Answer from None".
    assert not Challenge.objects.exclude(answer="").filter(answered_by__isnull=True).exists()
    revenues = Proposal.objects.get(title="Align revenues and benefits systems")
    assert revenues.case_route == "three_stage" and revenues.route_reason
