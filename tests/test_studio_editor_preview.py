"""The live preview: the draft served with the mini-site's pages, in a frame of the
editor, filled in for real, and never published, counted or sent."""

from __future__ import annotations

import re

from builder.db import get_db
from tables import count, rows
from test_studio_editor import SERVICE, Studio, people, studio, text_of  # noqa: F401  (fixtures)


def answer(studio: Studio, step: str, **answers):
    return studio.post(f"apercu/etape/{step}", {**answers, "_shown": list(answers)})


def test_the_preview_serves_the_unpublished_draft_with_the_mini_site_pages(studio: Studio):
    page = studio.page("apercu/")
    assert "<h1>Aide au permis</h1>" in page and "Commencer" in page
    assert 'action="/studio/o/mission-locale/services/aide-permis/apercu/commencer"' in page
    assert "/s/aide-permis" not in page  # no link leaves the preview for the (unpublished) mini-site
    assert "Besoin d’aide ?" in page  # the help box of every mini-site page
    assert studio.client.get("/s/aide-permis/").status_code == 404  # still not published


def test_only_the_preview_may_be_framed_and_only_by_the_studio(studio: Studio):
    preview = studio.get("apercu/")
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'self'" in preview.headers["Content-Security-Policy"]
    editor = studio.get()
    assert "frame-ancestors 'none'" in editor.headers["Content-Security-Policy"]
    assert editor.headers["X-Frame-Options"] == "DENY"


def test_the_editor_frames_the_preview_with_a_title_and_follows_the_person(studio: Studio):
    page = studio.page()
    frame = re.search(r"<iframe [^>]*>", page).group(0)
    assert 'src="/studio/o/mission-locale/services/aide-permis/apercu/?r=1"' in frame and 'title="' in frame
    assert 'width="360"' in frame
    studio.post("apercu/commencer")
    answer(studio, "vous", age="17", statut="apprenti")
    assert 'src="/studio/o/mission-locale/services/aide-permis/apercu/verifier?r=1"' in studio.page()
    studio.post("blocs/age", {"label": "Votre âge ?"})  # every edit loads the frame again
    assert 'src="/studio/o/mission-locale/services/aide-permis/apercu/verifier?r=2"' in studio.page()


def test_filling_the_preview_for_real_up_to_the_result(studio: Studio):
    response = studio.post("apercu/commencer")
    assert response.location.endswith("/apercu/etape/vous")
    response = answer(studio, "vous", age="19", statut="apprenti")
    assert response.status_code == 303 and response.location.endswith("/apercu/etape/permis")
    response = answer(studio, "permis", deja_permis="non")
    assert response.location.endswith("/apercu/verifier")
    check = studio.page("apercu/verifier")
    assert "Vérifier vos réponses" in check and "/apercu/etape/vous#bloc-age" in check
    result = text_of(studio.page("apercu/resultat"))
    assert "L'aide au permis" in result and "500 €" in result


def test_a_mistake_in_the_preview_is_shown_as_on_the_mini_site(studio: Studio):
    studio.post("apercu/commencer")
    response = answer(studio, "vous", age="beaucoup", statut="apprenti")
    assert response.status_code == 422 and "Il y a un problème" in response.get_data(as_text=True)


def test_every_edit_shows_in_the_preview_at_once(studio: Studio):
    studio.post("blocs/age", {"label": "Quel âge avez-vous ?"})
    assert "Quel âge avez-vous ?" in studio.page("apercu/etape/vous")
    studio.post("etapes/permis/blocs", {"type": "email"})
    assert "Nouvelle question" in studio.page("apercu/etape/permis")


def test_while_the_draft_has_a_problem_the_last_good_version_is_previewed(studio: Studio):
    assert "Quel est votre âge ?" in studio.page("apercu/etape/vous")
    studio.post("etapes", {"title": "Vide"})  # an empty step is a problem
    page = studio.page()
    assert "L’aperçu montre la dernière version sans problème" in page
    assert "Quel est votre âge ?" in studio.page("apercu/etape/vous")


def test_a_draft_that_never_worked_says_the_preview_will_come(people):
    people.create(SERVICE.replace("type: number", "type: nombre"))
    studio = people.studio("olga", "aide-permis")
    page = studio.page("apercu/")
    assert "L’aperçu n’est pas encore disponible" in page


def test_the_preview_counts_nothing_and_keeps_no_real_draft(app, studio: Studio):
    studio.post("apercu/commencer")
    answer(studio, "vous", age="19", statut="apprenti")
    with app.app_context():
        db = get_db()
        assert count(db, "events") == 0
        services = {row["service_id"] for row in rows(db, "drafts")}
    assert services == {"apercu/aide-permis"}


def test_sending_from_the_preview_sends_nothing(app, people):
    text = SERVICE.split("outcomes:")[0] + "submission:\n  confirmation: Merci, nous vous rappelons.\n"
    people.create(text)
    studio = people.studio("olga", "aide-permis")
    studio.post("apercu/commencer")
    answer(studio, "vous", age="19", statut="apprenti")
    answer(studio, "permis", deja_permis="non")
    response = studio.post("apercu/envoyer")
    page = text_of(response.get_data(as_text=True))
    assert response.status_code == 200 and "Aperçu : rien n’est envoyé" in page and "Merci, nous vous rappelons." in page
    with app.app_context():
        assert count(get_db(), "submissions") == 0 and count(get_db(), "outbox") == 0


def test_what_the_preview_does_not_do_is_said_plainly(studio: Studio):
    studio.post("apercu/commencer")
    page = studio.page("apercu/etape/vous")
    link = re.search(r'href="([^"]+)">Enregistrer et reprendre plus tard', page).group(1)
    assert link.endswith("/apercu/indisponible")
    assert "Pas dans l’aperçu" in studio.client.get(link).get_data(as_text=True)


def test_a_reader_sees_the_preview_but_cannot_fill_it(people):
    people.create()
    reader = people.studio("rita", "aide-permis")
    assert reader.get("apercu/").status_code == 200
    assert reader.post("apercu/commencer").status_code == 403


def test_a_block_revealed_on_the_same_page_is_hidden_in_the_preview_until_answered(studio: Studio):
    text = studio.copy().yaml.replace(
        "  - id: permis\n",
        "      - type: text\n        id: ecole\n        label: Quelle école ?\n"
        "        show_if: statut == \"etudiant\"\n  - id: permis\n", 1)
    assert studio.post("yaml", {"yaml": text}).status_code == 302
    studio.post("apercu/commencer")
    assert "Quelle école ?" not in studio.page("apercu/etape/vous")   # as on the mini-site
    response = answer(studio, "vous", age="19", statut="etudiant")
    assert response.status_code == 200 and "Quelle école ?" in response.get_data(as_text=True)
