"""Conditions without code: rows « question / comparaison / valeur » grouped by « toutes »
or « au moins une », the text mode checked as one types, and on save without JavaScript."""

from __future__ import annotations

from test_studio_editor import Studio, people, studio, text_of  # noqa: F401  (fixtures)


def rows(*items, group="all", action="save", **extra) -> dict:
    """A posted rows form: each item is (subject, operator, value[, value2])."""
    form = {"mode": "rows", "group": group, "count": str(len(items)), "action": action, **extra}
    for index, item in enumerate(items):
        subject, operator, value, *rest = (*item, "")[:4] if len(item) < 4 else item
        form.update({f"row-{index}-subject": subject, f"row-{index}-operator": operator,
                     f"row-{index}-value": value})
        if rest and rest[0]:
            form[f"row-{index}-value2"] = rest[0]
    return form


def text(expression: str, action: str = "save") -> dict:
    return {"mode": "text", "expression": expression, "action": action, "count": "0"}


def test_a_step_without_condition_starts_with_one_empty_row(studio: Studio):
    page = studio.page("etapes/permis/condition")
    assert "<h1>Quand montrer l’étape « Le permis »</h1>" in page
    assert 'name="row-0-subject"' in page and "Choisissez une question" in page
    assert "Retirer la condition" not in page  # there is none yet


def test_a_condition_made_of_rows_is_saved_as_a_person_would_write_it(studio: Studio):
    response = studio.post("etapes/permis/condition", rows(("age", "ge", "18")))
    assert response.status_code == 303 and response.location.endswith("#etape-permis")
    assert studio.step("permis")["show_if"] == "age >= 18"
    page = studio.page()
    assert "La condition est enregistrée." in page and "« Quel est votre âge ? » : 18 ou plus" in page


def test_rows_grouped_by_at_least_one(studio: Studio):
    studio.post("etapes/permis/condition",
                rows(("statut", "eq", "apprenti"), ("age", "between", "16", "25"), group="any"))
    assert studio.step("permis")["show_if"] == {"any": ['statut == "apprenti"', "age >= 16 and age <= 25"]}
    page = studio.page("etapes/permis/condition")
    assert 'id="group-any" name="group" value="any" checked' in page
    assert 'name="row-1-value2" value="25"' in page


def test_choosing_a_question_offers_the_comparisons_that_fit_it(studio: Studio):
    page = studio.post("etapes/permis/condition", rows(("statut", "", ""), action="refresh")).get_data(as_text=True)
    assert "est parmi" in page and ">au moins<" not in page
    assert '<option value="apprenti"' in page and "En apprentissage" in page  # the answers, to choose from
    page = studio.post("etapes/permis/condition", rows(("age", "", ""), action="refresh")).get_data(as_text=True)
    assert ">au moins<" in page and "est parmi" not in page


def test_another_question_starts_its_row_again(studio: Studio):
    form = rows(("age", "ge", "18"), action="refresh", **{"row-0-was": "statut"})
    page = studio.post("etapes/permis/condition", form).get_data(as_text=True)
    assert 'name="row-0-value" value=""' in page  # the value was for the other question
    form = rows(("age", "ge", "18"), action="refresh", **{"row-0-was": "age"})
    assert 'name="row-0-value" value="18"' in studio.post("etapes/permis/condition", form).get_data(as_text=True)


def test_with_htmx_a_new_question_swaps_only_the_form(studio: Studio):
    response = studio.post("etapes/permis/condition", rows(("statut", "", ""), action="refresh"), htmx=True)
    body = response.get_data(as_text=True)
    assert body.strip().startswith('<form id="condition-form"') and "<html" not in body
    assert 'hx-trigger="change"' in body and 'hx-vals=\'{"action": "refresh"}\'' in body
    assert 'hx-swap="outerMorph"' in body  # the select keeps the focus


def test_add_and_remove_rows_without_saving(studio: Studio):
    before = studio.copy().revision
    page = studio.post("etapes/permis/condition", rows(("age", "ge", "18"), action="add")).get_data(as_text=True)
    assert 'name="row-1-subject"' in page and 'name="count" value="2"' in page
    page = studio.post("etapes/permis/condition",
                       rows(("age", "ge", "18"), ("statut", "eq", "apprenti"), action="remove-0")).get_data(as_text=True)
    assert 'name="count" value="1"' in page and '<option value="statut" selected>' in page
    assert studio.copy().revision == before


def test_a_wrong_value_is_shown_next_to_its_row_and_nothing_is_saved(studio: Studio):
    before = studio.copy().revision
    response = studio.post("etapes/permis/condition", rows(("age", "ge", "beaucoup")))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#row-0-subject"' in page and "Écrivez un nombre" in page
    assert 'value="beaucoup"' in page  # what was typed is still there
    assert studio.copy().revision == before


def test_the_text_mode_saves_the_full_expression_language(studio: Studio):
    response = studio.post("blocs/deja_permis/condition", text('age >= 18 and statut in ["apprenti", "etudiant"]'))
    assert response.status_code == 303
    block = studio.step("permis")["blocks"][0]
    assert block["show_if"] == 'age >= 18 and statut in ["apprenti", "etudiant"]'


def test_without_javascript_the_text_is_checked_on_save(studio: Studio):
    before = studio.copy().revision
    response = studio.post("etapes/permis/condition", text("age >= 18 and statu == 2"))
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "Vouliez-vous dire « statut »" in page and "colonne 15" in page
    assert studio.copy().revision == before


def test_a_calculation_on_a_choice_s_answer_is_refused_where_it_is_written(studio: Studio):
    before = studio.copy().revision
    response = studio.post("etapes/permis/condition", text("age + statut > 20"))
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "Un calcul (+ - * /) porte ici sur un texte, pas sur un nombre" in page and "colonne 7" in page
    assert studio.copy().revision == before
    checked = studio.post("condition/verifier", {"expression": "(age > 3) * 2 > 1"}).get_data(as_text=True)
    assert "porte ici sur un oui ou non" in text_of(checked)


def test_as_one_types_the_check_answers_with_the_message_and_its_column(studio: Studio):
    response = studio.post("condition/verifier", {"expression": "age >= 18 et statut"})
    body = response.get_data(as_text=True)
    assert body.strip().startswith('<div id="condition-verification"')
    assert "« and »" in text_of(body) and "^" in body
    pointer = body.split('aria-hidden="true">')[1].split("</pre>")[0]
    assert pointer.splitlines()[1] == " " * 10 + "^"  # under column 11
    ok = studio.post("condition/verifier", {"expression": "age >= 18"}).get_data(as_text=True)
    assert "✓ La condition est correcte." in ok


def test_the_text_area_is_checked_as_one_types_with_htmx(studio: Studio):
    page = studio.post("etapes/permis/condition", rows(("age", "ge", "18"), action="to_text")).get_data(as_text=True)
    assert 'name="mode" value="text"' in page and ">age &gt;= 18</textarea>" in page
    assert 'hx-trigger="keyup changed delay:400ms"' in page and "/condition/verifier" in page


def test_a_condition_too_complex_for_rows_opens_in_text_mode(studio: Studio):
    studio.post("etapes/permis/condition", text('not (statut == "apprenti" or age < 18)'))
    page = studio.page("etapes/permis/condition")
    assert 'name="mode" value="text"' in page and "elle reste en texte" in text_of(page)
    page = studio.post("etapes/permis/condition", text('not (statut == "apprenti" or age < 18)', "to_rows"))
    assert 'name="mode" value="text"' in page.get_data(as_text=True)


def test_back_from_text_to_rows_when_rows_can_show_it(studio: Studio):
    page = studio.post("etapes/permis/condition",
                       text('statut == "apprenti" or age >= 18', "to_rows")).get_data(as_text=True)
    assert 'name="mode" value="rows"' in page and 'id="group-any" name="group" value="any" checked' in page
    assert 'name="row-1-value" value="18"' in page


def test_an_outcome_always_needs_a_condition(studio: Studio):
    page = studio.page("resultats/aide-permis/condition")
    assert "<h1>Quand le résultat « L&#39;aide au permis » s’applique</h1>" in page
    assert "Retirer la condition" not in page
    response = studio.post("resultats/aide-permis/condition", rows(("", "", "")))
    assert response.status_code == 422 and "a besoin d&#39;une condition" in response.get_data(as_text=True)
    studio.post("resultats/aide-permis/condition", rows(("statut", "eq", "apprenti"), ("age", "ge", "16")))
    assert studio.data()["outcomes"][0]["when"] == {"all": ['statut == "apprenti"', "age >= 16"]}


def test_a_condition_can_be_removed(studio: Studio):
    studio.post("etapes/permis/condition", rows(("age", "ge", "18")))
    assert "Retirer la condition" in studio.page("etapes/permis/condition")
    studio.post("etapes/permis/condition", {"action": "clear", "mode": "rows", "count": "0"})
    assert "show_if" not in studio.step("permis")


def test_an_edit_that_breaks_an_example_says_so(studio: Studio):
    response = studio.post("resultats/aide-permis/condition", rows(("statut", "eq", "etudiant")))
    assert response.status_code == 303
    page = text_of(studio.page())
    assert "✗ L’exemple « Apprentie de 19 ans » ne passe plus." in page
    assert "✗ Ne passe pas" in page and "attendu : « L'aide au permis »" in page  # by title, not its id


VACANCES = """\
tremplin: 1
id: vacances
title: Aide aux vacances
steps:
  - id: vous
    title: Vous
    blocks:
      - {type: date, id: date_naissance, label: Votre date de naissance}
      - {type: yesno, id: allocation, label: Votre famille touche-t-elle l'allocation ?}
outcomes:
  - id: sejour
    title: Un séjour
    when: allocation
"""


def test_the_age_is_offered_when_a_date_is_asked_and_becomes_a_named_value_once_used(people):
    people.create(VACANCES, "vacances")
    studio = people.studio("olga", "vacances")
    page = studio.page("resultats/sejour/condition")
    assert '<option value="age">Âge (d’après « Votre date de naissance »)</option>' in page.replace("'", "’")
    assert "years_since" not in page and "(date_naissance)" not in page
    response = studio.post("resultats/sejour/condition",
                           rows(("age", "between", "11", "17"), ("allocation", "yes", "")))
    assert response.status_code == 303
    data = studio.data()
    assert data["computed"] == {"age": "years_since(date_naissance)"}
    assert data["outcomes"][0]["when"] == {"all": ["age >= 11 and age <= 17", "allocation"]}
    assert "S’applique quand : Âge : entre 11 et 17 ans, et « Votre famille touche-t-elle l’allocation ? » : Oui" \
        in text_of(studio.page()).replace("\xa0", " ").replace("'", "’")
