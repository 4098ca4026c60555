"""Format 1 without YAML: the service's languages (and the texts left to translate), its
computed values (the age, a calculation named in a form) and its path's options (ask only
what is needed, how long answers are kept, the contact service of the same organisation)."""

from __future__ import annotations

from test_studio_editor import SERVICE, Studio, people, studio, text_of  # noqa: F401  (fixtures)

from builder.db import get_db
from builder.storage import accounts, services, workspace


def test_adding_english_gives_every_text_its_english_field_and_lists_what_to_translate(studio: Studio):
    page = studio.page("langues")
    assert "<h1>Les langues du service</h1>" in page and 'value="en"' in page
    assert studio.post("langues", {"languages": "en"}).status_code == 303
    assert studio.data()["languages"] == ["fr", "en"]
    page = studio.page("langues")
    assert "Textes à traduire" in page and "Quel est votre âge ?" in text_of(page)
    assert "/blocs/age" in page  # each text leads to its field
    block = studio.page("blocs/age")
    assert 'name="label.en"' in block and 'lang="en"' in block  # the field's text is English
    assert ">Anglais</label>" in block and ">English</label>" in studio.page("blocs/age?lang=en")
    assert studio.post("blocs/age", {"label.fr": "Quel est votre âge ?", "label.en": "How old are you?"}).status_code == 303
    assert studio.data()["steps"][0]["blocks"][0]["label"] == {"fr": "Quel est votre âge ?", "en": "How old are you?"}
    tasks = studio.page()
    assert "/langues" in tasks  # the task list's « Langues » leads here
    assert studio.post("langues", {}).status_code == 303 and "languages" not in studio.data()


def test_a_calculation_is_named_in_a_form_and_shown_in_words(studio: Studio):
    page = studio.page("valeurs")
    assert "<h1>Les valeurs calculées</h1>" in page
    response = studio.post("valeurs", {"label": "Âge dans deux ans", "kind": "arith", "first": "age",
                                       "operation": "plus", "second": "2"})
    assert response.status_code == 303
    assert studio.data()["computed"] == {"age_dans_deux": "age + 2"}
    assert studio.data()["computed_labels"] == {"age_dans_deux": "Âge dans deux ans"}  # as it was typed
    shown = text_of(studio.page("valeurs"))
    assert "Âge dans deux ans — la réponse à « Quel est votre âge ? » plus 2" in shown and "age_dans_deux" not in shown
    refused = studio.post("valeurs", {"label": "", "kind": "arith", "first": "age", "operation": "plus", "second": "2"})
    assert refused.status_code == 422 and "Donnez un nom à la valeur" in refused.get_data(as_text=True)
    assert studio.post("valeurs/age_dans_deux/supprimer").status_code == 303
    assert "computed" not in studio.data() and "computed_labels" not in studio.data()


def test_a_value_a_condition_uses_is_not_removed(studio: Studio):
    studio.post("valeurs", {"label": "Double", "kind": "arith", "first": "age", "operation": "times", "second": "2"})
    studio.post("etapes/permis/condition", {"mode": "rows", "group": "all", "count": "1", "action": "save",
                                            "row-0-subject": "double", "row-0-operator": "ge", "row-0-value": "36"})
    refused = studio.post("valeurs/double/supprimer")
    assert refused.status_code == 422 and "La valeur « Double » est encore utilisée" in refused.get_data(as_text=True)
    assert "double" in studio.data()["computed"]


def test_the_path_options_and_a_contact_service_of_the_same_organisation_only(people):
    people.create()
    people.create(SERVICE.replace("id: aide-permis", "id: rappel").replace("title: Aide au permis",
                                                                          "title: Être rappelé"), "rappel")
    with people.app.app_context():
        db = get_db()
        other = accounts.create_user(db, "zoe@example.org", "Zoé", "une phrase assez longue")
        elsewhere = accounts.create_organisation(db, "Ailleurs", other.id)
        workspace.create(db, elsewhere.id, "autre", SERVICE.replace("id: aide-permis", "id: autre"))
    studio = people.studio("olga", "aide-permis")
    page = studio.page("options")
    assert 'value="rappel">Être rappelé</option>' in page and 'value="autre"' not in page
    response = studio.post("options", {"ask_only_needed": "non", "retention_days": "90", "draft_days": "",
                                       "contact_service": "rappel"})
    assert response.status_code == 303
    assert studio.data()["settings"] == {"ask_only_needed": False, "retention_days": 90, "contact_service": "rappel"}
    refused = studio.post("options", {"ask_only_needed": "oui", "retention_days": "un an", "contact_service": "autre"})
    assert refused.status_code == 422
    assert "Écrivez un nombre de jours" in refused.get_data(as_text=True)
    assert "Choisissez un service de votre organisation" in refused.get_data(as_text=True)
    assert studio.data()["settings"]["contact_service"] == "rappel"  # nothing was saved


def test_a_step_kept_as_the_organisation_s_block_is_copied_into_another_service(people):
    from builder.format.loader import load_service_text
    people.create()
    people.create(SERVICE.replace("id: aide-permis", "id: autre-service", 1), "autre-service")
    studio = people.studio("olga", "aide-permis")
    assert "/etapes/vous/enregistrer" in studio.page()  # in the step's « Plus d’actions »
    refused = studio.post("etapes/vous/enregistrer", {"title": ""})
    assert refused.status_code == 422 and "Donnez un nom au bloc" in refused.get_data(as_text=True)
    assert studio.post("etapes/vous/enregistrer", {"title": "Âge et situation"}).status_code == 303
    other = people.studio("eddie", "autre-service")
    palette = other.page("etapes/permis/ajouter")
    assert "Un bloc de votre organisation" in palette and ">Âge et situation</button>" in palette
    assert other.post("etapes/permis/blocs-organisation", {"org_block": "age_situation"}).status_code == 303
    data = other.data()
    assert [block["id"] for block in data["steps"][1]["blocks"]] == ["deja_permis", "age_2", "statut_2"]
    assert data["steps"][1]["blocks"][1]["label"] == "Quel est votre âge ?"
    load_service_text(other.copy().yaml)  # the file stands on its own: it loads anywhere
    assert other.post("blocs-organisation/age_situation/retirer",
                      {"back": "https://example.org/"}).location.endswith("/autre-service/")
    assert "Un bloc de votre organisation" not in other.page("etapes/permis/ajouter")


def test_another_organisation_never_sees_or_uses_these_blocks(people):
    people.create()
    studio = people.studio("olga", "aide-permis")
    studio.post("etapes/vous/enregistrer", {"title": "Âge et situation"})
    with people.app.app_context():
        db = get_db()
        zoe = accounts.create_user(db, "zoe@example.org", "Zoé", "une phrase assez longue")
        elsewhere = accounts.create_organisation(db, "Ailleurs", zoe.id)
        workspace.create(db, elsewhere.id, "ailleurs", SERVICE.replace("id: aide-permis", "id: ailleurs"))
    client = people.app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = zoe.id
    theirs = Studio(people.app, client, elsewhere.slug, "ailleurs")
    assert "Âge et situation" not in theirs.page("etapes/vous/ajouter")
    assert theirs.post("etapes/vous/blocs-organisation", {"org_block": "age_situation"}).status_code == 404


def test_a_calculation_starts_from_an_answer_of_the_right_kind(studio: Studio):
    refused = studio.post("valeurs", {"label": "Âge", "kind": "age", "first": "age"})  # a number, not a date
    assert refused.status_code == 422
    assert "choisissez une question qui demande une date" in refused.get_data(as_text=True)
    assert "computed" not in studio.data()


def test_a_contact_service_offline_or_short_of_a_language_is_said_before_publishing(people):
    people.create()
    people.create(SERVICE.replace("id: aide-permis", "id: rappel", 1).replace("title: Aide au permis",
                                                                             "title: Être rappelé"), "rappel")
    studio = people.studio("olga", "aide-permis")
    studio.post("options", {"ask_only_needed": "oui", "contact_service": "rappel"})
    offline = "Le service « Être rappelé », proposé pour être rappelé·e, n'est pas en ligne"
    assert offline in text_of(studio.page())  # the task list says it, under « Qui aide les personnes »
    page = studio.page("publier")
    assert offline in text_of(page) and f'href="{studio.url("options")}"' in page  # a warning, linked
    with people.app.app_context():
        services.publish(get_db(), "rappel", workspace.get(get_db(), "rappel").yaml)
    assert offline not in text_of(studio.page())
    studio.post("langues", {"languages": "en"})
    assert "« Être rappelé », proposé pour être rappelé·e, n'est pas dans toutes les langues" in text_of(studio.page())
