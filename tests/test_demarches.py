"""Prefilling a démarche of démarches-simplifiées from the result page, against a stand-in
server on 127.0.0.1 that implements the documented endpoints (``GET /commencer/{path}``
with ``champ_…`` parameters, ``POST /api/public/v1/demarches/{number}/dossiers``).

The answers leave only when the person clicks, after a page that lists them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from builder.demarches import Demarche, fields, prefill_link
from builder.format.loader import load_service_text
from builder.serving import publish_files
from mailserver import free_port
from test_site_journey import begin

SERVICE = """\
tremplin: 1
id: bafa
title: L'aide au BAFA
steps:
  - id: vous
    blocks:
      - type: date
        id: date_naissance
        label: Votre date de naissance
      - type: commune
        id: commune
        label: Votre commune
      - type: choice
        id: statut
        label: Que faites-vous ?
        options: [{{value: lyceen, label: Je suis au lycée}}, {{value: autre, label: Autre chose}}]
      - type: text
        id: secret
        label: Une réponse que la démarche ne prend pas
        required: false
outcomes:
  - id: aide-bafa
    title: L'aide au BAFA
    when: years_since(date_naissance) >= 16
    links:
      - label: Faire la demande
        url: {origin}/commencer/aide-bafa
        demarche:
          champs: {{date_naissance: Q2hhbXAtMQ==, commune: champ_Q2hhbXAtMg==, statut: Q2hhbXAtMw==}}
{number}
"""


class StandIn(BaseHTTPRequestHandler):
    """The documented endpoints; what was posted is kept on the server."""

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.posted.append((self.path, body))
        if self.path == "/api/public/v1/demarches/42/dossiers":
            self._json(201, {"dossier_url": f"http://{self.headers['Host']}/dossiers/7/brouillon?prefill_token=abc",
                             "dossier_id": "RG9zc2llci03", "dossier_number": 7})
        else:
            self._json(404, {"error": "not found"})

    def _json(self, status, data):
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def standin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.posted = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def origin(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def service_text(server, number: int | None = None) -> str:
    return SERVICE.format(origin=origin(server), number=f"          number: {number}" if number else "")


def journey(app_factory, tmp_path, text, hosts):
    app = app_factory(DEMARCHES_HOSTS=hosts)
    path = tmp_path / "bafa.yaml"
    path.write_text(text, encoding="utf-8")
    publish_files(app, [path])
    person = app.test_client()
    step = begin(person, "bafa")
    answered = person.post(step, data={"date_naissance": "14/07/2006", "commune-recherche": "75020",
                                       "statut": "lyceen", "secret": "à garder", "_shown": ["date_naissance",
                                       "commune", "statut", "secret"]})
    assert answered.status_code == 303, answered.get_data(as_text=True)[:3000]
    return person


def test_the_link_carries_the_documented_fields(standin):
    service = load_service_text(service_text(standin), "bafa.yaml")
    demarche = Demarche.of(service.outcomes[0].links[0])
    sent = fields(service, demarche, {"date_naissance": "2006-07-14", "commune": "75056", "statut": "lyceen"}, "fr")
    url = urlsplit(prefill_link(demarche, sent))
    assert url.path == "/commencer/aide-bafa"
    assert parse_qsl(url.query) == [("champ_Q2hhbXAtMQ==", "2006-07-14"), ("champ_Q2hhbXAtMg==[]", "75001"),
                                    ("champ_Q2hhbXAtMg==[]", "75056"), ("champ_Q2hhbXAtMw==", "Je suis au lycée")]


def test_the_person_sees_what_will_be_sent_before_the_prefill_link(app_factory, tmp_path, standin):
    person = journey(app_factory, tmp_path, service_text(standin), [])
    result = person.get("/s/bafa/resultat").get_data(as_text=True)
    assert "/s/bafa/resultat/demarche/aide-bafa/0" in result and "?champ_" not in result
    page = person.get("/s/bafa/resultat/demarche/aide-bafa/0").get_data(as_text=True)
    assert "Préremplir la démarche avec vos réponses ?" in page
    assert "14/07/2006" in page and "Paris (75)" in page and "Je suis au lycée" in page
    assert "à garder" not in page and standin.posted == []
    sent = person.post("/s/bafa/resultat/demarche/aide-bafa/0")
    assert sent.status_code == 303 and sent.headers["Location"].startswith(origin(standin) + "/commencer/aide-bafa?")
    assert "champ_Q2hhbXAtMQ%3D%3D=2006-07-14" in sent.headers["Location"]


def test_with_its_number_the_public_api_creates_the_dossier(app_factory, tmp_path, standin):
    host = f"127.0.0.1:{standin.server_address[1]}"
    person = journey(app_factory, tmp_path, service_text(standin, 42), [host])
    assert "Un dossier prérempli y sera créé" in person.get("/s/bafa/resultat/demarche/aide-bafa/0").get_data(as_text=True)
    assert standin.posted == []
    sent = person.post("/s/bafa/resultat/demarche/aide-bafa/0")
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/dossiers/7/brouillon?prefill_token=abc")
    assert standin.posted == [("/api/public/v1/demarches/42/dossiers", {
        "champ_Q2hhbXAtMQ==": "2006-07-14", "champ_Q2hhbXAtMg==": ["75001", "75056"],
        "champ_Q2hhbXAtMw==": "Je suis au lycée"})]


def test_a_refusal_is_said_in_french_with_the_plain_link(app_factory, tmp_path, standin):
    host = f"127.0.0.1:{standin.server_address[1]}"
    person = journey(app_factory, tmp_path, service_text(standin, 99), [host])
    page = person.post("/s/bafa/resultat/demarche/aide-bafa/0")
    html = page.get_data(as_text=True)
    assert page.status_code == 502 and "a refusé de créer le dossier (erreur 404)" in html
    assert f'href="{origin(standin)}/commencer/aide-bafa"' in html


def test_a_site_that_does_not_answer_is_said_in_french(app_factory, tmp_path, standin):
    closed = f"127.0.0.1:{free_port()}"
    text = service_text(standin, 42).replace(origin(standin), f"http://{closed}")
    person = journey(app_factory, tmp_path, text, [closed])
    page = person.post("/s/bafa/resultat/demarche/aide-bafa/0")
    assert page.status_code == 502 and "n'a pas répondu à temps" in page.get_data(as_text=True).replace("&#39;", "'")


def test_the_api_is_only_called_on_the_allowed_hosts(app_factory, tmp_path, standin):
    person = journey(app_factory, tmp_path, service_text(standin, 42), ["www.demarches-simplifiees.fr"])
    page = person.post("/s/bafa/resultat/demarche/aide-bafa/0")
    assert page.status_code == 502 and standin.posted == []
    assert "pas permis" in page.get_data(as_text=True)


def test_a_demarche_only_takes_questions_of_the_service(standin):
    from builder.format.loader import check_service_text
    text = service_text(standin).replace("statut: Q2hhbXAtMw==", "statu: Q2hhbXAtMw==")
    problems = [problem.format() for problem in check_service_text(text, "bafa.yaml")]
    assert len(problems) == 1 and "« statu » n'est pas une question de ce service" in problems[0]
