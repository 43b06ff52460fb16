"""Money and figures as a council report writes them."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

MINUS = "\u2212"


@register.filter
def money(value, places=0):
    """£1,234 for pounds (to `places` decimals), −£58,986 for a negative amount, "Not known" for None."""
    if value is None or value == "":
        return "Not known"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = int(places)
    text = f"£{abs(amount):,.{places}f}"
    return f"{MINUS}{text}" if amount.quantize(Decimal(1).scaleb(-places)) < 0 else text


@register.filter
def uplift(value):
    """An optimism bias uplift (a share, 1.00 or 0.27) as "+100%" or "+27%" (one decimal if needed)."""
    if value is None or value == "":
        return "Not known"
    amount = (Decimal(str(value)) * 100).quantize(Decimal("0.1"))
    text = f"{amount:f}".rstrip("0").rstrip(".")
    return f"+{text}%"


@register.filter
def percent(value, places=0):
    """A share (0.27) as a percentage ("27%"); None as "Not known"."""
    if value is None or value == "":
        return "Not known"
    try:
        amount = Decimal(str(value)) * 100
    except InvalidOperation:
        return str(value)
    places = int(places)
    text = f"{abs(amount):,.{places}f}%"
    return f"{MINUS}{text}" if amount.quantize(Decimal(1).scaleb(-places)) < 0 else text
