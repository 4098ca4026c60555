"""An association's services in the studio: create, import, duplicate, archive, the YAML
tab, publishing with history and restore, sharing (the publish page itself and what it
refuses: test_studio_publishing.py)."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest

from builder.db import get_db
from builder.serving import EXAMPLES
from builder.storage import accounts, services as published, workspace

PASSWORD = "un mot de passe assez long"


@pytest.fixture
def org(app):
    """An organisation whose owner is signed in on ``client``; returns (client, slug, app)."""
    with app.app_context():
        db = get_db()
        owner = accounts.create_user(db, "olga@example.org", "Olga", PASSWORD)
        organisation = accounts.create_organisation(db, "Mission locale", owner.id)
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = owner.id
    return client, organisation.slug, app


def base(slug: str) -> str:
    return f"/studio/o/{slug}/services"


def copies(app, slug):
    with app.app_context():
        organisation = accounts.get_organisation_by_slug(get_db(), slug)
        return workspace.for_org(get_db(), organisation.id)


def test_create_a_blank_service(org):
    client, slug, app = org
    response = client.post(f"{base(slug)}/nouveau", data={"source": "vide", "title": "Être rappelé"})
    assert response.status_code == 302
    [copy] = copies(app, slug)
    assert copy.service_id == "etre-rappele"
    assert "title: Être rappelé" in copy.yaml
    assert client.get(response.location).status_code == 200


def test_create_from_a_template_twice_gets_two_ids(org):
    client, slug, app = org
    for _ in range(2):
        client.post(f"{base(slug)}/nouveau", data={"source": "modele", "template": "avis"})
    assert sorted(copy.service_id for copy in copies(app, slug)) == ["avis", "avis-2"]


def test_import_with_errors_shows_lines_and_saves_nothing(org):
    client, slug, app = org
    broken = (EXAMPLES / "avis.yaml").read_text(encoding="utf-8").replace("tremplin: 1", "tremplin: 9")
    response = client.post(f"{base(slug)}/nouveau", data={
        "source": "import", "upload": (io.BytesIO(broken.encode()), "mon-avis.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "mon-avis.yaml:" in page and "tremplin: 1" in page
    assert copies(app, slug) == []


def test_import_a_valid_file(org):
    client, slug, app = org
    text = (EXAMPLES / "rappel-benevole.yaml").read_text(encoding="utf-8")
    response = client.post(f"{base(slug)}/nouveau", data={"source": "import", "text": text})
    assert response.status_code == 302
    assert [copy.service_id for copy in copies(app, slug)] == ["rappel-benevole"]


def create(client, slug, template="avis"):
    client.post(f"{base(slug)}/nouveau", data={"source": "modele", "template": template})
    return template


def test_duplicate_archive_and_download(org):
    client, slug, app = org
    service_id = create(client, slug)
    client.post(f"{base(slug)}/{service_id}/dupliquer")
    assert {copy.service_id for copy in copies(app, slug)} == {"avis", "avis-2"}
    client.post(f"{base(slug)}/avis-2/archiver", data={"archiver": "1"})
    assert [copy.service_id for copy in copies(app, slug)] == ["avis"]
    download = client.get(f"{base(slug)}/{service_id}/telecharger")
    assert download.mimetype == "application/yaml"
    assert b"id: avis" in download.data


def yaml_of(client, slug, service_id):
    page = client.get(f"{base(slug)}/{service_id}/yaml").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    text = html.unescape(re.search(r'<textarea[^>]*>(.*?)</textarea>', page, re.S).group(1))
    return text, revision


def test_yaml_tab_saves_a_valid_file_and_refuses_a_broken_one(org):
    client, slug, app = org
    service_id = create(client, slug)
    text, revision = yaml_of(client, slug, service_id)
    broken = client.post(f"{base(slug)}/{service_id}/yaml", data={"yaml": text.replace("steps:", "stepz:"),
                                                                   "revision": revision})
    assert broken.status_code == 422
    page = broken.get_data(as_text=True)
    line = text.splitlines().index("steps:") + 1  # each problem leads to its line, numbered beside the file
    assert f'<a href="#ligne-{line}">Ligne {line} :' in page
    assert f'<span id="ligne-{line}" class="code-box__line--error">{line}</span>' in page
    assert 'wrap="off"' in page
    saved = client.post(f"{base(slug)}/{service_id}/yaml", data={"yaml": text.replace(
        "title: ", "title: Nouveau titre – ", 1), "revision": revision})
    assert saved.status_code == 302
    assert "Nouveau titre" in copies(app, slug)[0].yaml


def test_two_people_saving_the_same_service_never_overwrite_each_other(org):
    client, slug, app = org
    service_id = create(client, slug)
    text, revision = yaml_of(client, slug, service_id)
    first = client.post(f"{base(slug)}/{service_id}/yaml",
                        data={"yaml": text.replace("title: ", "title: Premier – ", 1), "revision": revision})
    second = client.post(f"{base(slug)}/{service_id}/yaml",
                         data={"yaml": text.replace("title: ", "title: Second – ", 1), "revision": revision})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Recharger la dernière version" in second.get_data(as_text=True)
    assert "Premier" in copies(app, slug)[0].yaml


def test_the_id_of_a_service_cannot_change_in_the_yaml_tab(org):
    client, slug, app = org
    service_id = create(client, slug)
    text, revision = yaml_of(client, slug, service_id)
    response = client.post(f"{base(slug)}/{service_id}/yaml",
                           data={"yaml": text.replace("id: avis", "id: autre", 1), "revision": revision})
    assert response.status_code == 422


def publish(client, slug, service_id):
    """Press « Publier » on the publish page (the form carries the revision the page showed)."""
    import re
    page = client.get(f"{base(slug)}/{service_id}/publier").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    return client.post(f"{base(slug)}/{service_id}/publier", data={"revision": revision})


def test_publish_serves_a_snapshot_while_editing_goes_on(org):
    client, slug, app = org
    service_id = create(client, slug)
    assert publish(client, slug, service_id).status_code == 303
    site = app.test_client()
    assert site.get(f"/s/{service_id}/").status_code == 200
    text, revision = yaml_of(client, slug, service_id)
    client.post(f"{base(slug)}/{service_id}/yaml",
                data={"yaml": text.replace("title: ", "title: Brouillon – ", 1), "revision": revision})
    assert "Brouillon" not in site.get(f"/s/{service_id}/").get_data(as_text=True)
    page = client.get(f"{base(slug)}/{service_id}/publier").get_data(as_text=True)
    assert "Modifications pas encore en ligne" in page and "Titre du service modifié : « Brouillon – " in page
    publish(client, slug, service_id)
    assert "Brouillon" in site.get(f"/s/{service_id}/").get_data(as_text=True)


def test_restore_an_earlier_version(org):
    client, slug, app = org
    service_id = create(client, slug)
    publish(client, slug, service_id)
    text, revision = yaml_of(client, slug, service_id)
    client.post(f"{base(slug)}/{service_id}/yaml",
                data={"yaml": text.replace("title: ", "title: Version deux – ", 1), "revision": revision})
    client.post(f"{base(slug)}/{service_id}/historique/1/restaurer", data={"garder": "non"})
    assert "Version deux" not in copies(app, slug)[0].yaml
    assert len(copies(app, slug)) == 1
    with app.app_context():
        assert [v.version for v in published.versions(get_db(), service_id)] == [1]


def test_share_panel_gives_the_address_and_qr_codes(org):
    client, slug, app = org
    service_id = create(client, slug)
    page = client.get(f"{base(slug)}/{service_id}/partager").get_data(as_text=True)
    assert f"/s/{service_id}/" in page
    svg = client.get(f"{base(slug)}/{service_id}/qr.svg")
    png = client.get(f"{base(slug)}/{service_id}/qr.png")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("value", ["!foo x", "!!timestamp nope", "!!python/name:os.system"])
def test_a_tagged_value_in_the_yaml_tab_or_an_import_is_refused_with_its_line(org, value):
    client, slug, app = org
    service_id = create(client, slug)
    text, revision = yaml_of(client, slug, service_id)
    tagged = text.replace("title: ", f"title: {value} #", 1)
    saved = client.post(f"{base(slug)}/{service_id}/yaml", data={"yaml": tagged, "revision": revision})
    line = tagged.splitlines().index(next(row for row in tagged.splitlines() if row.startswith("title: "))) + 1
    assert saved.status_code == 422 and f'href="#ligne-{line}"' in saved.get_data(as_text=True)
    imported = client.post(f"{base(slug)}/nouveau", data={"source": "import", "text": tagged})
    assert imported.status_code == 422 and "service.yaml:" in imported.get_data(as_text=True)
    assert [copy.service_id for copy in copies(app, slug)] == ["avis"]


XLSFORM = Path(__file__).parent / "fixtures" / "inscription-xls.xlsx"


def test_an_xlsform_import_is_shown_with_its_notes_then_created(org):
    client, slug, app = org
    response = client.post(f"{base(slug)}/nouveau", data={
        "source": "import", "upload": (io.BytesIO(XLSFORM.read_bytes()), "inscription.xlsx")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and copies(app, slug) == []
    assert "Le fichier est importé : vérifiez, puis créez le service" in page
    assert "inscription.xlsx:2: Le nom « Prénom » devient l'identifiant « prenom »" in html.unescape(page)
    text = html.unescape(re.search(r'<textarea[^>]*>(.*?)</textarea>', page, re.S).group(1))
    created = client.post(f"{base(slug)}/nouveau", data={"source": "import", "text": text.lstrip("\n")})
    assert created.status_code == 302
    assert [copy.service_id for copy in copies(app, slug)] == ["inscription-2026"]


AIDES_JEUNES = Path(__file__).parent / "fixtures" / "aides-jeunes"


def test_several_aides_jeunes_benefits_are_imported_as_one_simulator(org):
    client, slug, app = org
    files = [(io.BytesIO((AIDES_JEUNES / name).read_bytes()), name)
             for name in ("caf-ain-aide-bafa-session-generale.yml", "auvergne-rhone-alpes-pass-region.yml")]
    response = client.post(f"{base(slug)}/nouveau", data={"source": "import", "upload": files},
                           content_type="multipart/form-data")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and copies(app, slug) == []
    assert 'multiple' in page and "Le fichier est importé : vérifiez, puis créez le service" in page
    text = re.search(r'<textarea[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "id: caf-ain-aide-bafa-session-generale" in text and "id: auvergne-rhone-alpes-pass-region" in text
    created = client.post(f"{base(slug)}/nouveau", data={"source": "import", "text": text.lstrip("\n")})
    assert created.status_code == 302 and [c.service_id for c in copies(app, slug)] == ["aides-jeunes"]


def test_several_files_that_are_not_benefits_are_refused(org):
    client, slug, app = org
    files = [(io.BytesIO(b"tremplin: 1\n"), "a.yaml"), (io.BytesIO(b"tremplin: 1\n"), "b.yaml")]
    response = client.post(f"{base(slug)}/nouveau", data={"source": "import", "upload": files},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and copies(app, slug) == []
    assert "ne s’importent ensemble que si ce sont des aides d’Aides Jeunes" in html.unescape(response.get_data(as_text=True))


def test_an_unreadable_workbook_is_refused_with_its_message(org):
    client, slug, app = org
    response = client.post(f"{base(slug)}/nouveau", data={
        "source": "import", "upload": (io.BytesIO(b"PK\x03\x04 abime"), "abime.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and copies(app, slug) == []
    assert "abime.xlsx:1: Le classeur ne peut pas être lu" in html.unescape(response.get_data(as_text=True))


def test_the_service_page_offers_an_xlsform_that_pyxform_accepts(org):
    from pyxform.xls2xform import convert
    client, slug, app = org
    service_id = create(client, slug, "aides-jeunes")
    page = client.get(f"{base(slug)}/{service_id}/").get_data(as_text=True)
    assert "Télécharger en XLSForm" in page
    download = client.get(f"{base(slug)}/{service_id}/xlsform")
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="aides-jeunes.xlsx"' in download.headers["Content-Disposition"]
    assert "<h:title>Les aides pour les jeunes de 16 à 25 ans</h:title>" in convert(download.data).xform
