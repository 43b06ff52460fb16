from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def validation_messages(error: ValidationError) -> list[str]:
    """Return a ValidationError's messages, each prefixed with its field's name where it has one."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    lines = []
    for field, errors in error.message_dict.items():
        for message in errors:
            lines.append(message if field == NON_FIELD_ERRORS else f"{field}: {message}")
    return lines


def add_to_form(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, against the field it names where the form has it."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)
