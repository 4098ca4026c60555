"""The studio reads a service file and writes it back: same service, stable readable text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.editing.document import ServiceDocument, dump_service, dump_yaml, load_yaml, open_yaml_tab
from builder.format.loader import ServiceFileError, load_service_text
from builder.format.yaml_lines import read_yaml

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))

MINIMAL = {
    "tremplin": 1, "id": "essai", "title": "Essai",
    "steps": [{"id": "vous", "blocks": [{"type": "text", "id": "prenom", "label": "Votre prénom"}]}],
}


def parsed(text: str):
    return read_yaml(text)[0]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_saved_by_the_studio_is_the_same_service(path):
    original = path.read_text(encoding="utf-8")
    saved = ServiceDocument.from_yaml(original).to_yaml()
    assert parsed(saved) == parsed(original)
    load_service_text(saved)  # still a valid service


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_saving_twice_gives_the_same_bytes(path):
    once = ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).to_yaml()
    assert ServiceDocument.from_yaml(once).to_yaml() == once


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_open_without_problems(path):
    assert ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).problems() == []


def test_top_level_keys_follow_the_format_order_and_unknown_keys_come_last():
    data = {"tests": [], "steps": MINIMAL["steps"], "zzz": 1, "title": "Essai", "id": "essai",
            "tremplin": 1, "summary": "Bonjour"}
    keys = [line.split(":")[0] for line in dump_service(data).splitlines()
            if line and not line.startswith((" ", "#"))]
    assert keys == ["tremplin", "id", "title", "summary", "steps", "tests", "zzz"]


def test_keys_inside_blocks_keep_their_order():
    block = {"type": "text", "label": "Votre prénom", "id": "prenom", "max_length": 10}
    assert dump_yaml(block) == "type: text\nlabel: Votre prénom\nid: prenom\nmax_length: 10\n"


def test_readable_style():
    data = dict(MINIMAL, summary="Première ligne.\n\nDeuxième ligne.\n",
                help={"phone": "01 23 45 67 89"}, languages=["fr"],
                steps=[{"id": "vous", "show_if": {"all": ["age >= 18", "boursier"]},
                        "blocks": [{"type": "date", "id": "jour", "label": "Jour", "min": dt.date(2026, 9, 1)},
                                   {"use": "coordonnees", "only": ["telephone"]}]}],
                tests=[{"name": "A", "answers": {"code_postal": "01000", "satisfaction": "5"}, "expect": []}])
    text = dump_service(data)
    assert "summary: |\n  Première ligne.\n\n  Deuxième ligne.\n" in text
    assert 'phone: "01 23 45 67 89"' in text
    assert "languages: [fr]" in text
    assert "min: 2026-09-01\n" in text
    assert "      - use: coordonnees\n        only: [telephone]\n" in text
    assert "      all:\n        - age >= 18\n        - boursier\n" in text
    assert 'code_postal: "01000"' in text and 'satisfaction: "5"' in text
    assert "expect: []" in text
    assert "\n\nsteps:\n  - id: vous\n" in text
    assert not any(line != line.rstrip() for line in text.splitlines())
    assert parsed(text) == data


def test_strings_are_quoted_only_when_yaml_needs_it():
    data = {"a": "Quel âge avez-vous ?", "b": "oui", "c": "- tiret", "d": "clé: valeur",
            "e": "# dièse", "f": "null", "g": '"autre" in matieres', "h": "2026-09-01"}
    text = dump_yaml(data)
    assert "a: Quel âge avez-vous ?\n" in text
    assert load_yaml(text) == data


def test_steps_outcomes_and_personas_are_separated_by_blank_lines():
    data = dict(MINIMAL, steps=MINIMAL["steps"] * 2)
    text = dump_service(data)
    assert "label: Votre prénom\n\n  - id: vous" in text


def test_the_opening_comment_is_kept_and_comments_inside_are_lost():
    text = "# Mon service\n# deux lignes\n\ntremplin: 1  # version\nid: essai\ntitle: Essai\n" \
           "steps:\n  # une étape\n  - id: vous\n    blocks:\n      - {type: text, id: prenom, label: Prénom}\n"
    saved = ServiceDocument.from_yaml(text).to_yaml()
    assert saved.startswith("# Mon service\n# deux lignes\ntremplin: 1\n")
    assert "# version" not in saved and "# une étape" not in saved


def test_a_file_that_is_not_yaml_raises_with_its_line():
    with pytest.raises(ServiceFileError) as error:
        ServiceDocument.from_yaml("tremplin: 1\nid: [essai\n")
    assert error.value.problems[0].line >= 2


def test_a_list_is_not_a_service():
    with pytest.raises(ServiceFileError):
        ServiceDocument.from_yaml("- a\n- b\n")


def test_a_service_with_problems_still_opens_and_lists_them():
    document = ServiceDocument.from_yaml(dump_service(dict(MINIMAL, titel="Faute")))
    problems = document.problems()
    assert [problem.problem.path for problem in problems] == [("titel",)]
    assert "Vouliez-vous dire « title »" in problems[0].problem.message()


def test_the_yaml_tab_reports_problems_on_the_lines_as_typed():
    text = "tremplin: 1\nid: essai\ntitle: Essai\n\n\nsteps:\n  - id: vous\n    blocks:\n" \
           "      - {type: text, id: prenom, label: Prénom, max_lenght: 3}\n"
    document, problems = open_yaml_tab(text)
    assert document is not None
    assert [(problem.line, problem.problem.path[-1]) for problem in problems] == [(9, "max_lenght")]
    assert open_yaml_tab("id: [\n")[0] is None


def test_with_data_keeps_the_header():
    document = ServiceDocument.from_yaml("# En-tête\n" + dump_service(MINIMAL))
    changed = document.with_data(dict(MINIMAL, title="Autre"))
    assert changed.to_yaml().startswith("# En-tête\n") and document.data["title"] == "Essai"


texts = st.text(st.one_of(st.sampled_from("\n \t#:-\"'|>[{a1é\x85\u2028\xa0\u3000"),
                          st.characters(blacklist_categories=("Cs",))), max_size=30)


@settings(max_examples=300, deadline=None)
@given(label=texts, hint=texts)
@example(label="", hint="\n\xa0")  # a line of a no-break space, in a block shifted into a list
def test_any_text_comes_back_exactly(label, hint):
    data = dict(MINIMAL, summary=label, steps=[{"id": "vous", "blocks": [
        {"type": "text", "id": "prenom", "label": label, "hint": hint}]}] * 2,
                tests=[{"name": hint, "answers": {"x": [label, hint], "y": [label] * 9}}])
    text = dump_service(data)
    assert parsed(text) == data
    assert dump_service(parsed(text)) == text
