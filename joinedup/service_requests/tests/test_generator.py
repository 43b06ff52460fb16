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


def test_generated_requests_keep_their_generated_times(council):
    """On SQLite too (bulk_create would stamp "now"): made over two years, never updated before made."""
    import datetime

    from django.utils import timezone

    CategoryFactory(council=council)
    call_command("generate_requests", "--count", "300")
    now = timezone.now()
    rows = list(ServiceRequest.objects.values_list("created_at", "updated_at", "status_changed_at"))
    assert all(created <= changed and created <= updated <= now for created, updated, changed in rows)
    assert min(created for created, _, _ in rows) < now - datetime.timedelta(days=300)


@pytest.mark.django_db(transaction=True)
def test_the_request_counter_is_free_between_batches(council, monkeypatch):
    """A live report needs the council's counter: the generator holds it only to reserve a batch's
    numbers, so another connection can take it while a batch is being written."""
    from django.db import connection

    from joinedup.service_requests import generator

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    import psycopg

    CategoryFactory(council=council)
    monkeypatch.setattr(generator, "BATCH", 100)
    settings = connection.settings_dict
    free = []
    real_write = generator._requests_write

    def write_and_check(rows):
        with psycopg.connect(
            host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
        ) as other:
            locked = other.execute(
                "SELECT last_number FROM service_requests_requestcounter WHERE council_id = %s FOR UPDATE SKIP LOCKED",
                [council.pk],
            ).fetchall()
            free.append(bool(locked))
        real_write(rows)

    monkeypatch.setattr(generator, "_requests_write", write_and_check)
    generator.generate_requests(total=250, councils=[council])
    assert free == [True, True, True]
    assert sorted(ServiceRequest.objects.values_list("number", flat=True)) == list(range(1, 251))
    assert RequestCounter.objects.get(council=council).last_number == 250
