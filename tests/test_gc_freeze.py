"""A serving application freezes what it loaded out of the garbage collector's reach;
a test application never does (the suite builds thousands of them in one process).

The serving cases run in a fresh interpreter, as ``tremplin run``, ``tremplin serve``
and each gunicorn worker (``builder.app:create_app()``) start one.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FROZEN_AFTER = """
import gc, sys
from builder.app import create_app
from builder.serving import run_app, serve_app
before = gc.get_freeze_count()
{make}
print(before, gc.get_freeze_count())
"""


def frozen_counts(make: str, instance: Path) -> tuple[int, int]:
    """How many objects were frozen before and after ``make`` ran in a new interpreter."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TREMPLIN_INSTANCE_PATH": str(instance)}
    done = subprocess.run([sys.executable, "-c", FROZEN_AFTER.format(make=make)], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    before, after = done.stdout.splitlines()[-1].split()  # a command may print before
    return int(before), int(after)


def test_a_served_application_is_frozen_once_loaded(tmp_path):
    for make in ("create_app()", "run_app(None)", f"serve_app({str(ROOT / 'examples' / 'avis.yaml')!r})"):
        before, after = frozen_counts(make, tmp_path / make[:3])
        assert before == 0
        assert after > 10_000, make  # the modules, the application, its templates…


def test_gc_freeze_off_freezes_nothing(tmp_path):
    assert frozen_counts("create_app({'GC_FREEZE': False})", tmp_path) == (0, 0)


def test_a_command_that_ends_freezes_nothing(tmp_path):
    """``tremplin db upgrade``, ``export``, ``paper``… build the application without freezing it."""
    command = "from builder.cli import main; main(['db', 'upgrade'], standalone_mode=False)"
    assert frozen_counts(command, tmp_path) == (0, 0)


def test_a_test_application_freezes_nothing(app_factory, monkeypatch):
    # the count of frozen objects is no witness here: an earlier test may have frozen some,
    # and any of them freed meanwhile lowers it
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    app_factory(GC_FREEZE=True)
    assert calls == []
