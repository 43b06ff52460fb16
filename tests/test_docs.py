"""The documentation keeps up with the code: every setting and every command is written down."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "joinedup" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"


def settings_env_names() -> set[str]:
    """Return every variable name that settings.py reads with env(...), env.bool(...), env.db(...) and so on."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        first = node.args[0]
        if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def test_settings_are_found():
    # Guards the parser itself: if it finds nothing, the next test would pass for the wrong reason.
    names = settings_env_names()
    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "REQUIRE_STAFF_MFA", "MEDIA_ROOT"} <= names


def test_every_setting_is_in_env_example():
    documented = set(re.findall(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    missing = sorted(settings_env_names() - documented)
    assert not missing, f"Settings read in joinedup/settings.py but missing from .env.example: {', '.join(missing)}"


def management_commands() -> set[str]:
    return {
        path.stem for path in (ROOT / "joinedup").glob("*/management/commands/*.py") if not path.name.startswith("_")
    }


def test_every_management_command_is_documented():
    commands = management_commands()
    assert commands, "No management commands found: has the layout changed?"
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "README.md", ROOT / "docs" / "operations.md")
        if path.exists()
    )
    missing = sorted(name for name in commands if not re.search(rf"\b{re.escape(name)}\b", text))
    assert not missing, f"Management commands not mentioned in README.md or docs/operations.md: {', '.join(missing)}"
