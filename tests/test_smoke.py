from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent


def _without_anchors(path: Path) -> tuple[str, list[str]]:
    """A document's digest with its journal anchors set aside, and the anchors it prints.

    The demo sets members' credentials, whose salts are random, so two demo
    runs are two different journals: their heads (the anchors) differ, and
    everything else in a document must not.
    """
    import hashlib
    import zipfile

    from engine.documents.anchor import printed

    anchor = re.compile(rb"--anchor \d+:[0-9a-f]{64}")
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            parts = [(n, z.read(n)) for n in z.namelist()]
    else:
        parts = [(path.name, path.read_bytes())]
    found = [str(a) for _, blob in parts for a in printed(blob.decode("utf-8", "replace"))]
    if path.name.startswith("register."):  # a register lists each document's SHA-256, which covers its anchor
        parts = [(n, re.sub(rb"[0-9a-f]{64}", b"SHA-256", blob)) for n, blob in parts]
    digest = hashlib.sha256(b"".join(n.encode() + anchor.sub(b"--anchor SEQ:HASH", blob) for n, blob in parts)).hexdigest()
    return digest, found


def test_demo_runs_end_to_end_and_its_documents_are_reproducible(tmp_path: Path, demo_run: Callable[[str], tuple[str, Path]]) -> None:
    """The process's shared demo run and a second one in another folder print the same documents."""
    digests = []
    for run in ("first", "second"):
        if run == "first":
            output, folder = demo_run("federation")
        else:
            result = CliRunner().invoke(main, ["demo", str(tmp_path / run), "--verbose"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            output, folder = result.output, tmp_path / run
        assert "OK:" in output
        docs = sorted(p for p in (folder / "documents").rglob("*") if p.is_file())
        assert any(p.suffix == ".docx" for p in docs)
        seen = {str(p.relative_to(folder)): _without_anchors(p) for p in docs}
        digests.append({k: v[0] for k, v in seen.items()})
        held = sorted({a for _, found in seen.values() for a in found})
        assert held, "the documents print the journal head they were issued against"
        check = CliRunner().invoke(main, ["--books", str(folder), "audit", "verify", *(f"--anchor={a}" for a in held)])
        assert check.exit_code == 0 and f"{len(held)} anchor(s) held" in check.output, check.output
    assert digests[0] == digests[1], "same inputs, byte-identical documents (but for the journal anchors)"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^python3 -m venv .*$", readme, flags=re.M)
    assert len(commands) == 2, "README keeps exactly two set-up commands"
    assert commands[0].endswith("coop demo")
    assert "[test]" in commands[1] and "pytest" in commands[1]
    assert "grep -E '^python3 -m venv .*\\[test\\]' README.md" in (ROOT / ".ci" / "run").read_text()


def test_cli_start_up_imports_no_heavy_module() -> None:
    """`coop --help` stays fast only while cli.py imports the engine lazily."""
    import subprocess
    import sys

    code = "import sys, cli; print(sorted(m for m in ('pydantic', 'docx', 'jinja2', 'yaml', 'tabulate', 'sqlite3') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout.strip()
    assert out == "[]"


def test_init_writes_a_valid_commented_template(tmp_path: Path) -> None:
    from engine.books.config import load_federation
    from engine.models.federation.rules import RULES as DEFAULT_RULES

    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--name", "Elm Co-Op", "--founded", "2027-07-01"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "new" / "federation.yaml").read_text()
    assert text.count("\n#") > 5, "the template explains itself"
    fed = load_federation(tmp_path / "new" / "federation.yaml")
    assert fed.name == "Elm Co-Op" and fed.providers == [] and fed.budget == []
    assert fed.decision_rules == DEFAULT_RULES, "the written rules are the engine's defaults"
    status = CliRunner().invoke(main, ["--books", str(tmp_path / "new"), "status", "--as-of", "2027-07-01"])
    assert status.exit_code == 0 and "not set for cycle 2027-07" in status.output
