"""XLSForm expressions in Tremplin's language, and Tremplin's in XLSForm's.

``relevant``, ``calculation`` and ``constraint`` cells are XPath with ``${name}``
references; the import translates them (or says why it cannot), the export writes
Tremplin conditions back as XPath that pyxform accepts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from builder.format.loader import load_service_text
from exports.xlsform_constraints import constraint_params
from exports.xlsform_expressions import NameInfo, Scope, Untranslatable, translate_condition, translate_value
from exports.xpath_writer import Names, value_names, write_condition

SCOPE = Scope(
    names={"age": NameInfo("age", "number"), "dob": NameInfo("date_naissance", "date"),
           "Statut": NameInfo("statut", "choice"), "langues": NameInfo("langues", "choices"),
           "boursier": NameInfo("boursier", "yesno"), "nom": NameInfo("nom", "text"),
           "intro": NameInfo("intro", "content"), "total": NameInfo("total", "computed"),
           "jour": NameInfo("", "today")},
    dropped={"position": 12})


@pytest.mark.parametrize("xlsform, tremplin", [
    ("${age} >= 18", "age >= 18"),
    ("${Statut} = 'etudiant' or ${Statut}='apprenti'", 'statut == "etudiant" or statut == "apprenti"'),
    ("${Statut} = \u2018étudiant\u2019", 'statut == "étudiant"'),          # curly quotes, accents
    ("${Statut} = 1", 'statut == "1"'),                                      # choice names are texts
    ("${age} != '0'", "age != 0"),                                           # numbers are numbers
    ("${boursier} = 'yes'", "boursier == true"),
    ("not(${boursier} = 'no')", "not boursier == false"),
    ("selected(${langues}, 'anglais') and count-selected(${langues}) >= 2",
     '"anglais" in langues and count(langues) >= 2'),
    ("selected(${Statut}, 'etudiant')", 'statut == "etudiant"'),
    ("${nom} != ''", "answered(nom)"),
    ("string-length(${nom}) > 0", "answered(nom)"),
    ("${nom}", "answered(nom)"),
    ("int((today() - ${dob}) div 365.25) >= 18", "years_since(date_naissance) >= 18"),
    ("${dob} < date('2008-01-01')", 'date_naissance < "2008-01-01"'),
    ("${dob} <= ${jour}", "date_naissance <= today()"),
    ("(${age} + 2) * 3 div 4 > ${total}", "(age + 2) * 3 / 4 > total"),
    ("/data/groupe/age > 3", "age > 3"),
    ("if(${boursier} = 'yes', ${age} < 28, ${age} < 26)",
     "(boursier == true and age < 28) or (not boursier == true and age < 26)"),
])
def test_conditions_are_translated(xlsform, tremplin):
    assert translate_condition(xlsform, SCOPE) == tremplin


@pytest.mark.parametrize("xlsform, reason", [
    ("${age} mod 2 = 0", "l'opérateur « mod »"),
    ("concat(${nom}, 'x') = 'ax'", "la fonction concat()"),
    ("${position} != ''", "${position} n'a pas été repris (ligne 12)"),
    ("${inconnu} = 1", "${inconnu} ne désigne aucune question"),
    ("${intro} = 1", "${intro} est une note"),
    (". > 3", "« . »"),
    ("${age} > (3", "ne peut pas être lue"),
    ("indexed-repeat(${age}, ${groupe}, 1) > 2", "la fonction indexed-repeat()"),
])
def test_what_has_no_equivalent_says_why(xlsform, reason):
    with pytest.raises(Untranslatable) as raised:
        translate_condition(xlsform, SCOPE)
    assert reason in raised.value.reason.localized("fr")


def test_a_calculation_keeps_its_value():
    assert translate_value("int((today() - ${dob}) div 365)", SCOPE) == "years_since(date_naissance)"
    assert translate_value("${age} * 12", SCOPE) == "age * 12"


@pytest.mark.parametrize("block_type, constraint, params", [
    ("number", ". >= 0 and . <= 120", {"min": 0, "max": 120}),
    ("number", "${age} > 17 and ${age} < 66", {"min": 18, "max": 65}),    # whole numbers: strict bounds move
    ("date", ". <= today() and . >= date('1950-01-01')", {"max": "today", "min": dt.date(1950, 1, 1)}),
    ("text", "string-length(.) <= 60", {"max_length": 60}),
    ("text", "regex(., '^[0-9]{5}$')", {"pattern": "[0-9]{5}"}),
    ("text", "string-length(.) = 10 and regex(., '^[0-9]+$')", {"pattern": r"(?=[\s\S]{10}$)(?:[0-9]+)"}),
    ("text", "string-length(.) > 1", {"pattern": r"[\s\S]{2,}"}),
    ("choices", "count-selected(.) >= 1 and count-selected(.) <= 3", {"min_choices": 1, "max_choices": 3}),
])
def test_simple_constraints_become_block_bounds(block_type, constraint, params):
    own = Scope(SCOPE.names, SCOPE.dropped, SCOPE.names["age"])
    result = constraint_params(constraint, block_type, own, whole=True)
    assert result.params == params and result.left_out == []


def test_other_constraints_are_left_out_with_their_reason():
    own = Scope(SCOPE.names, SCOPE.dropped, SCOPE.names["age"])
    result = constraint_params(". > 10.5 and . < ${total} and . <= 99", "number", own, whole=False)
    assert result.params == {"max": 99}
    reasons = [reason.localized("fr") for _, reason in result.left_out]
    assert "nombres entiers" in reasons[0] and "limite simple" in reasons[1]


SERVICE = """\
tremplin: 1
id: ecrire
title: Écrire
computed:
  age: years_since(naissance)
steps:
  - id: une
    blocks:
      - {type: date, id: naissance, label: Naissance}
      - {type: yesno, id: boursier, label: Boursier ?}
      - {type: choice, id: statut, label: Statut, options: [Au lycée, {value: etudiant, label: Étudiant}]}
      - {type: choices, id: langues, label: Langues, options: [anglais, espagnol]}
      - {type: text, id: nom, label: Nom, required: false}
      - {type: text, id: suite, label: Suite, required: false}
"""


@pytest.mark.parametrize("condition, xpath", [
    ('age >= 18 and statut == "etudiant"', "(${age} >= 18) and (${statut} = 'etudiant')"),
    ('statut in ["Au lycée", "etudiant"]', "(${statut} = 'Au_lycée' or ${statut} = 'etudiant')"),
    ('"anglais" not in langues', "not(selected(${langues}, 'anglais'))"),
    ("boursier", "${boursier} = 'yes'"),
    ("not boursier", "not(${boursier} = 'yes')"),
    ("answered(nom) and count(langues) >= 2", "(${nom} != '') and (count-selected(${langues}) >= 2)"),
    ('naissance < "2008-01-01"', "${naissance} < date('2008-01-01')"),
    ("16 <= age <= 25", "(16 <= ${age}) and (${age} <= 25)"),
    ("years_since(naissance) > 17",
     "int((format-date(today(), '%Y%m%d') - format-date(${naissance}, '%Y%m%d')) div 10000) > 17"),
])
def test_tremplin_conditions_are_written_as_xlsform(condition, xpath):
    text = SERVICE.replace("label: Suite, required: false}", f"label: Suite, show_if: '{condition}'}}")
    block = load_service_text(text).blocks["suite"]
    names = Names({"age": "number", "naissance": "date", "boursier": "yesno", "statut": "choice",
                   "langues": "choices", "nom": "text"},
                  {"statut": value_names([{"value": "Au lycée"}, {"value": "etudiant"}]),
                   "langues": value_names([{"value": "anglais"}, {"value": "espagnol"}])})
    assert write_condition(block.show_if, names) == xpath
