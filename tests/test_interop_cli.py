"""``tremplin import`` and ``tremplin convert``, run as a person runs them: a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pyxform.xls2xform import convert as pyxform_convert

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "inscription-xls.xlsx"


def tremplin(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                                                     "PYTHONPATH": str(ROOT)})


def test_import_writes_a_valid_service_and_locates_each_note(tmp_path):
    out = tmp_path / "inscription.yaml"
    result = tremplin("import", str(FIXTURE), "--from", "xlsform", "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"{FIXTURE}:2: Le nom « Prénom » devient l'identifiant « prenom »" in lines[0]
    assert lines[-1] == f"Service écrit dans {out} (3 remarque(s) ci-dessus)."
    assert tremplin("validate", str(out)).returncode == 0


def test_import_guesses_the_format_and_writes_to_the_standard_output():
    result = tremplin("--lang", "en", "import", str(FIXTURE))
    assert result.returncode == 0 and result.stdout.startswith("# ") and "tremplin: 1" in result.stdout
    assert "becomes the id \"prenom\"" in result.stderr


def test_import_of_what_is_not_a_workbook_fails_with_a_located_message():
    result = tremplin("import", "README.md", "--from", "xlsform")
    assert result.returncode == 1
    assert result.stderr.startswith("README.md:1: Ce fichier n'est pas un classeur")


def test_the_formats_come_from_the_registries():
    assert "--from [xlsform|aides-jeunes]" in tremplin("import", "--help").stdout
    wrong = tremplin("convert", "examples/avis.yaml", "--to", "pdf")
    assert wrong.returncode == 2 and "'xlsform'" in wrong.stderr


def test_convert_writes_a_workbook_pyxform_accepts(tmp_path):
    result = tremplin("convert", str(ROOT / "examples" / "soutien-scolaire.yaml"), "--to", "xlsform", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "soutien-scolaire.yaml:16: « help »" in result.stderr
    workbook = tmp_path / "soutien-scolaire.xlsx"
    assert "<h:title>S'inscrire au soutien scolaire</h:title>" in pyxform_convert(str(workbook)).xform


def test_convert_refuses_a_broken_service_with_its_lines(tmp_path):
    broken = tmp_path / "casse.yaml"
    broken.write_text("tremplin: 1\nid: casse\ntitle: Cassé\nsteps: []\n", encoding="utf-8")
    result = tremplin("convert", str(broken), "--to", "xlsform")
    assert result.returncode == 1 and f"{broken}:4:" in result.stderr


def test_every_format_and_command_is_documented():
    from exports.interop import CONVERTERS, IMPORTERS
    page = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    assert all(f"--from {name}" in page for name in IMPORTERS)
    assert all(f"--to {name}" in page for name in CONVERTERS)
    assert "(docs/import.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
