"""Template helpers for GOV.UK Design System markup. Loaded into every template."""

from django import template
from django.utils.html import format_html

register = template.Library()

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefileinput": "govuk-file-upload",
    "fileinput": "govuk-file-upload",
}


@register.filter
def widget_type(bound_field) -> str:
    """Return the widget's class name in lower case, like 'textinput' or 'radioselect'."""
    return bound_field.field.widget.__class__.__name__.lower()


@register.filter
def govuk_widget(bound_field):
    """Render a text-like widget with GOV.UK classes and the hint and error described by it."""
    kind = widget_type(bound_field)
    classes = [_INPUT_CLASSES.get(kind, "govuk-input")]
    if bound_field.errors:
        classes.append(classes[0] + "--error")
    extra = bound_field.field.widget.attrs.get("class")
    if extra:
        classes.append(extra)
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}-error")
    attrs = {"class": " ".join(classes)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def first_input_id(bound_field) -> str:
    """Return the id an error summary link should point at (the first option of a radio group)."""
    if widget_type(bound_field) in {"radioselect", "checkboxselectmultiple"}:
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.inclusion_tag("govuk/error_summary.html")
def error_summary(*forms):
    """Show one GOV.UK error summary for all the errors of the given forms."""
    items = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append({"href": None, "text": error})
        for field in form:
            for error in field.errors:
                items.append({"href": f"#{first_input_id(field)}", "text": error})
    return {"error_items": items}


@register.simple_tag(takes_context=True)
def nav_item(context, href: str, label: str):
    """A service navigation link, marked as the current page where it is."""
    request = context.get("request")
    current = request is not None and request.path == href
    if current:
        return format_html(
            '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
            '<a class="govuk-service-navigation__link" href="{}" aria-current="page">'
            '<strong class="govuk-service-navigation__active-fallback">{}</strong></a></li>',
            href,
            label,
        )
    return format_html(
        '<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="{}">{}</a></li>',
        href,
        label,
    )
