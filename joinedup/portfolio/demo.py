"""Demo data for the portfolio app, called at the end of seed_demo. Safe to re-run."""


def seed_portfolio() -> None:
    """Filled in as the app grows."""
