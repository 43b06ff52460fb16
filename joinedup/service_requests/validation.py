"""Checks on what residents send, shared by the web form, the contact centre and the API."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from joinedup.service_requests.models import CategoryQuestion, QuestionKind

UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def normalise_uk_mobile(value: str) -> str:
    """Return a UK mobile number as 07xxxxxxxxx, or raise ValidationError."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if not UK_MOBILE.match(digits):
        raise ValidationError("Enter a UK mobile number, like 07700 900 982")
    return "0" + digits[-10:]


def normalise_postcode(value: str) -> str:
    """Return a postcode in capitals with one space, like 'PE21 8QR', or raise ValidationError."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if not compact:
        return ""
    formatted = f"{compact[:-3]} {compact[-3:]}"
    if not UK_POSTCODE.match(formatted):
        raise ValidationError("Enter a real postcode, like PE21 8QR")
    return formatted


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    validate_email(value)
    return value.lower()


def clean_answer(question: CategoryQuestion, raw):
    """Return a question's answer in stored form, or raise ValidationError with a message for people.

    `raw` is a string, or a list of strings for multiple choice. Blank optional answers are None.
    """
    values = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        if question.required:
            verb = "Select" if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) else "Enter"
            raise ValidationError(f"{verb} an answer for '{question.prompt}'")
        return None
    if question.kind == QuestionKind.TEXT:
        text = values[0]
        if len(text) > 500:
            raise ValidationError(f"'{question.prompt}' must be 500 characters or fewer")
        return text
    if question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(values[0].replace(",", ""))
        except InvalidOperation:
            raise ValidationError(f"'{question.prompt}' must be a number, like 3") from None
        if not number.is_finite():
            raise ValidationError(f"'{question.prompt}' must be a number, like 3")
        return int(number) if number == number.to_integral_value() else float(number)
    if question.kind == QuestionKind.DATE:
        try:
            return datetime.date.fromisoformat(values[0]).isoformat()
        except ValueError:
            raise ValidationError(f"'{question.prompt}' must be a real date, like 2026-11-23") from None
    allowed = {choice["value"] for choice in question.choices}
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(f"Select one of the answers listed for '{question.prompt}'")
    if question.kind == QuestionKind.SINGLE_CHOICE:
        if len(values) > 1:
            raise ValidationError(f"Select only one answer for '{question.prompt}'")
        return values[0]
    return values


def clean_answers(category, raw_answers: dict) -> dict:
    """Check every answer for the category's questions. Raise ValidationError keyed by question code."""
    answers, errors = {}, {}
    for question in category.questions.all():
        try:
            value = clean_answer(question, raw_answers.get(question.code))
        except ValidationError as error:
            errors[question.code] = error.messages
            continue
        if value is not None:
            answers[question.code] = value
    if errors:
        raise ValidationError(errors)
    return answers


def stop_message(category, answers: dict) -> str:
    """Return the urgent-contact message if an answer stops the form (like 'a gas smell'), else ''."""
    for question in category.questions.all():
        chosen = answers.get(question.code)
        chosen = chosen if isinstance(chosen, list) else [chosen]
        for choice in question.choices:
            if choice.get("stop_message") and choice["value"] in chosen:
                return choice["stop_message"]
    return ""
