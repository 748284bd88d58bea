from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output
    assert (tmp_path / "demo" / "federation.yaml").is_file()


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^python3 -m venv .*$", readme, flags=re.M)
    assert len(commands) == 2, "README keeps exactly two set-up commands"
    assert commands[0].endswith("coop demo")
    assert "[test]" in commands[1] and "pytest" in commands[1]
    assert "grep -E '^python3 -m venv .*\\[test\\]' README.md" in (ROOT / ".ci" / "run").read_text()
