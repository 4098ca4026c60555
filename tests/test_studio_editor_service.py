"""The service's own settings page (« Réglages du service »): every field, conflicts,
readers, mistakes next to their field; and « Où vont les réponses », its own page, up to
the published mini-site."""

from __future__ import annotations

from test_studio_editor import Studio, people, text_of  # noqa: F401  (fixtures)

CONTACT = """\
tremplin: 1
id: rappel
title: Être rappelé
languages: [fr]
help:
  phone: "01 23 45 67 89"
steps:
  - id: vous
    title: Vous
    blocks:
      - type: text
        id: prenom
        label: Votre prénom
"""


def settings_form(studio: Studio, page_name: str = "service", **changes) -> dict:
    """The form as the page shows it (every field), with ``changes``."""
    import re
    from html import unescape
    page = studio.page(page_name)
    form = {}
    for name, value in re.findall(r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', page):
        form[name] = unescape(value)
    for name, value in re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        form[name] = unescape(value)
    for name in re.findall(r'<input type="checkbox" id="[^"]+" name="([^"]+)" value="oui" checked', page):
        form[name] = "oui"
    for name, value in re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)" checked', page):
        form[name] = value
    form.update(changes)
    return form


def test_the_page_shows_the_settings_and_is_linked_from_the_editor(people):
    people.create()
    studio = people.studio("olga", "aide-permis")
    assert "/services/aide-permis/service" in studio.page()
    page = studio.page("service")
    assert page.count("<h1>") == 1 and "Les réglages du service" in page
    assert 'name="revision"' in page and 'value="Aide au permis"' in page
    for label in ("Titre du service", "Présentation sur la page d’accueil", "Téléphone",
                  "Lien pour prendre rendez-vous", "Nom de l’organisation"):
        assert label in text_of(page)
    assert "/services/aide-permis/envoi" in page and 'name="submission"' not in page  # its own page


def test_each_field_is_saved_where_it_belongs(people):
    people.create()
    studio = people.studio("olga", "aide-permis")
    response = studio.post("service", settings_form(
        studio, title="L'aide au permis", summary="Une aide **de 500 €**.\n\n- pour les apprentis",
        duration="2 minutes", help_text="Une question ?", help_phone="01 23 45 67 89",
        help_email="contact@ml.fr", help_address="3 rue de la Gare, Lyon", help_hours="Du lundi au vendredi",
        help_appointment_url="https://rdv.example.org", org_name="Mission locale", org_email="ml@example.org"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/services/aide-permis/")
    data = studio.data()
    assert data["title"] == "L'aide au permis" and data["duration"] == "2 minutes"
    assert data["summary"] == "Une aide **de 500 €**.\n\n- pour les apprentis"
    assert data["help"] == {"text": "Une question ?", "phone": "01 23 45 67 89", "email": "contact@ml.fr",
                            "address": "3 rue de la Gare, Lyon", "hours": "Du lundi au vendredi",
                            "appointment_url": "https://rdv.example.org"}
    assert data["organisation"] == {"name": "Mission locale", "email": "ml@example.org"}
    assert "submission" not in data
    assert list(data)[:5] == ["tremplin", "id", "title", "summary", "duration"]  # canonical order
    # Cleared, they go (and so do the sections left empty).
    studio.post("service", settings_form(studio, summary="", duration="", help_text="", help_phone="",
                                         help_email="", help_address="", help_hours="", help_appointment_url="",
                                         org_name="", org_email=""))
    data = studio.data()
    assert not {"summary", "duration", "help", "organisation"} & set(data)
    assert data["title"] == "L'aide au permis" and data["steps"][0]["id"] == "vous"


def test_an_unchanged_form_changes_nothing(people):
    people.create()
    studio = people.studio("olga", "aide-permis")
    before = studio.copy().revision
    assert studio.post("service", settings_form(studio)).status_code == 303
    assert studio.copy().revision == before


def test_mistakes_are_listed_and_linked_to_their_fields_and_nothing_is_saved(people):
    people.create()
    studio = people.studio("olga", "aide-permis")
    before = studio.copy().revision
    response = studio.post("service", settings_form(studio, title="", help_email="pas-une-adresse",
                                                    help_appointment_url="rdv.example.org"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<title>Erreur :" in page
    for name in ("title", "help_email", "help_appointment_url"):
        assert f'href="#champ-{name}"' in page and f'id="champ-{name}"' in page
    assert "Donnez un titre au service." in page
    assert "pas-une-adresse" in page  # what was typed is kept
    response = studio.post("envoi", settings_form(studio, "envoi", submission="oui", confirmation="Merci !",
                                                  notify="ok@example.org\nfaux"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#champ-notify"' in page and "Ligne 2 : « faux »" in page
    assert studio.copy().revision == before


def test_an_organisation_email_needs_its_name(people):
    people.create()
    studio = people.studio("olga", "aide-permis")
    response = studio.post("service", settings_form(studio, org_email="ml@example.org"))
    assert response.status_code == 422 and 'href="#champ-org_name"' in response.get_data(as_text=True)


def test_where_the_answers_go_is_asked_on_its_own_page_up_to_the_mini_site(people):
    people.create(CONTACT, "rappel")
    studio = people.studio("olga", "rappel")
    assert "/services/rappel/envoi" in studio.page()  # from the task list and the tools
    page = studio.page("envoi")
    assert page.count("<h1>") == 1 and "Où vont les réponses ?" in page
    assert 'id="envoi-non" name="submission" value="non" checked' in page
    assert "Rien n’est envoyé" in text_of(page)
    # Sending needs a word on what happens next: refused on that field, nothing saved.
    before = studio.copy().revision
    response = studio.post("envoi", settings_form(studio, "envoi", submission="oui", confirmation=""))
    assert response.status_code == 422 and 'href="#champ-confirmation"' in response.get_data(as_text=True)
    assert studio.copy().revision == before
    response = studio.post("envoi", settings_form(
        studio, "envoi", submission="oui", confirmation="Merci ! Nous vous rappelons.",
        notify="accueil@example.org\r\nequipe@example.org\r\n", copy="non"))
    assert response.status_code == 303
    assert studio.data()["submission"] == {"confirmation": "Merci ! Nous vous rappelons.",
                                           "notify": ["accueil@example.org", "equipe@example.org"], "copy": False}
    page = studio.page("envoi")
    assert 'id="envoi-oui" name="submission" value="oui" checked' in page
    assert 'name="copy" value="oui" checked' not in page
    assert "accueil@example.org\nequipe@example.org</textarea>" in page
    assert "un e-mail prévient accueil@example.org, equipe@example.org" in text_of(page)

    from test_studio_publishing import publish
    assert publish(studio).status_code == 303
    visitor = studio.app.test_client()
    step = visitor.post("/s/rappel/commencer")
    assert step.status_code == 303
    check = visitor.post(step.headers["Location"], data={"prenom": "Lina", "_shown": ["prenom"]})
    assert check.status_code == 303
    page = visitor.get(check.headers["Location"]).get_data(as_text=True)
    assert "Vérifier vos réponses" in page and ">Envoyer</button>" in page

    # Nobody listed: the page says who is told instead (here nobody, the help box has no address).
    studio.post("envoi", settings_form(studio, "envoi", notify=""))
    assert studio.data()["submission"] == {"confirmation": "Merci ! Nous vous rappelons.", "copy": False}
    assert "Laissé vide : personne n’est prévenu" in studio.page("envoi")
    # And off.
    studio.post("envoi", settings_form(studio, "envoi", submission="non"))
    assert "submission" not in studio.data()


def test_a_conflict_is_refused_and_keeps_the_other_persons_work(people):
    people.create()
    olga, eddie = people.studio("olga", "aide-permis"), people.studio("eddie", "aide-permis")
    seen = olga.copy().revision
    form = settings_form(olga, title="Titre d’Olga")
    assert eddie.post("service", settings_form(eddie, title="Titre d’Eddie")).status_code == 303
    response = olga.post("service", form, revision=seen)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Recharger" in page and "/services/aide-permis/service" in page
    assert olga.data()["title"] == "Titre d’Eddie"


def test_a_reader_sees_the_settings_but_cannot_post(people):
    people.create()
    reader = people.studio("rita", "aide-permis")
    page = reader.page("service")
    assert 'value="Aide au permis"' in page and "readonly" in page and "Enregistrer" not in page
    before = reader.copy().revision
    assert reader.post("service", {"title": "Piratage"}).status_code == 403
    assert reader.copy().revision == before


def test_a_service_with_two_languages_has_a_field_per_language(people):
    people.create(CONTACT.replace("languages: [fr]", "languages: [fr, en]")
                  .replace("title: Être rappelé", "title: {fr: Être rappelé, en: Get a call back}", 1), "rappel")
    studio = people.studio("olga", "rappel")
    page = studio.page("service")
    assert 'name="title.fr" value="Être rappelé"' in page and 'name="title.en" value="Get a call back"' in page
    studio.post("service", settings_form(studio, **{"summary.fr": "Bonjour", "summary.en": "Hello"}))
    data = studio.data()
    assert data["summary"] == {"fr": "Bonjour", "en": "Hello"}
    assert data["title"] == {"fr": "Être rappelé", "en": "Get a call back"}
