"""The portfolio holder pack: the page and the monthly email say the same, each holder gets one a month."""

import datetime

import pytest
from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.councils.tests.factories import ServiceAreaFactory
from joinedup.notifications.models import Message
from joinedup.scrutiny import links, pack
from joinedup.scrutiny import services_tracker as tracker

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def waste_holder(council):
    user = UserFactory(email="waste.holder@example.org", full_name="Cllr Wendy Waste")
    grant(
        user, Role.PORTFOLIO_HOLDER, council=council, service_areas=[ServiceAreaFactory(council=council, name="Bins")]
    )
    return user


def test_pack_is_emailed_once_a_month_with_a_link(waste_holder, council):
    assert tracker.holder_packs_send(today=D(2026, 12, 1)) == 1
    assert tracker.holder_packs_send(today=D(2026, 12, 2)) == 0
    message = Message.objects.get(event="scrutiny.holder_pack")
    assert message.recipient == "waste.holder@example.org"
    assert "November 2026" in message.subject
    data = pack.pack(user=waste_holder, council=council, month=D(2026, 11, 1))
    assert pack.pack_text(data) in message.body  # the same figures as the page
    assert "Bins:" in message.body
    assert f"/{council.slug}/scrutiny/portfolio-holder-pack/?month=2026-11" in message.body
    assert tracker.holder_packs_send(today=D(2027, 1, 1)) == 1


def test_only_portfolio_holders_open_a_pack(client, council, waste_holder, scrutiny_member, staff_user):
    url = reverse("scrutiny:holder-pack", args=[council.slug])
    client.force_login(waste_holder)
    response = client.get(url, {"month": "2026-11"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Portfolio holder pack" in body and "Bins" in body
    assert any(link.url == url for link in links.account_links(waste_holder))
    for user in (scrutiny_member, staff_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert not any(link.url == url for link in links.account_links(user))
