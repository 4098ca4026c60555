"""The studio from start to end, in a real Chromium, by clicking only (issue « The studio »,
item 12): sign up, create an organisation, build a service from blank (three steps, five
blocks, a condition, two outcomes), send the answers, make an example from the preview,
publish, answer on a phone, then find the answers and download them as CSV.

Only the first page and the mini-site's address (read on the share page) are typed in;
everything else is a click, a fill or a choice. axe-core checks every studio page seen.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from browsing import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


EDITOR_SHOWN = r"""() => {
  const kept = (a, node) => !a.name.startsWith("data-htmx")
    && !(a.name === "value" && node.getAttribute("name") === "csrf_token");
  const shown = (a) => a.name !== "class" ? a.value
    : a.value.split(/\s+/).filter((name) => name && !name.startsWith("htmx-")).join(" ");
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent.split(/\s+/).filter(Boolean).join(" ");
    if (node.nodeType !== Node.ELEMENT_NODE || node.id === "editeur-annonces") return "";
    const attrs = [...node.attributes].filter((a) => kept(a, node)).map((a) => `${a.name}="${shown(a)}"`).sort();
    return `<${node.tagName} ${attrs.join(" ")}>` + [...node.childNodes].map(walk).join("") + "</>";
  };
  return walk(document.getElementById("editeur"));
}"""


class Studio:
    """Someone clicking through the studio; ``checked`` lists the pages axe passed."""

    def __init__(self, page):
        self.page = page
        self.checked: list[str] = []

    def axe(self, kind: str) -> None:
        assert axe_violations(self.page) == [], f"axe on the {kind} page {self.page.url}"
        self.checked.append(kind)

    def click(self, target, name: str | None = None) -> None:
        """Click a link or button (by role and name, or a locator) and wait for the page."""
        locator = self.page.get_by_role(target, name=name, exact=True) if name else target
        if name and name.startswith("Retour"):
            locator = self.page.locator("a.back-link", has_text=name)  # its name starts with « ‹ » (CSS)
        try:
            with self.page.expect_navigation():
                locator.first.click()
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the page that failed, to read
            (ARTIFACTS / "studio-journey-failure.html").write_text(self.page.content(), encoding="utf-8")
            raise

    def swap(self, locator) -> None:
        """Click a button that htmx answers by swapping the editor in place, and wait until
        htmx is done with the answer (every part swapped: « htmx:finally:request »)."""
        self.page.evaluate("""() => { window.swapDone = false;
            document.addEventListener("htmx:finally:request", () => { window.swapDone = true; }, {once: true}); }""")
        with self.page.expect_response(lambda response: response.request.method == "POST"):
            locator.click()
        self.page.wait_for_function("() => window.swapDone")

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def editor_shown(self) -> str:
        """The editor as the page holds it: elements, attributes and words (what htmx adds
        while it works, CSRF tokens signed anew and the last edit's message left out)."""
        return self.page.evaluate(EDITOR_SHOWN)

    def step(self, number: int):
        return self.page.locator("li.editor-step").nth(number - 1)

    def add_block(self, step: int, type_label: str) -> None:
        """Add a block from the palette: its form opens in place."""
        section = self.step(step)
        section.locator("a.palette-link").click()  # htmx brings the palette into the step
        self.swap(section.locator("form.palette-form").get_by_role("button", name=type_label, exact=True))
        self.page.locator("#formulaire-bloc").wait_for()

    def open_last_block(self, step: int):
        """The form of the last block of ``step``, opened in place (already open after an add)."""
        form = self.page.locator("#formulaire-bloc")
        if not form.count():
            self.step(step).locator("li.editor-block").last.get_by_role("link", name=re.compile("^Modifier")).click()
            form.wait_for()
        return form

    def edit_last_block(self, step: int, **fields: str) -> None:
        """Fill the last block's form (``label``, ``options``…; ``id`` under « Options avancées »)."""
        form = self.open_last_block(step)
        if "id" in fields:
            form.locator("details.advanced-options > summary").click()
        for name, value in fields.items():
            self.page.fill(f"#champ-{name}", value)
        self.swap(form.get_by_role("button", name="Enregistrer", exact=True))
        form.wait_for(state="detached")

    def block_action(self, block, name) -> None:
        """A button of a block's « Plus d’actions » menu."""
        block.locator("details.more-actions > summary").click()
        self.swap(block.locator("details.more-actions").get_by_role("button", name=name))

    def tool(self, name: str) -> None:
        """A tool of the service (the rarer ones folded under « Autres outils »)."""
        link = self.page.locator(".service-tools").get_by_role("link", name=name, exact=True)
        if not link.is_visible():
            self.page.locator(".service-tools summary", has_text="Autres outils").click()
        self.click(link)

    def condition_row(self, subject: str, operator: str, value: str | None = None, row: int = 0) -> None:
        """Fill one row of the condition builder (htmx refreshes the comparisons)."""
        self.page.select_option(f"#row-{row}-subject", subject)
        self.page.wait_for_selector(f"#row-{row}-operator")
        self.page.select_option(f"#row-{row}-operator", operator)
        if value is not None:
            self.page.wait_for_selector(f"#row-{row}-value")
            field = self.page.locator(f"#row-{row}-value")
            if field.evaluate("element => element.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)


def test_a_new_user_builds_publishes_and_collects_a_service_by_clicking(new_page, live_server):
    page = new_page(viewport=DESKTOP)
    page.set_default_timeout(10_000)
    studio = Studio(page)

    # --- sign up, organisation -------------------------------------------------------------
    page.goto("/compte/inscription")
    studio.axe("sign-up")
    page.get_by_label("Votre nom").fill("Inès Martin")
    page.get_by_label("Adresse e-mail").fill("ines@example.org")
    page.get_by_label("Mot de passe", exact=True).fill("une phrase assez longue")
    page.get_by_label("Confirmez le mot de passe").fill("une phrase assez longue")
    studio.click("button", "Créer mon compte")
    studio.axe("new organisation")  # a new account goes on to its organisation…
    page.get_by_label("Nom de l’organisation").fill("Point Jeunes de Lille")
    studio.click("button", "Créer l’organisation")
    assert studio.heading() == "Créer votre premier service"  # …then to its first service
    studio.click(page.locator("a.back-link", has_text="Les services de Point Jeunes de Lille"))
    studio.axe("services list")

    # --- a service from blank --------------------------------------------------------------
    studio.click("link", "Créer un service")
    page.get_by_label("Un service vide").check()
    page.get_by_label("Titre du service").fill("Coup de pouce mobilité")
    studio.click("button", "Créer le service")
    assert studio.heading() == "Coup de pouce mobilité"
    studio.axe("editor")

    # Step 1: the blank service's text question, then a number.
    studio.edit_last_block(1, id="prenom", label="Votre prénom")
    studio.add_block(1, "Nombre")
    studio.edit_last_block(1, id="age", label="Quel est votre âge ?")
    # Step 2: a choice and a yes/no question (shown only from 18).
    page.get_by_label("Titre de la nouvelle étape").fill("Votre situation")
    studio.swap(page.get_by_role("button", name="Ajouter une étape", exact=True))
    studio.add_block(2, "Choix unique")
    studio.axe("block form")  # opened in place
    studio.edit_last_block(2, id="statut", label="Quelle est votre situation ?",
                           options="Étudiant\nSalarié\nEn recherche d’emploi")
    studio.add_block(2, "Oui ou non")
    studio.edit_last_block(2, id="permis", label="Avez-vous le permis de conduire ?")
    last = studio.step(2).locator("li.editor-block").last
    last.locator("details.more-actions > summary").click()
    studio.click(last.get_by_role("link", name=re.compile("^Condition d’affichage")))
    studio.condition_row("age", "ge", "18")
    studio.axe("condition form")
    studio.click("button", "Enregistrer la condition")
    assert "Montré seulement si : « Quel est votre âge ? » : 18 ou plus" in studio.step(2).inner_text()
    # Step 3: an e-mail address.
    page.get_by_label("Titre de la nouvelle étape").fill("Vous recontacter")
    studio.swap(page.get_by_role("button", name="Ajouter une étape", exact=True))
    studio.add_block(3, "Adresse e-mail")
    studio.edit_last_block(3, id="courriel", label="Votre adresse e-mail")
    # htmx swapped only what the edit changed, yet every form carries the new revision
    # (a form of step 1, not redrawn, still works) and the page is the one a reload shows.
    revision = page.locator('#editeur input[name="revision"]').first.get_attribute("value")
    assert f"r={revision}" in page.locator('iframe[name="apercu"]').get_attribute("src")
    for place, direction in ((0, "Descendre"), (1, "Monter")):  # « prenom » down, then up again
        blocks = studio.step(1).locator("li.editor-block")
        studio.block_action(blocks.nth(place), re.compile(f"^{direction}"))
        assert "Quelqu’un d’autre a modifié ce service" not in page.locator("#editeur").inner_text()
    assert studio.step(1).locator("li.editor-block").first.get_attribute("id") == "bloc-prenom"
    shown = studio.editor_shown()
    page.reload()
    assert studio.editor_shown() == shown

    # Two outcomes, each with its condition.
    for title, subject, operator, value in (("Aide au permis", "permis", "no", None),
                                            ("Bourse étudiante", "statut", "eq", "Étudiant")):
        page.get_by_label("Titre du nouveau résultat").fill(title)
        studio.click("button", "Ajouter un résultat")  # goes on to its condition
        studio.condition_row(subject, operator, value)
        studio.click("button", "Enregistrer la condition")
    editor_text = page.locator("#editeur").inner_text()
    assert "« Avez-vous le permis de conduire ? » : Non" in editor_text
    assert "« Quelle est votre situation ? » : Étudiant" in editor_text

    # The service's own texts and who helps, in its settings; where the answers go (sending
    # was turned on when the e-mail question came in), on its own page.
    studio.click("link", "Réglages du service")
    studio.axe("service settings")
    page.get_by_label("Présentation sur la page d’accueil").fill("Découvrez les aides pour vous déplacer.")
    page.get_by_label("Téléphone").fill("03 20 00 00 00")
    studio.click("button", "Enregistrer")
    assert "Les réglages du service sont enregistrés." in page.content()
    studio.click("link", "Où vont les réponses")
    studio.axe("where the answers go")
    assert page.get_by_label(re.compile("^Elles sont envoyées")).is_checked()
    page.get_by_label("Message affiché après l’envoi").fill("Merci ! Nous vous répondons sous une semaine.")
    page.get_by_label("Adresses prévenues à chaque envoi").fill("accueil@point-jeunes.example.org")
    studio.click("button", "Enregistrer")
    page.fill("#titre-etape-1", "Vous")  # « Première étape » was only a stand-in
    studio.swap(studio.step(1).get_by_role("button", name=re.compile("^Renommer")))

    # An example, from the answers given in the preview.
    preview = page.frame_locator('iframe[name="apercu"]')
    preview.get_by_role("button", name="Commencer").click()
    preview.get_by_label("Votre prénom").fill("Lina")
    preview.get_by_label("Quel est votre âge ?").fill("20")
    preview.get_by_role("button", name="Continuer").click()
    preview.get_by_label("Étudiant").check()
    preview.get_by_label("Non").check()
    preview.get_by_role("button", name="Continuer").click()
    preview.get_by_label("Votre adresse e-mail").fill("lina@example.org")
    preview.get_by_role("button", name="Continuer").click()
    preview.get_by_role("heading", name="Vérifier vos réponses").wait_for()
    studio.click("link", "Faire un exemple avec les réponses de l’aperçu")
    page.get_by_label("Nom de l’exemple").fill("Étudiante de 20 ans sans permis")
    studio.click("button", "Créer l’exemple")
    assert "Étudiante de 20 ans sans permis" in page.locator("#editeur").inner_text()

    # Publish.
    studio.click("link", "Publier")
    studio.axe("publish")
    studio.click("button", "Publier")
    assert "est en ligne" in page.content()
    studio.click("link", "Retour au service")
    studio.tool("Partager (lien et QR code)")
    studio.axe("share")
    site_url = page.locator('main a[href*="/s/coup-de-pouce-mobilite"]').first.get_attribute("href")

    # --- the mini-site, on a phone -----------------------------------------------------------
    phone = new_page(viewport=PHONE)
    phone.goto(site_url)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Commencer").click()
    phone.get_by_label("Votre prénom").fill("Sami")
    phone.get_by_label("Quel est votre âge ?").fill("19")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").click()
    phone.get_by_label("Étudiant").check()
    phone.get_by_label("Non").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").click()
    phone.get_by_label("Votre adresse e-mail").fill("sami@example.org")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").click()
    with phone.expect_navigation():
        phone.get_by_role("link", name="Voir le résultat").click()
    result = phone.locator("main").inner_text()
    assert "Aide au permis" in result and "Bourse étudiante" in result
    with phone.expect_navigation():
        phone.get_by_role("button", name="Envoyer").click()
    reference = re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", phone.locator("main").inner_text()).group(0)
    assert "Merci ! Nous vous répondons sous une semaine." in phone.locator("main").inner_text()

    # --- back in the studio: the answers ---------------------------------------------------
    studio.click("link", "Retour au service")
    studio.tool("Réponses")
    studio.axe("submissions list")
    assert reference in page.locator("main").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tableur (CSV)").click()
    with open(download_info.value.path(), "rb") as downloaded:
        raw = downloaded.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, line = rows[0], next(row for row in rows[1:] if reference in row)
    answers = dict(zip(header, line))
    assert "Sami" in line and "19" in line and "sami@example.org" in line and "Étudiant" in line, answers
    studio.click("link", reference)
    studio.axe("submission detail")
    assert "Sami" in page.locator("main").inner_text()
    studio.click(page.locator("a.back-link", has_text="Toutes les réponses"))
    studio.click("link", "Retour au service")
    studio.tool("Chiffres")
    studio.axe("figures")
    assert studio.checked == ["sign-up", "new organisation", "services list", "editor", "block form",
                              "condition form", "service settings", "where the answers go", "publish", "share",
                              "submissions list", "submission detail", "figures"]
