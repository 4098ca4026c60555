"""A small HTML tree (the standard library's parser) and the out-of-band swaps htmx makes
with it, so that a test can apply an htmx answer to the page a person saw and compare
the result with the page a full reload shows.

Only what the editor's answers use is here: ``hx-swap-oob`` set to ``outerMorph``,
``outerHTML`` or ``true`` (the element takes the place of the one with its id),
``delete``, ``afterend:#id`` and ``afterbegin:#id`` (the wrapper's children are put
there), and ``outerHTML:#id tag[name=value]`` (every such element inside ``#id``). As
htmx does, every target is found before any swap is made.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list = field(default_factory=list)  # Elements and strings


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Element("#root", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        while len(self.open) > 1:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    """The tree of ``html`` (under a ``#root`` element)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def elements(root: Element):
    """Every element under ``root``, in document order, with its parent."""
    for child in root.children:
        if isinstance(child, Element):
            yield child, root
            yield from elements(child)


def by_id(root: Element, element_id: str) -> Element:
    [found] = [element for element, _ in elements(root) if element.attrs.get("id") == element_id]
    return found


def canonical(node) -> str:
    """``node`` as text where only content counts: whitespace between words squeezed,
    attributes sorted."""
    if isinstance(node, str):
        return " ".join(node.split())
    attrs = "".join(f' {name}="{value}"' for name, value in sorted(node.attrs.items()))
    inner = "".join(part for part in (canonical(child) for child in node.children) if part)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def _targets(page: Element, selector: str) -> list[tuple[Element, Element]]:
    """``(element, parent)`` pairs that ``selector`` names: ``#id`` or ``#id tag[name=value]``."""
    match = re.fullmatch(r"#([\w-]+)(?: (\w+)\[(\w+)=([\w-]+)\])?", selector)
    assert match, f"selector not handled here: {selector}"
    element_id, tag, name, value = match.groups()
    found = [(element, parent) for element, parent in elements(page) if element.attrs.get("id") == element_id]
    if tag is None:
        return found
    return [(element, parent) for scope, _ in found for element, parent in elements(scope)
            if element.tag == tag and element.attrs.get(name) == value]


def apply_oob(page: Element, answer: str) -> None:
    """Make on ``page`` the out-of-band swaps of the htmx ``answer``; the answer must hold
    nothing else (htmx then swaps nothing into the form's target)."""
    root, swaps = parse(answer), []
    others = [child for child in root.children if isinstance(child, str) and child.strip()
              or isinstance(child, Element) and "hx-swap-oob" not in child.attrs]
    assert not others, f"the answer holds more than out-of-band parts: {others[:1]}"
    for element, _ in list(elements(root)):
        spec = element.attrs.pop("hx-swap-oob", None)
        if spec is None:
            continue
        style, _, selector = spec.partition(":")
        style = "outerHTML" if style == "true" else style
        selector = selector or f"#{element.attrs['id']}"
        swaps += [(style, element, target, parent) for target, parent in _targets(page, selector)]
        assert swaps and swaps[-1][1] is element, f"no target for {spec}"
    for style, element, target, parent in swaps:
        new = copy.deepcopy(element)
        if style == "outerMorph":  # the element stays, made like the new one
            target.tag, target.attrs, target.children = new.tag, new.attrs, new.children
        elif style == "outerHTML":
            parent.children[_place(parent, target)] = new
        elif style == "delete":
            del parent.children[_place(parent, target)]
        elif style == "afterend":
            place = _place(parent, target) + 1
            parent.children[place:place] = new.children
        elif style == "afterbegin":
            target.children[0:0] = new.children
        else:
            raise AssertionError(f"swap style not handled here: {style}")


def _place(parent: Element, child: Element) -> int:
    """Where ``child`` itself stands among ``parent``'s children (an error once it left)."""
    return next(index for index, node in enumerate(parent.children) if node is child)
