"""`BENCH_ONLY` runs some benchmarks and replaces only their sections of docs/performance.md."""

from bench.__main__ import keep_other_sections

PREVIOUS = """# Performance

Intro.

**Run on** 20 November 2026. **Machine:** 2 CPU cores.

## Ward lookup

Old ward figures.

## Software estate

Old software figures.
"""


def test_only_the_sections_run_again_are_replaced_in_their_places():
    new = PREVIOUS.split("## Ward")[0].replace("20 November", "23 November") + "## Software estate\n\nNew.\n"
    merged = keep_other_sections(PREVIOUS, new)
    assert merged.index("## Ward lookup") < merged.index("## Software estate")
    assert "Old ward figures." in merged and "New." in merged and "Old software figures." not in merged
    assert "**Run on** 23 November 2026 (this run: only Software estate; the other sections on 20 November 2026)." in (
        " ".join(merged.split())
    )


def test_a_full_run_is_written_as_it_is():
    assert keep_other_sections(PREVIOUS, PREVIOUS.replace("Old", "New")) == PREVIOUS.replace("Old", "New")
