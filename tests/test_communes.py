"""Communes: the shipped table, the ``commune`` block (two sendings without JavaScript,
suggestions with htmx), ``departement()``, ``region()`` and ``epci()`` in expressions and
in the XLSForm export, and the script that derives the table from Etalab's package."""

from __future__ import annotations

import gzip
import json

import pytest
import yaml
from pyxform.xls2xform import convert as pyxform_convert

from builder import communes
from builder.editing.condition_words import condition_summary
from builder.editing.conditions import subjects
from builder.format.loader import load_service_text
from builder.rules.conditions import parse_condition
from builder.rules.in_words import glossary_of, if_clause
from builder.rules.personas import run_personas
from builder.rules.expressions import parse
from builder.serving import publish_files
from exports.interop import converter
from scripts import communes as script
from test_site_journey import begin, follow

SERVICE = """\
tremplin: 1
id: ville
title: Les aides de votre ville
steps:
  - id: lieu
    blocks:
      - type: commune
        id: commune
        label: Dans quelle commune habitez-vous ?
outcomes:
  - id: idf
    title: Une aide de la région Île-de-France
    when: region(commune) == "11"
  - id: corse
    title: Une aide de la Corse
    when: departement(commune) in ["2A", "2B"]
  - id: metropole
    title: Une aide de la Métropole du Grand Paris
    when: epci(commune) == "200054781"
tests:
  - name: À Paris
    answers: {commune: "75056"}
    expect: [idf, metropole]
  - name: À Ajaccio
    answers: {commune: "2A004"}
    expect: [corse]
"""


def test_a_commune_is_found_by_its_code_its_postcode_or_its_name():
    paris = communes.find("75056")
    assert (paris.name, paris.departement, paris.region, paris.epci) == ("Paris", "75", "11", "200054781")
    assert [c.code for c in communes.search("75020")] == ["75056"]
    assert "42218" in [c.code for c in communes.search("st etienne")]  # Saint-Étienne
    assert communes.search("Ajaccio")[0].code == "2A004"
    assert communes.name_of("region", "84") == "Auvergne-Rhône-Alpes"
    assert communes.source().startswith("@etalab/decoupage-administratif ")


def test_expressions_read_the_departement_region_and_epci_of_a_commune():
    env = {"c": "13055"}  # Marseille
    assert parse('departement(c) == "13" and region(c) == "93"').evaluate(env) is True
    assert parse('epci(c) == "200054807"').evaluate(env) is True
    assert parse('departement(c) == "97" or departement(c) == "974"').evaluate({"c": "97411"}) is True
    assert parse("answered(c) and not region(c)").evaluate({"c": "99999"}) is True  # no such commune: empty


def test_the_examples_of_a_service_with_communes_pass():
    results = run_personas(load_service_text(SERVICE, "ville.yaml"))
    assert len(results) == 2 and all(result.passed for result in results)


@pytest.fixture
def person(app, tmp_path):
    path = tmp_path / "ville.yaml"
    path.write_text(SERVICE, encoding="utf-8")
    publish_files(app, [path])
    return app.test_client()


def test_without_javascript_a_search_then_a_choice(person):
    step = begin(person, "ville")
    page = person.post(step, data={"commune-recherche": "Saint-Denis", "_shown": "commune"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "choisissez la vôtre dans la liste" in html
    assert 'value="93066"' in html and 'value="97411"' in html  # Seine-Saint-Denis and La Réunion
    chosen = person.post(step, data={"commune-recherche": "Saint-Denis", "commune": "97411", "_shown": "commune"})
    assert chosen.status_code == 303
    result = follow(person, person.get(chosen.headers["Location"])).get_data(as_text=True)
    assert "Saint-Denis (974)" in result


def test_a_postcode_of_one_commune_is_enough(person):
    step = begin(person, "ville")
    assert person.post(step, data={"commune-recherche": "75020", "_shown": "commune"}).status_code == 303


def test_a_new_search_replaces_an_earlier_choice(person):
    step = begin(person, "ville")
    page = person.post(step, data={"commune-recherche": "01000", "commune": "97411", "_shown": "commune"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Bourg-en-Bresse" in html and "97411" not in html


def test_htmx_suggests_communes_as_the_person_types(person):
    step = begin(person, "ville")
    page = person.get(step).get_data(as_text=True)
    assert 'hx-trigger="change, input delay:500ms"' in page
    suggestions = person.post(step, data={"commune-recherche": "Lyon", "_source": "commune", "_shown": "commune"},
                              headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'value="69123"' in suggestions and "Lyon" in suggestions


def test_the_xlsform_export_asks_the_insee_code_and_keeps_departement_and_region():
    service = load_service_text(SERVICE, "ville.yaml")
    result = converter("xlsform").convert(service)
    xform = pyxform_convert(result.content, validate=False, file_type=".xlsx").xform
    assert "substr(" in xform and "'11'" in xform
    assert any("epci()" in note.format("fr") for note in result.notes)


def test_the_script_writes_the_same_table_from_the_same_package(tmp_path):
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": "9.9.9"}))
    data = {"communes": [{"code": "01001", "nom": "L'Abergement", "type": "commune-actuelle",
                          "codesPostaux": ["01400"], "departement": "01", "region": "84"},
                         {"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee"}],
            "epci": [{"code": "200069193", "nom": "CC de la Dombes", "membres": [{"code": "01001"}]}],
            "departements": [{"code": "01", "nom": "Ain", "region": "84"}],
            "regions": [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}]}
    for name, items in data.items():
        (package / "data" / f"{name}.json").write_text(json.dumps(items))
    first, second = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz"
    assert script.write(package, "2030-01-01", first) == 1
    script.write(package, "2030-01-01", second)
    assert first.read_bytes() == second.read_bytes()
    lines = gzip.decompress(first.read_bytes()).decode().splitlines()
    assert lines[0] == "# @etalab/decoupage-administratif 9.9.9 2030-01-01"
    assert "commune;01001;L'Abergement;01400;01;84;200069193" in lines
    assert "departement;01;Ain;;;84;" in lines and not any("Arbignieu" in line for line in lines)


def test_a_question_may_still_be_called_region_or_departement():
    """Files written before these functions existed keep their questions' names."""
    assert parse('region == "Bretagne" and departement(commune) == "35"').evaluate(
        {"region": "Bretagne", "commune": "35238"}) is True


def test_the_result_says_where_the_commune_must_be_by_the_territories_names(person):
    step = begin(person, "ville")
    chosen = person.post(step, data={"commune-recherche": "20000", "commune": "2A004", "_shown": "commune"})
    assert chosen.status_code == 303
    result = person.get("/s/ville/resultat").get_data(as_text=True)
    assert "il faut : une commune de la région Île-de-France ✗" in result
    assert "il faut : une commune du département Corse-du-Sud (2A) ou Haute-Corse (2B) ✓" in result
    assert "il faut : une commune de l&#39;intercommunalité Métropole du Grand Paris ✗" in result
    assert "région de" not in result and "« 11 »" not in result  # never the function nor the code


def test_the_paper_and_the_studio_say_the_territories_by_their_names():
    service = load_service_text(SERVICE, "ville.yaml")
    glossary = glossary_of(service)
    assert if_clause(parse_condition('not (region(commune) == "11")'), glossary) == \
        "si la réponse à « Dans quelle commune habitez-vous ? » est une commune hors de la région Île-de-France"
    assert if_clause(parse_condition('epci(commune) == "200054781"'), glossary, "en") == \
        "if the answer to “Dans quelle commune habitez-vous ?” is a commune in the intercommunality Métropole du Grand Paris"
    known = subjects(yaml.safe_load(SERVICE))
    assert condition_summary('departement(commune) in ["2A", "2B"]', known) == \
        "la réponse à « Dans quelle commune habitez-vous ? » est une commune du département Corse-du-Sud (2A) ou Haute-Corse (2B)"
    assert condition_summary('commune == "2A004"', known) == "« Dans quelle commune habitez-vous ? » : Ajaccio (2A)"
