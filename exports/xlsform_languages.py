"""XLSForm languages (``label::Français (fr)``, ``label:English``) and Tremplin's two-letter codes.

XLSForm names a language in a column header, ideally with its code in brackets
(``English (en)``), often by its name only (``English``, ``french``). Tremplin keys texts
by two-letter code. :func:`language_code` reads one from the other; :data:`LANGUAGE_NAMES`
gives the header to write for a code when exporting.
"""

from __future__ import annotations

import re
import unicodedata

_IN_BRACKETS = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*\)\s*$")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
# Language names (in English and in the language itself) and ISO 639-2 codes → ISO 639-1.
NAMES_TO_CODES = {
    "english": "en", "anglais": "en", "eng": "en",
    "french": "fr", "francais": "fr", "fra": "fr", "fre": "fr",
    "spanish": "es", "espanol": "es", "castellano": "es", "spa": "es",
    "portuguese": "pt", "portugues": "pt", "por": "pt",
    "arabic": "ar", "arabe": "ar", "العربية": "ar", "ara": "ar",
    "german": "de", "deutsch": "de", "allemand": "de", "deu": "de", "ger": "de",
    "italian": "it", "italiano": "it", "italien": "it", "ita": "it",
    "dutch": "nl", "nederlands": "nl", "nld": "nl",
    "swahili": "sw", "kiswahili": "sw", "swa": "sw",
    "russian": "ru", "rus": "ru", "chinese": "zh", "zho": "zh", "chi": "zh",
    "hindi": "hi", "hin": "hi", "bengali": "bn", "bangla": "bn", "ben": "bn",
    "hausa": "ha", "hau": "ha", "yoruba": "yo", "yor": "yo", "igbo": "ig", "ibo": "ig",
    "amharic": "am", "amh": "am", "somali": "so", "som": "so", "turkish": "tr", "tur": "tr",
    "ukrainian": "uk", "ukr": "uk", "polish": "pl", "pol": "pl", "romanian": "ro", "ron": "ro",
    "nepali": "ne", "nep": "ne", "urdu": "ur", "urd": "ur", "persian": "fa", "farsi": "fa", "fas": "fa",
    "pashto": "ps", "pus": "ps", "indonesian": "id", "ind": "id", "vietnamese": "vi", "vie": "vi",
    "tigrinya": "ti", "tir": "ti", "wolof": "wo", "wol": "wo", "lingala": "ln", "lin": "ln",
    "kinyarwanda": "rw", "kin": "rw", "malagasy": "mg", "mlg": "mg", "bambara": "bm", "bam": "bm",
    "fula": "ff", "fulfulde": "ff", "ful": "ff", "tamil": "ta", "tam": "ta", "thai": "th", "tha": "th",
    "japanese": "ja", "jpn": "ja", "korean": "ko", "kor": "ko", "greek": "el", "ell": "el",
    "haitian": "ht", "creole": "ht", "hat": "ht",
}
# How a language is written in the header of an exported XLSForm: « Français (fr) ».
LANGUAGE_NAMES = {
    "fr": "Français", "en": "English", "es": "Español", "pt": "Português", "ar": "العربية",
    "de": "Deutsch", "it": "Italiano", "nl": "Nederlands", "sw": "Kiswahili", "ru": "Русский",
    "zh": "中文", "tr": "Türkçe", "uk": "Українська", "pl": "Polski", "ro": "Română",
}


def language_code(tag: str | None) -> str | None:
    """The two-letter code of an XLSForm language tag, None when it has none we know:
    ``Français (fr)`` → ``fr``, ``English`` → ``en``, ``eng`` → ``en``, ``Tetun`` → None."""
    if not tag:
        return None
    found = _IN_BRACKETS.search(tag)
    if found:
        code = found.group(1).lower()
        return code if len(code) == 2 else NAMES_TO_CODES.get(code)
    plain = _plain(tag)
    if _TWO_LETTERS.fullmatch(plain):
        return plain
    return NAMES_TO_CODES.get(plain)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def language_header(code: str) -> str:
    """The language part of an exported header: ``Français (fr)``."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"
