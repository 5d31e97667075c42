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


def test_a_plain_install_holds_every_package():
    """The quick start's `pip install .` (not editable) installs the packages pyproject names or finds; every folder
    of xlpy/ with an __init__.py must be one of them (a hand-kept list once left out xlpy.cli: `xlpy` then failed
    with ModuleNotFoundError right after installing)."""
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "xlpy").rglob("__init__.py")}
    assert {"xlpy", "xlpy.cli", "xlpy.excel", "xlpy.layouts"} <= packages
    if "packages" in config and isinstance(config["packages"], list):
        listed = set(config["packages"])
        assert packages <= listed, sorted(packages - listed)
    else:
        include = config["packages"]["find"]["include"]
        missing = [p for p in packages if not any(fnmatch.fnmatchcase(p, pattern) for pattern in include)]
        assert not missing, missing
