"""Realistic demo categories for each council, with extra questions and response templates.

District councils (the Lincolnshire partners) deal with bins, fly-tipping and street cleaning;
roads and street lights there are the county council's job. Wiltshire is a unitary council, so
it deals with both.
"""

from django.db import transaction

from joinedup.councils.models import Council, ServiceArea
from joinedup.service_requests.models import Category, Priority, ResponseTemplate, Status
from joinedup.service_requests.services_categories import category_save, question_save, response_template_save

FLY_TIPPING_QUESTIONS = [
    {
        "code": "waste_type",
        "prompt": "What has been dumped?",
        "kind": "multiple_choice",
        "required": True,
        "choices": [
            {"value": "household", "label": "Household rubbish"},
            {"value": "furniture", "label": "Furniture"},
            {"value": "building", "label": "Building rubble"},
            {"value": "garden", "label": "Garden waste"},
            {
                "value": "asbestos",
                "label": "Possible asbestos or chemicals",
                "stop_message": "Do not touch it. Possible asbestos or chemicals need an urgent response: "
                "phone the council now on {phone}.",
            },
        ],
    },
    {
        "code": "size",
        "prompt": "About how much is there?",
        "kind": "single_choice",
        "required": True,
        "choices": [
            {"value": "bag", "label": "A single bag or item"},
            {"value": "car", "label": "A car boot load"},
            {"value": "van", "label": "A van load or more"},
        ],
    },
    {
        "code": "seen_date",
        "prompt": "When did you first see it?",
        "kind": "date",
        "required": False,
        "hint": "For example, 20 11 2026",
    },
]

MISSED_BIN_QUESTIONS = [
    {
        "code": "bin_type",
        "prompt": "Which bin was missed?",
        "kind": "single_choice",
        "required": True,
        "choices": [
            {"value": "general", "label": "General waste"},
            {"value": "recycling", "label": "Recycling"},
            {"value": "garden", "label": "Garden waste"},
            {"value": "food", "label": "Food waste"},
        ],
    },
    {
        "code": "out_by",
        "prompt": "Was the bin out by 7am on collection day?",
        "kind": "single_choice",
        "required": True,
        "choices": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    },
]

POTHOLE_QUESTIONS = [
    {"code": "depth_cm", "prompt": "About how deep is it, in centimetres?", "kind": "number", "required": False},
    {
        "code": "where",
        "prompt": "Is it on the road or the pavement?",
        "kind": "single_choice",
        "required": True,
        "choices": [
            {"value": "road", "label": "Road"},
            {"value": "pavement", "label": "Pavement"},
            {
                "value": "danger",
                "label": "It is dangerous now (a deep hole in a busy road)",
                "stop_message": "Phone us now on {phone} so we can make it safe today.",
            },
        ],
    },
]

STREETLIGHT_QUESTIONS = [
    {
        "code": "column_number",
        "prompt": "Number on the lamp post",
        "kind": "text",
        "required": False,
        "hint": "Usually on a small plate about head height",
    },
    {
        "code": "fault",
        "prompt": "What is wrong?",
        "kind": "single_choice",
        "required": True,
        "choices": [
            {"value": "out", "label": "Light is out"},
            {"value": "on_day", "label": "Light is on during the day"},
            {
                "value": "damaged",
                "label": "Lamp post damaged or leaning",
                "stop_message": "A damaged lamp post can be dangerous. Phone us now on {phone}.",
            },
        ],
    },
]

# (name, group, service area, priority, allow anonymous, notice, questions)
DISTRICT_CATEGORIES = [
    ("Fly-tipping", "Rubbish and street cleaning", "Street Scene", Priority.NORMAL, True, "", FLY_TIPPING_QUESTIONS),
    ("Litter", "Rubbish and street cleaning", "Street Scene", Priority.LOW, True, "", []),
    (
        "Graffiti",
        "Rubbish and street cleaning",
        "Street Scene",
        Priority.LOW,
        True,
        "If the graffiti is offensive or racist, we remove it within 1 working day.",
        [],
    ),
    ("Dog fouling", "Rubbish and street cleaning", "Street Scene", Priority.LOW, True, "", []),
    (
        "Missed bin collection",
        "Bins and recycling",
        "Waste and Recycling",
        Priority.HIGH,
        False,
        "Report a missed bin no later than 2 working days after your collection day.",
        MISSED_BIN_QUESTIONS,
    ),
    ("Damaged or missing bin", "Bins and recycling", "Waste and Recycling", Priority.NORMAL, False, "", []),
    (
        "Noise nuisance",
        "Pollution and pests",
        "Environmental Health",
        Priority.NORMAL,
        False,
        "If you feel threatened, phone the police on 999.",
        [],
    ),
    (
        "Abandoned vehicle",
        "Roads and vehicles",
        "Street Scene",
        Priority.NORMAL,
        True,
        "If the vehicle is blocking the road or is dangerous, phone the police on 101.",
        [],
    ),
]
UNITARY_EXTRA = [
    ("Pothole", "Roads and pavements", "Highways", Priority.NORMAL, True, "", POTHOLE_QUESTIONS),
    (
        "Street light not working",
        "Roads and pavements",
        "Highways",
        Priority.NORMAL,
        True,
        "If the traffic lights are out, phone us straight away.",
        STREETLIGHT_QUESTIONS,
    ),
]

TEMPLATES = [
    (
        Status.ACKNOWLEDGED,
        "We have received it",
        "Thank you for reporting this. We have checked it and aim to deal with it by {expected_by}.",
    ),
    (
        Status.ACTION_SCHEDULED,
        "Work booked",
        "We have booked the work. We aim to finish by {expected_by}. Your reference is {reference}.",
    ),
    (Status.FIXED, "Fixed", "We have fixed this problem. Thank you for telling us about it."),
    (
        Status.CLOSED,
        "No action needed",
        "We looked at this and no action is needed because it is not a problem we can act on.",
    ),
]


def _slug(name: str) -> str:
    return name.lower().replace(" or ", "-").replace(" ", "-")


@transaction.atomic
def seed_categories(council: Council, *, unitary: bool) -> int:
    """Add the demo categories the council does not have yet, through the same services staff use.

    Return how many categories were added.
    """
    added = 0
    for name, group, area_name, priority, anonymous, notice, questions in DISTRICT_CATEGORIES + (
        UNITARY_EXTRA if unitary else []
    ):
        if Category.objects.filter(council=council, slug=_slug(name)).exists():
            continue
        category = category_save(
            actor=None,
            council=council,
            source="seed_demo",
            name=name,
            slug=_slug(name),
            group=group,
            service_area=ServiceArea.objects.get(council=council, name=area_name),
            default_priority=priority,
            allow_anonymous=anonymous,
            notice=notice,
            description=f"Tell us about {name.lower()} in the {council.short_name} area.",
        )
        for question in questions:
            choices = [
                {**choice, "stop_message": choice.get("stop_message", "").replace("{phone}", council.contact_phone)}
                for choice in question.get("choices", [])
            ]
            question_save(actor=None, category=category, **{**question, "choices": choices})
        added += 1
    for status, title, text in TEMPLATES:
        if not ResponseTemplate.objects.filter(council=council, category=None, status=status, title=title).exists():
            response_template_save(actor=None, council=council, status=status, title=title, text=text)
    return added


DEMO_REQUESTS = [
    # (category slug, description, location, ward index, channel, statuses to move through, message)
    (
        "fly-tipping",
        "Black bags and an old mattress dumped by the field gate.",
        "Field gate on Church Lane",
        0,
        "web",
        [],
        "",
    ),
    (
        "missed-bin-collection",
        "Our recycling bin was not emptied on Tuesday.",
        "14 Station Road",
        1,
        "phone",
        ["acknowledged"],
        "We have asked the crew to come back by Friday.",
    ),
    (
        "graffiti",
        "Spray paint on the bus shelter.",
        "Bus shelter outside the library",
        0,
        "web",
        ["action_scheduled"],
        "Our cleaning team will remove it on Thursday.",
    ),
    (
        "litter",
        "Litter all along the path by the play area.",
        "Footpath next to the play area",
        2,
        "web",
        ["in_progress", "fixed"],
        "The path has been cleared. Thank you for telling us.",
    ),
    (
        "dog-fouling",
        "Dog mess on the pavement every morning.",
        "Outside the primary school",
        1,
        "email",
        ["investigating", "closed"],
        "We have put up signs and will patrol at school times.",
    ),
    (
        "abandoned-vehicle",
        "A car with no number plates has been here for weeks.",
        "Car park behind the shops",
        2,
        "face_to_face",
        ["not_ours"],
        "The car is on private land, so we have passed this to the land owner.",
    ),
]


@transaction.atomic
def seed_requests(council: Council) -> int:
    """Add a few demo requests in different states, once (a council that has requests gets none)."""
    from joinedup.councils.models import Ward
    from joinedup.service_requests import services

    if council.service_requests.exists():
        return 0
    wards = list(Ward.objects.filter(council=council).order_by("gss_code"))
    for number, (slug, description, location, ward_index, channel, statuses, message) in enumerate(DEMO_REQUESTS):
        category = Category.objects.get(council=council, slug=slug)
        ward = wards[ward_index] if ward_index < len(wards) else None
        request = services.request_create(
            council=council,
            category=category,
            description=description,
            location_text=location,
            latitude=(ward.min_lat + ward.max_lat) / 2 if ward else None,
            longitude=(ward.min_lon + ward.max_lon) / 2 if ward else None,
            answers=_demo_answers(category),
            reporter_name=f"Demo Resident {number + 1}",
            reporter_email=f"demo.resident{number + 1}@example.org",
            channel=channel,
        )
        for status in statuses:
            services.request_status_change(
                actor=None,
                request=request,
                to_status=status,
                public_message=message,
                referred_to="The land owner" if status == "not_ours" else "",
                source="seed_demo",
            )
    return len(DEMO_REQUESTS)


def _demo_answers(category) -> dict:
    """A valid answer to each required question: the first choice that does not stop the form."""
    answers = {}
    for question in category.questions.filter(required=True):
        choice = next(c["value"] for c in question.choices if not c.get("stop_message"))
        answers[question.code] = [choice] if question.kind == "multiple_choice" else choice
    return answers
