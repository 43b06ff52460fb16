"""
Taking contact details out of free text (descriptions, notes, messages) once personal data is
past its retention period, while the rest of the words stay for the record and the figures.

It removes what it can recognise: email addresses, UK phone numbers, postcodes (where asked) and
the names it is given. A name written differently, or an address without a postcode, can remain:
that is why the fields that exist only to hold personal data are emptied outright instead.
"""

import re

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# UK numbers: 07700 900982, 01632 960136, +44 (0)7700 900 982, 0044 7700-900-982 ...
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|0)(?:\d[\s-]?){9,10}(?!\w)")
# The shape of every UK postcode (Royal Mail's rules, simplified), with or without the space.
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)

EMAIL_REMOVED = "[email address removed]"
PHONE_REMOVED = "[phone number removed]"
POSTCODE_REMOVED = "[postcode removed]"
NAME_REMOVED = "[name removed]"


def redact(text: str, *, names=(), postcodes: bool = False) -> str:
    """Return `text` without email addresses, phone numbers, the given names and, if asked, postcodes."""
    if not text:
        return text
    text = EMAIL.sub(EMAIL_REMOVED, text)
    text = PHONE.sub(lambda m: PHONE_REMOVED + (" " if m.group(0).endswith((" ", "-")) else ""), text)
    if postcodes:
        text = POSTCODE.sub(POSTCODE_REMOVED, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_REMOVED, text, flags=re.IGNORECASE)
        # The surname alone, or the first name alone, is as identifying in a note ("rang Mrs Okafor").
        parts = [p for p in name.split() if len(p) >= 3]
        if len(parts) > 1:
            for part in parts:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", NAME_REMOVED, text, flags=re.IGNORECASE)
    return text
