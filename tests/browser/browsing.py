"""How the browser tests drive a mini-site: with the keyboard alone, or with clicks.

``KeyboardPerson`` only presses keys (Tab, Shift+Tab, Space, Enter, arrows in a radio
group, typing), as someone who cannot use a mouse or a touch screen. ``ClickingPerson``
fills and clicks, and works with JavaScript off. Both answer from a persona of the
service file and walk the journey the server chooses, one page at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

from builder.format.model import Service
from builder.site import flow

REFERENCE = re.compile(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}")
OPTION_TYPES = ("option", "options", "boolean")
_AXE = []  # one axe-core, loaded on first use


def path_of(page) -> str:
    return urlparse(page.url).path


def form_value(value: Any) -> Any:
    """A persona's answer as a person types or ticks it (French dates, oui/non)."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def controllers(service: Service, step) -> set[str]:
    """Questions of ``step`` that decide whether another block of the same step is shown."""
    return flow.controllers(step)


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page, one readable line per rule and element."""
    if not _AXE:
        from axe_playwright_python.sync_playwright import Axe
        _AXE.append(Axe())
    results = _AXE[0].run(page)
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} — {node['target']}"
            for violation in results.response["violations"] for node in violation["nodes"]]


def horizontal_overflow(page, viewport: dict, back_to: dict) -> int:
    """How many pixels the page is wider than ``viewport`` (0: no horizontal scroll)."""
    page.set_viewport_size(viewport)
    try:
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.set_viewport_size(back_to)


def screenshot(page, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    # caret="initial": hiding it would inject a <style>, which the CSP refuses (a false alarm)
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


class KeyboardPerson:
    """Someone who uses a keyboard only. Every move is a key press."""

    def __init__(self, page, max_tabs: int = 120):
        self.page = page
        self.max_tabs = max_tabs

    def focused(self, selector: str | None = None, text: str | None = None) -> bool:
        return self.page.evaluate(
            """([selector, text]) => {
                const e = document.activeElement;
                if (!e || e === document.body) return false;
                return (!selector || e.matches(selector)) && (!text || e.textContent.trim() === text);
            }""", [selector, text])

    def tab_to(self, selector: str | None = None, *, text: str | None = None, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until the element is focused; fail if it never is."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(self.max_tabs):
            self.page.keyboard.press(key)
            if self.focused(selector, text):
                return
        raise AssertionError(f"{selector or ''} {text or ''} cannot be reached with {key} on {self.page.url}")

    def activate(self, text: str, selector: str = "a, button") -> None:
        """Tab to the link or button that reads ``text`` and press Enter: a new page loads."""
        self.tab_to(selector, text=text)
        with self.page.expect_event("load"):
            self.page.keyboard.press("Enter")

    def type_into(self, selector: str, value: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(value)

    def choose_radio(self, name: str, value: str) -> None:
        """Tab into the radio group, then Space (first option) or arrows to the option."""
        values = self.page.eval_on_selector_all(f'input[type=radio][name="{name}"]', "es => es.map(e => e.value)")
        self.tab_to(f'input[type=radio][name="{name}"]')
        current = self.page.evaluate("document.activeElement.value")
        steps = values.index(value) - values.index(current)
        if steps == 0:
            self.page.keyboard.press("Space")
        for _ in range(abs(steps)):
            self.page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        assert self.page.is_checked(f'input[type=radio][name="{name}"][value="{value}"]')

    def tick(self, selector: str) -> None:
        self.tab_to(selector)
        if not self.page.is_checked(selector):
            self.page.keyboard.press("Space")
        assert self.page.is_checked(selector)

    def choose_in_list(self, name: str, value: str) -> None:
        """A dropdown: focus it, then arrows until the option is selected."""
        self.tab_to(f'select[name="{name}"]')
        values = self.page.eval_on_selector_all(f'select[name="{name}"] option', "es => es.map(e => e.value)")
        for _ in range(values.index(value) - values.index(self.page.input_value(f'select[name="{name}"]'))):
            self.page.keyboard.press("ArrowDown")
        assert self.page.input_value(f'select[name="{name}"]') == value

    def answer(self, block, value: Any, *, controls: bool = False) -> None:
        """Answer one question; when it controls another block, wait for htmx to update the page."""
        value = form_value(value)
        if controls:
            with self.page.expect_response(lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true"):
                self._answer(block, value)
            self.page.wait_for_function("() => !document.querySelector('.htmx-request')")
        else:
            self._answer(block, value)

    def _answer(self, block, value: Any) -> None:
        name = block.id
        if block.type.name == "consent":
            if value == "oui":
                self.tick(f'input[name="{name}"]')
        elif block.type.answer_type == "options":
            for item in value:
                self.tick(f'input[name="{name}"][value="{item}"]')
        elif block.type.answer_type in OPTION_TYPES:
            if self.page.locator(f'select[name="{name}"]').count():
                self.choose_in_list(name, value)
            else:
                self.choose_radio(name, value)
        elif value != "":
            self.type_into(f'[name="{name}"]', value)


class ClickingPerson:
    """Someone with a mouse or a touch screen (it also works with JavaScript off)."""

    def __init__(self, page):
        self.page = page

    def activate(self, text: str, selector: str = "a, button") -> None:
        with self.page.expect_event("load"):
            self.page.locator(selector).filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).first.click()

    def answer(self, block, value: Any, *, controls: bool = False) -> None:
        value = form_value(value)
        name = block.id
        if block.type.name == "consent":
            if value == "oui":
                self.page.check(f'input[name="{name}"]')
        elif block.type.answer_type == "options":
            for item in value:
                self.page.check(f'input[name="{name}"][value="{item}"]')
        elif block.type.answer_type in OPTION_TYPES:
            if self.page.locator(f'select[name="{name}"]').count():
                self.page.select_option(f'select[name="{name}"]', value)
            else:
                self.page.check(f'input[type=radio][name="{name}"][value="{value}"]')
        elif value != "":
            self.page.fill(f'[name="{name}"]', value)


def walk(person, service: Service, answers: dict[str, Any],
         visit: Callable[[Any, str], None] = lambda page, kind: None) -> dict[str, Any]:
    """Go through ``service`` from its start page to the result or the confirmation.

    ``visit(page, kind)`` is called on every page (kind: start, step, check, result,
    confirmation). Returns what happened: the steps seen (a step seen twice is a question
    revealed on the same page without htmx), the outcomes shown, the reference.
    """
    page = person.page
    page.goto(f"/s/{service.id}/")
    visit(page, "start")
    person.activate("Commencer")
    steps = {step.id: step for step in service.steps}
    seen: list[str] = []
    for _ in range(2 * len(service.steps) + 2):
        if path_of(page).endswith("/verifier"):
            break
        step_id = path_of(page).rsplit("/", 1)[1]
        assert "/etape/" in path_of(page) and step_id in steps, page.url
        step = steps[step_id]
        visit(page, "step")
        seen.append(step_id)
        controlling = controllers(service, step)
        for block in step.questions:
            if block.id in answers and page.locator(f"#bloc-{block.id}").count():
                person.answer(block, answers[block.id], controls=block.id in controlling)
        person.activate("Continuer")
    assert path_of(page).endswith("/verifier"), f"the journey did not reach « Vérifier vos réponses »: {page.url}"
    visit(page, "check")
    done: dict[str, Any] = {"steps": seen, "outcomes": None, "reference": None}
    if service.outcomes:
        person.activate("Voir le résultat")
        assert path_of(page).endswith("/resultat"), page.url
        visit(page, "result")
        done["outcomes"] = {element.get_attribute("id").removeprefix("resultat-")
                            for element in page.locator("section.outcome h2[id^=resultat-]").all()}
    if "submission" in service.data:
        person.activate("Envoyer")
        assert "/confirmation/" in path_of(page), page.url
        visit(page, "confirmation")
        found = REFERENCE.search(page.locator("main").inner_text())
        done["reference"] = found.group(0) if found else None
    return done
