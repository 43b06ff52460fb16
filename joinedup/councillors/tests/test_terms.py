"""Councillors who leave lose their access: an import can end the terms of those not in the file,
and a term that has ended by date no longer gives councillor access."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.councillors import access, services
from joinedup.councillors.models import Councillor
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory

pytestmark = pytest.mark.django_db

HEADER = "name,email,ward_code,party,term_start,term_end\n"
ANN_ONLY = (HEADER + "Ann Abbey,cllr.a@example.org,E05000001,Independent,2023-05-04,\n").encode()
ANN_AND_BEN = ANN_ONLY + b"Ben Bridge,cllr.b@example.org,E05000002,Independent,2023-05-04,\n"


def record(user):
    return Councillor.objects.get(user=user)


def has_role(user, council) -> bool:
    return RoleAssignment.objects.filter(user=user, role=Role.COUNCILLOR, council=council).exists()


def test_the_check_lists_current_councillors_not_in_the_file(council, ward_a, ward_b, cllr_a, cllr_b):
    Councillor.objects.create(
        council=council, name="Old Member", email="old@example.org", term_start="2019-05-02", term_end="2023-05-03"
    )
    result = services.councillors_check(council=council, data=ANN_ONLY)
    assert result.ok and [c.name for c in result.missing] == ["Ben Bridge"]  # not the one whose term ended
    assert services.councillors_check(council=council, data=ANN_AND_BEN).missing == []


def test_by_default_an_import_leaves_councillors_not_in_the_file_alone(council, ward_a, ward_b, cllr_a, cllr_b):
    result = services.councillors_import(actor=None, council=council, data=ANN_ONLY, source="test")
    assert [c.name for c in result.missing] == ["Ben Bridge"] and result.ended == 0
    assert record(cllr_b).term_end is None and has_role(cllr_b, council) and access.is_councillor(cllr_b, council)
    assert not AuditEntry.objects.filter(action="councillors.councillor.end_term").exists()


def test_ending_terms_sets_the_end_removes_the_role_and_is_audited(
    council, ward_a, ward_b, cllr_a, cllr_b, partnership_officer
):
    today = timezone.localdate()
    later = Councillor.objects.create(
        council=council,
        name="Cara Later",
        email="cara@example.org",
        term_start="2023-05-04",
        term_end=today + datetime.timedelta(days=30),
    )
    result = services.councillors_import(actor=partnership_officer, council=council, data=ANN_ONLY, end_missing=True)
    assert (result.unchanged, result.ended) == (1, 2)
    assert record(cllr_b).term_end == today and Councillor.objects.get(pk=later.pk).term_end == today
    assert not has_role(cllr_b, council) and User.objects.filter(pk=cllr_b.pk, is_active=True).exists()
    assert not access.is_councillor(cllr_b, council) and not permissions.councillor_wards(cllr_b, council).exists()
    assert record(cllr_a).term_end is None and has_role(cllr_a, council)  # Ann is in the file
    ended = AuditEntry.objects.filter(action="councillors.councillor.end_term")
    assert {e.object_repr for e in ended} == {"Ben Bridge", "Cara Later"}
    assert all(e.actor == partnership_officer and e.council == council for e in ended)
    revoked = AuditEntry.objects.get(action="accounts.role.revoke")
    assert revoked.object_id == str(cllr_b.pk) and revoked.changes["role"] == Role.COUNCILLOR


def test_a_term_that_already_ends_today_is_not_listed_again(council, ward_a, ward_b, cllr_a, cllr_b):
    """Ending terms twice changes nothing the second time: a term ending today ends by date."""
    services.councillors_import(actor=None, council=council, data=ANN_ONLY, end_missing=True)
    assert services.councillors_check(council=council, data=ANN_ONLY).missing == []
    again = services.councillors_import(actor=None, council=council, data=ANN_ONLY, end_missing=True)
    assert again.ended == 0 and AuditEntry.objects.filter(action="councillors.councillor.end_term").count() == 1


def test_ending_terms_is_all_or_nothing(council, ward_a, ward_b, cllr_a, cllr_b):
    bad = ANN_ONLY + b"Zed,not-an-email,E05000001,,2023-05-04,\n"
    with pytest.raises(services.ImportFailed):
        services.councillors_import(actor=None, council=council, data=bad, end_missing=True)
    assert record(cllr_b).term_end is None and has_role(cllr_b, council)
    # The list changed after the person checked the file: nothing is imported or ended.
    with pytest.raises(services.ImportFailed) as failure:
        services.councillors_import(actor=None, council=council, data=ANN_ONLY, end_missing=True, expected_missing=[])
    assert "has changed since you checked" in failure.value.result.errors[0].message
    assert record(cllr_b).term_end is None and has_role(cllr_b, council)


def test_a_councillor_added_back_later_gets_access_again(client, council, ward_a, ward_b, cllr_a, cllr_b):
    services.councillors_import(actor=None, council=council, data=ANN_ONLY, end_missing=True)
    client.force_login(cllr_b)
    dashboard = f"/{council.slug}/councillors/wards/{ward_b.gss_code}/"
    assert client.get(dashboard).status_code == 403
    result = services.councillors_import(actor=None, council=council, data=ANN_AND_BEN)
    assert result.updated == 1 and record(cllr_b).term_end is None and has_role(cllr_b, council)
    assert client.get(dashboard).status_code == 200


def test_a_term_that_ended_by_date_gives_no_access(client, council, ward_a, cllr_a, area):
    enquiry = services.enquiry_create(
        actor=cllr_a, council=council, service_area=area, subject="Bins", body="Missed.", resident_name="Priya Patel"
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Councillor.objects.filter(user=cllr_a).update(term_end=yesterday)
    assert has_role(cllr_a, council)  # the role is still there, but no longer counts
    assert not access.is_councillor(cllr_a, council) and not access.represents(cllr_a, ward_a)
    assert not permissions.can_view_figures(cllr_a, council)
    client.force_login(cllr_a)
    assert client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/").status_code == 403
    assert client.get(f"/{council.slug}/councillors/").status_code == 403
    assert client.get(f"/{council.slug}/councillors/enquiries/{enquiry.reference}/").status_code == 404
    page = client.get(f"/{council.slug}/wards/{ward_a.gss_code}/").content.decode()
    assert "Ann Abbey" not in page
    from joinedup.portfolio import rules as portfolio_rules

    assert not portfolio_rules.can_view_portfolio(cllr_a, council)
    # A term that ends today still counts today.
    Councillor.objects.filter(user=cllr_a).update(term_end=timezone.localdate())
    assert client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/").status_code == 200
    assert portfolio_rules.can_view_portfolio(cllr_a, council)


def test_a_role_given_without_a_record_on_the_list_still_counts(council, councillor):
    assert access.is_councillor(councillor, council)


def test_ending_terms_in_one_council_never_touches_another(council, partner_council, ward_a, ward_b, cllr_a, cllr_b):
    other_ward = WardFactory(council=partner_council, gss_code="E05000077")
    ServiceAreaFactory(council=partner_council)
    # Ben is a councillor in both councils; Olga only in the other one.
    grant(cllr_b, Role.COUNCILLOR, council=partner_council, wards=[other_ward])
    Councillor.objects.create(
        council=partner_council, name="Ben Bridge", email="cllr.b@example.org", user=cllr_b, term_start="2023-05-04"
    ).wards.add(other_ward)
    olga = UserFactory(email="olga@example.org")
    grant(olga, Role.COUNCILLOR, council=partner_council, wards=[other_ward])
    Councillor.objects.create(
        council=partner_council, name="Olga Other", email="olga@example.org", user=olga, term_start="2023-05-04"
    )
    result = services.councillors_import(actor=None, council=council, data=ANN_ONLY, end_missing=True)
    assert [c.name for c in result.missing] == ["Ben Bridge"] and result.ended == 1
    assert not access.is_councillor(cllr_b, council)
    assert access.is_councillor(cllr_b, partner_council) and access.represents(cllr_b, other_ward)
    assert Councillor.objects.get(council=partner_council, user=cllr_b).term_end is None
    assert has_role(cllr_b, partner_council) and has_role(olga, partner_council)
    assert Councillor.objects.get(user=olga).term_end is None
    # And a term ended in the other council by date leaves this council's access alone.
    services.councillors_import(actor=None, council=council, data=ANN_AND_BEN)
    Councillor.objects.filter(council=partner_council, user=cllr_b).update(term_end="2024-01-01")
    assert access.is_councillor(cllr_b, council) and not access.is_councillor(cllr_b, partner_council)


def test_the_command_ends_terms_only_with_the_flag(council, ward_a, ward_b, cllr_a, cllr_b, tmp_path, capsys):
    path = tmp_path / "councillors.csv"
    path.write_bytes(ANN_ONLY)
    call_command("import_councillors", str(path), council=council.slug, dry_run=True, end_missing=True)
    assert "these terms would end: Ben Bridge <cllr.b@example.org>" in capsys.readouterr().out
    call_command("import_councillors", str(path), council=council.slug)
    assert "use --end-missing" in capsys.readouterr().out
    assert record(cllr_b).term_end is None and has_role(cllr_b, council)
    call_command("import_councillors", str(path), council=council.slug, end_missing=True)
    out = capsys.readouterr().out
    assert "1 terms ended" in out and "Ben Bridge" in out
    assert record(cllr_b).term_end == timezone.localdate() and not has_role(cllr_b, council)
    assert AuditEntry.objects.filter(
        action="councillors.councillor.end_term", actor_label="system: import_councillors"
    ).exists()


def _upload(client, council, data):
    file = SimpleUploadedFile("councillors.csv", data, "text/csv")
    return client.post(f"/{council.slug}/staff/councillors/import/", {"file": file})


def test_the_import_page_names_the_missing_councillors_and_asks(
    client, council, ward_a, ward_b, cllr_a, cllr_b, partnership_officer
):
    client.force_login(partnership_officer)
    url = f"/{council.slug}/staff/councillors/import/"
    response = _upload(client, council, ANN_ONLY)
    page = response.content.decode()
    assert response.status_code == 200 and "Check the councillors not in the file" in page
    assert "Ben Bridge" in page and "cllr.b@example.org" in page
    assert 'value="no" checked' in page and 'value="yes" checked' not in page  # the default ends nothing
    assert not AuditEntry.objects.filter(action__startswith="councillors.councillor").exists()  # nothing yet
    checked = response.context["form"]["checked_file"].value()
    response = client.post(url, {"checked_file": checked, "end_terms": "no"})
    assert response.status_code == 302 and record(cllr_b).term_end is None and has_role(cllr_b, council)
    response = client.post(url, {"checked_file": checked, "end_terms": "yes"}, follow=True)
    assert "1 term ended" in response.content.decode()
    assert record(cllr_b).term_end == timezone.localdate() and not has_role(cllr_b, council)
    # Confirming the same check again: the list has changed, so nothing happens and they upload again.
    response = client.post(url, {"checked_file": checked, "end_terms": "yes"}, follow=True)
    assert "has changed since you checked" in response.content.decode()
    assert response.redirect_chain[-1][0] == url


def test_the_confirm_step_refuses_a_changed_file_or_no_choice(
    client, council, ward_a, ward_b, cllr_a, cllr_b, partnership_officer, staff_user
):
    client.force_login(partnership_officer)
    url = f"/{council.slug}/staff/councillors/import/"
    checked = _upload(client, council, ANN_ONLY).context["form"]["checked_file"].value()
    response = client.post(url, {"checked_file": checked + "x", "end_terms": "yes"}, follow=True)
    assert "could not be read" in response.content.decode() and has_role(cllr_b, council)
    response = client.post(url, {"checked_file": checked, "end_terms": "perhaps"})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert has_role(cllr_b, council)
    client.force_login(staff_user)
    assert client.post(url, {"checked_file": checked, "end_terms": "yes"}).status_code == 403
    assert has_role(cllr_b, council)


def test_a_file_with_everyone_in_it_is_imported_at_once(client, council, ward_a, ward_b, cllr_a, cllr_b, administrator):
    client.force_login(administrator)
    response = _upload(client, council, ANN_AND_BEN)
    assert response.status_code == 302


def test_a_former_councillor_hears_nothing_more(council, ward_a, ward_b, cllr_a, cllr_b, make_request, staff_user):
    from joinedup.councillors import digest
    from joinedup.councillors.models import DigestChoice
    from joinedup.notifications.models import Message
    from joinedup.service_requests import services as request_services
    from joinedup.service_requests.models import Status

    request = make_request(ward=ward_a)
    services.follow_start(actor=cllr_a, request=request)
    services.follow_start(actor=cllr_b, request=request)
    Councillor.objects.filter(user=cllr_b).update(term_end=timezone.localdate() - datetime.timedelta(days=1))
    request_services.request_status_change(actor=staff_user, request=request, to_status=Status.ACKNOWLEDGED)
    sent = Message.objects.filter(event="councillor.request_update").values_list("recipient", flat=True)
    assert list(sent) == [cllr_a.email]
    Councillor.objects.update(digest=DigestChoice.WEEKLY)
    assert digest.digests_send() == 1
    assert list(Message.objects.filter(event="councillor.digest").values_list("recipient", flat=True)) == [cllr_a.email]


def test_a_councillor_who_moves_ward_loses_the_old_wards_dashboard(client, council, ward_a, ward_b, cllr_a):
    moved = (HEADER + "Ann Abbey,cllr.a@example.org,E05000002,Independent,2023-05-04,\n").encode()
    result = services.councillors_import(actor=None, council=council, data=moved)
    assert result.updated == 1 and list(permissions.councillor_wards(cllr_a, council)) == [ward_b]
    assert AuditEntry.objects.get(action="accounts.role.wards_removed").changes["wards"] == ["E05000001"]
    client.force_login(cllr_a)
    assert client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/").status_code == 403
    assert client.get(f"/{council.slug}/councillors/wards/{ward_b.gss_code}/").status_code == 200
