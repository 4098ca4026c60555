"""The history's « Ce qui a changé »: the changed lines with one line around them, in
bounded time and size whatever the two texts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from builder.editing.diffs import MAX_SHOWN, readable_diff

ROOT = Path(__file__).resolve().parent.parent


def test_a_change_is_shown_with_a_line_around_it():
    assert readable_diff("a\nb\nc\nd\ne", "a\nb\nX\nd\ne") == [
        ("gap", "…"), ("context", "b"), ("removed", "c"), ("added", "X"), ("context", "d"), ("gap", "…")]
    assert readable_diff("a\nb\nc", "a\nc") == [("context", "a"), ("removed", "b"), ("context", "c")]
    assert readable_diff("", "a\nb") == [("added", "a"), ("added", "b")]
    assert readable_diff("a\nb", "a\nb") == []


def test_two_changes_far_apart_are_two_small_pieces():
    lines = [f"ligne {n}" for n in range(20_000)]
    changed = lines[:1000] + ["nouvelle"] + lines[1001:15_000] + ["autre"] + lines[15_000:]
    diff = readable_diff("\n".join(lines), "\n".join(changed))
    assert [text for kind, text in diff if kind != "context"] == ["…", "ligne 1000", "nouvelle", "…",
                                                                  "autre", "…"]


def test_two_large_files_changed_every_other_line_give_a_bounded_diff_at_once():
    """difflib alone took two minutes here (the history page held a worker that long); the
    timeout only keeps a regression from hanging the suite."""
    code = textwrap.dedent("""
        from builder.editing.diffs import readable_diff
        lines = [f"l{n}" for n in range(25_000)]
        print(len(readable_diff("\\n".join(lines), "\\n".join(x if n % 2 else "z" for n, x in enumerate(lines)))))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert int(result.stdout) == MAX_SHOWN + 1
