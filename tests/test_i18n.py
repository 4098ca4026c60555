"""English beside French: every interface text is translated, and pages speak one language.

French is the source language: the msgids are the French texts, and
``builder/translations/en/LC_MESSAGES/messages.po`` holds their English. The first tests
extract the texts again, exactly as ``docs/translations.md`` says, and fail on any that
is missing, empty or fuzzy in the English catalog, or when the compiled ``.mo`` lags
behind the ``.po``. The others go through a mini-site in each language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from builder.db import connect
from builder.storage import services as published

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "builder" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
# The arguments of `pybabel extract` in docs/translations.md (beside -o and the folder).
EXTRACT_ARGS = ["-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext"]


def read_catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file) if path.suffix in (".po", ".pot") else read_mo(file)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, monkeypatch_module):
    """The texts the code and the templates use now, as a fresh template catalog."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    monkeypatch_module.chdir(ROOT)
    CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT_ARGS, "-o", str(pot), "."])
    return read_catalog(pot)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def described(message) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in message.locations)
    return f"{message.id!r} ({where})"


def test_the_extraction_finds_the_interface_texts(extracted):
    ids = {message.id for message in extracted if message.id}
    # One from each kind of source: a template, Python gettext, a lazy form label, a plural.
    assert "Vérifier vos réponses" in ids
    assert "Nouvelle demande %(reference)s : %(title)s" in ids
    assert "Adresse e-mail" in ids and "Lecture" in ids
    assert ("Vos réponses sont gardées %(num)d jour.", "Vos réponses sont gardées %(num)d jours.") in ids


def test_every_text_has_an_english_translation(extracted):
    english = read_catalog(EN_PO)
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translation = english.get(message.id)
        strings = () if translation is None else (
            translation.string if isinstance(translation.string, tuple) else (translation.string,))
        if translation is None:
            problems.append(f"missing: {described(message)}")
        elif translation.fuzzy:
            problems.append(f"fuzzy: {described(message)}")
        elif not strings or not all(strings):
            problems.append(f"empty: {described(message)}")
    assert not problems, ("Update the English catalog (see docs/translations.md):\n"
                          + "\n".join(problems))


def test_translations_keep_their_placeholders():
    english = read_catalog(EN_PO)
    problems = [f"{message.id!r}: {', '.join(map(str, errors))}"
                for message, errors in english.check()]
    assert not problems, "\n".join(problems)


def catalog_pairs(catalog) -> dict:
    """``{msgid: translation}`` of a .po or .mo catalog, fuzzy ones left out."""
    def plain(text):  # plural forms come as lists from the .mo, tuples from the .po
        return tuple(text) if isinstance(text, (list, tuple)) else text
    return {plain(message.id): plain(message.string)
            for message in catalog if message.id and not message.fuzzy}


def test_the_compiled_catalog_matches_the_po_file():
    po, mo = catalog_pairs(read_catalog(EN_PO)), catalog_pairs(read_catalog(EN_MO))
    assert mo == po, "Run `pybabel compile -d builder/translations` (see docs/translations.md)."


FR_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
FR_MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"


def test_every_plural_text_follows_french_rule_in_french(extracted):
    french = catalog_pairs(read_catalog(FR_PO))
    missing = [described(message) for message in extracted
               if message.id and message.pluralizable and french.get(tuple(message.id)) != tuple(message.id)]
    assert not missing, "Run `python scripts/french_plurals.py` (see docs/translations.md):\n" + "\n".join(missing)
    assert catalog_pairs(read_catalog(FR_MO)) == french
    assert read_catalog(FR_MO).plural_forms == "nplurals=2; plural=(n > 1);"


def test_none_and_one_take_the_singular_in_french(app):
    from flask_babel import force_locale, ngettext
    with app.test_request_context(), force_locale("fr"):
        said = [ngettext("%(num)d exemple.", "%(num)d exemples.", count) for count in (0, 1, 2)]
    assert said == ["0 exemple.", "1 exemple.", "2 exemples."]
    with app.test_request_context(), force_locale("en"):
        assert ngettext("%(num)d exemple.", "%(num)d exemples.", 0) == "0 examples."


def test_the_application_loads_the_english_catalog(app):
    from flask_babel import force_locale, gettext
    with app.test_request_context(), force_locale("en"):
        assert gettext("Vérifier vos réponses") == "Check your answers"
    with app.test_request_context(), force_locale("fr"):
        assert gettext("Vérifier vos réponses") == "Vérifier vos réponses"


# -- Through a mini-site -------------------------------------------------------------

BILINGUAL = """\
tremplin: 1
id: rappel-bilingue
title: {fr: Être rappelé, en: Get a call back}
languages: [fr, en]
help:
  text: {fr: Une question ? Appelez-nous., en: A question? Call us.}
  phone: "01 23 45 67 89"
steps:
  - id: vous
    title: {fr: Vous, en: You}
    blocks:
      - {type: text, id: prenom, label: {fr: Quel est votre prénom ?, en: What is your first name?}}
  - id: coordonnees
    title: {fr: Votre adresse e-mail, en: Your email address}
    blocks:
      - {type: email, id: email, label: {fr: Votre adresse e-mail, en: Your email address}}
submission:
  confirmation:
    fr: Merci, nous vous rappelons.
    en: Thank you, we will call you back.
"""
FRENCH_ONLY = BILINGUAL.replace("rappel-bilingue", "rappel-francais").replace("[fr, en]", "[fr]")

FRENCH_WORDS = ["Continuer", "Retour", "Vérifier vos réponses", "Modifier", "Envoyer"]
ENGLISH_WORDS = ["Continue", "Back", "Check your answers", "Change", "Send"]


@pytest.fixture
def site(app):
    database = connect(app.config["DATABASE"])
    try:
        published.publish(database, "rappel-bilingue", BILINGUAL)
        published.publish(database, "rappel-francais", FRENCH_ONLY)
    finally:
        database.close()
    return app


def text_of(response) -> str:
    """The page's visible words, one space between them (tags dropped)."""
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def walk(person, service_id: str, query: str = "", **headers):
    """Start page, the first step, then the check page: the three responses."""
    start = person.get(f"/s/{service_id}/{query}", headers=headers)
    location = person.post(f"/s/{service_id}/commencer", headers=headers).headers["Location"]
    step = person.get(location, headers=headers)
    answered = person.post(location, headers=headers,
                           data={"prenom": "Camille", "_shown": ["prenom"]})
    assert answered.status_code == 303, answered.get_data(as_text=True)[:2000]
    person.post(answered.headers["Location"], headers=headers,
                data={"email": "camille@example.org", "_shown": ["email"]})
    check = person.get(f"/s/{service_id}/verifier", headers=headers)
    return start, step, check


def assert_words(pages, present, absent):
    start, step, check = (text_of(page) for page in pages)
    words = [(step, present[0]), (step, present[1]), (check, present[2]), (check, present[3]),
             (check, present[4])]
    for page, word in words:
        assert re.search(rf"\b{re.escape(word)}\b", page), word
    for page in (start, step, check):
        for word in absent:
            assert not re.search(rf"\b{re.escape(word)}\b", page), word


def test_a_bilingual_service_speaks_english_when_asked(site):
    pages = walk(site.test_client(), "rappel-bilingue", "?lang=en")
    assert_words(pages, ENGLISH_WORDS, FRENCH_WORDS)
    start, step, check = pages
    assert all(html_lang(page) == "en" for page in pages)
    assert "Get a call back" in text_of(start) and "Start now" in text_of(start)
    assert "What is your first name?" in text_of(step)
    assert "Need help?" in text_of(step) and "A question? Call us." in text_of(step)
    assert "Get a copy of my answers by email" in text_of(check)


def test_a_bilingual_service_speaks_french_by_default(site):
    pages = walk(site.test_client(), "rappel-bilingue")
    assert_words(pages, FRENCH_WORDS, ENGLISH_WORDS)
    assert all(html_lang(page) == "fr" for page in pages)
    assert "Quel est votre prénom ?" in text_of(pages[1])


def test_a_bilingual_service_follows_the_browser_language(site):
    pages = walk(site.test_client(), "rappel-bilingue", **{"Accept-Language": "en-GB,en;q=0.8"})
    assert_words(pages, ENGLISH_WORDS, FRENCH_WORDS)


def test_a_french_only_service_keeps_its_whole_page_in_french(site):
    """?lang=en cannot translate the service's own texts, so the interface stays French too."""
    person = site.test_client()
    pages = walk(person, "rappel-francais", "?lang=en", **{"Accept-Language": "en"})
    assert_words(pages, FRENCH_WORDS, ENGLISH_WORDS)
    assert all(html_lang(page) == "fr" for page in pages)
    assert "Besoin d’aide ?" in text_of(pages[1]) and "Need help?" not in text_of(pages[1])
    # The choice of English is kept for the services that have it.
    english = person.get("/s/rappel-bilingue/")
    assert html_lang(english) == "en" and "Start now" in text_of(english)
