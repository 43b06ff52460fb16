"""Checks on the people named in an import: user names that are not email addresses, and the
domains of those that are (compared with the council's in `joinedup.software.domains`)."""

import re
from collections import Counter

from joinedup.software.imports.csvfile import ImportResult, is_concealed

EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s.]+)$")


def domain_of(person: str) -> str:
    match = EMAIL.match(person)
    return match[1].lower() if match else ""


def check_people(result: ImportResult, people) -> None:
    """Count the people at each email domain, and warn about user names that are not email
    addresses (concealed names have their own warning) and about dates after today."""
    domains = Counter()
    odd = []
    for person in people:
        domain = domain_of(person)
        if domain:
            domains[domain] += 1
        elif not is_concealed(person):
            odd.append(person)
    result.domains = dict(domains)
    if odd:
        examples = ", ".join(f"'{name}'" for name in sorted(odd)[:3])
        result.warnings.append(
            f"{len(odd)} user name{'s are' if len(odd) > 1 else ' is'} not an email address (for example "
            f"{examples}). Licences and usage are matched by user principal name (like name@council.gov.uk), "
            "so these will not match: check the file's user name column."
        )
    result.warn_future()
