"""Editing and retiring strategic objectives: versions, weights that add up, permissions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import CouncilFactory, PartnershipFactory
from joinedup.portfolio import selectors, services
from joinedup.portfolio.models import ObjectiveVersion, Score, StrategicObjective, WeightSet
from joinedup.portfolio.tests.factories import make_objectives, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy(council, partnership_officer):
    so1, so2, so3 = make_objectives(council, ("SO1", "SO2", "SO3"))
    services.weights_set_direct(
        actor=partnership_officer, council=council, weights={so1: "0.5", so2: "0.3", so3: "0.2"}
    )
    return so1, so2, so3


def test_new_objective_has_its_first_version(council, strategy):
    so1 = strategy[0]
    [version] = so1.versions.all()
    assert (version.version, version.code, version.title, version.is_active) == (1, "SO1", "Objective SO1", True)


def test_edit_keeps_the_old_wording_and_scores_keep_their_version(council, partnership_officer, staff_user, strategy):
    so1 = strategy[0]
    proposal = make_proposal(council, actor=staff_user)
    services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (4, "Fewer calls")})
    services.objective_update(
        actor=partnership_officer,
        council=council,
        objective=so1,
        code="so1",
        title="Residents can do more online, any time",
        note="Wording agreed by the board",
    )
    so1.refresh_from_db()
    assert so1.title == "Residents can do more online, any time"
    assert [v.version for v in so1.versions.all()] == [2, 1]
    assert so1.versions.get(version=1).title == "Objective SO1"
    old_score = Score.objects.get()
    assert old_score.objective_version.version == 1
    services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (5, "Now also out of hours")})
    assert Score.objects.order_by("-id").first().objective_version.version == 2
    assert AuditEntry.objects.filter(action="portfolio.objective.update").exists()


def test_edit_refuses_a_duplicate_code_and_no_change(council, partnership_officer, strategy):
    so1 = strategy[0]
    with pytest.raises(ValidationError) as error:
        services.objective_update(actor=partnership_officer, council=council, objective=so1, code="SO2", title="X")
    assert "There is already an objective SO2" in str(error.value)
    with pytest.raises(ValidationError, match="Nothing has changed"):
        services.objective_update(
            actor=partnership_officer, council=council, objective=so1, code="SO1", title="Objective SO1"
        )
    assert so1.versions.count() == 1


def test_retire_needs_weights_that_add_up_and_saves_nothing_otherwise(council, partnership_officer, strategy):
    so1, so2, so3 = strategy
    with pytest.raises(ValidationError, match="add up to 100%; they add up to 90.0%"):
        services.objective_retire(
            actor=partnership_officer,
            council=council,
            objective=so3,
            weights={so1: Decimal("0.6"), so2: Decimal("0.3")},
            note="Merged into SO1",
        )
    so3.refresh_from_db()
    assert so3.is_active
    assert so3.versions.count() == 1
    assert WeightSet.objects.count() == 1
    weight_set = services.objective_retire(
        actor=partnership_officer,
        council=council,
        objective=so3,
        weights={so1: Decimal("0.6"), so2: Decimal("0.4")},
        note="Merged into SO1",
    )
    so3.refresh_from_db()
    assert not so3.is_active
    assert so3.versions.first().is_active is False and so3.versions.first().note == "Merged into SO1"
    assert weight_set.version == 2
    assert {w.objective.code: w.weight for w in weight_set.weights.all()} == {
        "SO1": Decimal("0.6"),
        "SO2": Decimal("0.4"),
    }
    assert list(selectors.objectives(council=council)) == [so1, so2]


def test_retired_objective_cannot_be_scored_or_changed(council, partnership_officer, staff_user, strategy):
    so1, so2, so3 = strategy
    services.objective_retire(
        actor=partnership_officer,
        council=council,
        objective=so3,
        weights={so1: Decimal("0.5"), so2: Decimal("0.5")},
        note="No longer a priority",
    )
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(ValidationError, match="current objectives"):
        services.scores_record(actor=staff_user, proposal=proposal, scores={so3: (3, "x")})
    with pytest.raises(ValidationError, match="retired"):
        services.objective_update(actor=partnership_officer, council=council, objective=so3, code="SO3", title="Y")


def test_the_last_objective_cannot_be_retired(council, partnership_officer):
    (so1,) = make_objectives(council, ("SO1",))
    with pytest.raises(ValidationError, match="before retiring the last one"):
        services.objective_retire(actor=partnership_officer, council=council, objective=so1, weights={}, note="x")


def test_only_partnership_officers_change_partnership_objectives(council, staff_user, strategy):
    so1 = strategy[0]
    with pytest.raises(PermissionDenied):
        services.objective_update(actor=staff_user, council=council, objective=so1, code="SO1", title="Changed")
    other_officer = UserFactory(email="officer@elsewhere.example.org")
    grant(other_officer, Role.PARTNERSHIP_OFFICER, partnership=PartnershipFactory(name="Elsewhere", slug="elsewhere"))
    with pytest.raises(PermissionDenied):
        services.objective_update(actor=other_officer, council=council, objective=so1, code="SO1", title="Changed")


def test_a_council_outside_a_partnership_manages_its_own_objectives():
    lone = CouncilFactory(
        gss_code="E07000999", name="Loxley Council", slug="loxley", short_name="LOX", partnership=None
    )
    staff = UserFactory(email="staff@loxley.example.org")
    grant(staff, Role.STAFF, council=lone)
    member = UserFactory(email="member@loxley.example.org")
    grant(member, Role.SCRUTINY_MEMBER, council=lone)
    so1 = services.objective_create(actor=staff, council=lone, code="L1", title="Lower costs")
    services.objective_update(actor=staff, council=lone, objective=so1, code="L1", title="Lower running costs")
    assert so1.versions.count() == 2
    with pytest.raises(PermissionDenied):
        services.objective_update(actor=member, council=lone, objective=so1, code="L1", title="Other")


def test_another_strategys_objective_is_refused(council, partner_council, partnership_officer, strategy):
    lone = CouncilFactory(gss_code="E07000998", name="Other Council", slug="other", short_name="OTH", partnership=None)
    admin = UserFactory(email="admin2@example.org")
    grant(admin, Role.ADMINISTRATOR)
    with pytest.raises(ValidationError, match="does not belong"):
        services.objective_update(actor=admin, council=lone, objective=strategy[0], code="SO1", title="Hijack")


# Pages


def test_edit_page_shows_the_error_summary_and_saves_nothing(client, council, partnership_officer, strategy):
    so1 = strategy[0]
    client.force_login(partnership_officer)
    url = f"/{council.slug}/staff/portfolio/strategy/objectives/{so1.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Change objective SO1" in page and "Earlier versions of SO1" in page
    response = client.post(url, {"code": "SO2", "title": ""})
    body = response.content.decode()
    assert "There is a problem" in body and "Enter the objective" in body
    assert so1.versions.count() == 1
    response = client.post(url, {"code": "SO2", "title": "Something"})
    assert "There is already an objective SO2" in response.content.decode()
    response = client.post(url, {"code": "SO1", "title": "Residents can do more online", "note": "Clearer"})
    assert response.status_code == 302
    strategy_page = client.get(f"/{council.slug}/staff/portfolio/strategy/").content.decode()
    assert "Residents can do more online" in strategy_page and "History of the objectives" in strategy_page


def test_retire_page_prefills_shared_out_weights_and_checks_they_add_up(client, council, partnership_officer, strategy):
    so1, so2, so3 = strategy
    client.force_login(partnership_officer)
    url = f"/{council.slug}/staff/portfolio/strategy/objectives/{so3.pk}/retire/"
    page = client.get(url).content.decode()
    # 50 and 30 scaled up to make 100: 62.5 and 37.5.
    assert 'value="62.50"' in page and 'value="37.50"' in page
    response = client.post(url, {f"weight_{so1.pk}": "60", f"weight_{so2.pk}": "30", "note": "Merged"})
    body = response.content.decode()
    assert "There is a problem" in body and "they add up to 90.0%" in body
    response = client.post(url, {f"weight_{so1.pk}": "60", f"weight_{so2.pk}": "40", "note": ""})
    assert "Say why the objective is being retired" in response.content.decode()
    assert StrategicObjective.objects.get(pk=so3.pk).is_active
    response = client.post(url, {f"weight_{so1.pk}": "60", f"weight_{so2.pk}": "40", "note": "Merged into SO1"})
    assert response.status_code == 302
    assert not StrategicObjective.objects.get(pk=so3.pk).is_active
    assert ObjectiveVersion.objects.filter(objective=so3).count() == 2
    # Retired: the pages send you back to the strategy page.
    assert client.get(url).status_code == 302


def test_objective_pages_permissions(client, council, partner_council, staff_user, scrutiny_member, strategy):
    so1 = strategy[0]
    for user in (staff_user, scrutiny_member):
        client.force_login(user)
        for action in ("edit", "retire"):
            url = f"/{council.slug}/staff/portfolio/strategy/objectives/{so1.pk}/{action}/"
            assert client.get(url).status_code == 403
            assert client.post(url, {"code": "SO1", "title": "Changed", "note": "x"}).status_code == 403
    assert StrategicObjective.objects.get(pk=so1.pk).title == "Objective SO1"


def test_objective_of_another_strategy_is_not_found(client, partnership_officer, council, strategy):
    lone = CouncilFactory(
        gss_code="E07000997", name="Another Council", slug="another", short_name="ANO", partnership=None
    )
    admin = UserFactory(email="admin3@example.org")
    grant(admin, Role.ADMINISTRATOR)
    client.force_login(admin)
    url = f"/{lone.slug}/staff/portfolio/strategy/objectives/{strategy[0].pk}/edit/"
    assert client.get(url).status_code == 404
