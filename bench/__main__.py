"""
Run every benchmark and write docs/performance.md: `make bench`, or `python -m bench`.

`BENCH_ONLY=software_usage make bench` runs only the benchmarks named (a comma-separated list)
and replaces only their sections of docs/performance.md; `BENCH_SKIP=...` leaves some out of a
full run.

The benchmarks use a throwaway database: a new SQLite file in a temporary folder, deleted
afterwards. To run them on another database (PostgreSQL, say), set BENCH_DATABASE_URL to an
empty database you can spare. Migrations are applied to it and the request data (made by the bulk
generator, which commits as it goes) is left in it: drop the database afterwards.
"""

import datetime
import importlib
import importlib.util
import os
import platform
import re
import sys
import tempfile
import textwrap
from pathlib import Path

# Never split a line at a hyphen or inside a long word: Markdown would show a stray space.
_NO_BREAKS = {"break_on_hyphens": False, "break_long_words": False}
REPORT = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _configure(database_url: str) -> None:
    """Point Django at the throwaway database and start it. Must run before any model import."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "joinedup.settings"
    # Production runs with DEBUG off; with it on, Django also records every query it runs.
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def _machine(database: str) -> str:
    import django
    import shapely

    if database == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    elif database == "postgresql":
        from django.db import connection

        major, rest = divmod(connection.pg_version, 10000)
        database = f"PostgreSQL {major}.{rest}"
    return (
        f"{os.cpu_count()} CPU cores ({platform.machine()}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, shapely {shapely.__version__}, {database}."
    )


def _rewrap(markdown: str, width: int = 100) -> str:
    """Re-flow the paragraphs and list items of generated Markdown, leaving headings and tables alone."""
    blocks = []
    for block in markdown.strip().split("\n\n"):
        lines = block.splitlines()
        if lines[0].startswith(("#", "|")):
            blocks.append(block)
        elif lines[0].startswith("- "):
            items = "\n".join(lines).split("\n- ")
            items = [" ".join(item.removeprefix("- ").split()) for item in items]
            blocks.append(
                "\n".join(
                    textwrap.fill(item, width, initial_indent="- ", subsequent_indent="  ", **_NO_BREAKS)
                    for item in items
                )
            )
        else:
            blocks.append(textwrap.fill(" ".join(block.split()), width, **_NO_BREAKS))
    return "\n\n".join(blocks) + "\n"


def _report(results: list[tuple[object, dict]], database: str) -> str:
    sections = "\n".join(module.markdown(result) for module, result in results)
    return _rewrap(f"""# Performance

This file is written by `make bench` (which runs `python -m bench`). Do not edit it by hand:
run the command again instead (`BENCH_ONLY=software_usage make bench` runs one benchmark again
and replaces only its section). The benchmarks are not part of `make test`.

**Run on** {datetime.date.today():%d %B %Y}. **Machine:** {_machine(database)}
The machine is shared with other work and is noisy, so times vary from run to run. Compare the
ratios between lookups in one run, not the times across runs or machines.

Each benchmark makes its own data in a throwaway database: a temporary SQLite file, or the
database named by `BENCH_DATABASE_URL`, which must be empty to start with and is left holding the
generated requests (drop it afterwards).
Times come from `time.perf_counter`. "Median" is the middle lookup time; "95th percentile"
is the time that 95 lookups in 100 beat. A µs (microsecond) is a millionth of a second.

{sections}""")


# Each benchmark is a module of this package with TITLE, run() and markdown(result).
MODULES = ["ward_lookup", "service_requests", "open311", "software_usage", "figures"]


def _names(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


def _modules() -> list:
    """The benchmark modules, in report order; one still being written (no file yet), named in
    BENCH_SKIP or, when BENCH_ONLY is set, not named there, is skipped."""
    # BENCH_SKIP=open311,software_usage leaves those out (a comma-separated list of module names);
    # BENCH_ONLY=software_usage runs only those.
    skip, only = _names("BENCH_SKIP"), _names("BENCH_ONLY")
    unknown = (skip | only) - set(MODULES)
    if unknown:
        raise SystemExit(f"No benchmark called {', '.join(sorted(unknown))}. They are: {', '.join(MODULES)}.")
    found = []
    for name in MODULES:
        if name in skip or (only and name not in only):
            print(f"Skipping bench.{name}", flush=True)
            continue
        if importlib.util.find_spec(f"bench.{name}") is not None:
            found.append(importlib.import_module(f"bench.{name}"))
    return found


def _split(report: str) -> tuple[str, dict[str, str]]:
    """A report as its opening and {section title: section}, in order."""
    opening, *sections = re.split(r"(?m)^(?=## )", report)
    return opening, {section.splitlines()[0].removeprefix("## ").strip(): section for section in sections}


def keep_other_sections(previous: str, report: str) -> str:
    """The new report with the sections it does not have taken from the previous one (BENCH_ONLY),
    in the previous order, and the opening saying when each part was run."""
    old_opening, old_sections = _split(previous)
    opening, sections = _split(report)
    kept = [title for title in old_sections if title not in sections]
    if not kept:
        return report
    when = re.search(r"\*\*Run on\*\* ([^.(]+?)\s*[.(]", old_opening)
    now = re.search(r"\*\*Run on\*\* ([^.(]+?)\s*[.(]", opening)
    earlier = "in an earlier run"
    if when and now and when[1] != now[1]:
        earlier = f"on {when[1]}"
    elif when is None:
        earlier = "on an earlier day"
    note = f" (this run: only {', '.join(sections)}; the other sections {earlier})"
    opening = re.sub(r"(\*\*Run on\*\* [^.(]+?)\.", lambda match: match[1] + note + ".", opening, count=1)
    merged = {title: sections.get(title, section) for title, section in old_sections.items()}
    merged.update((title, section) for title, section in sections.items() if title not in merged)
    return _rewrap(opening + "".join(section.rstrip("\n") + "\n\n" for section in merged.values()))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="joinedup-bench-") as folder:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        _configure(database_url)

        from django.core.management import call_command
        from django.db import connection, connections

        print(f"Migrating the benchmark database ({connection.vendor})...", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        results = []
        for module in _modules():
            print(f"Running {module.TITLE}", flush=True)
            results.append((module, module.run()))
        report = _report(results, connection.vendor)
        connections.close_all()

    if _names("BENCH_ONLY") and REPORT.exists():
        report = keep_other_sections(REPORT.read_text(encoding="utf-8"), report)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report, encoding="utf-8")
    print(report)
    print(f"Wrote {REPORT.relative_to(Path.cwd()) if REPORT.is_relative_to(Path.cwd()) else REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
