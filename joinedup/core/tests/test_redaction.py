import pytest

from joinedup.core.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call Rosa on 07700 900982 after 5", "Call [name removed] on [phone number removed] after 5"),
        ("mobile +44 (0)7700 900 982.", "mobile [phone number removed]."),
        ("0044 7700-900-982 or 01632960136", "[phone number removed] or [phone number removed]"),
        ("email rosa.o+bins@example.org now", "email [email address removed] now"),
        ("Mrs Okafor rang again", "Mrs [name removed] rang again"),
        ("Rosa Okafor at 12 Acacia Ave", "[name removed] at 12 Acacia Ave"),
    ],
)
def test_contact_details_and_names_are_removed(text, expected):
    assert redact(text, names=["Rosa Okafor"]) == expected


def test_postcodes_only_when_asked_and_ordinary_words_and_numbers_stay():
    text = "Sofa outside PE21 8QR, about 2 metres long, reported 3 times since 2024; ref BBC-000123"
    assert redact(text) == text
    assert redact(text, postcodes=True) == (
        "Sofa outside [postcode removed], about 2 metres long, reported 3 times since 2024; ref BBC-000123"
    )
    assert redact("pe218qr", postcodes=True) == "[postcode removed]"


def test_short_or_missing_names_remove_nothing():
    assert redact("A van dumped it", names=["", "A", None]) == "A van dumped it"
    assert redact("", names=["Rosa"]) == ""
