"""Every example of every registered block type drawn on a real step page, by the type's
own template: its wrapper, its field under its own id, and an error summary whose links
land on the page (the first radio button or box carries the field's id)."""

from __future__ import annotations

import re

import pytest
import yaml

from blocks import REGISTRY
from builder.serving import publish_files


def service_text(block_type) -> tuple[str, list[dict]]:
    """A service with one step per example of ``block_type``; its file and its blocks."""
    blocks = [{"type": block_type.name, **example.block, "id": f"{example.block['id']}_{index}"}
              for index, example in enumerate(block_type.examples)]
    steps = [{"id": f"etape-{index}", "title": f"Étape {index}", "blocks": [block]}
             for index, block in enumerate(blocks)]
    data = {"tremplin": 1, "id": "essai", "title": "Essai", "languages": ["fr"], "steps": steps}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False), blocks


@pytest.mark.parametrize("block_type", list(REGISTRY), ids=lambda block_type: block_type.name)
def test_every_example_is_drawn_by_its_template_and_its_errors_are_linked(app, tmp_path, block_type):
    text, blocks = service_text(block_type)
    (tmp_path / "essai.yaml").write_text(text, encoding="utf-8")
    assert publish_files(app, [tmp_path / "essai.yaml"]) == ["essai"]
    person = app.test_client()
    person.post("/s/essai/commencer")
    for index, block in enumerate(blocks):
        url = f"/s/essai/etape/etape-{index}"
        page = person.get(url).get_data(as_text=True)
        assert f'id="bloc-{block["id"]}"' in page
        if not block_type.is_question:
            continue
        assert page.count(f'id="{block["id"]}"') == 1, "the field, or its first option, carries the id"
        sent = person.post(url, data={"_shown": [block["id"]]})
        if sent.status_code == 422:  # a required question left blank
            html = sent.get_data(as_text=True)
            for target in re.findall(r'<div class="error-summary".*?href="#([^"]+)"', html, re.S):
                assert f'id="{target}"' in html
