"""Importing Aides Jeunes benefit files (tests/fixtures/aides-jeunes, real files): the
simulator validates, its generated personas pass and make every outcome apply, and its
outcomes agree with an independent reading of Aides Jeunes' rules
(tests/aides_jeunes_reference.py) on those personas and on many random ones."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pyxform.xls2xform import convert as pyxform_convert

from aides_jeunes_reference import eligible, read, situation
from builder.format.loader import load_service_text
from builder.rules.engine import decide
from builder.rules.personas import run_personas
from exports.interop import converter, import_files
from exports.notes import ImportFailed, Source

FIXTURES = Path(__file__).parent / "fixtures" / "aides-jeunes"
FILES = sorted(FIXTURES.glob("*.yml"))
TODAY = dt.date(2026, 9, 1)
COMMUNES = ("75056", "69123", "67482", "33063", "55545", "01001", "83137", "62041", "35238", "13055",
            "97411", "2A004", "29019", "53130", "59350", "14118", "27229", "44109", "67218", "33039")


def imported(paths=FILES):
    from exports import aidesjeunes_import
    return aidesjeunes_import.import_service([Source(path.name, path.read_bytes()) for path in paths], today=TODAY)


@pytest.fixture(scope="module")
def result():
    return imported()


@pytest.fixture(scope="module")
def service(result):
    return load_service_text(result.text, "aides-jeunes.yaml")


def test_several_benefits_make_one_simulator_that_validates(result, service):
    assert len(service.outcomes) == len(FILES)
    assert "tremplin: 1" in result.text and "Importé d'Aides Jeunes" in result.text


def test_a_computed_quotient_is_named_in_words_for_people(service):
    named = {name: computed.label for name, computed in service.computed.items() if "quotient" in name}
    assert named and set(named.values()) <= {"Quotient familial", "Quotient familial par mois"}


def test_each_file_alone_validates_and_its_personas_pass():
    for path in FILES:
        alone = load_service_text(imported([path]).text, path.name)
        results = run_personas(alone)
        assert results and all(found.passed for found in results), path.name


def test_the_generated_personas_pass_and_make_every_outcome_apply(service):
    results = run_personas(service)
    assert all(found.passed for found in results)
    shown = {outcome for persona in service.personas for outcome in persona.expect}
    assert shown == {outcome.id for outcome in service.outcomes}


BENEFITS = [read(path) for path in FILES]


def _agrees(service, answers: dict, today: dt.date) -> None:
    """Tremplin's outcomes for ``answers`` are the benefits Aides Jeunes would give
    (the outcomes are in the order of the files)."""
    statuses = decide(service, answers, today)
    s = situation(answers, today)
    for path, benefit, outcome in zip(FILES, BENEFITS, service.outcomes):
        assert (statuses[outcome.id] == "yes") == eligible(benefit, s), (path.name, answers)


def test_outcomes_agree_with_an_independent_reading_on_the_generated_personas(service):
    for persona in service.personas:
        _agrees(service, dict(persona.answers), persona.today or TODAY)


def _random_answers(service, rng: random.Random) -> dict:
    answers = {}
    for block in service.questions.values():
        kind, params = block.type.name, block.params
        if kind == "date":
            answers[block.id] = (TODAY - dt.timedelta(days=rng.randint(10 * 365, 35 * 365))).isoformat()
        elif kind == "commune":
            answers[block.id] = rng.choice(COMMUNES)
        elif kind == "choice":
            answers[block.id] = rng.choice([o["value"] for o in params["options"]])
        elif kind == "yesno":
            answers[block.id] = rng.random() < 0.5
        elif block.id == "parts_fiscales":
            answers[block.id] = rng.choice([1, 1.5, 2, 2.5, 3, 4])
        elif kind == "number":
            allowed = [n for n in (0, 1, 2, 3, 50, 79, 80, 100, 5000, 9000, 15000, 30000, 60000)
                       if params.get("min", 0) <= n <= params.get("max", n)]
            answers[block.id] = rng.choice(allowed)
    if answers.get("activite") != "etudiant":  # hidden questions have no answer
        for hidden in ("scolarite", "alternance", "annee_etude"):
            answers.pop(hidden, None)
    return answers


def test_outcomes_agree_with_an_independent_reading_on_random_personas(service):
    rng = random.Random(20260901)
    for _ in range(400):
        _agrees(service, _random_answers(service, rng), TODAY)


def test_what_is_not_carried_over_is_noted_with_its_file_and_line(result):
    lines = [note.format("fr") for note in result.notes]
    assert any(line.startswith("departement-var-fonds-de-solidarite-energie.yml:") and "teleservicePrefill" in line
               for line in lines)
    assert any(line.startswith("artois-mobilite-aide-covoiturage.yml:") and "aucune commune" in line for line in lines)
    assert any(line.startswith("ville-strasbourg-accompagnement.yml:") and "codes postaux" in line.lower()
               for line in lines)


def test_an_unknown_condition_is_reported_and_left_out(tmp_path):
    benefit = (FIXTURES / "caf-ain-aide-bafa-session-generale.yml").read_text(encoding="utf-8")
    benefit = benefit.replace("profils: []", "profils:\n  - type: astronaute\n  - type: lyceen\n"
                              "    conditions:\n      - type: signe_astrologique\n        values: [lion]")
    found = import_files([Source("bafa.yml", benefit.encode())], "aides-jeunes")
    messages = [note.format("fr") for note in found.notes]
    assert any(m.startswith("bafa.yml:16:") and "astronaute" in m for m in messages)
    assert any(m.startswith("bafa.yml:19:") and "signe_astrologique" in m for m in messages)
    assert 'scolarite == "lycee"' in found.text


def test_a_file_that_is_no_benefit_fails_with_its_line():
    with pytest.raises(ImportFailed) as failed:
        import_files([Source("cassé.yml", b"label: x\ninstitution: [\n")], "aides-jeunes")
    assert failed.value.format("fr").startswith("cassé.yml:")


@pytest.mark.parametrize("value", ["!!timestamp nope", "!!python/name:os.system", "!foo x"])
def test_a_tagged_value_fails_the_import_without_a_traceback(value):
    with pytest.raises(ImportFailed) as failed:
        import_files([Source("tag.yml", f"label: {value}\ninstitution: caf\n".encode())], "aides-jeunes")
    assert failed.value.format("fr").startswith("tag.yml:")
    with pytest.raises(ImportFailed):  # and it is not taken for a benefit when the format is not given
        import_files([Source("tag.yml", f"label: {value}\ninstitution: caf\n".encode())])


def test_the_files_are_recognised_without_from():
    path = FIXTURES / "union_europeenne_discovereu.yml"
    assert "DiscoverEU" in import_files([Source(path.name, path.read_bytes())]).text


def test_the_simulator_exports_to_an_xlsform_pyxform_accepts(service):
    content = converter("xlsform").convert(service).content
    assert pyxform_convert(content, validate=False, file_type=".xlsx").xform


def test_the_command_line_imports_several_files(tmp_path):
    out = tmp_path / "aides.yaml"
    run = subprocess.run([sys.executable, "-m", "builder.cli", "import", *map(str, FILES[:3]),
                          "--from", "aides-jeunes", "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Service écrit dans" in run.stderr
    checked = subprocess.run([sys.executable, "-m", "builder.cli", "test", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0 and " passed, 0 failed" in checked.stdout
