"""Documentation stays true: README layer tables, CLI commands, CHANGELOG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_layer_tables_are_current():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme_layers.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_readme_mentions_every_cli_command():
    from gridmap.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"gridmap {name}" in readme, name


def test_changelog_has_unreleased_section():
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()[2] == "## Unreleased"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
