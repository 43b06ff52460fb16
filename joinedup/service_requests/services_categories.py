"""
Writes to a council's categories, their extra questions and its response templates.

Managers (administrators and the council's partnership officers) change them; `actor` None is
a trusted system process (the demo seed, a command). Every write is checked, audited and
atomic, like the request services in services.py.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record, field_changes
from joinedup.service_requests.models import (
    Category,
    CategoryQuestion,
    Priority,
    QuestionKind,
    ResponseTemplate,
    ServiceRequest,
    Status,
)

CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
CATEGORY_FIELDS = {
    "name",
    "slug",
    "group",
    "description",
    "service_area",
    "default_priority",
    "target_days_urgent",
    "target_days_high",
    "target_days_normal",
    "target_days_low",
    "allow_anonymous",
    "notice",
    "duplicate_radius_m",
    "is_active",
}

# The placeholders a response template may use, and what each is replaced by.
PLACEHOLDERS = {
    "reference": "the request's reference, like BBC-000123",
    "expected_by": "the date we aim to deal with it by, like 5 December 2026",
    "category": "the kind of problem, like Fly-tipping",
    "council_name": "the council's name",
}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _require_manager(actor, council):
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can change categories and response templates.",
        )


def _full_clean(instance, **kwargs):
    """Run the model's checks, turning its wording into plain English where Django's is not."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


# Categories


@transaction.atomic
def category_save(*, actor, council, category: Category | None = None, source: str = "", **values) -> Category:
    """Add a category to the council (category None) or change one of its categories.

    `values` are Category fields. The short name (slug) is also the Open311 service code, so it
    cannot change once the category exists. Deactivate a category with is_active=False: its
    requests keep it, but residents can no longer choose it.
    """
    _require_manager(actor, council)
    unknown = set(values) - CATEGORY_FIELDS
    if unknown:
        raise TypeError(f"category_save() got unexpected fields: {', '.join(sorted(unknown))}")
    if category is not None and category.council_id != council.id:
        raise ValidationError("That category belongs to another council.")
    errors = {}
    area = values.get("service_area")
    if area is not None and area.council_id != council.id:
        errors["service_area"] = ["Choose a service area of this council"]
    if "default_priority" in values and values["default_priority"] not in Priority.values:
        errors["default_priority"] = ["Choose a priority"]
    for name in ("name", "group", "description", "notice"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if category is None:
        slug = (values.get("slug") or "").strip().lower()
        values["slug"] = slug
        if slug and Category.objects.filter(council=council, slug=slug).exists():
            errors["slug"] = [f"This council already has a category with the short name '{slug}'"]
    elif "slug" in values and values["slug"] != category.slug:
        errors["slug"] = ["The short name cannot change: other systems use it as the service code"]
    if errors:
        raise ValidationError(errors)

    if category is None:
        category = Category(council=council, **values)
        changes = {name: {"from": None, "to": value} for name, value in values.items()}
        action = "service_requests.category.create"
    else:
        category = Category.objects.select_for_update().get(pk=category.pk)
        changes = field_changes(category, values)
        for name, value in values.items():
            setattr(category, name, value)
        action = "service_requests.category.update"
    _full_clean(category, validate_constraints=False)
    if not changes and category.pk:
        return category
    category.save()
    audit_record(actor=actor, action=action, instance=category, council=council, changes=changes, source=source)
    return category


# Questions


def _clean_choices(kind: str, choices) -> list[dict]:
    """Check a question's choices: a list of {"value", "label", "stop_message"}."""
    if kind not in CHOICE_KINDS:
        if choices:
            raise ValidationError({"choices": ["Only 'Choose one' and 'Choose any' questions have answers to list"]})
        return []
    cleaned, seen = [], set()
    for number, choice in enumerate(choices or [], start=1):
        value = str(choice.get("value", "")).strip()
        label = str(choice.get("label", "")).strip()
        stop = str(choice.get("stop_message", "")).strip()
        if not value or not label:
            raise ValidationError({"choices": [f"Answer {number} needs a value and a label"]})
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,60}", value):
            raise ValidationError(
                {"choices": [f"The value of answer {number} can only use letters, numbers, hyphens and underscores"]}
            )
        if value in seen:
            raise ValidationError({"choices": [f"The value '{value}' is used more than once"]})
        if len(label) > 200 or len(stop) > 500:
            raise ValidationError({"choices": [f"Answer {number} is too long"]})
        seen.add(value)
        cleaned.append({"value": value, "label": label, **({"stop_message": stop} if stop else {})})
    if len(cleaned) < 2:
        raise ValidationError({"choices": ["List at least 2 answers to choose from"]})
    return cleaned


@transaction.atomic
def question_save(
    *,
    actor,
    category: Category,
    question: CategoryQuestion | None = None,
    prompt: str,
    kind: str,
    required: bool = False,
    hint: str = "",
    choices: list | None = None,
    code: str | None = None,
) -> CategoryQuestion:
    """Add an extra question to a category (question None) or change one.

    The code is also the Open311 attribute code and the key of stored answers, so it cannot
    change once the question exists. New questions go last; reorder them with question_move.
    """
    _require_manager(actor, category.council)
    errors = {}
    if kind not in QuestionKind.values:
        errors["kind"] = ["Choose the type of answer"]
    prompt, hint = (prompt or "").strip(), (hint or "").strip()
    if not prompt:
        errors["prompt"] = ["Enter the question"]
    if question is not None and question.category_id != category.pk:
        raise ValidationError("That question belongs to another category.")
    if question is None:
        code = (code or "").strip().lower()
        if not code:
            errors["code"] = ["Enter a code for the question"]
        elif category.questions.filter(code=code).exists():
            errors["code"] = [f"This category already has a question with the code '{code}'"]
    elif code is not None and code != question.code:
        errors["code"] = ["The code cannot change: stored answers and other systems use it"]
    if not errors.get("kind"):
        try:
            choices = _clean_choices(kind, choices or [])
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    values = {"prompt": prompt, "hint": hint, "kind": kind, "required": bool(required), "choices": choices}
    if question is None:
        question = CategoryQuestion(category=category, code=code, order=len(_renumber(category)), **values)
        changes = {"code": code, **values}
        action = "service_requests.question.create"
    else:
        question = CategoryQuestion.objects.select_for_update().get(pk=question.pk)
        changes = field_changes(question, values)
        for name, value in values.items():
            setattr(question, name, value)
        action = "service_requests.question.update"
    _full_clean(question, validate_constraints=False)
    question.save()
    audit_record(
        actor=actor,
        action=action,
        instance=category,
        council=category.council,
        changes={"question": question.code, **changes},
    )
    return question


@transaction.atomic
def question_delete(*, actor, question: CategoryQuestion) -> None:
    """Remove a question. Answers already given to it stay on the requests that have them."""
    category = question.category
    _require_manager(actor, category.council)
    code, prompt = question.code, question.prompt
    question.delete()
    _renumber(category)
    audit_record(
        actor=actor,
        action="service_requests.question.delete",
        instance=category,
        council=category.council,
        changes={"question": code, "prompt": prompt},
    )


def _renumber(category: Category) -> list[CategoryQuestion]:
    questions = list(category.questions.select_for_update().order_by("order", "id"))
    for number, question in enumerate(questions):
        if question.order != number:
            question.order = number
            question.save(update_fields=["order", "updated_at"])
    return questions


@transaction.atomic
def question_move(*, actor, question: CategoryQuestion, direction: str) -> CategoryQuestion:
    """Move a question one place "up" (asked earlier) or "down" (asked later)."""
    category = question.category
    _require_manager(actor, category.council)
    if direction not in ("up", "down"):
        raise ValidationError("Choose whether to move the question up or down")
    questions = _renumber(category)
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(questions):
        return questions[index]
    first, second = questions[index], questions[other]
    first.order, second.order = second.order, first.order
    first.save(update_fields=["order", "updated_at"])
    second.save(update_fields=["order", "updated_at"])
    audit_record(
        actor=actor,
        action="service_requests.question.move",
        instance=category,
        council=category.council,
        changes={"question": first.code, "order": {"from": second.order, "to": first.order}},
    )
    return first


# Response templates


def unknown_placeholders(text: str) -> list[str]:
    """Return the {placeholders} in a text that render_response would not fill in."""
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def placeholder_error(text: str) -> str:
    """Return what is wrong with the placeholders of a response template's text, or ''."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return ""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    return f"Remove {', '.join(f'{{{name}}}' for name in unknown)}: you can only use {known}"


def render_response(text: str, request: ServiceRequest) -> str:
    """Fill a response template's placeholders, like {reference}, in from the request.

    Only the placeholders in PLACEHOLDERS are replaced; any other text in braces is left as it is,
    so a message with a stray brace still renders.
    """
    values = {
        "reference": request.reference,
        "expected_by": f"{request.expected_by:%-d %B %Y}",
        "category": request.category.name,
        "council_name": request.council.name,
    }
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text or "")


@transaction.atomic
def response_template_save(
    *,
    actor,
    council,
    template: ResponseTemplate | None = None,
    status: str,
    title: str,
    text: str,
    category: Category | None = None,
) -> ResponseTemplate:
    """Add a response template (template None) or change one. Category None means every category."""
    _require_manager(actor, council)
    if template is not None and template.council_id != council.id:
        raise ValidationError("That response template belongs to another council.")
    errors = {}
    title, text = (title or "").strip(), (text or "").strip()
    if status not in Status.values:
        errors["status"] = ["Choose the status this wording is for"]
    if category is not None and category.council_id != council.id:
        errors["category"] = ["Choose a category of this council"]
    if not title:
        errors["title"] = ["Enter a title staff will recognise"]
    if not text:
        errors["text"] = ["Enter the message to the resident"]
    if placeholder_error(text):
        errors["text"] = [placeholder_error(text)]
    if errors:
        raise ValidationError(errors)
    values = {"status": status, "title": title, "text": text, "category": category}
    if template is None:
        template = ResponseTemplate(council=council, **values)
        changes = {name: {"from": None, "to": value} for name, value in values.items()}
        action = "service_requests.response_template.create"
    else:
        template = ResponseTemplate.objects.select_for_update().get(pk=template.pk)
        changes = field_changes(template, values)
        for name, value in values.items():
            setattr(template, name, value)
        action = "service_requests.response_template.update"
    _full_clean(template)
    template.save()
    audit_record(actor=actor, action=action, instance=template, council=council, changes=changes)
    return template


@transaction.atomic
def response_template_delete(*, actor, template: ResponseTemplate) -> None:
    _require_manager(actor, template.council)
    council, title = template.council, template.title
    audit_record(
        actor=actor,
        action="service_requests.response_template.delete",
        instance=template,
        council=council,
        changes={"title": title},
    )
    template.delete()
