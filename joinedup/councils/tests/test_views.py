import pytest
from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.councils.models import ServiceArea
from joinedup.councils.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db


def test_council_pages_show_its_details(client, council):
    home = client.get(f"/{council.slug}/")
    assert "Borchester District Council" in home.text
    assert "01632 960 000" in home.text
    for page, heading in (
        ("accessibility", "Accessibility statement"),
        ("privacy", "Privacy notice"),
        ("cookies", "Cookies"),
        ("feedback", "Give feedback"),
    ):
        response = client.get(f"/{council.slug}/{page}/")
        assert response.status_code == 200
        assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in response.text
        assert "Borchester District Council" in response.text
        # The footer links to this council's own pages.
        assert f'href="/{council.slug}/privacy/"' in response.text


def test_settings_form_saves_through_the_service_and_shows_errors(client, partnership_officer, council):
    client.force_login(partnership_officer)
    url = reverse("councils:settings", args=[council.slug])
    data = {
        "name": council.name,
        "short_name": "BDC",
        "website_url": "borchester.gov.uk",
        "contact_email": "not-an-email",
        "contact_phone": "",
        "contact_address": "",
        "header_text": "",
        "brand_colour": "#00703c",
    }
    response = client.post(url, data)
    assert "There is a problem" in response.text
    assert 'href="#id_contact_email"' in response.text
    council.refresh_from_db()
    assert council.brand_colour == "#1d70b8"

    data["contact_email"] = "hello@borchester.example.org"
    response = client.post(url, data)
    assert response["Location"] == reverse("councils:staff-home", args=[council.slug])
    council.refresh_from_db()
    assert council.brand_colour == "#00703c"
    assert council.website_url == "https://borchester.gov.uk"
    entry = AuditEntry.objects.get(action="councils.council.update")
    assert entry.changes["brand_colour"] == {"from": "#1d70b8", "to": "#00703c"}


def test_service_area_can_be_added_and_changed(client, administrator, council):
    lead = UserFactory(full_name="Lena Lead")
    grant(lead, Role.STAFF, council=council)
    client.force_login(administrator)
    response = client.post(
        reverse("councils:service-area-create", args=[council.slug]),
        {"name": "Street Scene", "slug": "street-scene", "description": "", "email": "", "lead_officer": lead.pk},
    )
    assert response.status_code == 302
    area = ServiceArea.objects.get(council=council, slug="street-scene")
    assert area.lead_officer == lead

    response = client.post(
        reverse("councils:service-area-edit", args=[council.slug, area.pk]),
        {"name": "Street Scene and Parks", "description": "Parks too", "email": "", "lead_officer": ""},
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.lead_officer) == ("Street Scene and Parks", None)
    history = client.get(reverse("councils:history", args=[council.slug, "councils.servicearea", area.pk]))
    assert "councils.service_area.update" in history.text
    assert "Street Scene to Street Scene and Parks" in history.text
    assert "admin@example.org" in history.text


def test_service_area_form_errors_are_specific(client, administrator, council):
    ServiceAreaFactory(council=council, name="Waste", slug="waste")
    client.force_login(administrator)
    url = reverse("councils:service-area-create", args=[council.slug])
    response = client.post(url, {"name": "", "slug": "Not A Slug!"})
    assert 'href="#id_name">This field is required.</a>' in response.text
    assert 'href="#id_slug"' in response.text
    response = client.post(url, {"name": "Waste", "slug": "waste"})
    assert "There is a problem" in response.text
    assert ServiceArea.objects.filter(council=council).count() == 1


def test_lead_officer_choices_are_only_this_councils_staff(client, administrator, council, partner_council):
    outsider = UserFactory(full_name="Otto Outsider")
    grant(outsider, Role.STAFF, council=partner_council)
    client.force_login(administrator)
    page = client.get(reverse("councils:service-area-create", args=[council.slug]))
    assert "Otto Outsider" not in page.text
    response = client.post(
        reverse("councils:service-area-create", args=[council.slug]),
        {"name": "Parks", "slug": "parks", "lead_officer": outsider.pk},
    )
    assert "Select a valid choice" in response.text
