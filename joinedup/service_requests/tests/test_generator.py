import pytest
from django.core.management import CommandError, call_command

from joinedup.service_requests.models import EventKind, RequestCounter, RequestEvent, ServiceRequest
from joinedup.service_requests.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_generator_adds_numbered_requests_with_their_history(council, partner_council, capsys):
    CategoryFactory(council=council)
    CategoryFactory(council=partner_council)
    call_command("generate_requests", "--count", "301")
    assert ServiceRequest.objects.filter(council=council).count() == 151
    assert ServiceRequest.objects.filter(council=partner_council).count() == 150
    numbers = sorted(ServiceRequest.objects.filter(council=council).values_list("number", flat=True))
    assert numbers == list(range(1, 152))
    assert RequestCounter.objects.get(council=council).last_number == 151
    assert RequestEvent.objects.filter(kind=EventKind.CREATED).count() == 301
    call_command("generate_requests", "--count", "2", "--council", council.gss_code)
    assert ServiceRequest.objects.filter(council=council).order_by("-number").first().number == 153


def test_generator_needs_categories():
    with pytest.raises(CommandError, match="run seed_demo first"):
        call_command("generate_requests", "--count", "5")
