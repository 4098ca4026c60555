"""Author patterns run in linear time (RE2); a pattern RE2 cannot run is refused by the
loader, on its line, in French."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from blocks import REGISTRY
from builder.format.loader import ServiceFileError, load_service_text
from builder.messages import Problem

ROOT = Path(__file__).resolve().parent.parent
SERVICE = """\
tremplin: 1
id: dossier
title: Votre dossier
steps:
  - id: vous
    title: Vous
    blocks:
      - type: text
        id: numero
        label: Numéro de dossier
        pattern: "{pattern}"
submission: {{confirmation: Merci}}
"""


def load(pattern: str):
    return load_service_text(SERVICE.format(pattern=pattern), "dossier.yaml")


@pytest.mark.parametrize("pattern, reason", [
    ("(?=AB)\\\\w+", "« (?= » n'est pas permis"),
    ("(?<!x)ab", "« (?<! » n'est pas permis"),
    ("(a)\\\\1", "« \\1 » n'est pas permis"),
    ("a{2000}", "la répétition « {2000} » est mal écrite ou trop grande"),
    ("[a-", "il manque « ] »"),
])
def test_a_pattern_re2_cannot_run_is_refused_on_its_line(pattern, reason):
    with pytest.raises(ServiceFileError) as caught:
        load(pattern)
    [problem] = caught.value.problems
    assert problem.line == 11
    assert problem.format().startswith("dossier.yaml:11: Le motif « pattern » ne peut pas servir : ")
    assert reason in problem.format()
    assert "pattern" in problem.format("en") and "cannot be used" in problem.format("en")


def test_patterns_keep_their_meaning():
    block = load("[A-Z]{2}\\\\d{4}").blocks["numero"]
    assert block.type.clean(block.params, " AB1234 ") == "AB1234"
    for wrong in ("AB12345", "ab1234", "AB123"):
        with pytest.raises(Problem):
            block.type.clean(block.params, wrong)


def test_a_pattern_that_backtracks_in_python_checks_an_answer_at_once():
    """``(a+)+`` against « aaa…a! » takes Python's re longer than the age of the universe for
    this length; RE2 answers in linear time. The timeout only keeps a regression from hanging
    the suite."""
    code = textwrap.dedent("""
        from blocks import REGISTRY
        from builder.messages import Problem
        block = {"id": "x", "label": "X", "pattern": "(a+)+"}
        try:
            REGISTRY.get("text").clean(block, "a" * 50_000 + "!")
        except Problem:
            print("refused")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "refused"


def test_the_text_block_checks_with_the_same_engine_as_the_loader():
    text = REGISTRY.get("text")
    block = {"id": "x", "label": "X", "pattern": "\\pL+"}  # RE2's « any letter »
    assert text.check_block(block) == []
    assert text.clean(block, "Éloïse") == "Éloïse"
