"""The ``type`` column of an XLSForm survey, read as pyxform reads it.

``select_one fruits or_other``, ``select one from fruits``, ``begin_group``,
``begin repeat``, ``add integer prompt``, ``get today``… all come down to a
:class:`RowType`: a base type (one of :data:`BASES`), the list of choices or the file
it names, and whether « other » is offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Old and alternative spellings of pyxform's base types.
ALIASES = {
    "string": "text", "q string": "text", "add text prompt": "text",
    "int": "integer", "q int": "integer", "add integer prompt": "integer",
    "q decimal": "decimal", "add decimal prompt": "decimal",
    "q date": "date", "add date prompt": "date",
    "datetime": "datetime", "date time": "datetime", "q datetime": "datetime",
    "add date time prompt": "datetime", "add datetime prompt": "datetime",
    "q note": "note", "add note prompt": "note",
    "trigger": "acknowledge", "q acknowledge": "acknowledge", "add acknowledge prompt": "acknowledge",
    "q calculate": "calculate", "add calculate prompt": "calculate",
    "gps": "geopoint", "location": "geopoint", "q location": "geopoint", "q geopoint": "geopoint",
    "add location prompt": "geopoint", "q geoshape": "geoshape", "q geotrace": "geotrace",
    "photo": "image", "q image": "image", "q picture": "image", "add image prompt": "image",
    "add photo prompt": "image", "q audio": "audio", "add audio prompt": "audio",
    "q video": "video", "add video prompt": "video", "add file prompt": "file",
    "q barcode": "barcode", "add barcode prompt": "barcode",
    "start time": "start", "get start time": "start", "end time": "end", "get end time": "end",
    "get today": "today", "imei": "deviceid", "device id": "deviceid", "get device id": "deviceid",
    "uri:deviceid": "deviceid", "sim id": "simserial", "get sim id": "simserial", "uri:simserial": "simserial",
    "subscriber id": "subscriberid", "get subscriber id": "subscriberid", "uri:subscriberid": "subscriberid",
    "phone number": "phonenumber", "get phone number": "phonenumber", "uri:phonenumber": "phonenumber",
    "uri:username": "username", "uri:email": "email",
    "set form title": "set_form_title", "set form id": "set_form_id",
}
QUESTIONS = frozenset({"text", "integer", "decimal", "range", "date", "datetime", "time", "note",
                       "acknowledge", "select_one", "select_multiple", "rank", "calculate"})
FILE_SELECTS = frozenset({"select_one_from_file", "select_multiple_from_file", "select_one_external",
                          "select_multiple_external"})
CAPTURES = frozenset({"geopoint", "geotrace", "geoshape", "start-geopoint", "image", "audio", "video",
                      "file", "barcode", "background-audio", "background-geopoint", "osm"})
METADATA = frozenset({"start", "end", "today", "deviceid", "simserial", "subscriberid", "phonenumber",
                      "username", "email", "audit", "instanceid"})
DROPPED = frozenset({"hidden", "xml-external", "csv-external", "include", "entity"})
SETTINGS_ROWS = frozenset({"set_form_title", "set_form_id"})
_SELECT = re.compile(
    r"(?P<kind>select_one_from_file|select_multiple_from_file|select one from file|select multiple from file"
    r"|select_one_external|select one external|select_multiple_external|select_one|select_multiple"
    r"|select1|add select one prompt using|add select multiple prompt using|select one using"
    r"|select multiple using|select one from|select all that apply from|select multiple from"
    r"|select one|select all that apply|q select1|q select|rank)"
    r"\s+(?P<list>\S+)(?:\s+(?P<other>or_other|or specify other))?")
_SELECT_KINDS = {
    "select_one_from_file": "select_one_from_file", "select one from file": "select_one_from_file",
    "select_multiple_from_file": "select_multiple_from_file",
    "select multiple from file": "select_multiple_from_file",
    "select_one_external": "select_one_external", "select one external": "select_one_external",
    "select_multiple_external": "select_multiple_external", "rank": "rank",
}
_GROUP = re.compile(r"(?P<edge>begin|end)[ _](?P<kind>group|repeat|loop|looped group|lgroup)(?: over \S+)?")


@dataclass(frozen=True)
class RowType:
    """A survey row's type: ``base`` (``text``, ``select_one``, ``begin_group``…), the
    list of choices or file (``list_name``), ``or_other``, and the type as written."""

    base: str
    written: str
    list_name: str = ""
    or_other: bool = False

    @property
    def is_select(self) -> bool:
        """A question answered from a list of the choices sheet."""
        return self.base in ("select_one", "select_multiple", "rank")


def parse_type(written: str) -> RowType:
    """The :class:`RowType` of a ``type`` cell (an empty cell gives base ``""``)."""
    text = " ".join(written.split())
    lowered = text.lower()
    group = _GROUP.fullmatch(lowered)
    if group:
        kind = "group" if group.group("kind") == "group" else "repeat"
        return RowType(f"{group.group('edge')}_{kind}", text)
    if re.fullmatch(r"(begin|end)[ _]\S.*", lowered):  # begin_kobomatrix, begin_score, begin dancing…
        return RowType(f"{lowered[:3] if lowered.startswith('end') else 'begin'}_other", text)
    select = _SELECT.fullmatch(text) or _SELECT.fullmatch(_lower_keyword(text))
    if select:
        return _select(select, text)
    base = ALIASES.get(lowered, lowered)
    if base.startswith("osm "):  # an OpenStreetMap question names its tag list
        base = "osm"
    return RowType(base, text)


def _lower_keyword(text: str) -> str:
    """``Select one from Sources`` → ``select one from Sources`` (the list name keeps its case)."""
    words = text.split(" ")
    return " ".join(word.lower() if index < len(words) - 1 else word for index, word in enumerate(words))


def _select(match: re.Match, text: str) -> RowType:
    kind = match.group("kind").lower()
    if kind in _SELECT_KINDS:
        base = _SELECT_KINDS[kind]
    elif "one" in kind or kind == "select1" or kind == "q select1":
        base = "select_one"
    else:
        base = "select_multiple"
    return RowType(base, text, match.group("list"), bool(match.group("other")))
