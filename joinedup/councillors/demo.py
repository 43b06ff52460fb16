"""Demo data for the councillors app, called at the end of seed_demo. Safe to re-run."""


def seed_councillors() -> None:
    """Filled in as the app grows."""
