"""Which email domains a council's user names are at, to catch a file for the wrong council.

A council's domains are those of its contact email address and website, and those of the user
names in the files it has imported (each import's summary keeps its domains). A domain that is
another council's and not this one's means the file may be for the wrong council.
"""

from collections import defaultdict
from urllib.parse import urlsplit

from joinedup.councils.models import Council
from joinedup.software.models import ImportBatch, ImportStatus

# A domain seen in earlier imports counts as the council's if at least this share of the people
# in those imports were at it (a few guests or partners do not make a domain the council's).
SHARE = 0.05


def _own_domains(council: Council) -> set:
    found = set()
    if council.contact_email and "@" in council.contact_email:
        found.add(council.contact_email.rsplit("@", 1)[1].lower())
    if council.website_url:
        host = (urlsplit(council.website_url).hostname or "").lower()
        found.add(host.removeprefix("www."))
    return {domain for domain in found if domain}


def domains_by_council() -> dict:
    """{council id: its domains}, for every council (a few queries: councils, and imports' summaries)."""
    councils = {council.pk: council for council in Council.objects.all()}
    domains = defaultdict(set)
    for pk, council in councils.items():
        domains[pk] |= _own_domains(council)
    seen = defaultdict(lambda: defaultdict(int))
    for council_id, summary in ImportBatch.objects.filter(status=ImportStatus.IMPORTED).values_list(
        "council_id", "summary"
    ):
        for domain, people in (summary or {}).get("domains", {}).items():
            seen[council_id][domain] += people
    for council_id, counts in seen.items():
        total = sum(counts.values()) or 1
        domains[council_id] |= {domain for domain, people in counts.items() if people / total >= SHARE}
    return domains


def _matches(domain: str, known: set) -> str:
    """The known domain `domain` is, or is a sub-domain of ('' if none)."""
    for candidate in known:
        if domain == candidate or domain.endswith("." + candidate):
            return candidate
    return ""


def check_domains(council: Council, result) -> None:
    """Compare the domains of the people in a file with the council's: name those that are another
    council's (`result.other_councils`, with a warning), and warn about domains that are nobody's
    when the council's are known."""
    if not result.domains:
        return
    everyone = domains_by_council()
    ours = everyone.get(council.pk, set())
    names = dict(Council.objects.values_list("pk", "name"))
    others = {}
    unknown = {}
    for domain, people in result.domains.items():
        if _matches(domain, ours):
            continue
        owner = next((pk for pk, known in everyone.items() if pk != council.pk and _matches(domain, known)), None)
        if owner is not None:
            others[domain] = {"council": names[owner], "people": people}
        elif ours:
            unknown[domain] = people
    result.other_councils = others
    if others:
        listed = "; ".join(
            f"{item['people']} at {domain} ({item['council']})" for domain, item in sorted(others.items())
        )
        result.warnings.append(
            f"User names in this file are at another council's domain: {listed}. Check the file is {council.name}'s."
        )
    if unknown:
        top = sorted(unknown.items(), key=lambda item: (-item[1], item[0]))
        listed = ", ".join(f"{domain} ({people})" for domain, people in top[:5])
        more = f" and {len(top) - 5} more" if len(top) > 5 else ""
        result.warnings.append(
            f"{sum(unknown.values())} user names are at domains not seen for {council.name} before: {listed}{more}. "
            "They may be guests or partners' staff; check they belong in this council's figures."
        )
