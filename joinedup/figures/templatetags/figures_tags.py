from django import template

from joinedup.figures.formatting import display

register = template.Library()


@register.simple_tag
def cell(row, column):
    """A table cell written for people: `{% cell row column %}`."""
    key = column["key"]
    unit = column["unit"] if column["unit"] != "number" else row.get("unit", "")
    return display(row.get(key), unit, key in row.get("suppressed", ()))


@register.simple_tag
def measure_value(measure, column="value"):
    return display(measure.get(column), measure["unit"], column in measure.get("suppressed", ()))


@register.filter
def is_numeric_column(column):
    return column["unit"] not in ("text",)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
