"""The paper version: ``tremplin paper``, the mini-site's « Version papier » and the
studio's share panel, read back from the PDF as a person would read the sheet
(pdftotext), its QR code read back module by module (pdfimages). Both come with Debian's
poppler-utils, which ./scripts/test installs."""

from __future__ import annotations

import re
from html import unescape
import subprocess
import sys
from pathlib import Path

import pytest
import segno

from blocks import REGISTRY
from builder.format.loader import load_service
from builder.rules.in_words import glossary_of, if_clause
from builder.serving import publish_files
from test_block_templates import service_text
from test_in_words import conditions
from test_studio_editor import Studio, people  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ADDRESS = "https://tremplin.example.org/s/{id}/"

def tremplin(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


def pdf_text(pdf: Path) -> str:
    """The words of the PDF, spaces squeezed (a line ends anywhere on paper)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return flat(re.sub(r"^\d+/\d+$", "", text, flags=re.MULTILINE))  # the page numbers in the margin


def flat(text: str) -> str:
    """Spaces (no-break ones too) squeezed, and the hyphens a line break may take away ignored."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).replace("- ", "").replace("-", "")


def qr_modules(pdf: Path, tmp_path: Path) -> list[list[bool]]:
    """The QR code printed in the PDF, as dark (True) and light modules, quiet zone left out
    (the picture read as pdfimages writes it: a PPM, a short header then RGB bytes)."""
    subprocess.run(["pdfimages", str(pdf), str(tmp_path / "image")], check=True)
    images = sorted(tmp_path.glob("image-*"))
    assert len(images) == 1, "the QR code is the one picture of the sheet"
    kind, width, height, _, pixels = images[0].read_bytes().split(maxsplit=4)
    assert kind == b"P6" and width == height
    size, border = int(width), 4
    dark = [pixels[3 * index] < 128 for index in range(size * size)]
    return [dark[row * size + border: (row + 1) * size - border] for row in range(border, size - border)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_the_paper_pdf_of_every_example_has_every_question_condition_the_help_and_the_qr_code(path, tmp_path):
    service = load_service(path)
    address = ADDRESS.format(id=service.id)
    pdf = tmp_path / "papier.pdf"
    result = tremplin("paper", str(path), "-o", str(pdf), "--url", address)
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    lang = service.default_language
    for block in service.questions.values():
        assert flat(block.text("label", lang, service.languages)) in text, block.id
    glossary = glossary_of(service, lang)
    for condition in conditions(service):
        if condition is not None:
            assert flat(if_clause(condition, glossary, lang)) in text
    assert "Répondez seulement si" in text or not any(conditions(service))
    help_box = service.data["help"]
    assert "Besoin d’aide ?" in text and flat(str(help_box.get("phone") or help_box.get("email"))) in text
    assert flat(address) in text
    expected = [[bool(module) for module in row] for row in segno.make(address, error="m").matrix]
    assert qr_modules(pdf, tmp_path) == expected


def test_outcomes_are_a_self_check_with_amounts_and_sources(tmp_path):
    pdf = tmp_path / "aides.pdf"
    assert tremplin("paper", "examples/aides-jeunes.yaml", "-o", str(pdf), "--url", "https://x.example/").returncode == 0
    text = pdf_text(pdf)
    assert flat("Vous pouvez sans doute demander « L'aide de 500 € pour le permis de conduire » si vous avez "
                "répondu « Je suis en apprentissage (contrat avec un employeur et un CFA) » à « Que faites-vous "
                "en ce moment ? » et si vous avez 18\u00a0ans ou plus.") in text
    assert flat("Montant : 500 €") in text
    assert flat("vérifiée le 01/11/2026") in text and flat("asp-public.fr") in text
    assert "Cochez une seule case." in text and "jour" in text and "mois" in text and "année" in text


def test_a_service_that_sends_leaves_a_box_for_its_reference(tmp_path):
    pdf = tmp_path / "soutien.pdf"
    assert tremplin("paper", "examples/soutien-scolaire.yaml", "-o", str(pdf), "--url", "https://x.example/").returncode == 0
    assert "Numéro de la demande" in pdf_text(pdf)
    pdf = tmp_path / "aides.pdf"
    assert tremplin("paper", "examples/aides-jeunes.yaml", "-o", str(pdf), "--url", "https://x.example/").returncode == 0
    assert "Numéro de la demande" not in pdf_text(pdf)  # nothing is sent: no reference to keep


BILINGUAL = """\
tremplin: 1
id: bilingue
title: {fr: Aide au transport, en: Travel grant}
languages: [fr, en]
help: {phone: "01 23 45 67 89", text: {fr: Appelez-nous., en: Call us.}, appointment_url: "https://rdv.example/"}
steps:
  - id: vous
    blocks:
      - type: yesno
        id: boursier
        label: {fr: Avez-vous une bourse ?, en: Do you have a grant?}
      - type: number
        id: km
        label: {fr: Combien de kilomètres ?, en: How many kilometres?}
        show_if: not boursier
outcomes:
  - id: aide
    title: {fr: L'aide, en: The grant}
    when: km > 10
    links: [{label: {fr: Demander, en: Apply}, url: "https://aide.example/"}]
    source: {url: "https://loi.example/", checked: 2026-09-01}
"""


def test_the_paper_speaks_the_services_other_language(tmp_path):
    source = tmp_path / "bilingue.yaml"
    source.write_text(BILINGUAL, encoding="utf-8")
    pdf = tmp_path / "bilingue.pdf"
    result = tremplin("paper", str(source), "-o", str(pdf), "--lang", "en", "--url", "https://x.example/")
    assert result.returncode == 0, result.stderr
    text = pdf_text(pdf)
    assert flat("Only answer if you answered “No” to “Do you have a grant?”.") in text
    assert "How many kilometres?" in text and "Need help?" in text and "Call us." in text
    assert "Répondez" not in text and "Avez-vous" not in text
    # English typography: no space before a colon
    assert "Apply: https://aide.example/" in text and "checked on 01/09/2026: official text" in text
    assert "Book an appointment: https://rdv.example/" in text and " :" not in text


def test_the_cli_writes_the_html_page_and_warns_about_an_address_only_this_computer_reaches(tmp_path):
    page = tmp_path / "avis.html"
    result = tremplin("paper", "examples/avis.yaml", "-o", str(page), "--instance", str(tmp_path / "instance"))
    assert result.returncode == 0, result.stderr
    assert "ne marche que sur cet ordinateur" in result.stderr and "--url" in result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and '<html lang="fr">' in html and "<h1>" in html


def test_the_cli_says_what_is_wrong_with_a_file_or_a_language(tmp_path):
    broken = tmp_path / "casse.yaml"
    broken.write_text("tremplin: 1\nid: x\ntitle: X\nstepz: []\n", encoding="utf-8")
    result = tremplin("paper", str(broken), "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and f"{broken}:" in result.stderr and not (tmp_path / "x.pdf").exists()
    result = tremplin("paper", "examples/aides-jeunes.yaml", "--lang", "de", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "« de »" in result.stderr and "fr" in result.stderr
    result = tremplin("paper", "examples/aides-jeunes.yaml", "--url", "tremplin.org", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "https://tremplin.mon-association.fr/s/aides-jeunes/" in result.stderr
    result = tremplin("paper", "examples/aides-jeunes.yaml", "--url", "https://x.example/",
                      "-o", str(tmp_path / "pas-de-dossier" / "x.pdf"))
    assert result.returncode == 1 and "Impossible d'écrire" in result.stderr and "Traceback" not in result.stderr


def test_the_default_output_is_named_after_the_service(tmp_path):
    result = tremplin("paper", str(ROOT / "examples" / "avis.yaml"), "--url", "https://x.example/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "avis-papier.pdf").read_bytes().startswith(b"%PDF")


# --- the mini-site and the studio -------------------------------------------------------

def test_the_start_page_offers_the_paper_version_as_a_page_and_a_pdf(app, client):
    app.config["PUBLIC_URL"] = "https://tremplin.example.org"
    assert publish_files(app, [ROOT / "examples" / "aides-jeunes.yaml"]) == ["aides-jeunes"]
    start = client.get("/s/aides-jeunes/").get_data(as_text=True)
    assert 'href="/s/aides-jeunes/papier"' in start and "Version papier" in start
    page = client.get("/s/aides-jeunes/papier")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="fr">' in html and "<main>" in html
    assert html.count("<h1>") == 1 and "Répondez seulement si vous avez entre 26 et 30\u00a0ans." in html
    assert 'href="/s/aides-jeunes/papier.pdf"' in html and "https://tremplin.example.org/s/aides-jeunes/" in html
    assert 'alt="QR code qui mène à https://tremplin.example.org/s/aides-jeunes/"' in html
    pdf = client.get("/s/aides-jeunes/papier.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert 'filename="aides-jeunes-papier.pdf"' in pdf.headers["Content-Disposition"]
    assert client.get("/s/aides-jeunes/papier.pdf").data == pdf.data  # made once, kept with the version


def test_the_share_panel_offers_the_paper_version_of_the_working_copy(people, tmp_path):
    people.create()
    studio = people.studio("olga", "aide-permis")
    panel = studio.page("partager")
    assert studio.url("papier.pdf") in panel and studio.url("papier") in panel
    html = studio.page("papier")
    assert "Avez-vous déjà le permis ?" in html and studio.url("partager") in html
    response = studio.get("papier.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    (tmp_path / "studio.pdf").write_bytes(response.data)
    text = pdf_text(tmp_path / "studio.pdf")
    assert flat("si vous avez répondu « Non » à « Avez-vous déjà le permis ? »") in text


@pytest.mark.parametrize("block_type", list(REGISTRY), ids=lambda block_type: block_type.name)
def test_every_example_of_every_block_type_is_drawn_on_paper(app, tmp_path, block_type):
    text, blocks = service_text(block_type)
    (tmp_path / "essai.yaml").write_text(text, encoding="utf-8")
    assert publish_files(app, [tmp_path / "essai.yaml"]) == ["essai"]
    page = app.test_client().get("/s/essai/papier").get_data(as_text=True)
    drawn = page.split('<div class="paper-block">')[1:]
    assert len(drawn) == len(blocks)
    for block, html in zip(blocks, drawn):
        if block_type.is_question:
            assert f"{block['label']}" in unescape(html) and ("paper-line" in html or "paper-box" in html
                                                               or "paper-digit" in html or "paper-field" in html)
        else:
            assert "<p>" in html or "<ul>" in html  # the text to read


EDGES = """\
tremplin: 1
id: bords
title: Les cas limites
steps:
  - id: vous
    blocks:
      - {type: number, id: enfants, label: Combien d'enfants ?}
      - {type: content, id: note, body: Lisez ceci., show_if: enfants >= 3}
      - {type: text, id: jamais, label: Une question jamais posée, show_if: "false"}
      - {type: textarea, id: precisions, label: Des précisions ?, required: false}
outcomes:
  - {id: tous, title: Pour tout le monde, when: true}
  - {id: personne, title: Pour personne, when: false}
"""


def test_what_is_never_asked_is_left_out_and_a_text_is_to_read_only_if(app, tmp_path):
    (tmp_path / "bords.yaml").write_text(EDGES, encoding="utf-8")
    assert publish_files(app, [tmp_path / "bords.yaml"]) == ["bords"]
    text = flat(unescape(re.sub(r"<[^>]+>", " ", app.test_client().get("/s/bords/papier").get_data(as_text=True))))
    assert "Une question jamais posée" not in text and "Pour personne" not in text
    assert "À lire seulement si vous avez répondu 3 ou plus à « Combien d'enfants ? »." in text
    assert "Des précisions ? (facultatif)" in text and "Vous pouvez sans doute demander « Pour tout le monde »." in text
    assert "Une personne peut vous aider." in text  # no help in the file: the help box still says so
