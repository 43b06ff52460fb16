import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.notifications.models import Message
from joinedup.scrutiny import rules, services
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.models import CommitteeKind, EvidenceDocument, RecurringTopic, Topic, TopicStatus

D = datetime.date
pytestmark = pytest.mark.django_db


def test_only_scrutiny_officers_set_up_committees(council, scrutiny_member, staff_user, officer):
    for user in (scrutiny_member, staff_user):
        with pytest.raises(PermissionDenied):
            services.committee_create(actor=user, owner=council, name="X", code="X", kind=CommitteeKind.COMMITTEE)
    committee = services.committee_create(
        actor=officer, owner=council, name="Scrutiny", code="osc", kind=CommitteeKind.COMMITTEE
    )
    assert committee.code == "OSC"
    assert AuditEntry.objects.filter(action="scrutiny.committee.create", council=council).exists()


def test_a_joint_panel_belongs_to_the_partnership(partnership, council, officer):
    with pytest.raises(ValidationError):
        services.committee_create(actor=officer, owner=council, name="Joint", code="J", kind=CommitteeKind.JOINT_PANEL)
    panel = services.committee_create(
        actor=officer, owner=partnership, name="Joint", code="J", kind=CommitteeKind.JOINT_PANEL
    )
    assert panel.partnership == partnership and panel.council is None
    assert rules.can_manage(officer, partnership)


def test_terms_of_reference_are_kept_as_versions(committee, officer):
    first = services.terms_add(
        actor=officer, committee=committee, text="Version one", endorsed_on=D(2023, 5, 1), endorsed_by="Council"
    )
    second = services.terms_add(
        actor=officer, committee=committee, text="Version two", endorsed_on=D(2025, 5, 1), endorsed_by="Council"
    )
    assert (first.version, second.version) == (1, 2)
    assert [t.text for t in committee.terms.all()] == ["Version two", "Version one"]
    first.refresh_from_db()
    assert first.text == "Version one" and first.endorsed_on == D(2023, 5, 1)


def test_only_scrutiny_members_sit_on_a_committee(committee, officer, staff_user):
    with pytest.raises(ValidationError):
        services.membership_add(actor=officer, committee=committee, user=staff_user, start_date=D(2025, 1, 1))


def test_only_current_members_and_its_officer_edit_the_work_programme(
    council, committee, scrutiny_member, other_member, officer, holder, staff_user, administrator
):
    topic = services.topic_suggest(actor=scrutiny_member, committee=committee, title="Bins", description="Missed.")
    services.topic_suggest(actor=officer, committee=committee, title="Web", description="Access.", source="officer")
    for outsider in (other_member, holder, staff_user, administrator):
        assert rules.can_view(outsider, council)
        assert not rules.can_edit_committee(outsider, committee)
        with pytest.raises(PermissionDenied):
            services.topic_suggest(actor=outsider, committee=committee, title="T", description="D")
        with pytest.raises(PermissionDenied):
            services.topic_score(actor=outsider, topic=topic, scores=dict.fromkeys("TOPIC", 1))
    # A member whose seat has ended can no longer edit it.
    seat = committee.memberships.get(user=scrutiny_member)
    services.membership_end(actor=officer, membership=seat, end_date=D(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        services.topic_decide(actor=scrutiny_member, topic=topic, status=TopicStatus.ACCEPTED)


def test_a_named_scrutiny_officer_is_the_only_officer_who_edits(council, committee, officer):
    second = UserFactory(email="second.officer@example.org")
    grant(second, Role.SCRUTINY_OFFICER, council=council)
    assert rules.can_edit_committee(second, committee)  # the committee names no officer yet
    committee.scrutiny_officer = officer
    committee.save()
    assert rules.can_edit_committee(officer, committee)
    assert not rules.can_edit_committee(second, committee)


def test_scrutiny_officer_needs_two_factor_when_required(settings, council, committee, officer):
    settings.REQUIRE_STAFF_MFA = True
    assert not rules.can_manage(officer, council)
    assert not rules.can_edit_committee(officer, committee)


def test_topic_scores_with_topic_and_refuses_bad_scores(committee, scrutiny_member):
    topic = services.topic_suggest(actor=scrutiny_member, committee=committee, title="Bins", description="Missed.")
    with pytest.raises(ValidationError) as error:
        services.topic_score(actor=scrutiny_member, topic=topic, scores={"T": 2, "O": 3, "P": "x", "I": 1})
    assert set(error.value.message_dict) == {"score_O", "score_P", "score_C"}
    topic.refresh_from_db()
    assert topic.score_total is None
    services.topic_score(actor=scrutiny_member, topic=topic, scores={"T": 2, "O": 2, "P": 1, "I": 1, "C": 2})
    topic.refresh_from_db()
    assert (topic.score_total, topic.scheme_name) == (8, "TOPIC")


def test_scheduling_a_topic_to_another_committees_meeting_is_refused(council, committee, scrutiny_member, officer):
    other = services.committee_create(actor=officer, owner=council, name="Other", code="OT", kind="committee")
    meeting = services.meeting_create(actor=officer, committee=other, date=D(2027, 1, 1))
    topic = services.topic_suggest(actor=scrutiny_member, committee=committee, title="Bins", description="Missed.")
    with pytest.raises(ValidationError):
        services.topic_decide(actor=scrutiny_member, topic=topic, status=TopicStatus.SCHEDULED, meeting=meeting)
    own = services.meeting_create(actor=scrutiny_member, committee=committee, date=D(2027, 1, 1))
    services.topic_decide(actor=scrutiny_member, topic=topic, status=TopicStatus.ACCEPTED, meeting=own)
    topic.refresh_from_db()
    assert (topic.status, topic.meeting) == (TopicStatus.SCHEDULED, own)


def test_public_suggestion_goes_to_the_committee_taking_them(council, committee, outside_council):
    topic = services.topic_suggest_public(
        council=council, title="Potholes", description="Too many.", name="Ann", email="Ann@Example.org"
    )
    assert (topic.committee, topic.source, topic.suggester_email) == (committee, "public", "ann@example.org")
    with pytest.raises(ValidationError):
        services.topic_suggest_public(council=outside_council, title="X", description="Y")
    with pytest.raises(ValidationError):
        services.topic_suggest_public(council=council, title="", description="Y")


def test_evidence_documents_go_to_the_private_store(settings, committee, scrutiny_member):
    meeting = services.meeting_create(actor=scrutiny_member, committee=committee, date=D(2026, 9, 1))
    item = services.agenda_item_add(actor=scrutiny_member, meeting=meeting, title="ICT")
    evidence = services.evidence_add(
        actor=scrutiny_member,
        item=item,
        witness="Head of ICT",
        summary="Spoke about licences.",
        documents=[SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides", content_type="application/pdf")],
    )
    document = evidence.documents.get()
    assert document.original_name == "slides.pdf" and document.size == 15
    path = settings.PRIVATE_FILES_ROOT / document.file.name
    assert path.read_bytes() == b"%PDF-1.4 slides"
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        _ = document.file.url  # no web address serves the private store


def test_evidence_with_a_bad_file_saves_nothing(settings, committee, scrutiny_member):
    meeting = services.meeting_create(actor=scrutiny_member, committee=committee, date=D(2026, 9, 1))
    item = services.agenda_item_add(actor=scrutiny_member, meeting=meeting, title="ICT")
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=scrutiny_member,
            item=item,
            witness="Head of ICT",
            summary="Spoke.",
            documents=[
                SimpleUploadedFile("notes.pdf", b"%PDF ok", content_type="application/pdf"),
                SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
            ],
        )
    assert not item.evidence.exists()
    assert not EvidenceDocument.objects.exists()
    assert not list((settings.PRIVATE_FILES_ROOT).rglob("*.*"))


def test_recommendation_due_date_follows_9fe(report, scrutiny_member):
    rec = tracker.recommendation_add(
        actor=scrutiny_member, report=report, text="Tell residents.", received_on=D(2026, 12, 30)
    )
    assert rec.response_due_on == D(2027, 2, 28)
    tracker.recommendation_update(
        actor=scrutiny_member, recommendation=rec, text="Tell residents.", area="", received_on=D(2027, 1, 31)
    )
    rec.refresh_from_db()
    assert rec.response_due_on == D(2027, 3, 31)
    with pytest.raises(ValidationError):
        tracker.recommendation_add(actor=scrutiny_member, report=report, text="Early", received_on=D(2026, 1, 1))


def test_links_must_be_the_councils_own(report, scrutiny_member, outside_council):
    from joinedup.portfolio.tests.factories import make_proposal

    foreign = make_proposal(outside_council)
    with pytest.raises(ValidationError):
        tracker.recommendation_add(actor=scrutiny_member, report=report, text="X", proposals=[foreign])
    with pytest.raises(ValidationError):
        tracker.recommendation_add(actor=scrutiny_member, report=report, text="X", figures=["Made up"])


def test_response_needs_action_owner_and_target_unless_not_accepted(report, scrutiny_member, officer):
    rec = tracker.recommendation_add(actor=scrutiny_member, report=report, text="X", received_on=D(2026, 10, 1))
    with pytest.raises(PermissionDenied):  # members do not record the executive's response
        tracker.recommendation_respond(
            actor=scrutiny_member,
            recommendation=rec,
            response="not_accepted",
            response_text="No.",
            responded_on=D(2026, 11, 1),
        )
    with pytest.raises(ValidationError) as error:
        tracker.recommendation_respond(
            actor=officer, recommendation=rec, response="accepted", response_text="Yes.", responded_on=D(2026, 11, 1)
        )
    assert set(error.value.message_dict) == {"action", "action_owner", "target_date"}
    tracker.recommendation_respond(
        actor=officer,
        recommendation=rec,
        response="not_accepted",
        response_text="No: no money.",
        responded_on=D(2026, 11, 1),
    )
    with pytest.raises(ValidationError):  # progress only on accepted recommendations
        tracker.update_add(actor=officer, recommendation=rec, reported_on=D(2026, 12, 1), progress="x", rag="green")


def test_progress_and_sign_off(report, scrutiny_member, officer):
    rec = tracker.recommendation_add(actor=scrutiny_member, report=report, text="X", received_on=D(2026, 10, 1))
    with pytest.raises(ValidationError):
        tracker.recommendation_sign_off(actor=scrutiny_member, recommendation=rec, signed_off_on=D(2026, 12, 1))
    tracker.recommendation_respond(
        actor=officer,
        recommendation=rec,
        response="partly",
        response_text="In part.",
        responded_on=D(2026, 11, 1),
        action="Do it",
        action_owner="Head of Service",
        target_date=D(2027, 3, 31),
    )
    tracker.update_add(actor=officer, recommendation=rec, reported_on=D(2026, 11, 20), progress="Begun", rag="amber")
    tracker.update_add(actor=officer, recommendation=rec, reported_on=D(2026, 12, 1), progress="Done", rag="green")
    rec.refresh_from_db()
    assert rec.rag == "green"
    tracker.recommendation_sign_off(actor=scrutiny_member, recommendation=rec, signed_off_on=D(2026, 12, 2))
    with pytest.raises(ValidationError):
        tracker.update_add(actor=officer, recommendation=rec, reported_on=D(2026, 12, 3), progress="x", rag="red")


def test_overdue_response_tells_the_scrutiny_officer_once(report, scrutiny_member, officer):
    rec = tracker.recommendation_add(actor=scrutiny_member, report=report, text="X", received_on=D(2026, 9, 30))
    assert tracker.overdue_responses_notify(today=D(2026, 11, 30)) == 0  # due today: not overdue yet
    assert tracker.overdue_responses_notify(today=D(2026, 12, 1)) == 1
    assert tracker.overdue_responses_notify(today=D(2026, 12, 2)) == 0
    message = Message.objects.get(event="scrutiny.response_overdue")
    assert message.recipient == officer.email
    assert "30 November 2026" in message.body and rec.reference in message.subject
    assert f"/scrutiny/recommendations/{rec.pk}/" in message.body


def test_answered_recommendations_are_not_chased(report, scrutiny_member, officer):
    rec = tracker.recommendation_add(actor=scrutiny_member, report=report, text="X", received_on=D(2026, 9, 30))
    tracker.recommendation_respond(
        actor=officer, recommendation=rec, response="not_accepted", response_text="No.", responded_on=D(2026, 11, 1)
    )
    assert tracker.overdue_responses_notify(today=D(2027, 1, 1)) == 0


def test_recurring_topic_alternates_and_reminds_eight_weeks_before(partnership, council, officer):
    panel = services.committee_create(actor=officer, owner=partnership, name="Joint", code="J", kind="joint_panel")
    recurring = services.recurring_topic_create(
        actor=officer,
        committee=panel,
        title="Digital strategy",
        description="Full review",
        interim_title="Assurance item",
        interim_description="In the annual review",
        first_due=D(2025, 3, 1),
    )
    assert isinstance(recurring, RecurringTopic)
    assert recurring.next_occurrence(D(2026, 1, 1)) == (1, D(2026, 3, 1), False)
    assert recurring.next_occurrence(D(2026, 3, 2)) == (2, D(2027, 3, 1), True)
    # 8 weeks before 1 March 2027 is 4 January 2027.
    assert tracker.recurring_reminders_send(today=D(2027, 1, 3)) == 0
    assert tracker.recurring_reminders_send(today=D(2027, 1, 4)) == 1
    assert tracker.recurring_reminders_send(today=D(2027, 1, 5)) == 0
    topic = Topic.objects.get(recurring=recurring)
    assert (topic.title, topic.due_on, topic.status) == ("Digital strategy", D(2027, 3, 1), "accepted")
    message = Message.objects.get(event="scrutiny.topic_reminder")
    assert message.recipient == officer.email and "1 March 2027" in message.body
    # In the year between, the assurance item.
    tracker.recurring_reminders_send(today=D(2028, 1, 5))
    assert Topic.objects.get(recurring=recurring, due_on=D(2028, 3, 1)).title == "Assurance item"


def test_files_left_by_a_rolled_back_save_are_removed(settings, committee, scrutiny_member):
    import os
    import time

    from django.db import transaction

    meeting = services.meeting_create(actor=scrutiny_member, committee=committee, date=D(2026, 9, 1))
    item = services.agenda_item_add(actor=scrutiny_member, meeting=meeting, title="ICT")
    kept = services.evidence_add(
        actor=scrutiny_member,
        item=item,
        witness="Kept",
        summary="Kept.",
        documents=[SimpleUploadedFile("kept.txt", b"kept", content_type="text/plain")],
    ).documents.get()

    class Stop(Exception):
        pass

    with pytest.raises(Stop), transaction.atomic():
        services.evidence_add(
            actor=scrutiny_member,
            item=item,
            witness="Lost",
            summary="Rolled back after the file was written.",
            documents=[SimpleUploadedFile("lost.txt", b"lost", content_type="text/plain")],
        )
        raise Stop
    folder = settings.PRIVATE_FILES_ROOT / "scrutiny-evidence"
    assert len(list(folder.iterdir())) == 2
    assert services.orphan_files_clean() == 0  # younger than an hour: its transaction may be running
    hour_ago = time.time() - 2 * 3600
    for path in folder.iterdir():
        os.utime(path, (hour_ago, hour_ago))
    assert services.orphan_files_clean() == 1
    assert [p.name for p in folder.iterdir()] == [os.path.basename(kept.file.name)]


def test_the_command_runs_every_daily_job(committee, officer):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_scrutiny_reminders", stdout=out)
    text = out.getvalue()
    for line in ("Overdue-response messages queued: 0", "Portfolio holder packs queued:", "Orphaned files removed: 0"):
        assert line in text
    assert "Daily task scheduled." in text
    call_command("send_scrutiny_reminders", "--schedule-only", stdout=out)
    assert "already scheduled" in out.getvalue()


def test_a_council_scores_topics_with_its_own_scheme(council, committee, officer, scrutiny_member, outside_council):
    from joinedup.scrutiny.scoring import scheme_for

    with pytest.raises(PermissionDenied):
        services.scoring_scheme_create(
            actor=scrutiny_member, owner=council, name="X", criteria_text="A | a\nB | b", max_score=3, threshold=4
        )
    for text, field in [("A | a", "criteria"), ("A | a\nA | b", "criteria"), ("A a\nB | b", "criteria")]:
        with pytest.raises(ValidationError) as error:
            services.scoring_scheme_create(
                actor=officer, owner=council, name="X", criteria_text=text, max_score=3, threshold=4
            )
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.scoring_scheme_create(
            actor=officer, owner=council, name="X", criteria_text="A | a\nB | b", max_score=3, threshold=7
        )
    assert "threshold" in error.value.message_dict
    scheme = services.scoring_scheme_create(
        actor=officer,
        owner=council,
        name="Risk and value",
        criteria_text="r | Risk | How likely is harm?\nV | Value for money",
        max_score=3,
        threshold=4,
    )
    assert scheme.criteria == [
        {"code": "R", "label": "Risk", "hint": "How likely is harm?"},
        {"code": "V", "label": "Value for money", "hint": ""},
    ]
    old = services.topic_suggest(actor=scrutiny_member, committee=committee, title="Old", description="x")
    services.topic_score(actor=scrutiny_member, topic=old, scores=dict.fromkeys("TOPIC", 1))
    services.committee_scheme_set(actor=officer, committee=committee, scheme=scheme)
    assert scheme_for(committee).total_max == 6
    topic = services.topic_suggest(actor=scrutiny_member, committee=committee, title="New", description="x")
    services.topic_score(actor=scrutiny_member, topic=topic, scores={"R": 3, "V": 2})
    topic.refresh_from_db()
    old.refresh_from_db()
    assert (topic.score_total, topic.scheme_name) == (5, "Risk and value")
    assert (old.score_total, old.scheme_name) == (5, "TOPIC")
    other = services.committee_create(
        actor=None, owner=outside_council, name="Elsewhere", code="E", kind=CommitteeKind.COMMITTEE
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        services.committee_scheme_set(actor=officer, committee=other, scheme=scheme)
