"""The README's quick start and .ci/run stay in step: CI runs exactly the README's test command."""

import re

from conftest import ROOT


def quick_start_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_two_quick_start_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install . && xlpy ")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == quick_start_commands()[1]
    assert "libreoffice-calc-nogui" in "\n".join(ci)
