"""Write the French catalog of the interface's plurals, then compile it.

The interface is written in French: its ``msgid``\\ s are the French texts, and a text
without a French catalog is shown as written. But without a catalog gettext knows no
plural rule but English's, where 0 takes the plural (« 0 exemples »); French says
« 0 exemple ». This catalog holds each plural text of ``builder/translations/messages.pot``
as its own translation, under French's rule (``plural=(n > 1)``).

    python scripts/french_plurals.py      # after extracting (docs/translations.md)

tests/test_i18n.py fails when a plural text is missing here.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "builder" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
FRENCH = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"


# gettext's rule for French (CLDR's has a third form, for millions, that gettext tools lack).
PLURAL_FORMS = "nplurals=2; plural=(n > 1);"


def french_plurals(template: Catalog) -> Catalog:
    """A French catalog of the plural messages of ``template``, each its own translation."""
    catalog = Catalog(project="Tremplin", fuzzy=False, creation_date=template.creation_date,
                      revision_date=template.creation_date, header_comment="# The interface's plurals under "
                      "French's rule, written by scripts/french_plurals.py: do not edit.")
    catalog.mime_headers = [("Language", "fr"), ("Plural-Forms", PLURAL_FORMS),
                            ("Content-Type", "text/plain; charset=utf-8")]
    for message in template:
        if message.id and message.pluralizable:
            catalog.add(message.id, string=tuple(message.id), locations=message.locations,
                        flags=message.flags, auto_comments=message.auto_comments)
    return catalog


def main() -> None:
    """Read the template, write the French catalog and its compiled ``.mo`` beside it."""
    with TEMPLATE.open("rb") as source:
        template = read_po(source)
    catalog = french_plurals(template)
    FRENCH.parent.mkdir(parents=True, exist_ok=True)
    with FRENCH.open("wb") as out:
        write_po(out, catalog, width=79, sort_by_file=True, omit_header=False, include_previous=False)
    with FRENCH.with_suffix(".mo").open("wb") as out:
        write_mo(out, catalog)
    print(f"{FRENCH.relative_to(TRANSLATIONS.parent.parent)}: {len(catalog)} plurals")


if __name__ == "__main__":
    main()
