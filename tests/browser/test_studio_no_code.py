"""A volunteer who has never programmed builds « Aide aux vacances 2027 » by clicking, in a
real Chromium (issue « The studio without code »): three steps, the contact-details
reusable block and the consent, two outcomes on the age and a yes/no, the help box, two
examples, publish; then a young person fills it on a 360 px phone.

The volunteer's clicks are counted (a click, a tick, a choice in a list; typing is not a
click) and must stay within 40. Every studio page seen passes axe, and none shows an
expression, a raw identifier or an English word; seen again in English, none shows a
French word of the interface (the service's own texts are French: they are left out).
"""

from __future__ import annotations

import re

import pytest

from browsing import axe_violations

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
MAX_CLICKS = 40

# What must never show on the default path of the studio.
CODE = re.compile(r"[=!<>]=|\byears_since\b|\banswered\(|\bcount\(|\btoday\b|\bshow_if\b|\bwhen:")
FRENCH_CODE = re.compile(r"\b(and|or|not|true|false|null)\b")
IDENTIFIERS = re.compile(r"\b(date_naissance|famille_touche_allocation|nouvelle_question\w*|question_\d+|etape-\d+|"
                         r"coordonnees|identite|telephone|prenom|sejour-\w+|cheque-\w+)\b")
ENGLISH = re.compile(r"\b(radio|dropdown|value|label|given-name|family-name|bday|Save|Edit|Delete|Move|Add|"
                     r"Cancel|step|block|regex|pattern|autocomplete|Yes|No)\b")
FRENCH = re.compile(r"\b(Modifier|Enregistrer|Supprimer|Ajouter|Retirer|Fermer|étape|Étape|Oui|Non|les|des|une|"
                    r"pour|avec|toujours|jamais|entre|ans|Choisissez|Aperçu|Réponses|Valeurs|Langues)\b")
# The service's own texts, written in French by the volunteer: content, not interface.
AUTHOR_TEXTS = ("Centre social des Tilleuls", "Awa Diallo", "Aide aux vacances 2027", "Vous", "Votre famille", "Vos coordonnées", "Votre prénom",
                "Votre date de naissance", "Votre famille touche-t-elle l’allocation de rentrée ?",
                "Séjour en colonie", "Chèque vacances famille", "Une colonie pour les 11-17 ans.",
                "Une question ? Nous vous répondons.", "Collégien avec allocation", "Collégienne sans allocation")


# The words of the interface: the main part of the page less the lists of services
# (templates, other services: their titles are content) and the preview.
INTERFACE_TEXT = """() => {
  const main = document.querySelector("main").cloneNode(true);
  main.querySelectorAll("select, iframe").forEach((element) => element.remove());
  document.body.appendChild(main);
  const text = main.innerText;
  main.remove();
  return text;
}"""


class Volunteer:
    """Someone clicking through the studio: counts the clicks, checks every page seen."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.seen: list[str] = []

    def check_page(self, again: bool = False) -> None:
        """axe, and no code, identifier or English word in what the page says (a page
        already checked is checked ``again`` only when told: the editor, once built)."""
        url = self.page.url.split("#")[0]
        if url in self.seen and not again:
            return
        if url not in self.seen:
            self.seen.append(url)
        assert axe_violations(self.page) == [], f"axe on {url}"
        text = self.page.locator("main").inner_text()
        for pattern in (CODE, FRENCH_CODE, IDENTIFIERS, ENGLISH):
            found = pattern.search(text)
            assert found is None, f"« {found.group(0)} » on {url}: …{text[max(0, found.start() - 80):found.end() + 80]}…"

    def click(self, locator, navigates: bool = True) -> None:
        """Click (counted); wait for the next page when it is one."""
        self.clicks += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
            self.page.wait_for_load_state()
            self.check_page()
        else:
            locator.click()

    def choose(self, selector: str, value: str) -> None:
        """Choose in a list (counted), then let htmx redraw what depends on it."""
        self.clicks += 1
        with self.page.expect_response(lambda response: response.request.method == "POST"):
            self.page.select_option(selector, value)
        self.page.wait_for_timeout(0)

    def htmx(self, locator) -> None:
        """Click a button htmx answers in place (counted), and wait until it is done."""
        self.page.evaluate("""() => { window.swapDone = false;
            document.addEventListener("htmx:finally:request", () => { window.swapDone = true; }, {once: true}); }""")
        self.clicks += 1
        locator.click()
        self.page.wait_for_function("() => window.swapDone")

    def step(self, number: int):
        return self.page.locator("li.editor-step").nth(number - 1)

    def add_question(self, step: int, type_label: str, label: str) -> None:
        """« Ajouter un bloc », a type: its form opens in place; write the question, save."""
        self.open_palette(step)
        self.htmx(self.step(step).locator("form.palette-form").get_by_role("button", name=type_label, exact=True))
        self.write_question(label)

    def open_palette(self, step: int) -> None:
        """« Ajouter un bloc »: htmx brings the step's palette into it."""
        self.click(self.step(step).locator("a.palette-link"), navigates=False)
        self.step(step).locator("form.palette-form").wait_for()

    def write_question(self, label: str) -> None:
        form = self.page.locator("#formulaire-bloc")
        form.wait_for()
        self.check_page_fragment(form)
        form.locator("#champ-label").fill(label)
        self.htmx(form.get_by_role("button", name="Enregistrer", exact=True))
        form.wait_for(state="detached")

    def check_page_fragment(self, locator) -> None:
        text = locator.inner_text()
        for pattern in (CODE, IDENTIFIERS, ENGLISH):
            found = pattern.search(text)
            assert found is None, f"« {found.group(0)} » in a block's form: {text}"

    def add_library(self, step: int, title: str) -> None:
        self.open_palette(step)
        self.htmx(self.step(step).locator("form.palette-form").get_by_role("button", name=title, exact=True))

    def add_step(self, title: str) -> None:
        self.page.get_by_label("Titre de la nouvelle étape").fill(title)
        self.htmx(self.page.get_by_role("button", name="Ajouter une étape", exact=True))

    def add_outcome(self, title: str, rows: list[tuple[str, str, tuple[str, ...]]]) -> None:
        """A new outcome goes on to its condition page; one row per (subject, operator, values)."""
        self.page.get_by_label("Titre du nouveau résultat").fill(title)
        self.clicks += 1
        with self.page.expect_navigation(url=re.compile(r"/condition$")):
            self.page.get_by_role("button", name="Ajouter un résultat", exact=True).click()
        self.check_page()
        for index, (subject, operator, values) in enumerate(rows):
            self.choose(f"#row-{index}-subject", subject)
            self.page.wait_for_selector(f"#row-{index}-operator")
            if operator:
                self.choose(f"#row-{index}-operator", operator)
            for number, value in enumerate(values):
                self.page.fill(f"#row-{index}-value{'2' if number else ''}", value)
        self.check_page()  # seen again, filled
        self.click(self.page.get_by_role("button", name="Enregistrer la condition", exact=True))

    def write_example(self, name: str, answers: dict[str, str], expected: str) -> None:
        self.click(self.page.get_by_role("link", name="Écrire un exemple", exact=True))
        self.page.get_by_label("Nom de l’exemple").fill(name)
        for label, value in answers.items():
            self.page.get_by_label(label, exact=True).fill(value)
        self.click(self.page.get_by_label(expected), navigates=False)
        self.click(self.page.get_by_role("button", name="Créer l’exemple", exact=True))


def test_a_volunteer_publishes_a_working_service_in_forty_clicks_without_code(new_page, live_server):
    page = new_page(viewport=LAPTOP)
    page.set_default_timeout(15_000)
    volunteer = Volunteer(page)

    # --- an account, an organisation, a blank service ------------------------------------
    page.goto("/compte/inscription")
    volunteer.check_page()
    page.get_by_label("Votre nom").fill("Awa Diallo")
    page.get_by_label("Adresse e-mail").fill("awa@example.org")
    page.get_by_label("Mot de passe", exact=True).fill("une phrase assez longue")
    page.get_by_label("Confirmez le mot de passe").fill("une phrase assez longue")
    volunteer.click(page.get_by_role("button", name="Créer mon compte"))
    page.get_by_label("Nom de l’organisation").fill("Centre social des Tilleuls")
    volunteer.click(page.get_by_role("button", name="Créer l’organisation"))
    page.get_by_label("Titre du service").fill("Aide aux vacances 2027")
    volunteer.click(page.get_by_role("button", name="Créer le service"))
    assert page.locator("h1").inner_text() == "Aide aux vacances 2027"
    editor = page.url

    # --- three steps --------------------------------------------------------------------
    page.fill("#titre-etape-1", "Vous")  # « Première étape » is only a stand-in
    volunteer.htmx(volunteer.step(1).get_by_role("button", name=re.compile("^Renommer")))
    volunteer.click(volunteer.step(1).locator(".edit-link").first, navigates=False)
    volunteer.write_question("Votre prénom")
    volunteer.add_question(1, "Date", "Votre date de naissance")
    volunteer.add_step("Votre famille")
    volunteer.add_question(2, "Oui ou non", "Votre famille touche-t-elle l’allocation de rentrée ?")
    volunteer.add_step("Vos coordonnées")
    volunteer.add_library(3, "Coordonnées : e-mail et téléphone")
    volunteer.add_library(3, "Accord pour utiliser les réponses (RGPD)")
    volunteer.check_page()

    # --- two outcomes, on the age and the yes/no ----------------------------------------
    volunteer.add_outcome("Séjour en colonie", [("age", "between", ("11", "17")), ("famille_touche_allocation", "", ())])
    volunteer.add_outcome("Chèque vacances famille", [("age", "between", ("11", "17")),
                                                      ("famille_touche_allocation", "no", ())])
    outcomes = page.locator("#resultats").inner_text().replace("\xa0", " ")
    assert "S’applique quand : Âge : entre 11 et 17 ans, et « Votre famille touche-t-elle l’allocation de rentrée ? » : Oui" \
        in outcomes
    assert "« Votre famille touche-t-elle l’allocation de rentrée ? » : Non" in outcomes

    # --- the service's presentation and who helps ---------------------------------------
    volunteer.click(page.get_by_role("link", name="Réglages du service", exact=True))
    page.get_by_label("Présentation sur la page d’accueil").fill("Une colonie pour les 11-17 ans.")
    page.get_by_label("Téléphone").fill("03 20 00 00 00")
    volunteer.click(page.get_by_role("button", name="Enregistrer", exact=True))

    # --- two examples, typed ------------------------------------------------------------
    volunteer.write_example("Collégien avec allocation", {"Votre date de naissance": "02/03/2011",
                                                          "Votre famille touche-t-elle l’allocation de rentrée ?": "oui"},
                            "Séjour en colonie")
    volunteer.write_example("Collégienne sans allocation", {"Votre date de naissance": "14/07/2012",
                                                            "Votre famille touche-t-elle l’allocation de rentrée ?": "non"},
                            "Chèque vacances famille")
    assert "2 exemples : 2 passent" in page.locator("#exemples").inner_text()
    page.locator(".more-actions summary").first.click()  # a menu open, for axe too (not counted: only a look)
    volunteer.check_page(again=True)  # the editor as built: conditions in words, no identifier

    # --- publish ------------------------------------------------------------------------
    volunteer.click(page.locator(".service-tools").get_by_role("link", name="Publier", exact=True))
    volunteer.click(page.locator("main form").get_by_role("button", name="Publier", exact=True))
    assert "est en ligne" in page.content(), page.locator("main").inner_text()
    assert volunteer.clicks <= MAX_CLICKS, f"{volunteer.clicks} clicks"
    print(f"\n{volunteer.clicks} clicks, {len(volunteer.seen)} studio pages checked")

    # --- the same pages in English: no French word of the interface ---------------------
    for url in volunteer.seen:
        page.goto(url.split("?")[0] + "?lang=en")
        text = page.evaluate(INTERFACE_TEXT)
        for author_text in sorted(AUTHOR_TEXTS, key=len, reverse=True):
            text = text.replace(author_text, "")
        found = FRENCH.search(text)
        assert found is None, f"« {found.group(0)} » on {url} in English: …{text[max(0, found.start() - 80):found.end() + 80]}…"
    page.goto(editor + "?lang=fr")

    # --- a young person, on a phone -----------------------------------------------------
    phone = new_page(viewport=PHONE)
    phone.goto("/s/aide-aux-vacances-2027/")
    for action in (lambda: phone.get_by_role("button", name="Commencer").click(),):
        with phone.expect_navigation():
            action()
    phone.get_by_label("Votre prénom").fill("Lina")
    phone.get_by_label("Votre date de naissance").fill("02 03 2011")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").click()
    phone.get_by_label("Oui").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").click()
    phone.get_by_label("Votre adresse e-mail").fill("lina@example.org")
    phone.get_by_label("Votre numéro de téléphone").fill("06 12 34 56 78")
    phone.get_by_label(re.compile("^J’accepte|^J'accepte")).check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").click()
    with phone.expect_navigation():
        phone.get_by_role("link", name="Voir le résultat").click()
    result = phone.locator("main").inner_text().replace("\xa0", " ")
    assert "Séjour en colonie" in result
    phone.locator("details", has_text="Pourquoi ?").first.locator("summary").click()
    why = phone.locator("main details").first.inner_text().replace("\xa0", " ")
    assert "Votre âge : 15 ans — il faut : entre 11 et 17 ans ✓" in why
    assert "toutes ces conditions" not in why and "years_since" not in why
    with phone.expect_navigation():
        phone.get_by_role("button", name="Envoyer").click()
    assert re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", phone.locator("main").inner_text())
