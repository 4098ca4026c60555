"""Every example, start to finish, in a real browser on a phone-sized screen.

With JavaScript on, the person uses the keyboard alone, and every page they see is
checked: axe-core, no horizontal scroll at 320 px, no Content-Security-Policy
violation. With JavaScript off, the same journeys work with plain forms.
"""

from __future__ import annotations

import pytest

from browsing import ClickingPerson, KeyboardPerson, controllers, walk
from builder.format.loader import load_service
from builder.serving import EXAMPLES

pytestmark = pytest.mark.browser

REVEALED_NOTE = "Une nouvelle question est apparue"


def reveals(service, persona) -> int:
    """How many questions this persona answers that appear on the page of their controller."""
    return sum(1 for step in service.steps if controllers(service, step)
               for block in step.questions if block.show_if is not None and block.id in persona.answers)


def example_journeys():
    """One persona per example: one answering a question revealed on its own page, else the longest."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        service = load_service(path)
        persona = max(service.personas, key=lambda p: (reveals(service, p), len(p.answers)))
        yield pytest.param(service, persona, id=service.id)


JOURNEYS = list(example_journeys())


def check_ending(service, persona, done):
    if service.outcomes:
        assert done["outcomes"] == set(persona.expect), persona.name
    if "submission" in service.data:
        assert done["reference"], "no reference TRM-XXX-XXX on the confirmation page"


@pytest.mark.parametrize("service, persona", JOURNEYS)
def test_keyboard_alone_reaches_the_end(page, inspect, service, persona):
    kinds = []

    def visit(page, kind):
        kinds.append(kind)
        inspect(page, kind)

    done = walk(KeyboardPerson(page), service, persona.answers, visit)
    check_ending(service, persona, done)
    # with htmx, a question revealed on the same page appears at once: no step is shown twice
    assert len(done["steps"]) == len(set(done["steps"])), done["steps"]
    assert kinds[0] == "start" and kinds[-1] in ("result", "confirmation")


@pytest.mark.parametrize("service, persona", JOURNEYS)
def test_journey_works_without_javascript(new_page, service, persona):
    page = new_page(javascript=False)
    notes = {}

    def visit(page, kind):
        assert page.evaluate("typeof window.htmx") == "undefined"  # really without JavaScript
        if kind == "step":
            step_id = page.url.rsplit("/", 1)[1]
            notes[step_id] = notes.get(step_id, []) + [page.get_by_text(REVEALED_NOTE).count() > 0]

    done = walk(ClickingPerson(page), service, persona.answers, visit)
    check_ending(service, persona, done)
    for step_id, shown in notes.items():
        if len(shown) > 1:  # « Continuer » showed the page again, with the new question and a note
            assert shown == [False, True], (step_id, shown)
    if reveals(service, persona):
        assert any(len(shown) == 2 for shown in notes.values()), "the revealed question was not asked"
