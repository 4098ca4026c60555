"""What changed between two texts of a service, as lines a person reads, in bounded time.

:mod:`difflib` alone aligns lines in time that grows with the square of their number
(two 1 MB files with every other line changed took two minutes). Here the lines the two texts share at their start and end are set aside, then the lines found
exactly once in each text are matched, in order (the "patience" diff: linear,
plus a sort), which cuts the texts into short stretches; difflib aligns a stretch only
while the lines it has aligned stay within :data:`ALIGN_BUDGET`, and a stretch beyond
that is shown as removed then added. At most :data:`MAX_SHOWN` lines are returned.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter

ALIGN_BUDGET = 400  # lines difflib may align in one diff
MAX_SHOWN = 300
CONTEXT = 1
EQUAL, REMOVED, ADDED = "context", "removed", "added"


def readable_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The changed lines as (kind, text), kind being "added", "removed", "context" or
    "gap" (lines left out, shown « … »); an empty list when nothing changed."""
    old, new = before.splitlines(), after.splitlines()
    start = _shared_start(old, new)
    end = _shared_start(old[start:][::-1], new[start:][::-1])
    old_middle, new_middle = old[start:len(old) - end], new[start:len(new) - end]
    operations = [(EQUAL, line) for line in old[max(start - CONTEXT, 0):start]]
    budget = [ALIGN_BUDGET]
    previous = (0, 0)
    for old_at, new_at in [*_anchors(old_middle, new_middle), (len(old_middle), len(new_middle))]:
        _stretch(old_middle[previous[0]:old_at], new_middle[previous[1]:new_at], budget, operations)
        if old_at < len(old_middle):
            operations.append((EQUAL, old_middle[old_at]))
        previous = (old_at + 1, new_at + 1)
    operations += [(EQUAL, line) for line in old[len(old) - end:len(old) - end + CONTEXT]]
    lines = _with_context(operations)
    if lines and start > CONTEXT and lines[0][0] != "gap":
        lines.insert(0, ("gap", "…"))
    if lines and end > CONTEXT and lines[-1][0] != "gap":
        lines.append(("gap", "…"))
    return lines


def _shared_start(first: list[str], second: list[str]) -> int:
    """How many lines the two lists share at their start."""
    count = 0
    for left, right in zip(first, second):
        if left != right:
            break
        count += 1
    return count


def _anchors(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """(old index, new index) of lines found once in each text, the longest chain in order."""
    once_old, once_new = Counter(old), Counter(new)
    where_new = {line: index for index, line in enumerate(new) if once_new[line] == 1}
    pairs = [(index, where_new[line]) for index, line in enumerate(old)
             if once_old[line] == 1 and line in where_new]
    tails: list[int] = []  # the smallest new index ending a chain of each length
    ends: list[int] = []  # which pair that is
    before: list[int] = []  # the pair before each one in its chain
    for number, (_, new_at) in enumerate(pairs):
        length = bisect.bisect_left(tails, new_at)
        before.append(ends[length - 1] if length else -1)
        if length == len(tails):
            tails.append(new_at)
            ends.append(number)
        else:
            tails[length], ends[length] = new_at, number
    chain, at = [], ends[-1] if ends else -1
    while at >= 0:
        chain.append(pairs[at])
        at = before[at]
    return chain[::-1]


def _stretch(old: list[str], new: list[str], budget: list[int], out: list[tuple[str, str]]) -> None:
    """The operations between two anchors: aligned by difflib within the budget."""
    if not old and not new:
        return
    if not old or not new or len(old) + len(new) > budget[0]:
        out.extend([(REMOVED, line) for line in old] + [(ADDED, line) for line in new])
        return
    budget[0] -= len(old) + len(new)
    matcher = difflib.SequenceMatcher(None, old, new)
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if tag == "equal":
            out.extend((EQUAL, line) for line in old[old_from:old_to])
        else:
            out.extend((REMOVED, line) for line in old[old_from:old_to])
            out.extend((ADDED, line) for line in new[new_from:new_to])


def _with_context(operations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The changes with :data:`CONTEXT` unchanged lines around them, « … » for the rest."""
    changed = [index for index, (kind, _) in enumerate(operations) if kind != EQUAL]
    keep = {near for index in changed
            for near in range(index - CONTEXT, index + CONTEXT + 1) if 0 <= near < len(operations)}
    lines: list[tuple[str, str]] = []
    for index in sorted(keep):
        if (lines and index - 1 not in keep) or (not lines and index > 0):
            lines.append(("gap", "…"))
        lines.append(operations[index])
        if len(lines) >= MAX_SHOWN:
            return lines + [("gap", "…")]
    if lines and max(keep) < len(operations) - 1:
        lines.append(("gap", "…"))
    return lines
