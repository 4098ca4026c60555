"""From the task list to publishing, in a real Chromium on a laptop's screen (1366 × 768):
a new service's tasks, the refusals of the publish page each leading to where it is
fixed, publishing, « Modifications pas encore en ligne » after an edit, the changes in
words, restoring a version, « Annuler » after a reload, the YAML tab's lines, the share
panel's address and the figures' tables. axe-core checks every page seen."""

from __future__ import annotations

import re
import uuid

import pytest

from test_studio_journey import Studio

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


def tasks(page) -> dict[str, str]:
    """The task list as a person reads it: task → state."""
    items = page.locator("ul.task-list > li")
    return {items.nth(index).locator(".task-list__name > a").inner_text().strip():
            items.nth(index).locator(".tag").inner_text().strip() for index in range(items.count())}


def start(page, studio: Studio, title: str) -> None:
    """Sign up, create an organisation and a blank service."""
    page.goto("/compte/inscription")
    page.get_by_label("Votre nom").fill("Noé Laurent")
    page.get_by_label("Adresse e-mail").fill(f"noe-{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label("Mot de passe", exact=True).fill("une phrase assez longue")
    page.get_by_label("Confirmez le mot de passe").fill("une phrase assez longue")
    studio.click("button", "Créer mon compte")
    page.get_by_label("Nom de l’organisation").fill(f"Maison des jeunes {uuid.uuid4().hex[:6]}")
    studio.click("button", "Créer l’organisation")
    assert studio.heading() == "Créer votre premier service"
    studio.axe("first service")
    page.get_by_label("Un service vide").check()
    page.get_by_label("Titre du service").fill(title)
    studio.click("button", "Créer le service")


def test_from_the_task_list_to_publishing(new_page):
    page = new_page(viewport=LAPTOP)
    studio = Studio(page)
    start(page, studio, "Bourse au permis")
    assert tasks(page) == {"Questions": "À faire", "Qui aide les personnes": "À faire",
                           "Où vont les réponses": "Fait", "Exemples de test": "À revoir", "Langues": "Fait",
                           "Publier": "À faire"}
    studio.axe("task list")

    # A new step: its title box empties, and no red box appears; « Annuler » survives a reload.
    page.get_by_label("Titre de la nouvelle étape").fill("Vos revenus")
    studio.swap(page.get_by_role("button", name="Ajouter une étape", exact=True))
    expect(page.locator(".task-list")).to_contain_text("Cette étape n'a pas encore de bloc")  # swapped in
    expect(page.get_by_label("Titre de la nouvelle étape")).to_have_value("")
    assert page.locator(".editor-summary--problems, .editor-problems").count() == 0
    studio.step(2).locator(".editor-step__tools details.more-actions > summary").click()
    studio.swap(studio.step(2).get_by_role("button", name=re.compile("^Supprimer l’étape")))
    page.reload()
    studio.swap(page.get_by_role("button", name="Annuler", exact=True))
    expect(studio.step(2).locator("h3")).to_have_text("Étape 2 : Vos revenus")
    studio.step(2).locator(".editor-step__tools details.more-actions > summary").click()
    studio.swap(studio.step(2).get_by_role("button", name=re.compile("^Supprimer l’étape")))

    # « Publier » refuses, and says why: each reason leads to where it is fixed.
    studio.click(page.locator(".task-list").get_by_role("link", name="Publier", exact=True))
    studio.axe("publish refused")
    reasons = page.locator(".error-summary li")
    assert reasons.count() == 4 and page.locator("button", has_text="Publier").count() == 0
    studio.click(reasons.filter(has_text="Personne à contacter").get_by_role("link"))
    assert page.url.endswith("/service#reglages-aide")
    page.get_by_label("Téléphone").fill("03 20 00 00 00")
    page.get_by_label("Présentation sur la page d’accueil").fill("Une aide pour passer le permis.")
    studio.click("button", "Enregistrer")
    page.fill("#titre-etape-1", "Vous")
    studio.swap(studio.step(1).get_by_role("button", name=re.compile("^Renommer")))
    studio.edit_last_block(1, id="age", label="Quel est votre âge ?")  # a reload: nothing to wait for
    assert tasks(page)["Questions"] == "Fait" and tasks(page)["Qui aide les personnes"] == "Fait"

    # Publish: the button comes first.
    studio.click(page.locator(".task-list").get_by_role("link", name="Publier", exact=True))
    studio.axe("publish")
    studio.click("button", "Publier")
    assert "La version 1 est en ligne." in page.content()
    studio.click("link", "Retour au service")
    assert tasks(page)["Publier"] == "Fait" and "En ligne : version 1, à jour." in page.inner_text("main")

    # An edit: the editor says at once that the draft differs; the publish page says how.
    page.fill("#titre-etape-1", "Votre âge")
    studio.swap(studio.step(1).get_by_role("button", name=re.compile("^Renommer")))
    expect(page.locator("#editeur-etat")).to_contain_text("Modifications pas encore en ligne.")
    studio.click(page.locator(".online-state").get_by_role("link", name="Voir et publier"))
    assert "Étape « Vous » renommée « Votre âge »" in page.inner_text("main")
    assert not page.locator(".file-diff pre").is_visible()  # the file, folded away
    studio.click("button", "Publier ces modifications")

    # Back to version 1, after being asked.
    studio.click("link", "Historique des versions publiées")
    studio.axe("history")
    studio.click(page.get_by_role("link", name="Revenir à cette version (1)"))
    studio.axe("restore")
    assert "Étape « Vous » renommée « Votre âge »" in page.inner_text("main")  # what the draft would lose
    studio.click("button", "Revenir à la version 1")
    assert "La version 1 est de retour dans l’éditeur." in page.content()

    # The YAML tab: monospaced, not wrapped, numbered; a problem leads to its line.
    studio.click("link", "Retour au service")
    studio.tool("Le fichier YAML")
    box = page.locator("#yaml")
    style = box.evaluate("element => [getComputedStyle(element).fontFamily, getComputedStyle(element).whiteSpace]")
    assert "monospace" in style[0] and style[1] == "pre"
    lines = box.input_value().count("\n") + 1
    assert page.locator(".code-box__lines span").count() == lines
    box.fill(box.input_value().replace("steps:", "etapes:"))
    studio.click("button", "Enregistrer")
    studio.axe("yaml with a problem")
    link = page.locator(".error-summary a", has_text=re.compile("^Ligne ")).first
    number = int(re.search(r"Ligne (\d+)", link.inner_text()).group(1))
    link.click()
    assert page.url.endswith(f"#ligne-{number}")
    assert page.locator(f"#ligne-{number}").is_visible()
    gutter = page.locator(f"#ligne-{number}").bounding_box()["y"]
    first = page.locator("#ligne-1").bounding_box()["y"]
    line_height = box.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)")
    assert abs((gutter - first) - (number - 1) * line_height) < 2  # each number in front of its line

    # The share panel: 127.0.0.1 cannot be reached from a phone, and it says so.
    studio.click("link", "Retour au service")
    studio.tool("Partager (lien et QR code)")
    studio.axe("share")
    assert "Cette adresse ne marche que sur cet ordinateur" in page.inner_text("main")

    # The figures fit a laptop's screen, even with five-digit counts and a long step title.
    studio.click("link", "Retour au service")
    studio.tool("Chiffres")
    studio.axe("figures")
    page.evaluate(BUSY_FIGURES)
    for wrap in page.locator(".table-wrap").all():
        assert wrap.evaluate("element => element.scrollWidth <= element.clientWidth"), wrap.inner_text()


# What a busy service's figures look like: each count « 12 345 (100 %) », a long step title.
BUSY_FIGURES = r"""() => {
  for (const cell of document.querySelectorAll(".figures td")) {
    for (const node of cell.childNodes) {
      if (node.nodeType === Node.TEXT_NODE && /\d/.test(node.textContent)) node.textContent = " 12 345 (100 %)";
    }
  }
  const title = document.querySelector(".figures tbody th");
  if (title) title.firstChild.textContent = "Votre situation professionnelle et vos ressources";
}"""
