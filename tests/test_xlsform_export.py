"""Exporting a service as an XLSForm that pyxform (XLSForm's reference implementation)
turns into a valid XForm, and that imports back into a valid service.

Each example exports; pyxform's Python API converts the workbook without error; when
Java is there, ODK Validate (shipped inside pyxform) checks the XForm too.
"""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert as pyxform_convert

from builder.format.loader import load_service, load_service_text
from exports.interop import converter, import_files
from exports.notes import Source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
XFORMS = "{http://www.w3.org/2002/xforms}"


def export(service):
    return converter("xlsform").convert(service)


def xform(content: bytes, validate: bool = False) -> ET.Element:
    """The XForm pyxform makes of a workbook (it raises on any error)."""
    warnings: list[str] = []
    result = pyxform_convert(content, warnings=warnings, validate=validate, file_type=".xlsx")
    assert warnings == []
    return ET.fromstring(result.xform)


def binds(root: ET.Element) -> dict[str, dict[str, str]]:
    return {bind.get("nodeset").rsplit("/", 1)[-1]: bind.attrib for bind in root.iter(f"{XFORMS}bind")}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_example_becomes_an_xform_and_comes_back_valid(path):
    service = load_service(path)
    result = export(service)
    root = xform(result.content)
    assert set(service.questions) <= set(binds(root))
    back = import_files([Source(f"{service.id}.xlsx", result.content)], "xlsform")
    again = load_service_text(back.text)
    assert list(again.questions) == list(service.questions)
    assert [block.type.answer_type for block in again.questions.values()] == \
           [block.type.answer_type for block in service.questions.values()]


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_every_example():
    for path in EXAMPLES:
        xform(export(load_service(path)).content, validate=True)


def test_show_if_becomes_relevant_computed_values_calculate_and_outcomes_notes():
    found = binds(xform(export(load_service(ROOT / "examples" / "aides-jeunes.yaml")).content))
    assert "format-date" in found["age"]["calculate"]
    assert found["bourse"]["relevant"] == " /data/situation/statut  = 'etudiant'"
    assert found["resultat_aide-permis-apprenti"]["relevant"] == \
        "( /data/situation/statut  = 'apprenti') and ( /data/age  >= 18)"
    assert found["revenus"]["constraint"] == "(. >= 0 and . <= 20000)"
    assert found["revenus"]["type"] == "int"


BILINGUAL = """\
tremplin: 1
id: bilingue
title: {fr: Bilingue, en: Bilingual}
languages: [fr, en]
help: {text: Appelez-nous., phone: "01 23 45 67 89"}
steps:
  - id: 1-etape
    title: {fr: Vous, en: You}
    blocks:
      - type: choices
        id: langues
        label: {fr: Vos langues, en: Your languages}
        max_choices: 2
        options:
          - {value: Français courant, label: {fr: Français courant, en: Fluent French}}
          - {value: anglais, label: Anglais}
      - type: text
        id: remarque
        label: "=SOMME(A1) ${pas une référence}"
        required: false
        show_if: '"Français courant" in langues'
      - type: number
        id: heures
        label: {fr: Heures, en: Hours}
        step: 0.5
        unit: {fr: heures, en: hours}
      - use: coordonnees
"""


def test_languages_get_one_column_each_and_values_safe_names():
    result = export(load_service_text(BILINGUAL, "bilingue.yaml"))
    book = load_workbook(io.BytesIO(result.content))
    header = [cell.value for cell in book["survey"][1]]
    assert "label::Français (fr)" in header and "label::English (en)" in header
    settings = {cell.value: book["settings"][2][index].value for index, cell in enumerate(book["settings"][1])}
    assert settings["default_language"] == "Français (fr)" and settings["form_title"] == "Bilingue"
    choices = [[cell.value for cell in row] for row in book["choices"].iter_rows(min_row=2)]
    assert choices[0][:2] == ["langues", "Français_courant"]
    assert ["langues", "anglais", "Anglais", "Anglais"] == choices[1]  # a text in one language serves both
    root = xform(result.content)
    assert binds(root)["remarque"]["relevant"] == "selected( /data/_1-etape/langues , 'Français_courant')"
    labels = [text.text for text in root.iter(f"{XFORMS}value")]
    assert "=SOMME(A1) $ {pas une référence}" in labels


def test_what_an_xlsform_cannot_hold_is_said_with_its_line():
    notes = [note.format() for note in export(load_service_text(BILINGUAL, "bilingue.yaml")).notes]
    assert any(note.startswith("bilingue.yaml:5: « help »") for note in notes)
    assert any(note.startswith("bilingue.yaml:22: Le pas « step: 0.5 » n'est pas repris") for note in notes)
    english = [note.format("en") for note in export(load_service_text(BILINGUAL, "bilingue.yaml")).notes]
    assert any("has no equivalent in an XLSForm" in note for note in english)


def test_a_name_xlsform_reserves_is_given_another_everywhere():
    text = """\
tremplin: 1
id: reserve
title: Réservé
steps:
  - id: une
    blocks:
      - {type: yesno, id: meta, label: Une question nommée meta ?}
      - {type: text, id: suite, label: Suite, show_if: meta}
"""
    found = binds(xform(export(load_service_text(text)).content))
    assert "meta_2" in found and found["suite"]["relevant"] == " /data/une/meta_2  = 'yes'"


def test_a_computed_values_words_go_out_as_its_label_and_come_back():
    text = BILINGUAL.replace("steps:\n", "computed:\n  double: heures * 2\ncomputed_labels:\n"
                                         "  double: {fr: Heures doublées, en: Double hours}\nsteps:\n", 1)
    result = export(load_service_text(text))
    xform(result.content)  # pyxform takes a label on a calculation
    back = import_files([Source("bilingue.xlsx", result.content)], "xlsform")
    again = load_service_text(back.text)
    assert again.computed["double"].label == {"fr": "Heures doublées", "en": "Double hours"}
