"""Realistic demo categories for each council, with extra questions and response templates.

District councils (the Lincolnshire partners) deal with bins, fly-tipping and street cleaning;
roads and street lights there are the county council's job. Wiltshire is a unitary council, so
it deals with both.
"""

from django.db import transaction

from joinedup.councils.models import Council, ServiceArea
from joinedup.service_requests.models import Category, CategoryQuestion, Priority, ResponseTemplate, Status

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
        "hint": "For example, 2026-11-20",
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
    """Add the demo categories the council does not have yet. Return how many were added."""
    added = 0
    for name, group, area_name, priority, anonymous, notice, questions in DISTRICT_CATEGORIES + (
        UNITARY_EXTRA if unitary else []
    ):
        if Category.objects.filter(council=council, slug=_slug(name)).exists():
            continue
        area = ServiceArea.objects.get(council=council, name=area_name)
        category = Category.objects.create(
            council=council,
            name=name,
            slug=_slug(name),
            group=group,
            service_area=area,
            default_priority=priority,
            allow_anonymous=anonymous,
            notice=notice,
            description=f"Tell us about {name.lower()} in the {council.short_name} area.",
        )
        for order, question in enumerate(questions):
            choices = [
                {**choice, "stop_message": choice.get("stop_message", "").replace("{phone}", council.contact_phone)}
                for choice in question.get("choices", [])
            ]
            CategoryQuestion.objects.create(category=category, order=order, **{**question, "choices": choices})
        added += 1
    for status, title, text in TEMPLATES:
        ResponseTemplate.objects.get_or_create(
            council=council, category=None, status=status, title=title, defaults={"text": text}
        )
    return added
