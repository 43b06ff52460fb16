"""Each role reaches its portfolio pages from "Your account", and no link leads to a 403."""

import pytest

from joinedup.core.account_links import links_for
from joinedup.portfolio.tests.factories import make_approver

pytestmark = pytest.mark.django_db


def test_board_members_and_members_reach_the_portfolio_and_its_questions(
    client, council, scrutiny_member, councillor, resident
):
    board = make_approver(council)
    for user in (board, scrutiny_member, councillor):
        urls = [link.url for _, links in links_for(user) for link in links if link.section == "Project portfolio"]
        assert urls == [f"/{council.slug}/staff/portfolio/", f"/{council.slug}/staff/portfolio/questions/"]
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    assert not [s for s, _ in links_for(resident) if s == "Project portfolio"]
