"""htmx edits answer with only what changed (issue 4, item 12): the parts of the page an
edit changed, swapped out of band, so that the page becomes the one a full reload shows;
and what is kept between requests (the analysis of a revision, the YAML of each item)
never outlives a save made by someone else.

The out-of-band swaps are made here as htmx makes them (:mod:`htmlpatch`); the browser
test of the studio's journey makes them in a real Chromium.
"""

from __future__ import annotations

import re

import pytest

from tables import sql

from builder.db import get_db
from builder.editing.document import dump_service
from builder.storage import workspace
from htmlpatch import Element, apply_oob, by_id, canonical, elements, parse
from test_studio_editor import SERVICE, Studio, people, studio, text_of  # noqa: F401  (fixtures)


def editor_shown(page: Element) -> str:
    """The editor of a page, without the message of the last edit (a reload has none);
    CSRF tokens are signed anew on each page, and any of them is good for the session."""
    editor = by_id(page, "editeur")
    for element, parent in list(elements(editor)):
        if element.attrs.get("id") == "editeur-annonces":
            parent.children.remove(element)
        if element.attrs.get("name") == "csrf_token":
            element.attrs["value"] = "…"
    return canonical(editor)


EDITS = [
    ("etapes/vous/blocs", {"type": "text"}),
    ("etapes/permis/blocs", {"type": "choice"}),
    ("etapes/permis/blocs", {"library": "coordonnees"}),
    ("blocs/statut/deplacer", {"direction": "up"}),
    ("blocs/age/deplacer", {"direction": "down"}),
    ("blocs/age/deplacer", {"to_step": "permis"}),
    ("blocs/statut/dupliquer", {}),
    ("blocs/age/supprimer", {}),          # named by the outcome and the persona: problems there
    ("blocs/deja_permis/supprimer", {}),  # its step is left empty: a problem on the step
    ("blocs/age", {"label": "Quel âge avez-vous ?"}),
    ("resultats", {"title": "Le pass Culture"}),
    ("exemples/0", {"name": "Apprentie", "expect_shown": "1"}),  # the persona now fails
]


@pytest.mark.parametrize(("path", "form"), EDITS, ids=[f"{path} {form}" for path, form in EDITS])
def test_an_htmx_edit_turns_the_page_into_the_one_a_reload_shows(studio: Studio, path, form):
    seen = parse(studio.page())
    response = studio.post(path, form, htmx=True)
    answer = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert not answer.lstrip().startswith('<div id="editeur"')  # not the whole editor
    apply_oob(seen, answer)
    assert editor_shown(seen) == editor_shown(parse(studio.page()))


def test_adding_a_block_sends_that_block_its_neighbour_and_what_every_edit_changes(studio: Studio):
    answer = studio.post("etapes/vous/blocs", {"type": "text"}, htmx=True).get_data(as_text=True)
    revision = studio.copy().revision
    new_id = studio.block_ids("vous")[-1]
    assert '<ol hx-swap-oob="afterend:#bloc-statut">' in answer and f'id="bloc-{new_id}"' in answer
    assert '<li class="editor-block" id="bloc-statut" hx-swap-oob="outerMorph">' in answer  # now « Descendre »
    assert 'id="bloc-age"' not in answer and 'id="bloc-deja_permis"' not in answer  # the others stay
    assert "Le bloc est ajouté." in text_of(answer)
    for part in ("editeur-annonces", "editeur-etat", "entete-vous", "outils-vous", "resultats", "exemples",
                 "editeur-apercu"):
        assert re.search(f'id="{part}"[^>]*hx-swap-oob="outerMorph"', answer), part
    assert "✓ Passe" in text_of(answer) and "Le service a 1 problème" not in text_of(answer)
    assert f"apercu/?r={revision}" in answer  # the preview loads the new revision
    assert (f'<input type="hidden" name="revision" value="{revision}" '
            'hx-swap-oob="outerHTML:#editeur input[name=revision]">') in answer


def test_a_problem_an_edit_makes_elsewhere_is_shown_next_to_its_cause(studio: Studio):
    answer = studio.post("blocs/deja_permis/supprimer", htmx=True).get_data(as_text=True)
    assert '<li id="bloc-deja_permis" hx-swap-oob="delete">' in answer
    outcomes = answer[answer.index('id="resultats"'):answer.index('id="exemples"')]
    assert "deja_permis" in text_of(outcomes) and "editor-problems" in outcomes
    head = answer[answer.index('id="entete-permis"'):answer.index('id="outils-permis"')]
    assert "editor-problems" not in head  # an empty step is unfinished, not wrong: the task list says so
    status = answer[answer.index('id="editeur-etat"'):answer.index('id="entete-permis"')]
    assert "Cette étape n'a pas encore de bloc" in text_of(status)
    assert ">Annuler</button>" in answer


def test_an_edit_that_changes_the_outline_sends_the_whole_editor(studio: Studio):
    for path, form in (("etapes", {"title": "Vos revenus"}), ("etapes/vous/titre", {"title": "Vous-même"}),
                       ("etapes/permis/deplacer", {"direction": "up"})):
        answer = studio.post(path, form, htmx=True).get_data(as_text=True)
        assert answer.strip().startswith('<div id="editeur"') and "hx-swap-oob" not in answer, path


def test_a_save_by_someone_else_is_seen_at_once_and_an_edit_on_the_old_page_is_refused(studio: Studio):
    seen = studio.copy().revision
    studio.page()  # this revision is analysed and kept
    with studio.app.app_context():  # another tab, another worker: straight to the database
        workspace.save(get_db(), "aide-permis", SERVICE.replace("Le permis", "Votre permis"), seen)
    assert "Étape 2 : Votre permis" in text_of(studio.page())
    response = studio.post("etapes/vous/blocs", {"type": "text"}, htmx=True, revision=seen)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Quelqu’un d’autre a modifié ce service" in text_of(body)
    assert "Votre permis" in text_of(body) and "hx-swap-oob" not in body


def test_a_kept_analysis_is_used_only_for_the_very_text_it_was_made_from(studio: Studio):
    studio.page()
    copy = studio.copy()
    with studio.app.app_context():  # the same revision number, another text (a restored database…)
        sql(get_db(), "UPDATE working_copies SET yaml = ? WHERE service_id = ?",
                         [copy.yaml.replace("Le permis", "Votre permis"), "aide-permis"])
    assert "Étape 2 : Votre permis" in text_of(studio.page())


def test_the_yaml_kept_for_an_item_is_that_of_its_exact_value():
    base = {"tremplin": 1, "id": "essai", "title": "Essai"}
    steps = [{"id": "vous", "blocks": [{"type": "yesno", "id": "ok", "label": "D'accord ?", "required": True}]}]
    first = dump_service({**base, "steps": steps})
    steps[0]["blocks"][0]["required"] = 1  # equal to True for Python, not the same YAML
    second = dump_service({**base, "steps": steps})
    assert "required: true" in first and "required: 1" in second


def test_an_edit_does_not_read_the_saved_text_again_and_its_problems_keep_their_lines(studio: Studio, monkeypatch):
    from builder.editing.document import ServiceDocument
    from builder.format.loader import check_service_text
    from builder.studio.editor.analysis import analyse

    studio.page()  # the revision shown is analysed (its text read once)

    def whole_read(*args, **kwargs):
        raise AssertionError("the saved text was read again")

    monkeypatch.setattr(ServiceDocument, "read", whole_read)
    assert studio.post("blocs/age/supprimer", {}, htmx=True).status_code == 200
    assert studio.post("etapes/vous/blocs", {"type": "text"}).status_code == 303
    with studio.app.app_context():
        analysis = analyse(studio.copy())
    monkeypatch.undo()
    assert analysis.problems  # the outcome and the persona still name the deleted question
    assert [item.line for item in analysis.problems] == [item.line for item in check_service_text(analysis.text)]
    assert analysis.data == ServiceDocument.from_yaml(analysis.text).data
