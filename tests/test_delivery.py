"""Served well with no proxy in front: compressed text, static files cached for a year,
and a description on every page for search engines and link previews."""

from __future__ import annotations

import gzip
import re

import pytest
from test_studio_editor import people, studio  # noqa: F401  (fixtures)

from builder.delivery import static_url
from builder.serving import EXAMPLES, publish_files

STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"]+)"')
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')
CSRF_TOKEN = re.compile(rb'name="csrf_token" value="[^"]+"')


@pytest.fixture
def site(app):
    """The application with the example « avis » published."""
    publish_files(app, [EXAMPLES / "avis.yaml"])
    return app


def test_pages_are_sent_compressed_to_browsers_that_accept_it(site):
    client = site.test_client()
    plain = client.get("/s/avis/")
    squeezed = client.get("/s/avis/", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed.headers["Vary"]
    assert without_csrf_token(gzip.decompress(squeezed.data)) == without_csrf_token(plain.data)
    assert int(squeezed.headers["Content-Length"]) < len(plain.data)
    assert "Content-Encoding" not in plain.headers


def without_csrf_token(page: bytes) -> bytes:
    """The page without its form's token, which carries the second it was signed: two
    requests on either side of a second's end get two tokens."""
    return CSRF_TOKEN.sub(b'name="csrf_token" value=""', page)


def test_static_files_are_sent_compressed(site):
    client = site.test_client()
    for url in STATIC_LINK.findall(client.get("/compte/connexion").get_data(as_text=True)):
        with client.get(url, headers={"Accept-Encoding": "gzip"}) as squeezed, client.get(url) as plain:
            assert squeezed.headers["Content-Encoding"] == "gzip", url
            assert gzip.decompress(squeezed.data) == plain.data
            assert squeezed.headers["ETag"] != plain.headers["ETag"]  # another representation


def test_fingerprinted_static_files_are_cached_a_year_as_immutable(site):
    client = site.test_client()
    urls = STATIC_LINK.findall(client.get("/s/avis/").get_data(as_text=True))
    assert urls and all(re.search(r"\?v=[0-9a-f]{16}$", url) for url in urls)
    for url in urls:
        with client.get(url) as response:
            cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache


def test_a_static_file_asked_for_by_another_fingerprint_is_not_kept_a_year(site):
    with site.test_client().get("/static/site.css?v=0123456789abcdef") as response:
        cache = response.headers["Cache-Control"]
    assert "immutable" not in cache and "max-age=31536000" not in cache


def test_a_changed_file_gets_a_new_url(site, tmp_path):
    site.static_folder, site.debug = str(tmp_path), True  # debug: files are read again
    style = tmp_path / "style.css"
    style.write_text("p {}", encoding="utf-8")
    with site.test_request_context():
        before = static_url("style.css")
        style.write_text("p { color: red }", encoding="utf-8")
        assert static_url("style.css") != before


@pytest.mark.parametrize("path", ["/s/avis/", "/s/avis/verifier", "/"])
def test_every_mini_site_page_has_a_description(site, path):
    page = site.test_client().get(path, follow_redirects=True).get_data(as_text=True)
    description = DESCRIPTION.search(page)
    assert description, page[:500]
    if path.startswith("/s/avis"):  # the service's summary, as plain text
        assert description.group(1).startswith("Votre avis nous aide à faire mieux. Il y a 4 questions.")
        assert "<" not in description.group(1)


@pytest.mark.parametrize("path", ["/studio/login", "/studio/signup", "/studio/", "/nulle-part"])
def test_every_studio_page_has_a_description(site, path):
    page = site.test_client().get(path, follow_redirects=True).get_data(as_text=True)
    assert DESCRIPTION.search(page), page[:500]


def test_the_description_speaks_the_pages_language(site):
    client = site.test_client()
    french = DESCRIPTION.search(client.get("/compte/connexion").get_data(as_text=True)).group(1)
    english = DESCRIPTION.search(client.get("/compte/connexion?lang=en").get_data(as_text=True)).group(1)
    assert french.startswith("Le studio de Tremplin") and english.startswith("Tremplin’s studio")


def test_a_static_file_the_browser_has_is_not_sent_again(site):
    client = site.test_client()
    url = STATIC_LINK.findall(client.get("/s/avis/").get_data(as_text=True))[0]
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as first:
        etag = first.headers["ETag"]
    with client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}) as again:
        assert again.status_code == 304 and not again.data
