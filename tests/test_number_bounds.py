"""Numbers have bounds (15 digits, finite): an answer beyond them is refused with a clear
message, a computed value beyond them is « trop grand pour être calculé » on the result
page, never a 500."""

from __future__ import annotations

import pytest

from builder.db import get_db
from builder.storage import services as published

SERVICE = """\
tremplin: 1
id: calcul
title: Un calcul
computed:
  carre: nombre * nombre
steps:
  - id: vous
    title: Vous
    blocks:
      - {type: number, id: nombre, label: Un nombre}
outcomes:
  - id: positif
    title: Le carré est positif
    when: carre > 0
"""


@pytest.fixture
def person(app):
    with app.app_context():
        published.publish(get_db(), "calcul", SERVICE)
    person = app.test_client()
    assert person.post("/s/calcul/commencer").status_code == 303
    return person


def answer(person, value: str):
    return person.post("/s/calcul/etape/vous", data={"nombre": value, "_shown": "nombre"})


def test_a_number_of_4301_digits_is_refused_with_a_clear_message(app, person):
    response = answer(person, "1" * 4301)
    assert response.status_code == 422
    assert "Écrivez un nombre de 15 chiffres au plus." in response.get_data(as_text=True)
    assert answer(person, "999 999 999 999 999").status_code == 303


def test_a_computed_value_out_of_bounds_is_explained_on_the_result_page(app, person):
    assert answer(person, "100000000000000").status_code == 303  # 10^14: its square has 29 digits
    page = person.get("/s/calcul/resultat")
    assert page.status_code == 200
    assert "nombre trop grand pour être calculé" in page.get_data(as_text=True)

