"""
Filling in message wording: `{placeholder}` fields, text message length.

Rendering never raises: an unknown or missing placeholder becomes empty text, so a council's
own wording can never stop a message going out. Saving wording is where unknown placeholders
are refused (see `services.message_template_save`).
"""

import math
import re

PLACEHOLDERS = frozenset(
    {
        "reference",
        "council_name",
        "category",
        "status",
        "expected_by",
        "message",
        "tracking_url",
        "feedback_url",
        "recipient_name",
        "overdue_list",
        "referred_to",
        "duplicate_reference",
    }
)

# Free text that may be shortened so a text message fits (longest first).
SHORTENABLE = ("message", "overdue_list")

# A text message may use at most this many parts (each part is charged by GOV.UK Notify).
SMS_MAX_FRAGMENTS = 3

_FIELD = re.compile(r"\{([^{}]*)\}")

# GSM 03.38: the characters a text message can hold without switching to Unicode (70 a part).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€")  # each counts as two characters


def placeholders_in(text: str) -> set[str]:
    """Return the names inside `{...}` in the text (whatever they are)."""
    return {match.group(1).strip() for match in _FIELD.finditer(text or "")}


def unknown_placeholders(text: str) -> list[str]:
    return sorted(name for name in placeholders_in(text) if name not in PLACEHOLDERS)


def render(text: str, context: dict) -> str:
    """Replace each `{name}` with the context's value; anything missing becomes empty text."""

    def value(match):
        found = context.get(match.group(1).strip(), "")
        return "" if found is None else str(found)

    return _FIELD.sub(value, text or "")


def tidy_body(text: str) -> str:
    """Drop trailing spaces and the blank lines an empty placeholder leaves behind."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def tidy_subject(text: str) -> str:
    """A subject is one line (a new line in an email header is refused) of at most 200 characters."""
    return re.sub(r"\s+", " ", text).strip()[:200]


def tidy_sms(text: str) -> str:
    return re.sub(r"[ \t]+", " ", tidy_body(text)).replace(" \n", "\n")


def sms_length(text: str) -> tuple[int, bool]:
    """Return (characters as the phone network counts them, whether it needs Unicode)."""
    if all(char in _GSM_BASIC or char in _GSM_EXTENDED for char in text):
        return len(text) + sum(char in _GSM_EXTENDED for char in text), False
    return len(text), True


def sms_fragments(text: str) -> int:
    """How many parts the network splits a text message into (Notify charges for each)."""
    length, unicode = sms_length(text)
    single, part = (70, 67) if unicode else (160, 153)
    return 1 if length <= single else math.ceil(length / part)


def sms_max_length(text: str, fragments: int = SMS_MAX_FRAGMENTS) -> int:
    return fragments * (67 if sms_length(text)[1] else 153)


def _shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters at a word boundary, marking the cut with '...'."""
    if len(text) <= limit:
        return text
    if limit <= 3:
        return ""
    cut = text[: limit - 3]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "..."


def render_sms(text: str, context: dict) -> str:
    """Render a text message, shortening the free text in it so the whole fits in 3 parts."""
    body = tidy_sms(render(text, context))
    if sms_fragments(body) <= SMS_MAX_FRAGMENTS:
        return body
    context = dict(context)
    for name in SHORTENABLE:
        value = str(context.get(name) or "")
        if not value:
            continue
        without = tidy_sms(render(text, {**context, name: ""}))
        # Measure with the final text so a Unicode character anywhere sets the smaller limit.
        limit = sms_max_length(body) - sms_length(without)[0] - 1
        context[name] = _shorten(value, max(limit, 0))
        body = tidy_sms(render(text, context))
        while sms_fragments(body) > SMS_MAX_FRAGMENTS and context[name]:
            context[name] = _shorten(context[name], len(context[name]) - 10)
            body = tidy_sms(render(text, context))
        if sms_fragments(body) <= SMS_MAX_FRAGMENTS:
            return body
    # The fixed wording and links alone are too long: send it anyway rather than lose the message.
    return body
