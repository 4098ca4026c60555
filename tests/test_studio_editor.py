"""The studio's editor, end to end through the Flask test client on a real SQLite file:
the page, steps, validation next to its cause, undo, htmx partials, and two people
editing the same service without losing each other's work.

:class:`Studio` and the ``studio`` fixture are shared with the other
``test_studio_editor_*`` files (blocks, conditions, outcomes and personas, preview,
round trip).
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from builder.db import get_db
from builder.editing.document import ServiceDocument
from builder.storage import accounts, workspace
from builder.storage.accounts import EDITOR, READER

PASSWORD = "une phrase assez longue"
SERVICE = """\
tremplin: 1
id: aide-permis
title: Aide au permis
languages: [fr]
steps:
  - id: vous
    title: Vous
    blocks:
      - type: number
        id: age
        label: Quel est votre âge ?
      - type: choice
        id: statut
        label: Quelle est votre situation ?
        options:
          - {value: apprenti, label: En apprentissage}
          - {value: etudiant, label: Étudiant ou étudiante}
  - id: permis
    title: Le permis
    blocks:
      - type: yesno
        id: deja_permis
        label: Avez-vous déjà le permis ?
outcomes:
  - id: aide-permis
    title: L'aide au permis
    amount: 500 €
    when:
      all:
        - statut == "apprenti"
        - age >= 18
        - not deja_permis
tests:
  - name: Apprentie de 19 ans
    answers: {age: 19, statut: apprenti, deja_permis: false}
    expect: [aide-permis]
"""


class Studio:
    """Someone signed in on one service's editor, who reads pages and posts forms as a
    browser does: each form with the revision the page showed (the latest one, unless
    told otherwise)."""

    def __init__(self, app, client, slug: str, service_id: str):
        self.app, self.client, self.slug, self.service_id = app, client, slug, service_id

    def url(self, path: str = "") -> str:
        return f"/studio/o/{self.slug}/services/{self.service_id}/{path.lstrip('/')}"

    def copy(self) -> workspace.WorkingCopy:
        with self.app.app_context():
            return workspace.get(get_db(), self.service_id)

    def data(self) -> dict:
        return ServiceDocument.from_yaml(self.copy().yaml).data

    def get(self, path: str = "", htmx: bool = False):
        return self.client.get(self.url(path), headers={"HX-Request": "true"} if htmx else {})

    def page(self, path: str = "") -> str:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path: str, data=None, htmx: bool = False, revision: int | None = None):
        form = {"revision": str(self.copy().revision if revision is None else revision), **(data or {})}
        return self.client.post(self.url(path), data=form, headers={"HX-Request": "true"} if htmx else {})

    def step(self, step_id: str) -> dict:
        return next(step for step in self.data()["steps"] if step["id"] == step_id)

    def block_ids(self, step_id: str) -> list[str]:
        return [block.get("id", block.get("use")) for block in self.step(step_id)["blocks"]]


def text_of(html: str) -> str:
    """The text a person reads (tags out, spaces squeezed)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def section(html: str, element_id: str) -> str:
    """The HTML of the item (step, block, outcome, example) with this id, up to the
    next item of the same kind."""
    start = html.rindex("<li ", 0, html.index(f'id="{element_id}"'))
    kind = re.match(r'<li class="([\w-]+)', html[start:]).group(1)
    end = html.find(f'<li class="{kind}', start + 1)
    return html[start:end if end > 0 else None]


class People:
    """An organisation with an owner, an editor and a reader."""

    def __init__(self, app):
        with app.app_context():
            db = get_db()
            self.users = {name: accounts.create_user(db, f"{name}@example.org", name.title(), PASSWORD)
                          for name in ("olga", "eddie", "rita")}
            self.org = accounts.create_organisation(db, "Mission locale", self.users["olga"].id)
            accounts.add_member(db, self.org.id, self.users["eddie"].id, EDITOR)
            accounts.add_member(db, self.org.id, self.users["rita"].id, READER)
        self.app = app

    def studio(self, who: str, service_id: str) -> Studio:
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["user_id"] = self.users[who].id
        return Studio(self.app, client, self.org.slug, service_id)

    def create(self, text: str = SERVICE, service_id: str = "aide-permis") -> None:
        with self.app.app_context():
            workspace.create(get_db(), self.org.id, service_id, text)


@pytest.fixture
def people(app):
    return People(app)


@pytest.fixture
def studio(people) -> Studio:
    """The owner on the editor of the small « aide au permis » service."""
    people.create()
    return people.studio("olga", "aide-permis")


# --- the page ---------------------------------------------------------------------------

def test_the_page_shows_steps_blocks_outcomes_examples_and_the_preview(studio):
    page = studio.page()
    text = text_of(page)
    assert page.count("<h1>") == 1 and "<h1>Aide au permis</h1>" in page
    assert "Étape 1 : Vous" in text and "Étape 2 : Le permis" in text
    assert "Quel est votre âge ?" in text and "Nombre" in text and "identifiant" not in text  # no ids shown
    # conditions in words, never as expressions
    assert "S’applique quand : « Quelle est votre situation ? » : En apprentissage, et « Quel est votre âge ? » : 18 ou plus, et" in text
    assert "deja_permis" not in text and "==" not in text
    assert "✓ Passe" in text and "Apprentie de 19 ans" in text
    assert "Le service a" not in text  # no problem to show in red
    assert "Les tâches du service" in text and "Pas encore en ligne." in text
    assert '<iframe name="apercu"' in page and 'title="Aperçu du brouillon de « Aide au permis »' in page
    for link in ("/yaml", "/historique", "/partager", "/telecharger"):
        assert link in page  # the other tools of the service stay linked


def test_the_palette_offers_every_block_type_and_every_reusable_block(studio):
    from blocks import REGISTRY
    from blocks.library import library_names
    assert "/etapes/vous/ajouter" in section(studio.page(), "etape-vous")  # the step's palette is a page of its own
    palette = studio.page("etapes/vous/ajouter")  # (htmx brings its form into the step)
    assert "/etapes/vous/blocs" in palette
    for block_type in REGISTRY:
        assert f'name="type" value="{block_type.name}">{block_type.label}</button>' in palette
    from builder.editing.library_words import library_title
    for name in library_names():  # by their names for people, never the file's own (« coordonnees »)
        assert re.search(f'name="library" value="{name}"[^>]*>{re.escape(library_title(name))}</button>', palette)
    assert "Coordonnées : e-mail et téléphone</button>" in palette and ">coordonnees<" not in palette


def test_a_reader_sees_the_editor_but_no_form_and_cannot_post(people):
    people.create()
    reader = people.studio("rita", "aide-permis")
    page = reader.page()
    assert "Quel est votre âge ?" in page and "Ajouter une étape" not in page and 'name="revision"' not in page
    before = reader.copy().revision
    assert reader.post("etapes", {"title": "Piratage"}).status_code == 403
    assert reader.copy().revision == before


def test_every_form_carries_the_revision_and_every_htmx_form_a_real_action(studio):
    page = studio.page()
    forms = re.findall(r"<form [^>]*>", page)
    htmx_forms = [form for form in forms if "hx-post" in form]
    menus = [form for form in forms if "more-actions__menu" in form]  # « Plus d’actions »: one form, many buttons
    assert len(htmx_forms) >= 5 and len(menus) >= 3
    for form in htmx_forms:
        action, target = re.search(r'action="([^"]+)"', form).group(1), re.search(r'hx-post="([^"]+)"', form).group(1)
        assert action == target and 'method="post"' in form
    for button in re.findall(r"<button [^>]*formaction=[^>]*>", page):
        assert re.search(r'formaction="([^"]+)"', button).group(1) == re.search(r'hx-post="([^"]+)"', button).group(1)
    assert page.count('name="revision" value="1"') == len(htmx_forms) + len(menus)


# --- steps ------------------------------------------------------------------------------

def test_add_rename_move_and_delete_steps(studio):
    response = studio.post("etapes", {"title": "Vos revenus"})
    assert response.status_code == 303 and response.location.endswith("#etape-vos-revenus")
    assert [step["id"] for step in studio.data()["steps"]] == ["vous", "permis", "vos-revenus"]
    page = studio.page()
    assert "L’étape « Vos revenus » est ajoutée." in page
    # the new step has no block yet: no red problem box, in the step or above; the task
    # list has « Questions » to do, and says why (a link to the step)
    assert "error-message" not in section(page, "etape-vos-revenus") and "Le service a" not in text_of(page)
    tasks = page.split('id="editeur-etat"')[1].split('id="etapes-titre"')[0]
    assert "Cette étape n'a pas encore de bloc" in text_of(tasks) and "À faire" in text_of(tasks)
    assert 'href="/studio/o/mission-locale/services/aide-permis/#etape-vos-revenus"' in page

    studio.post("etapes/vos-revenus/titre", {"title": "Vos ressources"})
    assert studio.step("vos-revenus")["title"] == "Vos ressources"
    studio.post("etapes/vos-revenus/deplacer", {"direction": "up"})
    assert [step["id"] for step in studio.data()["steps"]] == ["vous", "vos-revenus", "permis"]

    response = studio.post("etapes/vos-revenus/supprimer")
    assert response.status_code == 200 and "L’étape est supprimée." in response.get_data(as_text=True)
    assert [step["id"] for step in studio.data()["steps"]] == ["vous", "permis"]


def test_the_last_step_cannot_be_deleted(people):
    people.create(SERVICE.split("  - id: permis")[0] + SERVICE[SERVICE.index("outcomes:"):])
    studio = people.studio("olga", "aide-permis")
    before = studio.copy().revision
    response = studio.post("etapes/vous/supprimer")
    assert response.status_code == 303
    assert "Un service a au moins une étape" in studio.page()
    assert studio.copy().revision == before


def test_delete_then_undo_puts_everything_back_where_it_was(studio):
    before = studio.data()
    response = studio.post("etapes/vous/supprimer")
    page = response.get_data(as_text=True)
    assert "Annuler" in page and [step["id"] for step in studio.data()["steps"]] == ["permis"]
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    response = studio.post("annuler", {"undo": token})
    assert response.status_code == 303
    assert studio.data() == before
    assert "C’est annulé" in studio.page()


def test_an_undo_token_cannot_be_forged_or_used_on_another_service(people):
    people.create()
    people.create(SERVICE.replace("id: aide-permis\n", "id: autre\n", 1), "autre")
    studio, other = people.studio("olga", "aide-permis"), people.studio("olga", "autre")
    page = studio.post("etapes/vous/supprimer").get_data(as_text=True)
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    before = studio.copy().revision
    assert studio.post("annuler", {"undo": token[:-2] + "xx"}).status_code == 303
    assert "Cette annulation n'est plus possible." in text_of(studio.page())
    assert studio.copy().revision == before
    other.post("etapes/vous/supprimer")
    other.post("annuler", {"undo": token})  # the token of the other service
    assert [step["id"] for step in other.data()["steps"]] == ["permis"]


def test_validation_shows_each_problem_next_to_its_cause(studio):
    studio.post("blocs/statut/supprimer")  # the outcome and the persona still name « statut »
    page = studio.page()
    outcome = section(page, "resultat-aide-permis")
    assert "statut" in text_of(outcome) and "error-message" in outcome
    assert "Le service a" in text_of(page) and "problème" in text_of(page)
    assert 'href="#resultat-aide-permis"' in page
    assert "Les exemples seront vérifiés quand les problèmes du service seront corrigés." in text_of(page)


def test_plain_language_hints_are_shown_but_never_block(studio):
    studio.post("etapes/vous/titre", {"title": "Votre situation et vos droits au regard de la "
                                               "législation en vigueur (RSA, APL, CAF)"})
    page = studio.page()
    assert "conseil" in text_of(section(page, "etape-vous"))
    assert "Le service a" not in text_of(page)


# --- htmx ---------------------------------------------------------------------------------

def test_htmx_gets_the_editor_partial_and_the_page_varies_on_it(studio):
    full = studio.get()
    partial = studio.get(htmx=True)
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in partial.headers["Vary"]
    body = partial.get_data(as_text=True)
    assert body.lstrip().startswith("{#") is False and body.strip().startswith('<div id="editeur"')
    assert "<html" not in body and "<html" in full.get_data(as_text=True)


def test_an_htmx_edit_answers_with_the_partial_at_the_new_revision(studio):
    response = studio.post("etapes", {"title": "Vos revenus"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.strip().startswith('<div id="editeur"')
    assert "L’étape « Vos revenus » est ajoutée." in body
    assert 'name="revision" value="2"' in body and 'name="revision" value="1"' not in body


# --- two people, one service ---------------------------------------------------------------

def test_two_people_editing_never_overwrite_each_other(people):
    people.create()
    olga, eddie = people.studio("olga", "aide-permis"), people.studio("eddie", "aide-permis")
    seen = olga.copy().revision
    assert 'name="revision" value="%d"' % seen in olga.page() and 'name="revision" value="%d"' % seen in eddie.page()

    assert olga.post("etapes", {"title": "Vos revenus"}, revision=seen).status_code == 303
    response = eddie.post("etapes/vous/titre", {"title": "Vous-même"}, revision=seen)
    assert response.status_code == 409
    page = text_of(response.get_data(as_text=True))
    assert "Quelqu’un d’autre a modifié ce service" in page and "Recharger" in page
    data = olga.data()
    assert [step["id"] for step in data["steps"]] == ["vous", "permis", "vos-revenus"]  # Olga's step is there
    assert olga.step("vous")["title"] == "Vous"  # Eddie's change was not made over it

    # Eddie reloads and makes his change on the latest version
    assert "Vos revenus" in eddie.page()
    assert eddie.post("etapes/vous/titre", {"title": "Vous-même"}).status_code == 303
    assert [step["title"] for step in eddie.data()["steps"]] == ["Vous-même", "Le permis", "Vos revenus"]


def test_a_conflict_seen_through_htmx_shows_the_latest_version_and_a_reload_link(people):
    people.create()
    olga, eddie = people.studio("olga", "aide-permis"), people.studio("eddie", "aide-permis")
    seen = olga.copy().revision
    olga.post("etapes", {"title": "Vos revenus"}, revision=seen)
    response = eddie.post("blocs/age/supprimer", revision=seen, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and body.strip().startswith('<div id="editeur"')
    assert "Recharger" in body and "Vos revenus" in body
    assert "age" in olga.block_ids("vous")


def test_a_conflict_on_a_block_form_reloads_that_form(people):
    people.create()
    olga, eddie = people.studio("olga", "aide-permis"), people.studio("eddie", "aide-permis")
    seen = olga.copy().revision
    olga.post("blocs/age", {"label": "Votre âge ?"}, revision=seen)
    response = eddie.post("blocs/age", {"label": "Quel âge as-tu ?"}, revision=seen)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'href="http://localhost/studio/o/mission-locale/services/aide-permis/blocs/age"' in page
    assert olga.step("vous")["blocks"][0]["label"] == "Votre âge ?"


def test_a_form_without_its_revision_is_refused(studio):
    response = studio.client.post(studio.url("etapes"), data={"title": "Sans révision"})
    assert response.status_code == 400
    assert len(studio.data()["steps"]) == 2
