"""
Open311 output in XML (required by the standard) and JSON (the Spark convention: drop the XML
root, lists become arrays, ids and codes as strings), and the standard error body.
"""

import datetime
import json
import re
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")

# In XML, each list is one element holding one child element per item.
ITEM_TAGS = {
    "service_requests": "request",
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
    "errors": "error",
    "groups": "group",
}


def w3c(value) -> str:
    """A W3C date-time with its time zone and no fractions of a second, in UK local time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat()


# Characters XML 1.0 cannot hold at all, even escaped (most control characters).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    # Every character NOT_XML matches is unprintable, so a printable string (most) skips the regex.
    if not text.isprintable():
        text = NOT_XML.sub("", text)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return text


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _xml_text(str(value))


def _xml(tag: str, value, out: list) -> None:
    """Append `value` as the element `tag`. One call per object: its plain fields are written inline."""
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, child in value.items():
            if child.__class__ is str:  # most fields: written here, without another call
                out.append(f"<{key}>{_xml_text(child)}</{key}>" if child else f"<{key}></{key}>")
            else:
                _xml(key, child, out)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(tag, "item")
        out.append(f"<{tag}>")
        for item in value:
            _xml(item_tag, item, out)
        out.append(f"</{tag}>")
    else:
        text = _xml_value(value)
        out.append(f"<{tag}>{text}</{tag}>" if text else f"<{tag}/>" if value is None else f"<{tag}></{tag}>")


def to_xml(root: str, value) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml(root, value, out)
    return "".join(out)


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """`value` is a list (Spark: a JSON array, in XML one child per item) or a dict (an object)."""
    if fmt == "json":
        return HttpResponse(json.dumps(value, ensure_ascii=False), content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, value), content_type=XML_TYPE, status=status)


class Open311Error(Exception):
    """One or more errors, each (code, description), answered with HTTP `status`."""

    def __init__(self, status: int, errors: list[tuple[int, str]], *, headers: dict[str, str] | None = None):
        super().__init__("; ".join(description for _, description in errors))
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def bad_request(*errors: str) -> Open311Error:
    return Open311Error(400, [(400, e) for e in errors])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    items = [{"code": code, "description": description} for code, description in error.errors]
    response = respond(fmt if fmt in FORMATS else "xml", "errors", items, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
