"""Exports of submissions: CSV, XLSX and JSON, from Python and from the command line."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

import exports
from builder.db import get_db
from builder.format.loader import load_service_text
from builder.storage import services, submissions
from exports import csv_export, json_export, xlsx_export
from exports.cli import export as export_command
from exports.published import NotPublished, export_published

T0 = dt.datetime(2026, 9, 1, 12, 30, tzinfo=dt.timezone.utc)  # 14:30 in Paris
ROOT = Path(__file__).parent.parent

SERVICE = """\
tremplin: 1
id: soutien
title: {fr: Soutien scolaire, en: Tutoring}
languages: [fr, en]
steps:
  - id: vous
    title: Vous
    blocks:
      - {type: date, id: date_naissance, label: {fr: Date de naissance, en: Date of birth}}
      - type: choice
        id: statut
        label: Votre situation
        options: [{value: lyceen, label: Lycéen}, {value: etudiant, label: Étudiant}]
      - type: choices
        id: matieres
        label: Matières
        required: false
        options: [maths, francais, anglais]
      - {type: number, id: heures, label: Heures par semaine, required: false}
      - {type: yesno, id: boursier, label: Êtes-vous boursier ?}
      - {type: text, id: commentaire, label: Commentaire, required: false}
      - {type: text, id: commentaire_parent, label: Commentaire, required: false}
outcomes:
  - id: tutorat
    title: Tutorat gratuit
    when: boursier == true
"""

# The same service before the question « rentree » was taken out.
OLD_SERVICE = SERVICE.replace(
    "      - {type: text, id: commentaire_parent",
    "      - {type: date, id: rentree, label: Date de rentrée}\n"
    "      - {type: text, id: commentaire_parent")

ANSWERS = {
    "date_naissance": "2008-03-02",
    "statut": "lyceen",
    "matieres": ["maths", "anglais"],
    "heures": 2.5,
    "boursier": True,
    "commentaire": "=SUM(A1)",
    "commentaire_parent": "-2+3",
}


@pytest.fixture
def db(app):
    """The application's database, inside an application context."""
    with app.app_context():
        yield get_db()


@pytest.fixture
def service():
    return load_service_text(SERVICE)


def send(db, answers, key, version=2, now=T0, outcomes=None):
    """Record a submission the way the mini-site does."""
    return submissions.record(db, "soutien", answers, key, service_version=version, now=now,
                              outcomes=outcomes)


@pytest.fixture
def sent(db):
    """Two submissions to the current version, one to the older one (with « rentree »,
    and from before outcomes were stored)."""
    send(db, ANSWERS, "a", outcomes={"tutorat": "yes"})
    send(db, {"date_naissance": "2007-01-15", "statut": "etudiant", "heures": 10,
              "boursier": False}, "b", now=T0 + dt.timedelta(hours=1), outcomes={"tutorat": "no"})
    send(db, {"date_naissance": "2006-05-05", "statut": "lyceen", "boursier": False,
              "rentree": "2026-09-02"}, "c", version=1, now=T0 - dt.timedelta(days=30))
    return list(submissions.list_for_service(db, "soutien"))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def by_reference(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    return {row[0]: dict(zip(header, row)) for row in body}


# -- CSV ---------------------------------------------------------------------------

def test_csv_has_one_labelled_column_per_question_in_file_order(service, sent):
    header = read_csv(csv_export.export(service, sent))[0]
    assert header == [
        "Référence", "Date d'envoi (heure de Paris)", "Date de naissance",
        "Votre situation", "Matières", "Heures par semaine", "Êtes-vous boursier ?",
        "Commentaire (commentaire)", "Commentaire (commentaire_parent)",
        "Tutorat gratuit",  # an outcome
        "Statut du suivi", "Date du statut (heure de Paris)", "Suivie par", "Corrections de la personne",
        "rentree",  # an answer to the older version: kept, at the end
    ]


def test_csv_values_are_formatted_by_their_block_type(service, sent):
    rows = by_reference(read_csv(csv_export.export(service, sent)))
    first = rows[sent[0].reference]
    assert first["Date d'envoi (heure de Paris)"] == "2026-09-01 14:30:00"
    assert first["Date de naissance"] == "2008-03-02"
    assert first["Votre situation"] == "lyceen"
    assert first["Matières"] == "maths; anglais"
    assert first["Heures par semaine"] == "2,5"  # a decimal comma, for Excel in French
    assert first["Êtes-vous boursier ?"] == "oui"
    assert first["rentree"] == ""
    assert rows[sent[1].reference]["Heures par semaine"] == "10"
    assert rows[sent[1].reference]["Matières"] == ""


def test_csv_neutralises_formulas(service, sent):
    first = by_reference(read_csv(csv_export.export(service, sent)))[sent[0].reference]
    assert first["Commentaire (commentaire)"] == "'=SUM(A1)"
    assert first["Commentaire (commentaire_parent)"] == "'-2+3"


@pytest.mark.parametrize("text", ["=1+1", "+33", "-x", "@SUM(1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text):
    assert csv_export.neutralise(text) == "'" + text
    assert csv_export.neutralise("Bonjour " + text) == "Bonjour " + text


def test_negative_numbers_stay_numbers(service, db):
    data = csv_export.export(service, [send(db, {**ANSWERS, "heures": -1.5}, "n")])
    assert by_reference(read_csv(data)).popitem()[1]["Heures par semaine"] == "-1,5"


def test_csv_keeps_multiline_and_separator_text_in_one_cell(service, db):
    answer = 'Ligne 1; "citée"\nLigne 2'
    rows = read_csv(csv_export.export(service, [send(db, {**ANSWERS, "commentaire": answer}, "m")]))
    assert len(rows) == 2
    assert rows[1][7] == answer


def test_empty_export_has_the_headers(service):
    rows = read_csv(csv_export.export(service, []))
    assert len(rows) == 1 and rows[0][2] == "Date de naissance"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.export(service, []))).active
    assert sheet.max_row == 1 and sheet["C1"].value == "Date de naissance"
    assert json.loads(json_export.export(service, []))["submissions"] == []


def test_headers_follow_the_export_language(service, sent):
    header = read_csv(csv_export.export(service, sent, "en"))[0]
    assert header[:3] == ["Reference", "Submitted at (Paris time)", "Date of birth"]


# -- Older versions and outcomes ---------------------------------------------------

def test_answers_to_removed_questions_take_their_former_label(service, sent):
    old = load_service_text(OLD_SERVICE)
    rows = read_csv(csv_export.export(service, sent, history=[old]))
    assert rows[0][-1] == "Date de rentrée"
    assert by_reference(rows)[sent[2].reference]["Date de rentrée"] == "2026-09-02"


def test_answer_the_block_no_longer_accepts_is_kept_as_stored(service, db):
    kept = send(db, {**ANSWERS, "statut": "apprenti"}, "k")  # an option removed since
    first = by_reference(read_csv(csv_export.export(service, [kept]))).popitem()[1]
    assert first["Votre situation"] == "apprenti"
    answers = json.loads(json_export.export(service, [kept]))["submissions"][0]["answers"]
    assert answers["statut"] == "apprenti"


def test_stored_outcomes_read_oui_non_or_question_mark(service, sent, db):
    unknown = send(db, {"statut": "lyceen"}, "u", outcomes={"tutorat": "unknown", "ancienne": "no"})
    rows = by_reference(read_csv(csv_export.export(service, [*sent, unknown])))
    assert [rows[s.reference]["Tutorat gratuit"] for s in sent] == ["oui", "non", ""]
    assert rows[unknown.reference]["Tutorat gratuit"] == "?"
    assert rows[unknown.reference]["ancienne"] == "non"  # an outcome since removed: kept
    document = json.loads(json_export.export(service, [*sent, unknown]))
    assert [s["outcomes"] for s in document["submissions"]] == [
        {"tutorat": "yes"}, {"tutorat": "no"}, {}, {"tutorat": "unknown", "ancienne": "no"}]


# -- XLSX --------------------------------------------------------------------------

def test_xlsx_has_real_dates_numbers_and_a_frozen_bold_header(service, sent):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_export.export(service, sent)))
    sheet = workbook.active
    assert sheet.title == "Réponses"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["C1"].value == "Date de naissance"
    assert sheet["B2"].value == dt.datetime(2026, 9, 1, 14, 30)
    assert sheet["C2"].value == dt.datetime(2008, 3, 2) and sheet["C2"].is_date
    assert sheet["F2"].value == 2.5 and sheet["F2"].data_type == "n"
    assert sheet["E2"].value == "maths; anglais"
    assert sheet["G2"].value == "oui"
    assert 10 <= sheet.column_dimensions["A"].width <= 60


def test_xlsx_never_writes_a_formula(service, sent):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.export(service, sent))).active
    assert sheet["H2"].value == "=SUM(A1)"
    assert sheet["H2"].data_type == "s" and sheet["H2"].quotePrefix
    formulas = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_xlsx_drops_characters_it_cannot_hold(service, db):
    data = xlsx_export.export(service, [send(db, {**ANSWERS, "commentaire": "a\x07b"}, "x")])
    assert openpyxl.load_workbook(io.BytesIO(data)).active["H2"].value == "ab"


# -- JSON --------------------------------------------------------------------------

def test_json_round_trips(service, sent):
    data = json_export.export(service, sent, version=2)
    assert "Lycéen" not in data.decode("utf-8") and "Êtes" in data.decode("utf-8")  # no \\u escapes
    document = json.loads(data)
    assert document["service"]["id"] == "soutien"
    assert document["service"]["title"] == "Soutien scolaire"
    assert document["service"]["version"] == 2
    assert dt.datetime.fromisoformat(document["exported_at"]).tzinfo is not None
    first = document["submissions"][0]
    assert first["reference"] == sent[0].reference
    assert first["submitted_at"] == "2026-09-01T14:30:00+02:00"
    assert first["answers"] == {**ANSWERS, "rentree": None}
    assert first["outcomes"] == {"tutorat": "yes"}
    assert document["submissions"][2]["answers"]["rentree"] == "2026-09-02"
    questions = {q["id"]: q for q in document["service"]["questions"]}
    assert questions["date_naissance"]["type"] == "date"
    assert questions["rentree"]["current"] is False


# -- Registry and published services -----------------------------------------------

def _content(name, data: bytes):
    """What an export says, without the moment it was made (two exports may straddle a second)."""
    if name == "json":
        parsed = json.loads(data)
        parsed.pop("exported_at", None)
        return parsed
    if name == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        rows = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if name == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.sqlite"
            path.write_bytes(data)
            with contextlib.closing(sqlite3.connect(path)) as db:
                return db.execute("SELECT * FROM reponses ORDER BY reference").fetchall()
    return data


def test_registry_runs_each_format_by_name(service, sent):
    assert set(exports.EXPORTERS) == {"csv", "xlsx", "json", "sqlite"}
    for name, module in exports.EXPORTERS.items():
        assert module.media_type and module.extension == name
        assert _content(name, exports.export(name, service, sent)) == _content(name, module.export(service, sent))
    with pytest.raises(exports.UnknownFormat):
        exports.export("ods", service, sent)
    assert exports.filename("soutien", "xlsx", dt.date(2026, 9, 1)) == \
        "soutien-reponses-2026-09-01.xlsx"


def test_export_published_uses_the_newest_version_and_older_labels(db, sent):
    services.publish(db, "soutien", OLD_SERVICE)
    services.publish(db, "soutien", SERVICE)
    result = export_published(db, "soutien", "csv")
    assert result.count == 3 and result.filename.endswith(".csv")
    assert result.media_type.startswith("text/csv")
    assert read_csv(result.content)[0][-1] == "Date de rentrée"
    with pytest.raises(NotPublished):
        export_published(db, "inconnu", "csv")


# -- Command line ------------------------------------------------------------------

@pytest.fixture
def published(app, db, sent):
    services.publish(db, "soutien", SERVICE)
    return app.instance_path


def run_export(args, obj="fr"):
    """``export`` inside a small group, as ``tremplin`` holds it."""
    group = click.Group("tremplin", commands=[export_command])
    return CliRunner().invoke(group, ["export", *args], obj=obj, catch_exceptions=False)


def test_command_writes_the_file_asked(published, tmp_path):
    output = tmp_path / "reponses.xlsx"
    result = run_export(["soutien", "--instance", published, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "3 réponse(s) exportée(s)" in result.output
    assert openpyxl.load_workbook(output).active.max_row == 4  # format from the extension


def test_command_writes_to_standard_output(published):
    result = run_export(["soutien", "--instance", published, "--format", "json", "-o", "-",
                         "--lang", "en"])
    assert result.exit_code == 0
    document = json.loads(result.stdout_bytes)
    assert document["service"]["title"] == "Tutoring" and len(document["submissions"]) == 3


def test_command_names_a_default_file(published, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_export(["soutien", "--instance", published]).exit_code == 0
    [written] = tmp_path.glob("soutien-reponses-*.csv")
    assert len(read_csv(written.read_bytes())) == 4


def test_command_takes_the_columns_from_a_file(app, sent, tmp_path):
    """Answers collected with « tremplin serve FILE » belong to no published version."""
    service_file = tmp_path / "soutien.yaml"
    service_file.write_text(SERVICE, encoding="utf-8")
    output = tmp_path / "out.csv"
    result = run_export(["--file", str(service_file), "--instance", app.instance_path,
                         "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert read_csv(output.read_bytes())[0][2] == "Date de naissance"
    other = run_export(["autre", "--file", str(service_file), "--instance", app.instance_path])
    assert other.exit_code == 1 and "« soutien », pas « autre »" in other.output
    assert run_export(["--instance", app.instance_path]).exit_code == 2


def test_command_reports_a_service_never_published(published):
    result = run_export(["inconnu", "--instance", published])
    assert result.exit_code == 1
    assert "Aucun service « inconnu »" in result.output


def test_tremplin_export_runs_in_a_real_process(published, tmp_path):
    output = tmp_path / "reponses.json"
    env = {**os.environ, "TREMPLIN_INSTANCE_PATH": published}
    command = [sys.executable, "-m", "builder.cli", "export", "soutien", "-o", str(output)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(output.read_text(encoding="utf-8"))["submissions"]) == 3


# -- SQLite, for Datasette -------------------------------------------------------------------

def test_sqlite_export_is_a_database_of_the_submissions_with_typed_columns(published, tmp_path):
    output = tmp_path / "reponses.sqlite"
    result = run_export(["soutien", "--instance", published, "-o", str(output)])  # format from the extension
    assert result.exit_code == 0, result.output
    with contextlib.closing(sqlite3.connect(output)) as db:
        db.row_factory = sqlite3.Row
        rows = {row["reference"]: dict(row) for row in db.execute("SELECT * FROM reponses")}
        headers = dict(db.execute("SELECT colonne, intitule FROM colonnes").fetchall())
        types = {row[1]: row[2] for row in db.execute("PRAGMA table_info(reponses)")}
    assert len(rows) == 3
    hours = [row["heures"] for row in rows.values() if row["heures"] is not None]
    assert 10 in hours and types["heures"] in ("INTEGER", "REAL")   # a number stays a number
    assert {row["date_naissance"] for row in rows.values()} >= {"2007-01-15", "2006-05-05"}
    assert {row["outcome_tutorat"] for row in rows.values()} >= {"oui", "non"}
    assert headers["reference"] == "Référence" and headers["submitted_at"].startswith("Date d'envoi")
