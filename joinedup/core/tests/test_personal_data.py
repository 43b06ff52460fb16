"""A subject access export holds everything about the person, from every app, and nothing about
anyone else; and every table with personal data has a finder, so a new one cannot be missed."""

import datetime
import json
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.audit import audit_record
from joinedup.core.personal_data import finders
from joinedup.councillors.models import Councillor, EnquiryMessage, Follow, MemberEnquiry
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory
from joinedup.notifications.models import Message
from joinedup.service_requests.models import Subscription
from joinedup.service_requests.tests.factories import ServiceRequestFactory
from joinedup.software.models import Assignment, ReclaimRequest
from joinedup.software.tests.factories import make_product, make_usage

pytestmark = pytest.mark.django_db

EMAIL = "rosa.resident@example.org"
PHONE = "07700900982"


@pytest.fixture
def everywhere(council):
    """Rosa, present in every table that holds personal data; and Someone Else beside her."""
    rosa = UserFactory(email=EMAIL, full_name="Rosa Resident", phone=PHONE)
    grant(rosa, Role.COUNCILLOR, council=council, wards=[WardFactory(council=council)])
    other = UserFactory(email="someone.else@example.org", full_name="Someone Else")
    reported = ServiceRequestFactory(
        council=council, reporter=rosa, reporter_name="Rosa Resident", reporter_email=EMAIL, reporter_phone=PHONE
    )
    ServiceRequestFactory(council=council, reporter=other, reporter_name="Someone Else", reporter_email=other.email)
    followed = ServiceRequestFactory(council=council, reporter_name="Someone Else", reporter_email=other.email)
    Subscription.objects.create(request=followed, email=EMAIL, contact_preference="email")
    Message.objects.create(
        council=council,
        event="request.submitted",
        channel="email",
        recipient=EMAIL,
        subject="Thanks",
        body="Got it",
        dedupe_key="sar-1",
    )
    Message.objects.create(
        council=council,
        event="request.submitted",
        channel="email",
        recipient=other.email,
        subject="Thanks",
        body="For Someone Else",
        dedupe_key="sar-2",
    )
    area = ServiceAreaFactory(council=council)
    councillor = UserFactory(email="cllr.jones@example.org", full_name="Cllr Jones")
    enquiry = MemberEnquiry.objects.create(
        council=council,
        number=1,
        councillor=councillor,
        service_area=area,
        subject="Bins missed",
        resident_name="Rosa Resident",
        resident_email=EMAIL,
        resident_phone=PHONE,
        resident_address="1 Market Place, Borchester",
        due_by=datetime.date(2026, 12, 10),
    )
    EnquiryMessage.objects.create(
        enquiry=enquiry, author=councillor, from_council=False, body="Rosa's bins were missed"
    )
    record = Councillor.objects.create(
        council=council, name="Rosa Resident", email=EMAIL, term_start=datetime.date(2024, 5, 2), user=rosa
    )
    Follow.objects.create(council=council, request=followed, user=rosa)
    product = make_product(council, "Salesforce", publisher="Salesforce")
    Assignment.objects.create(council=council, product=product, person=EMAIL)
    make_usage(council, product, EMAIL, datetime.date(2026, 11, 2))
    ReclaimRequest.objects.create(council=council, product=product, person=EMAIL, due_date=datetime.date(2026, 12, 1))
    audit_record(actor=rosa, action="councillors.follow", instance=followed, council=council, source="web")
    audit_record(actor=None, action="service_requests.request.status", instance=reported, council=council)
    audit_record(actor=None, action="councillors.councillor.import", instance=record, council=council)
    audit_record(actor=None, action="service_requests.request.status", instance=followed, council=council)
    now = timezone.now()
    AccessLog.objects.create(username=EMAIL, ip_address="192.0.2.1", user_agent="Firefox", attempt_time=now)
    AccessFailureLog.objects.create(username=EMAIL, ip_address="192.0.2.1", user_agent="Firefox", attempt_time=now)
    AccessAttempt.objects.create(
        username=EMAIL, ip_address="192.0.2.1", user_agent="Firefox", failures_since_start=2, get_data="", post_data=""
    )
    AccessLog.objects.create(username=other.email, ip_address="192.0.2.9", user_agent="Edge", attempt_time=now)
    return {"rosa": rosa, "reported": reported, "followed": followed, "enquiry": enquiry}


def test_a_person_in_every_table_is_found_in_every_section(everywhere, tmp_path):
    from joinedup.scrutiny.models import Committee, Topic

    committee = Committee.objects.create(
        council=everywhere["reported"].council, name="Overview and Scrutiny", code="OSC", kind="committee"
    )
    Topic.objects.create(
        committee=committee,
        title="Bin collections",
        description="Why are bins missed?",
        source="public",
        suggester_name="Rosa Resident",
        suggester_email=EMAIL,
    )
    output = tmp_path / "sar.json"
    call_command("export_resident_data", "--email", EMAIL.upper(), "--phone", "07700 900982", "--output", str(output))
    text = output.read_text()
    data = json.loads(text)

    assert data["account"]["full_name"] == "Rosa Resident"
    assert [r["reference"] for r in data["requests_reported"]] == [everywhere["reported"].reference]
    assert [r["reference"] for r in data["requests_followed"]] == [everywhere["followed"].reference]
    assert [m["to"] for m in data["messages_sent_to_you"]] == [EMAIL]
    [enquiry] = data["member_enquiries_about_you"]
    assert enquiry["resident_address"] == "1 Market Place, Borchester"
    assert enquiry["messages"][0]["text"] == "Rosa's bins were missed"
    assert [f["reference"] for f in data["requests_you_follow_as_a_councillor"]] == [everywhere["followed"].reference]
    assert data["your_record_as_a_councillor"][0]["email"] == EMAIL
    software = data["software_licences_and_usage"]
    assert [row["product"] for row in software["licences"]] == ["Salesforce"]
    assert software["usage"][0]["month"] == "2026-11-01"
    assert software["reclaim_requests"][0]["status"] == "Waiting for the owner"
    assert [t["title"] for t in data["scrutiny_topics_you_suggested"]] == ["Bin collections"]
    actions = sorted(entry["action"] for entry in data["audit_trail"])
    # Her own action, the entry about her request and the one about her councillor record; not
    # the status change of someone else's request (which she follows, but which is not about her).
    assert actions == ["councillors.councillor.import", "councillors.follow", "service_requests.request.status"]
    assert sorted(row["outcome"] for row in data["sign_in_records"]) == [
        "2 failed attempts in a row (lock-out count)",
        "signed in",
        "wrong password",
    ]
    # Every registered section is in the export, and each found her.
    for section in finders():
        assert data[section], f"{section} is empty"
    assert "Someone Else" not in text and "someone.else@example.org" not in text and "192.0.2.9" not in text


def test_nothing_is_found_for_a_stranger(everywhere):
    from joinedup.service_requests.privacy import resident_data

    data = resident_data(email="stranger@example.org")
    assert data["account"] is None
    assert data["audit_trail"] == [] and data["sign_in_records"] == []
    for section in finders():
        found = data[section]
        values = found.values() if isinstance(found, dict) else [found]
        assert all(value == [] for value in values), section


# Columns that name, locate or contact a person. A model with one must be searched by a finder
# (or be listed below as holding no personal data, with the reason).
PERSONAL = re.compile(r"email|phone|address|person|resident|reporter|recipient|suggester|username|user_agent")
FOUND_BY = {
    "accounts.User": "account",
    "axes.AccessAttempt": "sign_in_records",
    "axes.AccessFailureLog": "sign_in_records",
    "axes.AccessLog": "sign_in_records",
    "notifications.Message": "messages_sent_to_you",
    "service_requests.ServiceRequest": "requests_reported",
    "service_requests.Subscription": "requests_followed",
    "councillors.MemberEnquiry": "member_enquiries_about_you",
    "councillors.Councillor": "your_record_as_a_councillor",
    "software.Assignment": "software_licences_and_usage",
    "software.UsageMonthly": "software_licences_and_usage",
    "software.ReclaimRequest": "software_licences_and_usage",
    "software.ReclaimExclusion": "software_licences_and_usage",
    "scrutiny.Topic": "scrutiny_topics_you_suggested",
}
NOT_PERSONAL = {
    # A council's and a service area's published contact details belong to the organisation.
    "councils.Council": "the council's own published contact details",
    "councils.ServiceArea": "a team's shared mailbox",
}


def test_every_table_with_personal_data_is_searched_by_the_export():
    sections = {"account", "sign_in_records", "audit_trail", *finders()}
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if not f.is_relation
            and PERSONAL.search(f.name)
            and f.get_internal_type() in {"CharField", "EmailField", "TextField"}
        ]
        if not columns or label in NOT_PERSONAL:
            continue
        if FOUND_BY.get(label) not in sections:
            missing.append(f"{label} ({', '.join(columns)})")
    assert not missing, (
        "These tables hold personal data but no subject access finder searches them; add one to "
        f"the app's personal_data.py and to FOUND_BY: {'; '.join(missing)}"
    )
