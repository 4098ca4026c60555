"""Importing an XLSForm: what real files hold comes in, what cannot is said with its row.

``tests/fixtures/inscription-xls.xlsx`` is a real Excel 97 (.xls, BIFF) file named
.xlsx, as XLSForms often come; it was written with xlwt 1.3.0 from the rows that
:func:`fixture_rows` reads back. The other workbooks are made here with openpyxl, each
with what real forms hold: curly quotes, accents, repeats, GPS, cascading selects,
media columns, metadata, a single sheet named otherwise.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from builder.editing.document import load_yaml
from builder.format.loader import load_service_text
from exports.interop import guess_importer, import_files
from exports.notes import ImportFailed, Source

FIXTURE = Path(__file__).parent / "fixtures" / "inscription-xls.xlsx"


def workbook(**sheets: list[list]) -> bytes:
    """An .xlsx workbook with one sheet per keyword, each a list of rows."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def imported(content: bytes, name: str = "formulaire.xlsx"):
    """The import of one workbook: its service (checked by the loader), its data and notes."""
    result = import_files([Source(name, content)], "xlsform")
    service = load_service_text(result.text)
    return service, load_yaml(result.text), [note.format() for note in result.notes]


def notes_at(notes: list[str], row: int, name: str = "formulaire.xlsx") -> str:
    return "\n".join(note for note in notes if note.startswith(f"{name}:{row}: "))


def test_an_xls_file_named_xlsx_imports_with_its_languages_rules_and_groups():
    service, data, notes = imported(FIXTURE.read_bytes(), FIXTURE.name)
    assert data["id"] == "inscription-2026" and data["title"] == "Inscription"
    assert service.languages == ("fr", "en")
    assert data["computed"] == {"age": "years_since(date_naissance)"}
    situation = next(step for step in data["steps"] if step["id"] == "situation")
    assert situation["title"] == {"fr": "Votre situation", "en": "Your situation"}
    statut, aides, revenus = situation["blocks"]
    assert [option["value"] for option in statut["options"]] == ["lycée", "etudiant", "3"]
    assert aides["show_if"] == 'statut == "etudiant"' and aides["max_choices"] == 2  # curly quotes read
    assert (revenus["min"], revenus["max"], revenus["step"], revenus["show_if"]) == (0, 20000, 1, "age >= 18")
    assert service.blocks["prenom"].params["max_length"] == 40
    assert service.blocks["date_naissance"].params["max"] == "today"
    assert service.blocks["accord"].type.name == "consent"
    assert "« Prénom » devient l'identifiant « prenom »" in notes_at(notes, 2, FIXTURE.name)
    assert "Le message de contrainte « 40 lettres au plus » n'est pas repris" in notes_at(notes, 2, FIXTURE.name)
    assert "montre la réponse à ${Prénom}" in notes_at(notes, 10, FIXTURE.name)


SURVEY_HEADER = ["type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                 "calculation", "appearance", "choice_filter", "media::image", "default", "repeat_count"]


def survey(*rows: list) -> list[list]:
    return [SURVEY_HEADER, *[row + [None] * (len(SURVEY_HEADER) - len(row)) for row in rows]]


HOSTILE = workbook(
    SURVEY=survey(
        ["start", "debut"],
        ["text", "Nom-Complet", "Votre nom", None, "yes"],
        ["begin_repeat", "enfants", "Vos enfants", None, None, None, None, None, None, None, None, None, None, "3"],
        ["integer", "age_enfant", "Son âge", None, "yes", None, ". >= 0 and . < 26", "Entre 0 et 25 ans"],
        ["end_repeat"],
        ["geopoint", "position", "Où êtes-vous ?", None, "yes"],
        ["select_one region", "region", "Votre région"],
        ["select_one ville", "ville", "Votre ville", None, None, None, None, None, None, None, "region=${region}"],
        ["note", "photo_note", "Regardez l’image", None, None, None, None, None, None, None, None, "plan.png"],
        ["text", "precision", "Précisez", None, None, "${position} != ''"],
        ["select_one oui_non", "aide", "Avez-vous une aide ?", None, "yes", None, None, None, None, "minimal"],
        ["text", "montant", "Quel montant ?", None, None, "${aide} = ‘oui’", None, None, None, None, None, None, "0"],
        ["select_multiple sports or_other", "sports", "Vos sports", None, "yes", None, "count-selected(.) <= 2"],
        ["select_one_from_file communes.csv", "commune", "Votre commune"],
        ["range", "note_service", "Votre note", None, None, None, None, None, None, None, None, None, None, None],
        ["calculate", "total", None, None, None, None, None, None, "concat(${Nom-Complet}, '!')"],
        ["note", "merci", "Merci", None, None, "${total} != ''"],
        ["hidden", "cache"],
        ["end group"],
    ),
    Choices=[
        ["list_name", "name", "label", "region"],
        ["region", "nord", "Nord"],
        ["region", "Île-de-France", "Île-de-France"],
        ["ville", "lille", "Lille", "nord"],
        ["ville", "paris", "Paris", "Île-de-France"],
        ["oui_non", "oui", "Oui"],
        ["oui_non", "non", "Non"],
        ["sports", "foot", "Football"],
        ["sports", "foot", "Football encore"],
        ["sports", None, "Natation"],
    ],
    Settings=[["form_title", "version", "instance_name"], ["Formulaire difficile", "2024010101", "${Nom-Complet}"]],
    notes=[["ceci n'est pas une feuille XLSForm"]],
)


@pytest.fixture(scope="module")
def hostile():
    return imported(HOSTILE)


def test_a_hostile_workbook_validates(hostile):
    service, data, notes = hostile
    assert data["title"] == "Formulaire difficile"
    assert list(service.questions) == ["nom_complet", "age_enfant", "position", "region", "ville", "precision",
                                       "aide", "montant", "sports", "sports_other", "commune", "note_service"]


def test_every_loss_is_located_at_its_row(hostile):
    _, _, notes = hostile
    assert "« start » est une information que l'application de collecte enregistre seule" in notes_at(notes, 2)
    assert "« Nom-Complet » devient l'identifiant « nom_complet »" in notes_at(notes, 3)
    assert "groupe répété « enfants » sont posées une seule fois" in notes_at(notes, 4)
    assert "La contrainte « . < 26 »" not in notes_at(notes, 5)  # whole numbers: . < 26 is max 25
    assert "Le message de contrainte « Entre 0 et 25 ans » n'est pas repris" in notes_at(notes, 5)
    assert "ni position GPS" in notes_at(notes, 7)
    assert "Le filtre de réponses « region=${region} »" in notes_at(notes, 9)
    assert "« plan.png » (colonne image)" in notes_at(notes, 10)
    assert "La réponse par défaut « 0 » n'est pas reprise" in notes_at(notes, 13)
    assert "[choices] La réponse « foot » est déjà dans la liste « sports » (ligne 8)" in notes_at(notes, 9)
    assert "[choices] Cette réponse n'a pas de nom (colonne name) : son libellé « Natation »" in notes_at(notes, 10)
    assert "sont dans un autre fichier" in notes_at(notes, 15)
    assert "Tremplin n'a pas de curseur : la question devient un nombre de 1 à 10" in notes_at(notes, 16)
    assert "Le calcul « concat(${Nom-Complet}, '!') » n'est pas repris : la fonction concat()" in notes_at(notes, 17)
    assert "${total} n'a pas été repris (ligne 17)" in notes_at(notes, 18)
    assert "Le type « hidden » n'a pas d'équivalent" in notes_at(notes, 19)
    assert "Ce « end group » ne ferme aucun groupe" in notes_at(notes, 20)
    assert "[settings] Le réglage « version »" in notes_at(notes, 2)
    assert "La feuille « notes » ne fait pas partie d'un XLSForm" in notes_at(notes, 1)


def test_rules_come_over_where_tremplin_has_them(hostile):
    service, _, _ = hostile
    blocks = service.blocks
    assert blocks["age_enfant"].params["max"] == 25 and blocks["age_enfant"].params["min"] == 0
    assert blocks["aide"].type.name == "yesno"  # a list of exactly oui/non
    assert blocks["montant"].show_if.expression.source == "aide == true"
    assert blocks["precision"].show_if.expression.source == "answered(position)"  # GPS kept as a text
    assert blocks["sports"].params["max_choices"] == 2 and blocks["sports"].required
    assert blocks["sports_other"].show_if.expression.source == '"other" in sports'
    assert blocks["position"].type.name == "text" and not blocks["position"].required
    assert (blocks["note_service"].params["min"], blocks["note_service"].params["max"]) == (1, 10)
    assert [value for value, _ in _options(blocks["ville"])] == ["lille", "paris"]


def _options(block):
    return [(option["value"], option["label"]) for option in block.params["options"]]


def test_a_workbook_with_one_sheet_of_another_name_is_its_survey():
    _, data, notes = imported(workbook(Feuil1=[["TYPE", "NAME", "LABEL::EN"], ["text", "name", "Your name"]]))
    assert data["steps"][0]["blocks"][0]["label"] == "Your name"
    assert data["languages"] == ["en"]
    assert notes == []


def test_a_language_without_a_code_is_said_and_kept_where_alone():
    rows = [["type", "name", "label::English (en)", "label::Tetun"], ["text", "a", "Name", "Naran"],
            ["text", "b", None, "Idade"]]
    _, data, notes = imported(workbook(survey=rows))
    assert data["steps"][0]["blocks"][0]["label"] == "Name"
    assert data["steps"][1]["blocks"][0]["label"] == "Idade"
    assert "La langue « Tetun » n'a pas de code à deux lettres" in notes_at(notes, 1)


def test_names_that_are_not_identifiers_are_renamed_and_references_follow():
    rows = [["type", "name", "label", "relevant"], ["integer", "2e-Enfant", "Âge", None],
            ["text", "from", "Origine", "${2e-Enfant} > 3"]]
    service, _, notes = imported(workbook(survey=rows))
    assert service.blocks["from_"].show_if.expression.source == "q_2e_enfant > 3"
    assert "« from » devient l'identifiant « from_ »" in notes_at(notes, 3)


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message():
    with pytest.raises(ImportFailed) as raised:
        import_files([Source("formulaire.xlsx", b"<html>pas un classeur</html>")], "xlsform")
    assert raised.value.format().startswith("formulaire.xlsx:1: Ce fichier n'est pas un classeur")


def test_a_damaged_workbook_is_refused_with_a_message():
    content = bytearray(workbook(survey=[["type", "name", "label"], ["text", "a", "A"]]))
    with pytest.raises(ImportFailed) as raised:
        import_files([Source("abime.xlsx", bytes(content[:len(content) // 2]))], "xlsform")
    assert "abime.xlsx:1: Le classeur ne peut pas être lu" in raised.value.format()


def test_a_zip_that_unpacks_too_large_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (65 * 1024 * 1024))
    with pytest.raises(ImportFailed) as raised:
        import_files([Source("bombe.xlsx", buffer.getvalue())], "xlsform")
    assert "trop gros une fois décompressé" in raised.value.format()


def test_a_workbook_without_survey_is_not_an_xlsform():
    with pytest.raises(ImportFailed) as raised:
        import_files([Source("f.xlsx", workbook(choices=[["list_name"]], other=[["x"]]))], "xlsform")
    assert "f.xlsx:1: Le classeur n'a pas de feuille « survey »" in raised.value.format()


def test_a_survey_without_question_still_gives_a_valid_service():
    service, _, notes = imported(workbook(survey=[["type", "name"], ["start", "debut"], ["hidden", "h"]]))
    assert len(service.steps) == 1
    assert "ne contient aucune question à reprendre" in notes_at(notes, 1)


def test_the_importer_is_recognised_by_content_whatever_the_name():
    assert guess_importer([Source("formulaire.bin", FIXTURE.read_bytes())]).name == "xlsform"


def test_a_column_written_twice_is_said_and_the_first_kept():
    _, data, notes = imported(workbook(survey=[["type", "name", "label", "label"], ["text", "a", "Premier", "Second"]]))
    assert data["steps"][0]["blocks"][0]["label"] == "Premier"
    assert "La colonne « label » est écrite deux fois" in notes_at(notes, 1)


def test_an_expression_nested_too_deep_is_said_not_a_crash():
    deep = "(" * 500 + "${a} > 1" + ")" * 500
    service, _, notes = imported(workbook(survey=[["type", "name", "label", "relevant"], ["integer", "a", "A"],
                                                  ["text", "b", "B", deep]]))
    assert service.blocks["b"].show_if is None
    assert "trop de niveaux" in notes_at(notes, 3)


def test_a_koboToolbox_matrix_is_read_as_a_group_and_said():
    rows = [["type", "name", "label", "$kuid"], ["begin_kobomatrix cars", "matrice", "Vos voitures", "ab12"],
            ["integer", "nombre", "Combien ?", "cd34"], ["end_kobomatrix", None, None, "ef56"]]
    service, _, notes = imported(workbook(survey=rows))
    assert list(service.questions) == ["nombre"]
    assert "« begin_kobomatrix cars » n'est pas un groupe d'XLSForm que Tremplin connaît" in notes_at(notes, 2)
    assert "La colonne « $kuid » n'a pas d'équivalent" in notes_at(notes, 1)
