"""The survey's groups (``begin group`` … ``end group``) and the steps they become.

A group shown as one screen (``appearance: field-list``, or ``table-list``) becomes one
step with all its questions; any other question is a step of its own, as in ODK Collect,
titled by the group around it. A group's ``relevant`` becomes the ``show_if`` of its
steps (of its questions, inside a one-screen group). A repeat is read as a group whose
questions are asked once, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Union

from builder.editing.ids import slugify, unique
from builder.messages import register
from exports.xlsform_context import Context
from exports.xlsform_expressions import Untranslatable, translate_condition
from exports.xlsform_sheets import FormRow
from exports.xlsform_types import RowType, parse_type

ONE_SCREEN = frozenset({"field-list", "table-list"})

register({
    "xlsform.end_without_begin": ("Ce « {type} » ne ferme aucun groupe : la ligne est ignorée.",
                                  "This \"{type}\" closes no group: the row is ignored."),
    "xlsform.other_group": (
        "« {type} » n'est pas un groupe d'XLSForm que Tremplin connaît (une grille de KoboToolbox…) : "
        "ses lignes sont lues comme un groupe de questions.",
        "\"{type}\" is not an XLSForm group Tremplin knows (a KoboToolbox matrix…): its rows are read as "
        "a group of questions."),
    "xlsform.group_not_closed": (
        "Le groupe « {name} » n'est jamais fermé (end group) : il est fermé à la fin du formulaire.",
        "The group \"{name}\" is never closed (end group): it is closed at the end of the form."),
    "xlsform.repeat": (
        "Tremplin ne répète pas un groupe de questions : les questions du groupe répété « {name} » "
        "sont posées une seule fois.",
        "Tremplin does not repeat a group of questions: the questions of the repeat \"{name}\" are "
        "asked once."),
    "xlsform.group_relevant_left_out": (
        "La condition d'affichage du groupe « {source} » n'est pas reprise : {reason}. Le groupe est "
        "toujours affiché.",
        "The group's display condition \"{source}\" is not carried over: {reason}. The group is always shown."),
    "xlsform.group_label_left_out": (
        "Le titre « {label} » de ce groupe, à l'intérieur d'un écran, n'est pas repris : les questions "
        "restent sur l'écran du groupe qui le contient.",
        "The title \"{label}\" of this group, inside a screen, is not carried over: its questions stay "
        "on the screen of the group around it."),
    "xlsform.group_empty": ("Le groupe « {name} » ne contient aucune question : il n'est pas repris.",
                            "The group \"{name}\" holds no question: it is not carried over."),
})


@dataclass
class Item:
    """A survey row that is not a group edge."""

    row: FormRow
    type: RowType


@dataclass
class Group:
    """A group (the root has no row): its rows and groups, in order."""

    row: FormRow | None = None
    type: RowType | None = None
    children: list[Union["Group", Item]] = field(default_factory=list)

    @property
    def one_screen(self) -> bool:
        """Shown as one screen: ``field-list`` or ``table-list``."""
        return self.row is not None and bool(ONE_SCREEN & set(self.row.get("appearance").split()))

    @property
    def name(self) -> str:
        """The group's name (or its row number when it has none)."""
        return self.row.get("name") or str(self.row.number) if self.row else ""


def read_tree(rows: list[FormRow], context: Context) -> Group:
    """The survey's rows nested in their groups (unbalanced edges noted and mended)."""
    root = Group()
    stack = [root]
    for row in rows:
        row_type = parse_type(row.get("type"))
        if row_type.base in ("begin_group", "begin_repeat", "begin_other"):
            group = Group(row, row_type)
            stack[-1].children.append(group)
            stack.append(group)
            if row_type.base == "begin_repeat":
                context.note(row, "xlsform.repeat", name=group.name)
            elif row_type.base == "begin_other":
                context.note(row, "xlsform.other_group", type=row_type.written)
        elif row_type.base in ("end_group", "end_repeat", "end_other"):
            if len(stack) == 1:
                context.note(row, "xlsform.end_without_begin", type=row_type.written)
            else:
                stack.pop()
        else:
            stack[-1].children.append(Item(row, row_type))
    for group in stack[1:]:
        context.note(group.row, "xlsform.group_not_closed", name=group.name)
    return root


def items(group: Group) -> Iterator[Item]:
    """Every row of ``group`` and of the groups inside it, in order."""
    for child in group.children:
        if isinstance(child, Item):
            yield child
        else:
            yield from items(child)


def combine(conditions: list[Any]) -> Any:
    """One condition from several (None for none): a single one, or ``all:`` of them."""
    flat: list[Any] = []
    for condition in conditions:
        if isinstance(condition, dict) and set(condition) == {"all"}:
            flat.extend(condition["all"])
        elif condition is not None:
            flat.append(condition)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else {"all": flat}


class Steps:
    """Turns the tree into steps; ``blocks`` gives the blocks of one row, ``taken`` the
    ids already used (step ids are made unique against them)."""

    def __init__(self, context: Context, blocks: Callable[[Item], list[dict]], taken: set[str]):
        self.context, self.blocks, self.taken = context, blocks, taken
        self.steps: list[dict[str, Any]] = []

    def build(self, root: Group) -> list[dict[str, Any]]:
        """The steps of the whole survey."""
        self._walk(root, [], None)
        return self.steps

    def _walk(self, group: Group, conditions: list[Any], title: Any) -> None:
        for child in group.children:
            if isinstance(child, Item):
                self._add(child.row.get("name") or child.row.number, title, conditions, self.blocks(child))
                continue
            inner = conditions + [self._relevant(child)]
            label = self.context.text(child.row, "label")
            if child.one_screen:
                self._add(child.name, label or title, inner, self._flatten(child, []), child)
            else:
                before = len(self.steps)
                self._walk(child, inner, label or title)
                self._note_if_empty(child, before)

    def _flatten(self, group: Group, conditions: list[Any]) -> list[dict]:
        blocks: list[dict] = []
        for child in group.children:
            if isinstance(child, Item):
                for block in self.blocks(child):
                    blocks.append(_with_condition(block, conditions))
            else:
                label = self.context.text(child.row, "label")
                if label:
                    self.context.note(child.row, "xlsform.group_label_left_out", label=_first(label))
                blocks.extend(self._flatten(child, conditions + [self._relevant(child)]))
        return blocks

    def _add(self, name: Any, title: Any, conditions: list[Any], blocks: list[dict],
             group: Group | None = None) -> None:
        if not blocks:
            if group is not None:
                self._note_if_empty(group, len(self.steps))
            return
        step_id = unique(slugify(str(name), "etape"), self.taken)
        self.taken.add(step_id)
        step: dict[str, Any] = {"id": step_id}
        if title:
            step["title"] = title
        show_if = combine(conditions)
        if show_if is not None:
            step["show_if"] = show_if
        step["blocks"] = blocks
        self.steps.append(step)

    def _relevant(self, group: Group) -> Any:
        source = group.row.get("relevant")
        if not source:
            return None
        try:
            return translate_condition(source, self.context.scope)
        except Untranslatable as error:
            self.context.note(group.row, "xlsform.group_relevant_left_out", source=source, reason=error.reason)
            return None

    def _note_if_empty(self, group: Group, before: int) -> None:
        if len(self.steps) == before and not any(item.type.base == "calculate" for item in items(group)):
            self.context.note(group.row, "xlsform.group_empty", name=group.name)


def _with_condition(block: dict, conditions: list[Any]) -> dict:
    """``block`` shown only when ``conditions`` (its own ``show_if`` included) hold."""
    show_if = combine([*conditions, block.get("show_if")])
    if show_if is None:
        return block
    return {**block, "show_if": show_if}


def _first(text: Any) -> str:
    return text if isinstance(text, str) else next(iter(text.values()), "")
