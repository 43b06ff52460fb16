"""Categories, their extra questions and response templates: the services and the staff pages."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from joinedup.core.models import AuditEntry
from joinedup.councils.tests.factories import ServiceAreaFactory
from joinedup.service_requests import services
from joinedup.service_requests.forms_staff import choices_as_text, parse_choices
from joinedup.service_requests.models import Category, CategoryQuestion, Priority, ResponseTemplate, Status
from joinedup.service_requests.selectors import category_list
from joinedup.service_requests.services_categories import (
    category_save,
    question_delete,
    question_move,
    question_save,
    render_response,
    response_template_delete,
    response_template_save,
)
from joinedup.service_requests.tests.factories import CategoryFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def url(name, council, *args):
    return reverse(f"service_requests:{name}", args=[council.slug, *args])


@pytest.fixture
def area(council):
    return ServiceAreaFactory(council=council, name="Highways")


def new_category(actor, council, area, **overrides):
    values = {
        "name": "Pothole",
        "slug": "pothole",
        "group": "Roads and pavements",
        "service_area": area,
        "default_priority": Priority.NORMAL,
        "target_days_normal": 5,
    }
    values.update(overrides)
    return category_save(actor=actor, council=council, **values)


# Categories


def test_a_manager_adds_and_changes_a_category_and_it_is_audited(partnership_officer, council, area):
    category = new_category(partnership_officer, council, area, name="  Pothole ")
    assert (category.name, category.slug, category.council, category.target_days_normal) == (
        "Pothole",
        "pothole",
        council,
        5,
    )
    assert category.is_active
    entry = AuditEntry.objects.get(action="service_requests.category.create")
    assert entry.actor == partnership_officer and entry.council == council

    category_save(
        actor=partnership_officer,
        council=council,
        category=category,
        target_days_normal=8,
        notice="If it is dangerous, phone us.",
    )
    category.refresh_from_db()
    assert category.target_days_normal == 8
    changes = AuditEntry.objects.get(action="service_requests.category.update").changes
    assert changes["target_days_normal"] == {"from": 5, "to": 8}


def test_saving_an_unchanged_category_writes_no_audit_entry(administrator, council, area):
    category = new_category(administrator, council, area)
    category_save(actor=administrator, council=council, category=category, name="Pothole")
    assert not AuditEntry.objects.filter(action="service_requests.category.update").exists()


def test_deactivating_hides_a_category_from_residents_but_keeps_it_for_staff(administrator, council, area):
    category = new_category(administrator, council, area)
    category_save(actor=administrator, council=council, category=category, is_active=False)
    assert category not in category_list(council=council)
    assert category in category_list(council=council, include_inactive=True)


def test_only_managers_change_categories(
    staff_user, partnership_officer, administrator, council, area, outside_council
):
    with pytest.raises(PermissionDenied):
        new_category(staff_user, council, area)
    assert not Category.objects.exists()
    assert new_category(None, council, area, slug="by-system").pk  # a trusted system process
    assert new_category(administrator, council, area, slug="by-admin").pk
    assert new_category(partnership_officer, council, area, slug="by-officer").pk
    # A partnership officer manages only the councils of their partnership.
    other_area = ServiceAreaFactory(council=outside_council)
    with pytest.raises(PermissionDenied):
        new_category(partnership_officer, outside_council, other_area)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "fly-tipping"}, "slug", "already has a category with the short name 'fly-tipping'"),
        ({"slug": "not a slug!"}, "slug", "valid"),
        ({"name": ""}, "name", ""),
        ({"group": "   "}, "group", ""),
        ({"default_priority": "whenever"}, "default_priority", "Choose a priority"),
    ],
)
def test_category_validation(administrator, council, area, category, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        new_category(administrator, council, area, **overrides)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert Category.objects.filter(council=council).count() == 1


def test_a_category_uses_its_own_councils_service_area_and_keeps_its_short_name(
    administrator, council, partner_council, area
):
    with pytest.raises(ValidationError) as error:
        new_category(administrator, council, ServiceAreaFactory(council=partner_council))
    assert error.value.message_dict["service_area"] == ["Choose a service area of this council"]
    category = new_category(administrator, council, area)
    with pytest.raises(ValidationError) as error:
        category_save(actor=administrator, council=council, category=category, slug="roads")
    assert "cannot change" in error.value.message_dict["slug"][0]
    with pytest.raises(ValidationError):
        category_save(actor=administrator, council=partner_council, category=category, name="Moved")
    with pytest.raises(TypeError):
        category_save(actor=administrator, council=council, category=category, council_id=partner_council.pk)


# Questions


CHOICES = [
    {"value": "road", "label": "Road"},
    {"value": "pavement", "label": "Pavement"},
    {"value": "danger", "label": "It is dangerous now", "stop_message": "Phone 01632 960 000 now."},
]


def test_questions_are_added_in_order_with_choices_and_stop_messages(administrator, category):
    existing = category.questions.count()
    question = question_save(
        actor=administrator,
        category=category,
        code="where",
        prompt="Where is it?",
        kind="single_choice",
        required=True,
        choices=CHOICES,
    )
    assert question.order == existing
    assert question.choices[2] == {
        "value": "danger",
        "label": "It is dangerous now",
        "stop_message": "Phone 01632 960 000 now.",
    }
    assert "stop_message" not in question.choices[0]
    # The new question is asked, and its stop message stops a report.
    with pytest.raises(ValidationError) as error:
        services.request_create(
            council=category.council,
            category=category,
            description="Hole",
            location_text="High Street",
            answers={"size": "bag", "where": "danger"},
            anonymous=True,
        )
    assert error.value.message_dict["answers"] == ["Phone 01632 960 000 now."]
    assert AuditEntry.objects.filter(action="service_requests.question.create").count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "single_choice", "choices": []}, "choices", "at least 2 answers"),
        ({"kind": "multiple_choice", "choices": CHOICES[:1]}, "choices", "at least 2 answers"),
        ({"kind": "single_choice", "choices": [CHOICES[0], CHOICES[0]]}, "choices", "used more than once"),
        ({"kind": "single_choice", "choices": [{"value": "", "label": "x"}, CHOICES[1]]}, "choices", "needs a value"),
        ({"kind": "single_choice", "choices": [{"value": "a b", "label": "x"}, CHOICES[1]]}, "choices", "letters"),
        ({"kind": "text", "choices": CHOICES}, "choices", "Only 'Choose one' and 'Choose any'"),
        ({"kind": "colour"}, "kind", "Choose the type of answer"),
        ({"prompt": "  "}, "prompt", "Enter the question"),
        ({"code": ""}, "code", "Enter a code"),
        ({"code": "size"}, "code", "already has a question with the code 'size'"),
    ],
)
def test_question_validation(administrator, category, values, field, message):
    before = list(category.questions.values_list("code", flat=True))
    arguments = {"code": "new_one", "prompt": "A question?", "kind": "text", "choices": []}
    arguments.update(values)
    with pytest.raises(ValidationError) as error:
        question_save(actor=administrator, category=category, **arguments)
    assert message in " ".join(error.value.message_dict[field])
    assert list(category.questions.values_list("code", flat=True)) == before


def test_a_question_keeps_its_code_and_staff_cannot_change_questions(administrator, staff_user, category):
    question = category.questions.get(code="size")
    changed = question_save(
        actor=administrator,
        category=category,
        question=question,
        prompt="How much?",
        kind="single_choice",
        choices=CHOICES[:2],
        required=False,
    )
    assert (changed.prompt, changed.required, changed.code) == ("How much?", False, "size")
    with pytest.raises(ValidationError):
        question_save(actor=administrator, category=category, question=question, code="amount", prompt="x", kind="text")
    with pytest.raises(PermissionDenied):
        question_save(actor=staff_user, category=category, question=question, prompt="Hijacked", kind="text")
    with pytest.raises(PermissionDenied):
        question_delete(actor=staff_user, question=question)
    with pytest.raises(PermissionDenied):
        question_move(actor=staff_user, question=question, direction="down")
    other = QuestionFactory(category=CategoryFactory(council=category.council))
    with pytest.raises(ValidationError):
        question_save(actor=administrator, category=category, question=other, prompt="x", kind="text")


def test_questions_move_and_delete_keeps_the_order_tidy(administrator, category):
    third = question_save(actor=administrator, category=category, code="third", prompt="Third?", kind="text")
    codes = lambda: list(category.questions.order_by("order").values_list("code", flat=True))  # noqa: E731
    assert codes() == ["size", "seen", "third"]
    question_move(actor=administrator, question=third, direction="up")
    assert codes() == ["size", "third", "seen"]
    question_move(actor=administrator, question=category.questions.get(code="size"), direction="up")  # already first
    assert codes() == ["size", "third", "seen"]
    question_move(actor=administrator, question=category.questions.get(code="size"), direction="down")
    assert codes() == ["third", "size", "seen"]
    with pytest.raises(ValidationError):
        question_move(actor=administrator, question=third, direction="sideways")
    question_delete(actor=administrator, question=category.questions.get(code="size"))
    assert codes() == ["third", "seen"]
    assert list(category.questions.order_by("order").values_list("order", flat=True)) == [0, 1]
    assert AuditEntry.objects.filter(action="service_requests.question.delete").count() == 1


def test_choices_typed_one_per_line():
    text = "road|Road\npavement | Pavement \n\ndanger|It is dangerous now|Phone 01632 960 000 now.\nA van load"
    choices = parse_choices(text)
    assert choices == [
        {"value": "road", "label": "Road", "stop_message": ""},
        {"value": "pavement", "label": "Pavement", "stop_message": ""},
        {"value": "danger", "label": "It is dangerous now", "stop_message": "Phone 01632 960 000 now."},
        {"value": "a_van_load", "label": "A van load", "stop_message": ""},
    ]
    assert parse_choices(choices_as_text(CHOICES)) == [
        {**c, "stop_message": c.get("stop_message", "")} for c in CHOICES
    ]
    with pytest.raises(forms.ValidationError, match="Line 2 has more than 3 parts"):
        parse_choices("a|A\nb|B|stop|extra")
    with pytest.raises(forms.ValidationError, match="Line 1 needs a value and a label"):
        parse_choices("|Road")


# Response templates and rendering them


def test_render_response_fills_the_placeholders(council, category):
    from joinedup.service_requests.tests.factories import ServiceRequestFactory

    request = ServiceRequestFactory(council=council, category=category, number=42)
    text = "{reference}: {category} at {council_name}, by {expected_by}. {unknown} {not closed"
    assert render_response(text, request) == (
        f"BDC-000042: Fly-tipping at Borchester District Council, by {request.expected_by:%-d %B %Y}. "
        "{unknown} {not closed"
    )
    assert render_response("", request) == ""


def test_response_templates_are_saved_checked_and_audited(
    administrator, staff_user, council, partner_council, category
):
    template = response_template_save(
        actor=administrator,
        council=council,
        status=Status.FIXED,
        title=" Fixed ",
        text="We fixed {reference}.",
        category=category,
    )
    assert (template.title, template.category, template.council) == ("Fixed", category, council)
    response_template_save(
        actor=administrator,
        council=council,
        template=template,
        status=Status.FIXED,
        title="Fixed",
        text="All fixed: {reference}.",
    )
    template.refresh_from_db()
    assert template.text == "All fixed: {reference}." and template.category is None
    assert AuditEntry.objects.filter(action__startswith="service_requests.response_template").count() == 2

    with pytest.raises(ValidationError) as error:
        response_template_save(
            actor=administrator,
            council=council,
            status="sorted",
            title="",
            text="Hi {name}",
            category=CategoryFactory(council=partner_council),
        )
    assert set(error.value.message_dict) == {"status", "title", "text", "category"}
    assert "Remove {name}" in error.value.message_dict["text"][0]
    with pytest.raises(PermissionDenied):
        response_template_save(actor=staff_user, council=council, status=Status.FIXED, title="x", text="y")
    with pytest.raises(PermissionDenied):
        response_template_delete(actor=staff_user, template=template)
    with pytest.raises(ValidationError):
        response_template_save(
            actor=administrator, council=partner_council, template=template, status=Status.FIXED, title="x", text="y"
        )
    response_template_delete(actor=administrator, template=template)
    assert not ResponseTemplate.objects.exists()


# The pages


@pytest.fixture
def manager_client(client, partnership_officer):
    client.force_login(partnership_officer)
    return client


def test_staff_can_read_categories_but_not_change_them(client, staff_user, council, category):
    client.force_login(staff_user)
    listing = client.get(url("staff-categories", council))
    assert listing.status_code == 200
    assert "Fly-tipping" in listing.content.decode()
    assert "Add a category" not in listing.content.decode()
    detail = client.get(url("staff-category", council, category.pk))
    assert detail.status_code == 200
    assert "About how much is there?" in detail.content.decode()
    assert client.get(url("staff-templates", council)).status_code == 200
    question = category.questions.first()
    for page in (
        url("staff-category-create", council),
        url("staff-category-edit", council, category.pk),
        url("staff-question-create", council, category.pk),
        url("staff-question-edit", council, category.pk, question.pk),
        url("staff-question-delete", council, category.pk, question.pk),
        url("staff-template-create", council),
    ):
        assert client.get(page).status_code == 403, page
        assert client.post(page, {"name": "Hijacked"}).status_code == 403, page
    for page in (
        url("staff-category-active", council, category.pk),
        url("staff-question-move", council, category.pk, question.pk),
    ):
        assert client.post(page, {"active": "no", "direction": "down"}).status_code == 403, page
    category.refresh_from_db()
    assert category.is_active


def test_a_manager_adds_a_category_through_the_form(manager_client, council, area):
    page = manager_client.get(url("staff-category-create", council))
    assert page.status_code == 200
    response = manager_client.post(
        url("staff-category-create", council),
        {
            "name": "Pothole",
            "slug": "pothole",
            "group": "Roads and pavements",
            "service_area": area.pk,
            "default_priority": "normal",
            "target_days_urgent": 1,
            "target_days_high": 2,
            "target_days_normal": 10,
            "target_days_low": 20,
            "duplicate_radius_m": 100,
        },
    )
    category = Category.objects.get(council=council, slug="pothole")
    assert response.status_code == 302
    assert response["Location"] == url("staff-category", council, category.pk)
    assert category.duplicate_radius_m == 100

    again = manager_client.post(
        url("staff-category-create", council),
        {
            "name": "Pothole 2",
            "slug": "pothole",
            "group": "Roads",
            "service_area": area.pk,
            "default_priority": "normal",
            "target_days_urgent": 1,
            "target_days_high": 2,
            "target_days_normal": 10,
            "target_days_low": 20,
            "duplicate_radius_m": 100,
        },
    )
    assert again.status_code == 200
    assert "already has a category with the short name" in again.content.decode()
    assert "govuk-error-summary" in again.content.decode()

    edit = manager_client.get(url("staff-category-edit", council, category.pk))
    assert "slug" not in edit.context["form"].fields
    manager_client.post(url("staff-category-active", council, category.pk), {"active": "no"})
    category.refresh_from_db()
    assert not category.is_active
    manager_client.post(url("staff-category-active", council, category.pk), {"active": "yes"})
    category.refresh_from_db()
    assert category.is_active


def test_a_manager_manages_questions_through_the_forms(manager_client, council, category):
    response = manager_client.post(
        url("staff-question-create", council, category.pk),
        {
            "prompt": "Is anyone in danger?",
            "code": "danger",
            "kind": "single_choice",
            "required": "on",
            "choices": "no|No\nyes|Yes|Phone 999 now.",
        },
    )
    assert response.status_code == 302
    question = category.questions.get(code="danger")
    assert question.required and question.choices[1]["stop_message"] == "Phone 999 now."
    assert question.order == 2

    edit = manager_client.get(url("staff-question-edit", council, category.pk, question.pk))
    assert edit.context["form"].initial["choices"] == "no|No\nyes|Yes|Phone 999 now."
    bad = manager_client.post(
        url("staff-question-edit", council, category.pk, question.pk),
        {"prompt": "Is anyone in danger?", "kind": "single_choice", "choices": "only|One answer"},
    )
    assert "List at least 2 answers" in bad.content.decode()
    bad = manager_client.post(
        url("staff-question-edit", council, category.pk, question.pk),
        {"prompt": "Is anyone in danger?", "kind": "single_choice", "choices": "a|b|c|d"},
    )
    assert "Line 1 has more than 3 parts" in bad.content.decode()

    manager_client.post(url("staff-question-move", council, category.pk, question.pk), {"direction": "up"})
    assert list(category.questions.values_list("code", flat=True)) == ["size", "danger", "seen"]

    confirm = manager_client.get(url("staff-question-delete", council, category.pk, question.pk))
    assert "Remove the question" in confirm.content.decode()
    manager_client.post(url("staff-question-delete", council, category.pk, question.pk))
    assert not CategoryQuestion.objects.filter(pk=question.pk).exists()


def test_a_manager_manages_response_templates_through_the_forms(manager_client, council, category):
    response = manager_client.post(
        url("staff-template-create", council),
        {
            "title": "Booked",
            "status": Status.ACTION_SCHEDULED,
            "category": category.pk,
            "text": "We have booked {reference} for {expected_by}.",
        },
    )
    assert response.status_code == 302
    template = ResponseTemplate.objects.get(council=council)
    assert template.category == category
    listing = manager_client.get(url("staff-templates", council))
    assert "We have booked {reference} for {expected_by}." in listing.content.decode()

    bad = manager_client.post(
        url("staff-template-edit", council, template.pk),
        {"title": "Booked", "status": Status.ACTION_SCHEDULED, "category": "", "text": "Dear {first_name}"},
    )
    assert "Remove {first_name}" in bad.content.decode()
    manager_client.post(
        url("staff-template-edit", council, template.pk),
        {"title": "Booked", "status": Status.ACTION_SCHEDULED, "category": "", "text": "Booked."},
    )
    template.refresh_from_db()
    assert (template.text, template.category) == ("Booked.", None)
    manager_client.post(url("staff-template-delete", council, template.pk))
    assert not ResponseTemplate.objects.exists()
