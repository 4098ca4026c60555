"""``./scripts/start`` installs only when pyproject.toml changed since the last install.

The script runs for real, in a copy of the project's scripts and pyproject.toml; the
virtual environment it is given holds stand-ins for ``python`` and ``tremplin`` that
write down how they were called (no package index is reached).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAND_IN = '#!/bin/sh\necho "{name} $*" >> "$VIRTUAL_ENV/calls"\n'


@pytest.fixture
def project(tmp_path):
    """A copy of scripts/ and pyproject.toml, and a virtual environment of stand-ins."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bin_folder = tmp_path / "venv" / "bin"
    bin_folder.mkdir(parents=True)
    for name in ("python", "tremplin"):
        (bin_folder / name).write_text(STAND_IN.format(name=name), encoding="utf-8")
        (bin_folder / name).chmod(0o755)
    return tmp_path


def start(project: Path, *args: str) -> list[str]:
    """Run scripts/start; the calls it made, in order."""
    venv = project / "venv"
    calls = venv / "calls"
    calls.unlink(missing_ok=True)
    environment = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "VIRTUAL_ENV": str(venv),
                   "PIP_INDEX_URL": "http://127.0.0.1:9/simple"}  # nothing listens there
    subprocess.run([str(project / "scripts" / "start"), *args], env=environment, check=True,
                   timeout=60, cwd="/")
    return calls.read_text(encoding="utf-8").splitlines()


def test_start_installs_once_then_only_starts(project):
    install = "python -m pip install --quiet -e ."
    assert start(project) == [install, "tremplin run"]
    assert start(project, "--port", "8080") == ["tremplin run --port 8080"]
    assert start(project) == ["tremplin run"]


def test_start_installs_again_when_pyproject_changes(project):
    start(project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n# a new dependency\n", encoding="utf-8")
    assert start(project) == ["python -m pip install --quiet -e .", "tremplin run"]
    assert start(project) == ["tremplin run"]


def test_a_failed_install_is_tried_again(project):
    python = project / "venv" / "bin" / "python"
    python.write_text(STAND_IN.format(name="python") + "exit 1\n", encoding="utf-8")
    with pytest.raises(subprocess.CalledProcessError):
        start(project)
    python.write_text(STAND_IN.format(name="python"), encoding="utf-8")
    assert start(project) == ["python -m pip install --quiet -e .", "tremplin run"]
