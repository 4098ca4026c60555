"""A block type added the way an extension adds one: one class and one template,
both defined in this file only. Nothing else in Tremplin knows it, yet a service that
uses it is answered on its mini-site and in the studio's preview, shown on the check
page, in the studio (its palette, its block form, an example's form, a submission), in the
CSV export and the XLSForm export, and on the paper version."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Mapping

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert as pyxform_convert
from wtforms.fields import StringField

from blocks import REGISTRY, BlockType, Example
from builder.db import get_db
from builder.format.loader import load_service_text
from builder.messages import Problem, register
from builder.serving import publish_files
from builder.storage import accounts, workspace
from exports.interop import converter

register({"test.siret_invalid": ("Écrivez les 14 chiffres de votre numéro SIRET.",
                                 "Enter the 14 digits of your SIRET number.")})

TEMPLATE = """\
{#- ``siret``: a SIRET number, typed in groups as printed on the papers. -#}
{% from "blocks/_parts.html" import hint_and_error, label_text %}
{% set f = params.field %}
<label for="{{ f.id }}">{{ label_text(params) }}</label>
{{ hint_and_error(params) }}
<input class="siret" id="{{ f.id }}" name="{{ f.name }}" value="{{ f._value() }}" inputmode="numeric" \
autocomplete="off"{% for name, value in params.attributes.items() %} {{ name }}="{{ value }}"{% endfor %}>
"""


def luhn(digits: str) -> bool:
    """The checksum of SIREN and SIRET numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0


class SiretBlock(BlockType):
    """The SIRET number of an association or a company: 14 digits."""

    name = "siret"
    label, label_en = "Numéro SIRET", "SIRET number"
    answer_type = "string"
    template = "blocks/siret.html"
    template_folder = ""  # the test's own folder, set by the fixture
    field_class = StringField
    xlsform = {"constraint": "regex(., '^[0-9]{14}$')", "constraint_message": "test.siret_invalid"}
    examples = (Example(block={"id": "siret", "label": "Le numéro SIRET de votre association"},
                        valid=(("732 829 320 00074", "73282932000074"),),
                        invalid=("732 829 320", "73282932000075")),)

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The 14 digits, spaces removed, with a right checksum."""
        digits = re.sub(r"\s", "", str(value))
        if not re.fullmatch(r"\d{14}", digits) or not luhn(digits):
            raise Problem("test.siret_invalid")
        return digits

    def value_for_form(self, block: Mapping, stored: Any) -> Any:
        """In groups, as on the papers."""
        return None if stored is None else self.format_text(block, stored)

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """``732 829 320 00074``."""
        return "" if value is None else f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"


SERVICE = """\
tremplin: 1
id: adhesion
title: Adhérer au réseau
languages: [fr]
steps:
  - id: association
    title: Votre association
    blocks:
      - type: text
        id: nom
        label: Le nom de votre association
      - type: siret
        id: siret
        label: Le numéro SIRET de votre association
        hint: 14 chiffres, sur l'avis de situation au répertoire Sirene.
submission:
  confirmation: Merci, nous revenons vers vous.
tests:
  - name: Une association de quartier
    answers: {nom: Les Amis du quartier, siret: "73282932000074"}
    expect: []
"""
STUDIO = "/studio/o/mission-locale/services/adhesion/"


@pytest.fixture
def siret(tmp_path, monkeypatch):
    """The type registered, its template in a folder of its own; taken out afterwards."""
    (tmp_path / "templates" / "blocks").mkdir(parents=True)
    (tmp_path / "templates" / "blocks" / "siret.html").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.setattr(SiretBlock, "template_folder", str(tmp_path / "templates"))
    REGISTRY.register(SiretBlock)
    yield REGISTRY.get("siret")
    REGISTRY.unregister("siret")


@pytest.fixture
def site(app, siret, tmp_path):
    """The service in an organisation's studio, and published."""
    with app.app_context():
        db = get_db()
        user = accounts.create_user(db, "olga@example.org", "Olga", "une phrase assez longue")
        org = accounts.create_organisation(db, "Mission locale", user.id)
        workspace.create(db, org.id, "adhesion", SERVICE)
    path = tmp_path / "adhesion.yaml"
    path.write_text(SERVICE, encoding="utf-8")
    assert publish_files(app, [path]) == ["adhesion"]
    app.olga = user.id
    return app


def studio(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = app.olga
    return client


def test_the_type_is_registered_and_its_template_found(siret, app):
    assert "siret" in REGISTRY and siret.template == "blocks/siret.html"
    with app.app_context():
        assert "blocks/siret.html" in app.jinja_env.list_templates()


def test_a_journey_through_the_new_type_completes_and_is_shown_on_the_check_page(site):
    person = site.test_client()
    step = person.post("/s/adhesion/commencer").headers["Location"]
    page = person.get(step).get_data(as_text=True)
    assert 'class="siret" id="siret" name="siret"' in page  # its own template
    assert 'aria-describedby="siret-aide"' in page and "répertoire Sirene" in page
    wrong = person.post(step, data={"nom": "Les Amis", "siret": "732 829 320", "_shown": ["nom", "siret"]})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert 'href="#siret">Écrivez les 14 chiffres de votre numéro SIRET.</a>' in html
    assert 'value="732 829 320"' in html and 'aria-invalid="true"' in html
    done = person.post(step, data={"nom": "Les Amis du quartier", "siret": "732 829 320 00074",
                                   "_shown": ["nom", "siret"]})
    assert done.status_code == 303 and done.headers["Location"].endswith("/verifier")
    check = person.get("/s/adhesion/verifier").get_data(as_text=True)
    assert "<dd>732 829 320 00074</dd>" in check
    assert 'value="732 829 320 00074"' in person.get(step).get_data(as_text=True)  # shown as on the papers
    sent = person.post("/s/adhesion/envoyer")
    assert "/confirmation/" in sent.headers["Location"]


def test_htmx_checks_the_new_field_as_soon_as_it_changes(site):
    person = site.test_client()
    step = person.post("/s/adhesion/commencer").headers["Location"]
    assert 'hx-select="#bloc-siret"' in person.get(step).get_data(as_text=True)
    partial = person.post(step, data={"siret": "123", "_shown": ["nom", "siret"], "_source": "siret"},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Écrivez les 14 chiffres" in partial and "Cette question est obligatoire" not in partial


def test_the_studio_offers_edits_and_previews_the_new_type(site):
    client = studio(site)
    assert "/etapes/association/ajouter" in client.get(STUDIO).get_data(as_text=True)  # the palette's page
    palette = client.get(STUDIO + "etapes/association/ajouter").get_data(as_text=True)
    assert 'name="type" value="siret">Numéro SIRET</button>' in palette
    form = client.get(STUDIO + "blocs/siret").get_data(as_text=True)
    assert "Le numéro SIRET de votre association" in form
    persona = client.get(STUDIO + "exemples/0/modifier").get_data(as_text=True)
    assert 'name="reponse-siret" value="73282932000074"' in persona
    client.post(STUDIO + "apercu/commencer")
    preview = client.get(STUDIO + "apercu/etape/association").get_data(as_text=True)
    assert 'class="siret" id="siret"' in preview


def test_a_submission_shows_the_new_answer_in_the_studio_and_the_csv_export(site):
    person = site.test_client()
    step = person.post("/s/adhesion/commencer").headers["Location"]
    person.post(step, data={"nom": "Les Amis du quartier", "siret": "73282932000074", "_shown": ["nom", "siret"]})
    reference = person.post("/s/adhesion/envoyer").headers["Location"].rsplit("/", 1)[1]
    client = studio(site)
    detail = client.get(STUDIO + f"reponses/{reference}").get_data(as_text=True)
    assert "732 829 320 00074" in detail
    export = client.get(STUDIO + "reponses/export/csv").get_data(as_text=True)
    assert "Le numéro SIRET de votre association" in export and ";73282932000074" in export


def test_the_paper_version_gives_the_new_type_its_lines_to_write_on(site):
    page = site.test_client().get("/s/adhesion/papier").get_data(as_text=True)
    block = page.split("Le numéro SIRET de votre association")[1].split('<div class="paper-block">')[0]
    assert block.count('<div class="paper-line">') == 1  # the default drawing: a line to write on


def test_the_xlsform_export_writes_what_the_new_type_declares(siret):
    """The type's ``xlsform`` attribute, not its name, gives its row's check and message."""
    content = converter("xlsform").convert(load_service_text(SERVICE, "adhesion.yaml")).content
    survey = load_workbook(io.BytesIO(content))["survey"]
    rows = [dict(zip([c.value for c in survey[1]], [c.value for c in row])) for row in survey.iter_rows(min_row=2)]
    row = next(row for row in rows if row["name"] == "siret")
    assert row["constraint"] == "(regex(., '^[0-9]{14}$'))"
    assert row["constraint_message"] == "Écrivez les 14 chiffres de votre numéro SIRET."
    assert "siret" in pyxform_convert(content, validate=False, file_type=".xlsx").xform
