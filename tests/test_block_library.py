"""The library of reusable blocks and the expansion of ``use:`` entries."""

from __future__ import annotations

import pytest

from blocks import REGISTRY
from blocks.params import ID_PATTERN
from blocks.library import check_use, expand_use, library_blocks, library_names
from builder.messages import Problem

NAMES = library_names()
BLOCKS = [pytest.param(name, block, id=f"{name}-{block['id']}")
          for name in NAMES for block in library_blocks(name)]


def ids(blocks: list[dict]) -> list[str]:
    return [block["id"] for block in blocks]


def test_the_library_has_the_blocks_of_the_design():
    assert {"identite", "coordonnees", "adresse", "consentement", "avis"} <= set(NAMES)
    assert ids(library_blocks("identite")) == ["prenom", "nom", "date_naissance"]
    assert ids(library_blocks("coordonnees")) == ["email", "telephone"]
    assert ids(library_blocks("adresse")) == ["adresse", "code_postal", "commune"]
    assert ids(library_blocks("consentement")) == ["consentement"]
    assert ids(library_blocks("avis")) == ["satisfaction", "commentaire"]


@pytest.mark.parametrize("name,block", BLOCKS)
def test_library_blocks_are_valid_blocks(name, block):
    assert block["type"] in REGISTRY
    block_type = REGISTRY.get(block["type"])
    problems = block_type.check_block(block_type.normalize(block))
    assert [problem.message() for problem in problems] == []
    assert ID_PATTERN.fullmatch(block["id"])
    assert "show_if" not in block, "library blocks stand alone"


@pytest.mark.parametrize("name,block", BLOCKS)
def test_library_texts_exist_in_french_and_english(name, block):
    for key in ("label", "hint", "body"):
        if key in block:
            assert set(block[key]) == {"fr", "en"}, key


@pytest.mark.parametrize("name", NAMES)
def test_ids_are_unique_within_a_library_block(name):
    assert len(set(ids(library_blocks(name)))) == len(library_blocks(name))


def test_consent_explains_the_use_of_data():
    consent, = library_blocks("consentement")
    assert consent["type"] == "consent" and consent["id"] == "consentement"
    body = consent["body"]["fr"]
    assert "effaçons" in body and "demander" in body


def test_avis_is_a_satisfaction_scale_and_an_optional_comment():
    satisfaction, comment = library_blocks("avis")
    assert satisfaction["type"] == "choice"
    assert [option["value"] for option in satisfaction["options"]] == list("12345")
    assert satisfaction["options"][0]["label"]["fr"] == "1 – Pas du tout satisfait·e"
    assert satisfaction["options"][4]["label"]["fr"] == "5 – Très satisfait·e"
    assert comment["type"] == "textarea" and comment["required"] is False


def test_library_blocks_are_fresh_copies():
    library_blocks("identite")[0]["id"] = "changed"
    assert library_blocks("identite")[0]["id"] == "prenom"


def test_unknown_library_name_is_a_key_error():
    with pytest.raises(KeyError):
        library_blocks("inconnu")


def test_use_inserts_every_block():
    assert expand_use({"use": "coordonnees"}) == library_blocks("coordonnees")


def test_only_keeps_some_blocks_in_library_order():
    blocks = expand_use({"use": "identite", "only": ["date_naissance", "prenom"]})
    assert ids(blocks) == ["prenom", "date_naissance"]


def test_prefix_renames_ids():
    blocks = expand_use({"use": "identite", "only": ["nom"], "prefix": "parent_"})
    assert ids(blocks) == ["parent_nom"]
    assert library_blocks("identite")[1]["id"] == "nom"


def test_unknown_name_suggests_the_closest():
    with pytest.raises(Problem) as caught:
        expand_use({"use": "coordonnes"}, path=("steps", 0, "blocks", 2))
    assert caught.value.path == ("steps", 0, "blocks", 2, "use")
    assert caught.value.message() == ("Le bloc réutilisable « coordonnes » n'existe pas. "
                                      "Vouliez-vous dire « coordonnees » ?")
    assert caught.value.message("en") != caught.value.message()


def test_unknown_name_without_a_close_one_lists_the_library():
    with pytest.raises(Problem) as caught:
        expand_use({"use": "zzz"})
    assert all(name in caught.value.message() for name in NAMES)


@pytest.mark.parametrize("entry,path,needle", [
    ({"use": "identite", "only": ["prenom", "age"]}, ("only", 1), "« age »"),
    ({"use": "identite", "only": "prenom"}, ("only",), "only"),
    ({"use": "identite", "prefix": "Parent-"}, ("prefix",), "« Parent- »"),
    ({"use": "identite", "prefix": "2_"}, ("prefix",), "« 2_ »"),
    ({"use": "identite", "show_if": "age > 18"}, ("show_if",), "« show_if »"),
    ({"use": ["identite"]}, ("use",), "use"),
])
def test_wrong_use_entries(entry, path, needle):
    with pytest.raises(Problem) as caught:
        expand_use(entry, path=("blocks", 0))
    assert caught.value.path == ("blocks", 0, *path)
    assert needle in caught.value.message()
    assert caught.value.message("en") != caught.value.message()


def test_check_use_reports_every_problem():
    problems = check_use({"use": "identite", "only": ["age"], "prefix": "X", "titre": "t"})
    assert {problem.path for problem in problems} == {("titre",), ("only", 0), ("prefix",)}
    assert check_use({"use": "avis", "only": ["commentaire"], "prefix": "x_"}) == []
