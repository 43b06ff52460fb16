"""Demo data for the councillors app, called at the end of seed_demo. Safe to re-run."""

import csv
import io

from django.db import transaction

SOURCE = "seed_demo"
FIRST_NAMES = ["Alex", "Bea", "Carl", "Dina", "Eddie", "Fran", "Gus", "Hana", "Ivor", "Jo", "Kit", "Lena"]
LAST_NAMES = ["Ashby", "Brook", "Carr", "Dale", "Ellis", "Frost", "Gale", "Hart", "Irwin", "Jolly", "Kemp", "Lowe"]
PARTIES = ["Independent", "Labour", "Conservative", "Liberal Democrat", "Green"]
DEMO_COUNCILLOR = ("Cllr Chris Councillor", "councillor@example.org")


def _csv_for(council) -> bytes:
    """The council's list of councillors, as the CSV a council would upload: two for each ward."""
    from joinedup.councils.models import Ward

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "ward_code", "party", "term_start", "term_end"])
    wards = list(Ward.objects.filter(council=council).order_by("gss_code"))
    for index, ward in enumerate(wards):
        for seat in range(2):
            if council.slug == "boston" and seat == 0 and index < 2:
                name, email = DEMO_COUNCILLOR  # the demo councillor represents Boston's first two wards
            else:
                number = (index * 2 + seat + council.pk) % len(FIRST_NAMES)
                name = f"{FIRST_NAMES[number]} {LAST_NAMES[(number + index) % len(LAST_NAMES)]}"
                email = f"{name.lower().replace(' ', '.')}.{ward.gss_code.lower()}@{council.slug}.example.org"
            party = "Independent" if email == DEMO_COUNCILLOR[1] else PARTIES[(index + seat) % len(PARTIES)]
            writer.writerow([name, email, ward.gss_code, party, "2023-05-04", "2027-05-06"])
    return out.getvalue().encode()


@transaction.atomic
def seed_councillors() -> None:
    """Councillors for every council's wards, and for Boston's demo councillor an enquiry, an
    escalation, a follow, a request whose reporter asked them to be involved, and a weekly digest."""
    from joinedup.accounts.models import User
    from joinedup.councillors import digest, services
    from joinedup.councillors.models import Councillor, Escalation, Follow, MemberEnquiry
    from joinedup.councils.models import Council, ServiceArea
    from joinedup.service_requests import services as request_services
    from joinedup.service_requests.models import OPEN_STATUSES, ServiceRequest

    for council in Council.objects.order_by("name"):
        if council.wards.exists() and not Councillor.objects.filter(council=council).exists():
            services.councillors_import(actor=None, council=council, data=_csv_for(council), source=SOURCE)

    user = User.objects.filter(email=DEMO_COUNCILLOR[1]).first()
    council = Council.objects.filter(slug="boston").first()
    if user is None or council is None or not Councillor.objects.filter(council=council, user=user).exists():
        return
    wards = list(Councillor.objects.get(council=council, user=user).wards.order_by("gss_code"))
    in_wards = ServiceRequest.objects.filter(council=council, ward__in=wards).order_by("number")
    if not in_wards.filter(involve_councillor=True).exists() and in_wards.exists():
        example = in_wards.first()
        request_services.request_create(
            council=council,
            category=example.category,
            description="The hedge has grown over the pavement, so people with pushchairs walk in the road.",
            location_text="Footpath by 3 Mill Lane",
            answers=example.answers,
            latitude=(wards[0].min_lat + wards[0].max_lat) / 2,
            longitude=(wards[0].min_lon + wards[0].max_lon) / 2,
            reporter_name="Rosa Resident",
            reporter_email="resident@example.org",
            involve_councillor=True,
        )
    open_request = in_wards.filter(status__in=OPEN_STATUSES).first()
    if open_request is not None and not Escalation.objects.filter(councillor=user).exists():
        services.escalation_create(
            actor=user,
            request=open_request,
            reason="Residents have told me about this three times at my surgery. Can it be done this week?",
        )
    if open_request is not None and not Follow.objects.filter(user=user).exists():
        services.follow_start(actor=user, request=open_request)
    if not MemberEnquiry.objects.filter(council=council, councillor=user).exists():
        area = ServiceArea.objects.filter(council=council).order_by("name").first()
        services.enquiry_create(
            actor=user,
            council=council,
            service_area=area,
            subject="Assisted bin collection for a resident",
            body="Mrs Resident has had a hip operation and cannot take her bin to the kerb. Can she have an "
            "assisted collection while she recovers?",
            resident_name="Rosa Resident",
            resident_email="resident@example.org",
            ward=wards[0],
        )
    services.councillor_digest_choose(actor=user, council=council, digest="weekly")
    digest.digests_send()
    digest.digest_schedule()
