"""The ``tremplin`` command, run as a person runs it: a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def tremplin(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder.cli", *args], capture_output=True, text=True,
                          input=stdin, cwd=ROOT, timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


def test_every_example_validates():
    result = tremplin("validate", *map(str, EXAMPLES))
    assert result.returncode == 0, result.stderr


def test_every_example_passes_its_personas():
    result = tremplin("test", *map(str, EXAMPLES))
    assert result.returncode == 0, result.stdout
    last = result.stdout.strip().splitlines()[-1]
    passed, failed = (int(part.split()[0]) for part in last.split(", "))
    assert passed >= 20 and failed == 0


def test_validate_gives_file_and_line_for_each_problem(tmp_path):
    broken = tmp_path / "casse.yaml"
    text = (ROOT / "examples" / "avis.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("tremplin: 1", "tremplin: 2").replace("type: yesno", "type: yesnon", 1),
                      encoding="utf-8")
    result = tremplin("validate", str(broken))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{broken}:") for line in lines)
    assert "yesnon" in lines[1] and "yesno" in lines[1]


def test_validate_speaks_english_when_asked(tmp_path):
    broken = tmp_path / "casse.yaml"
    broken.write_text("tremplin: 1\nid: x\ntitle: X\nstepz: []\n", encoding="utf-8")
    result = tremplin("--lang", "en", "validate", str(broken))
    assert "Did you mean \"steps\"?" in result.stderr


def test_a_failing_persona_says_what_differs(tmp_path):
    text = (ROOT / "examples" / "avis.yaml").read_text(encoding="utf-8")
    service = yaml.safe_load(text)
    service["tests"][0]["expect"] = ["rappel-responsable"]
    path = tmp_path / "avis.yaml"
    path.write_text(yaml.safe_dump(service, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = tremplin("test", str(path))
    assert result.returncode == 1
    assert "✗" in result.stdout and "attendu : rappel-responsable" in result.stdout
    assert result.stdout.strip().endswith("passed, 1 failed")


def test_evaluate_answers_in_the_shape_of_the_design(tmp_path):
    answers = tmp_path / "reponses.json"
    answers.write_text(json.dumps({"date_naissance": "2007-03-02", "statut": "apprenti"}), encoding="utf-8")
    result = tremplin("evaluate", str(ROOT / "examples" / "aides-jeunes.yaml"), "--answers", str(answers),
                      "--today", "2026-11-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["outcomes", "missing", "steps", "errors"]
    assert data["outcomes"]["aide-permis-apprenti"] == "yes"
    assert set(data["outcomes"].values()) <= {"yes", "no", "unknown"}
    assert data["errors"] == {}


def test_evaluate_reads_yaml_answers_inline_and_reports_errors():
    result = tremplin("evaluate", str(ROOT / "examples" / "aides-jeunes.yaml"),
                      "--answers", "{date_naissance: 2007-02-30}", "--today", "2026-11-01")
    data = json.loads(result.stdout)
    assert "date_naissance" in data["errors"] and "date_naissance" in data["missing"]


def test_evaluate_reads_answers_from_stdin():
    result = tremplin("evaluate", str(ROOT / "examples" / "aides-jeunes.yaml"), "--answers", "-",
                      stdin="statut: etudiant\n")
    assert json.loads(result.stdout)["outcomes"]["repas-crous-1-euro"] == "yes"


def test_schema_is_valid_json_schema_and_accepts_every_example():
    result = tremplin("schema")
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in EXAMPLES:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, (path.name, errors[0].message)


@pytest.mark.parametrize("mutation", [{"titel": "x"}, {"steps": [{"id": "a", "blocks": [{"type": "nope"}]}]}])
def test_schema_rejects_what_the_loader_rejects(mutation):
    schema = json.loads(tremplin("schema").stdout)
    data = {"tremplin": 1, "id": "s", "title": "S", "steps": [{"id": "a", "blocks": [
        {"type": "text", "id": "q", "label": "Q"}]}], **mutation}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_validate_ends_with_a_one_line_summary(tmp_path):
    fine = tremplin("validate", *map(str, EXAMPLES))
    assert fine.stdout == f"{len(EXAMPLES)} fichier(s) vérifié(s) : aucun problème.\n"
    broken = tmp_path / "casse.yaml"
    broken.write_text("tremplin: 1\nid: x\ntitle: X\nstepz: []\n", encoding="utf-8")
    mixed = tremplin("--lang", "en", "validate", str(EXAMPLES[0]), str(broken))
    assert mixed.returncode == 1
    assert mixed.stdout == "2 file(s) checked: 1 with problems.\n"
