"""What an edit changed on the editor's page, so that htmx swaps only that.

The editor page of a revision is drawn from its analysis (:mod:`builder.editing.analysis`).
After an edit, the page of the new revision differs from the one the person sees in a few
places: the block added and its neighbour, the steps whose problems changed… Instead of
drawing the whole editor again (every block of every step), :func:`page_changes` compares
what each part of the page is drawn from, before and after, and lists the steps that
changed and, in each, the blocks to draw again, to insert or to delete. The htmx answer
(``_changes.html``) sends them out of band (``hx-swap-oob``), with the parts that follow
every edit: its message, the problems, the outcomes, the personas, the preview and the
revision every form carries. Once swapped, the page is the one a full reload would show.

When the outline of the page changed (a step added, moved, renamed or deleted, the
service's languages) or when the page is one this comparison does not describe (a step
that is not a mapping, two things with one HTML id), :func:`page_changes` returns None
and the whole editor is drawn again, as without this module.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from builder.editing.analysis import Analysis
from builder.editing.locate import anchor, block_key


@dataclass(frozen=True)
class BlockPatch:
    """One change to a step's list of blocks, ``target`` being an HTML id: ``replace``
    the block ``target`` (``entries`` holds it, as an ``(index, entry)`` pair), ``delete``
    it, or ``insert`` the run of ``entries`` after the block ``target`` (or at the start
    of the list ``target`` when ``at_start``)."""

    kind: str
    target: str
    entries: tuple[tuple[int, Any], ...] = ()
    at_start: bool = False

    @property
    def swap(self) -> str:
        """The ``hx-swap-oob`` value of an insert."""
        return f"{'afterbegin' if self.at_start else 'afterend'}:#{self.target}"


@dataclass(frozen=True)
class StepChange:
    """A step of the page that changed: its head and tools are drawn again, and its list
    of blocks patched."""

    step: dict
    number: int
    count: int  # steps on the page
    patches: tuple[BlockPatch, ...]

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def last(self) -> bool:
        return self.number == self.count

    @property
    def block_count(self) -> int:
        return len(self.step.get("blocks") or [])


def page_changes(before: Analysis, after: Analysis, lang: str) -> list[StepChange] | None:
    """The steps to redraw on a page that showed ``before`` for it to show ``after``
    (None: redraw the whole editor)."""
    old, new = _outline(before.data), _outline(after.data)
    if old is None or new is None or old != new or not _ids_unique(after.data):
        return None
    steps = after.data["steps"]
    changes = []
    for number, (was, now) in enumerate(zip(before.data["steps"], steps), start=1):
        patches = _block_patches(_faces(before, was, lang), _faces(after, now, lang), now)
        if patches or _frame(before, was, lang) != _frame(after, now, lang):
            changes.append(StepChange(now, number, len(steps), tuple(patches)))
    return changes


def _outline(data: dict) -> str | None:
    """What every step's drawing depends on beside the step itself: the steps' ids and
    titles (the « move to » lists) and the languages (the title fields). None for steps
    this module does not describe."""
    steps = data.get("steps")
    if not isinstance(steps, list) or not all(_well_formed(step) for step in steps):
        return None
    return repr(([(step["id"], step.get("title")) for step in steps], data.get("languages")))


def _well_formed(step: Any) -> bool:
    return isinstance(step, dict) and isinstance(step.get("id"), str) \
        and isinstance(step.get("blocks"), (list, type(None)))


def _ids_unique(data: dict) -> bool:
    """Whether every step and block has an HTML id of its own (an out-of-band swap finds
    its place by id)."""
    ids = [anchor("etape", step["id"]) for step in data["steps"]]
    ids += [html_id for step in data["steps"] for html_id, _ in _keys(step)]
    return len(ids) == len(set(ids))


def _keys(step: dict) -> list[tuple[str, str]]:
    """``(html id, key)`` of each block of the step."""
    keys = [block_key(entry, step["id"], index) for index, entry in enumerate(step.get("blocks") or [])]
    return [(anchor("bloc", key), key) for key in keys]


def _frame(analysis: Analysis, step: dict, lang: str) -> tuple:
    """What a step's head and tools are drawn from."""
    own = {key: value for key, value in step.items() if key != "blocks"}
    return (repr(own), [item.message(lang) for item in analysis.problems_at(step=step["id"])],
            [hint.message_fr for hint in analysis.hints_at(step=step["id"])])


def _faces(analysis: Analysis, step: dict, lang: str) -> list[tuple[str, tuple]]:
    """``(html id, what the block is drawn from)`` for each block of the step."""
    entries = step.get("blocks") or []
    return [(html_id, (repr(entry), index == 0, index == len(entries) - 1,
                       [item.message(lang) for item in analysis.problems_at(block=key)],
                       [hint.message_fr for hint in analysis.hints_at(block=key)]))
            for index, (entry, (html_id, key)) in enumerate(zip(entries, _keys(step)))]


def _block_patches(old: list[tuple[str, tuple]], new: list[tuple[str, tuple]], step: dict) -> list[BlockPatch]:
    """The patches that turn the blocks ``old`` into ``new`` (those of ``step`` now):
    blocks kept in place are redrawn when what they are drawn from changed; the others
    are deleted, and inserted (in runs, after a block that stays) where they now stand.
    Inserts come first: each is placed after a block that is still where it was."""
    entries = step.get("blocks") or []
    old_ids, new_ids = [html_id for html_id, _ in old], [html_id for html_id, _ in new]
    inserts, redraws, deletes = [], [], []
    matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            redraws += [BlockPatch("replace", new[index][0], ((index, entries[index]),))
                        for index, previous in zip(range(new_start, new_end), range(old_start, old_end))
                        if old[previous][1] != new[index][1]]
            continue
        deletes += [BlockPatch("delete", old[index][0]) for index in range(old_start, old_end)]
        if new_end > new_start:
            target = new[new_start - 1][0] if new_start else anchor("blocs", step["id"])
            run = tuple((index, entries[index]) for index in range(new_start, new_end))
            inserts.append(BlockPatch("insert", target, run, at_start=not new_start))
    return inserts + redraws + deletes
