"""
Scoring work programme topics: TOPIC by default, or a scheme the council configures.

TOPIC asks five questions and scores each 0 (no), 1 (partly) or 2 (yes), so a topic scores 0
to 10; one scoring 6 or more is worth taking on.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    hint: str


@dataclass(frozen=True)
class Scheme:
    name: str
    criteria: tuple[Criterion, ...]
    max_score: int
    threshold: int

    @property
    def total_max(self) -> int:
        return self.max_score * len(self.criteria)


TOPIC = Scheme(
    name="TOPIC",
    criteria=(
        Criterion("T", "Timely", "Is this the right time: is a decision, a review or a contract coming up?"),
        Criterion("O", "Others", "Does it affect many people, or some groups of people strongly?"),
        Criterion("P", "Performance", "Is performance poor, falling or unknown, or is the cost high?"),
        Criterion("I", "Interest", "Are residents, members or the press concerned about it?"),
        Criterion("C", "Council priority", "Is it one of the council's or partnership's priorities?"),
    ),
    max_score=2,
    threshold=6,
)


def scheme_for(committee) -> Scheme:
    """The committee's configured scheme, or TOPIC."""
    configured = committee.scoring_scheme
    if configured is None:
        return TOPIC
    return Scheme(
        name=configured.name,
        criteria=tuple(Criterion(c["code"], c["label"], c.get("hint", "")) for c in configured.criteria),
        max_score=configured.max_score,
        threshold=configured.threshold,
    )


def score_topic(scheme: Scheme, scores: dict) -> tuple[dict, int]:
    """Check a score for every criterion (whole numbers from 0 to the maximum); return them and the total."""
    clean, errors = {}, {}
    for criterion in scheme.criteria:
        raw = scores.get(criterion.code)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= scheme.max_score:
            errors[f"score_{criterion.code}"] = [f"Score {criterion.label} from 0 to {scheme.max_score}"]
            continue
        clean[criterion.code] = value
    if errors:
        raise ValidationError(errors)
    return clean, sum(clean.values())
