"""The service-level path in the studio: the task list, publishing that guards the person
at the other end (each refusal listed and linked to where it is fixed), publishing in
words, what is online, restoring a version, « Annuler » after a reload, times in the
organisation's time zone, the share panel's address."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from builder.db import get_db
from builder.storage import accounts, workspace
from builder.storage import services as published
from test_studio_editor import SERVICE, Studio, people, text_of  # noqa: F401  (fixtures)

READY = SERVICE.replace("languages: [fr]\n", "languages: [fr]\nhelp:\n  phone: \"01 23 45 67 89\"\n", 1)


def publish(studio: Studio):
    """Press the publish page's button, as a browser does (the form carries the revision
    the page showed)."""
    page = studio.page("publier")
    shown = re.search(r'name="revision" value="(\d+)"', page)  # no button when something stops it
    revision = shown.group(1) if shown else str(studio.copy().revision)
    return studio.client.post(studio.url("publier"), data={"revision": revision})


def tasks_of(page: str) -> dict[str, str]:
    """The task list of the editor's page: task → state, as a person reads them."""
    part = page.split('id="editeur-etat"')[1].split('id="etapes-titre"')[0]
    found = re.findall(r'<li class="task-list__item">.*?aria-describedby="[^"]*">([^<]+)</a>.*?'
                       r'<strong class="tag [^"]+" id="[^"]+">([^<]+)</strong>', part, re.S)
    return dict(found)


def versions(studio: Studio) -> list[int]:
    with studio.app.app_context():
        return [version.version for version in published.versions(get_db(), studio.service_id)]


@pytest.fixture
def ready(people) -> Studio:
    """The owner on a service with nothing to stop its publishing."""
    people.create(READY)
    return people.studio("olga", "aide-permis")


# --- the task list ----------------------------------------------------------------------

def test_a_new_blank_service_has_its_tasks_to_do_and_cannot_be_published(people):
    studio = people.studio("olga", "x")
    response = studio.client.post(f"/studio/o/{studio.slug}/services/nouveau",
                                  data={"source": "vide", "title": "Être rappelé"})
    studio.service_id = response.location.rstrip("/").split("/")[-1]
    page = studio.page()
    assert tasks_of(page) == {"Questions": "À faire", "Qui aide les personnes": "À faire",
                              "Où vont les réponses": "Fait", "Exemples de test": "À revoir",
                              "Langues": "Fait", "Publier": "À faire"}  # no « Résultats »: not a simulator
    text = text_of(page)
    # the stand-in texts of a new service are not real text
    assert "Un texte de départ est resté : « Expliquez en une ou deux phrases" in text
    assert "« Nouvelle question »" in text and "« Première étape »" in text
    assert "Personne à contacter" in text and "Rien n’est envoyé" in text and "Jamais publié." in text

    response = studio.client.post(studio.url("publier"), data={"revision": str(studio.copy().revision)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and versions(studio) == []
    assert "Le service ne peut pas être publié : 4 points à régler" in text_of(page)
    assert f'href="{studio.url("service")}#champ-summary"' in page
    assert f'href="{studio.url("service")}#reglages-aide"' in page
    assert f'href="{studio.url("")}#etape-etape-1"' in page
    assert f'href="{studio.url("blocs/question_1")}#champ-label"' in page
    assert "<title>Erreur :" in page


def test_each_task_links_to_where_it_is_done_and_is_done_once_it_is(ready):
    page = ready.page()
    assert tasks_of(page) == {"Questions": "À revoir", "Résultats": "Fait", "Qui aide les personnes": "Fait",
                              "Où vont les réponses": "Fait", "Exemples de test": "Fait", "Langues": "Fait",
                              "Publier": "À faire"}
    # « Vous » asks the age and the situation on one page: a warning, linked to the step
    assert ("L'étape « Vous » pose plusieurs questions qui ne vont pas ensemble (« Quel est votre âge ? », "
            "« Quelle est votre situation ? »)") in text_of(page)  # by their labels, never their ids
    assert f'href="{ready.url("")}#etape-vous"' in page
    for url in ("#etapes-titre", "#resultats", "service#reglages-aide", "envoi", "#exemples",
                "langues", "publier"):  # « Langues » leads to the languages page
        assert f'href="{ready.url(url)}"' in page
    assert "01 23 45 67 89" in text_of(page)  # who helps, in a few words


def test_a_new_empty_step_is_a_task_to_do_not_a_red_problem(ready):
    ready.post("etapes", {"title": "Vos revenus"})
    page = ready.page()
    assert tasks_of(page)["Questions"] == "À faire"
    assert "editor-summary--problems" not in page and "error-message" not in page
    assert "Cette étape n'a pas encore de bloc" in text_of(page)
    assert publish(ready).status_code == 422  # still not publishable


def test_the_new_step_title_box_is_empty_after_adding_a_step(ready):
    ready.post("etapes", {"title": "Vos revenus"})
    partial = ready.post("etapes", {"title": "Vos ressources"}, htmx=True).get_data(as_text=True)
    for html in (ready.page(), partial):  # (with htmx, studio.js empties the box: tests/browser)
        assert '<input type="text" id="nouvelle-etape" name="title" value="" autocomplete="off">' in html
    assert 'src="/static/studio.js' in ready.page()


# --- what publishing refuses, and what it warns about -----------------------------------

def test_a_red_example_stops_publishing_and_says_which(ready):
    ready.post("exemples/0", {"name": "Apprentie de 19 ans", "expect_shown": "1"})  # expects nothing now
    response = publish(ready)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and versions(ready) == []
    assert "L'exemple « Apprentie de 19 ans » ne passe pas" in text_of(page)
    assert f'href="{ready.url("")}#exemple-0"' in page
    assert tasks_of(ready.page())["Exemples de test"] == "À faire"


def test_contact_questions_sent_nowhere_stop_publishing_and_lead_to_where_the_answers_go(ready):
    ready.post("etapes/permis/blocs", {"library": "coordonnees"})
    ready.post("envoi", {"submission": "non"})  # turned off again on purpose
    response = publish(ready)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("demande des coordonnées ou un accord (« Votre adresse e-mail », « Votre numéro de téléphone »)"
            in text_of(page))  # by their labels, never their ids
    assert f'href="{ready.url("envoi")}"' in page
    assert "sans envoi, personne ne recevrait ces réponses" in text_of(ready.page("envoi"))


def test_adding_a_contact_question_turns_sending_on_and_asks_where_answers_go(ready):
    response = ready.post("etapes/permis/blocs", {"type": "email"})
    assert response.status_code == 303
    assert ready.data()["submission"] == {"copy": True}
    page = ready.page()
    assert "ses réponses seront envoyées" in text_of(page)
    assert tasks_of(page)["Où vont les réponses"] == "À revoir"
    assert "vérifiez où elles vont et dites à la personne ce qui se passe ensuite" in text_of(page)
    ready.post("envoi", {"submission": "oui", "confirmation": "Merci ! Nous vous écrivons sous 3 jours.",
                         "notify": "", "copy": "oui"})
    assert tasks_of(ready.page())["Où vont les réponses"] == "Fait"


def test_an_old_rule_source_and_a_crowded_step_are_warnings_not_refusals(people):
    old = READY.replace("    amount: 500 €\n", "    amount: 500 €\n    source: {url: https://example.org/"
                        "decret, checked: 2019-03-01}\n").replace(
        "        label: Avez-vous déjà le permis ?\n",
        "        label: Avez-vous déjà le permis ?\n      - type: yesno\n        id: voiture\n"
        "        label: Avez-vous une voiture ?\n")
    people.create(old)
    studio = people.studio("olga", "aide-permis")
    page = studio.page("publier")
    text = text_of(page)
    assert "À vérifier (n’empêche pas de publier)" in text
    assert "vérifiée le 01/03/2019, il y a plus de 365 jours" in text
    assert f'href="{studio.url("resultats/aide-permis")}#champ-source_checked"' in page
    assert ("L'étape « Le permis » pose plusieurs questions qui ne vont pas ensemble (« Avez-vous déjà le permis ? », "
            "« Avez-vous une voiture ? »)") in text
    assert tasks_of(studio.page())["Résultats"] == "À revoir"
    assert publish(studio).status_code == 303 and versions(studio) == [1]


def test_the_delay_for_rule_sources_is_a_setting(app_factory):
    from test_studio_editor import People
    app = app_factory(SOURCE_MAX_AGE_DAYS=10)
    people = People(app)
    people.create(READY.replace("    amount: 500 €\n", "    amount: 500 €\n    source: {url: https://example.org/"
                                "decret, checked: 2026-11-01}\n"))
    app.config["TODAY"] = "2026-11-20"
    assert "il y a plus de 10 jours" in text_of(people.studio("olga", "aide-permis").page("publier"))


# --- publishing in words, and what is online --------------------------------------------

def test_the_publish_page_has_its_button_first_and_the_changes_in_words(ready):
    page = ready.page("publier")
    assert page.index(">Publier</button>") < page.index("Ce qui change")
    assert "C’est la première publication" in page
    assert publish(ready).status_code == 303 and versions(ready) == [1]
    ready.post("etapes/vous/blocs", {"type": "text"})
    ready.post("blocs/nouvelle_question", {"id": "ville", "label": "Votre ville ?"})
    ready.post("resultats/aide-permis/condition", {"mode": "text", "expression": 'statut == "apprenti"',
                                                   "action": "save", "count": "0"})
    page = ready.page("publier")
    text = text_of(page)
    assert "Question ajoutée : « Votre ville ? » dans l'étape « Vous »" in text
    assert "Condition du résultat « L'aide au permis » modifiée" in text
    assert '<details class="file-diff">' in page and "Voir le fichier" in text
    assert page.index("Publier ces modifications</button>") < page.index("Question ajoutée")


def test_the_editor_says_whenever_the_draft_differs_from_what_is_online(ready):
    assert "Pas encore en ligne." in text_of(ready.page())
    publish(ready)
    page = ready.page()
    assert "En ligne : version 1, à jour." in text_of(page) and tasks_of(page)["Publier"] == "Fait"
    ready.post("etapes/vous/titre", {"title": "Votre situation"})
    partial = ready.post("etapes/permis/titre", {"title": "Permis"}, htmx=True).get_data(as_text=True)
    for html in (ready.page(), partial):
        assert "Modifications pas encore en ligne." in text_of(html)
    assert tasks_of(ready.page())["Publier"] == "À revoir"
    assert "Étape « Vous » renommée « Votre situation »" in text_of(ready.page("publier"))


def test_a_page_shown_before_an_edit_does_not_publish_it_unread(ready):
    page = ready.page("publier")
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    ready.post("etapes/vous/titre", {"title": "Votre situation"})
    response = ready.client.post(ready.url("publier"), data={"revision": revision})
    assert response.status_code == 303 and versions(ready) == []
    assert "relisez ce qui change" in ready.page("publier")


def test_a_reader_sees_the_publish_page_without_its_button(people):
    people.create(READY)
    reader = people.studio("rita", "aide-permis")
    assert ">Publier</button>" not in reader.page("publier")
    assert reader.client.post(reader.url("publier"), data={"revision": "1"}).status_code == 403


# --- restoring a version ----------------------------------------------------------------

def test_restoring_asks_first_and_can_keep_the_draft_as_a_copy(ready):
    publish(ready)
    ready.post("etapes/vous/titre", {"title": "Votre situation"})
    history = ready.page("historique")
    assert f'href="{ready.url("historique/1/restaurer")}"' in history
    assert f'action="{ready.url("historique/1/restaurer")}"' not in history  # a link to a page that asks
    page = ready.page("historique/1/restaurer")
    assert "Le brouillon a des modifications pas encore en ligne." in page
    assert "Étape « Vous » renommée « Votre situation »" in text_of(page)
    assert 'id="garder" name="garder" value="oui" checked' in page
    assert ready.step("vous")["title"] == "Votre situation"  # nothing changed by asking
    response = ready.client.post(ready.url("historique/1/restaurer"), data={"garder": "oui"})
    assert response.status_code == 303
    assert ready.step("vous")["title"] == "Vous"
    with ready.app.app_context():
        org = accounts.get_organisation_by_slug(get_db(), ready.slug)
        kept = [copy for copy in workspace.for_org(get_db(), org.id) if copy.service_id != "aide-permis"]
    assert [copy.service_id for copy in kept] == ["aide-permis-2"] and "title: Votre situation" in kept[0].yaml
    assert "« aide-permis-2 »" in ready.page("historique")


def test_a_long_history_comes_a_page_at_a_time_each_version_compared_with_the_one_before(ready):
    with ready.app.app_context():
        for number in range(1, 24):
            published.publish(get_db(), "aide-permis", READY.replace("    title: Vous\n", f"    title: Vous {number}\n"))
    newest = text_of(ready.page("historique"))
    assert "Version 23" in newest and "Version 4," in newest and "Version 3," not in newest
    assert "Étape « Vous 3 » renommée « Vous 4 »" in newest  # the oldest shown, against one not shown
    assert "Versions plus anciennes" in newest and "Versions plus récentes" not in newest
    oldest = text_of(ready.page("historique?page=2"))
    assert "Version 3," in oldest and "Version 4," not in oldest and "Première publication." in oldest
    assert "Versions plus récentes" in oldest and "Page 2 sur 2" in oldest
    assert "Version 3," in text_of(ready.page("historique?page=99"))  # past the end: the last page


# --- « Annuler » survives a reload --------------------------------------------------------

def test_undo_is_still_offered_after_a_reload_until_the_next_edit(ready):
    before = ready.data()
    ready.post("etapes/permis/supprimer")
    page = ready.page()  # a reload: a new GET of the editor
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    assert "Supprimé par erreur ?" in page and "autofocus" not in page.split('name="undo"')[1].split("</form>")[0]
    other = Studio(ready.app, ready.app.test_client(), ready.slug, ready.service_id)
    assert 'name="undo"' not in other.client.get(other.url()).get_data(as_text=True)  # not signed in: not theirs
    assert ready.post("annuler", {"undo": token}).status_code == 303
    assert ready.data() == before
    assert 'name="undo"' not in ready.page()
    ready.post("etapes/permis/supprimer")
    ready.post("etapes/vous/titre", {"title": "Vous et vos droits"})
    assert 'name="undo"' not in ready.page()  # another edit since: it is gone


# --- times, the share panel ---------------------------------------------------------------

def test_times_are_shown_in_the_organisations_time_zone(ready):
    with ready.app.app_context():
        published.publish(get_db(), "aide-permis", ready.copy().yaml,
                          now=dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.timezone.utc))
    assert "15/01/2026 13:00" in ready.page("historique")  # Paris, by default
    response = ready.client.post(f"/studio/o/{ready.slug}/reglages", data={"time_zone": "Pacific/Noumea"})
    assert response.status_code == 302
    assert "15/01/2026 23:00" in ready.page("historique")


def test_the_share_panel_says_when_its_address_cannot_be_reached_from_a_phone(ready, people, app):
    page = ready.page("partager")
    assert "http://localhost/s/aide-permis/" in page
    assert "Cette adresse ne marche que sur cet ordinateur" in page and "PUBLIC_URL" in page
    app.config["PUBLIC_URL"] = "https://tremplin.example.org/"
    page = ready.page("partager")
    assert 'href="https://tremplin.example.org/s/aide-permis/"' in page
    assert "Cette adresse ne marche que sur cet ordinateur" not in page
    app.config["PUBLIC_URL"] = None
    network = "http://192.168.1.20:5000"  # the studio opened by the computer's address on the network
    client = app.test_client()
    with client.session_transaction(base_url=network) as session:
        session["user_id"] = people.users["olga"].id
    phone = client.get(ready.url("partager"), base_url=network).get_data(as_text=True)
    assert "http://192.168.1.20:5000/s/aide-permis/" in phone and "ne marche que sur cet ordinateur" not in phone
