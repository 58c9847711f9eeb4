"""The three data contracts (MISSION.md): column names and order are public API.

documents : one row per article
mentions  : one row per mention of a gazetteer entity
entities  : one row per gazetteer entity (the gazetteer as a frame)

Everything downstream (time series, evidence, co-occurrence, tone) is computed from these.
"""

from __future__ import annotations

DOCUMENT_COLUMNS = [
    "doc_id",  # str, unique, stable (file stem or given id)
    "date",  # datetime64[ns], NaT when unknown
    "date_source",  # "header" | "html" | "metadata" | "field" | "missing"
    "date_note",  # what to know about the date (ambiguous, time zone, from a URL ...), or ""
    "title",
    "text",
    "source",  # outlet, may be ""
    "url",
    "language",  # ISO 639-1 code the source declares ("en"), or "" when it declares none
    "path",
    "n_words",
    "duplicate_of",  # doc_id of the first copy, or "" when unique
    "warnings",  # "; "-joined hygiene warnings, or ""
]

DATE_SOURCES = ("header", "html", "metadata", "field", "missing")

MENTION_COLUMNS = [
    "doc_id",
    "date",
    "field",  # "title" | "text"
    "sentence_id",  # 0-based sentence number within the field
    "start",  # char offsets into documents[field]: text[start:end] == surface
    "end",
    "surface",
    "entity_id",
    "entity",  # the entity's display name
    "kind",  # "actor" | "weapon"
    "category",
]

MENTION_FLAGS = [
    "metonym",  # True when the alias is a metonym (counted only with metonyms switched on)
    "match",  # how it matched: one of MATCH_KINDS
]
"""Columns every mentions frame carries after MENTION_COLUMNS."""

MATCH_KINDS = ("exact", "variant", "fuzzy", "pattern")
"""exact: an alias as written (up to spacing, quotes, brackets, possessive, plural, and case for
a lower-case alias); variant: a generated form (hyphen and space forms, ALL CAPS or title case
of a capitalised alias, transliteration and diacritic variants); fuzzy: the near-name pass;
pattern: a numbered unit or a ranked person the gazetteer does not list, read from its shape
(``analysis.unlisted``)."""

ENTITY_COLUMNS = [
    "id",
    "name",
    "kind",
    "category",
    "parent",  # id of the parent entity, or ""
    "aliases",  # tuple of alias strings
    "case",  # "sensitive" | "insensitive" | "auto"
    "exclusions",  # tuple of phrases that are NOT this entity
    "metonyms",  # tuple of metonym aliases (Washington = United States), counted only on request
    "wikidata",  # "" or a Wikidata id (Q...), so results join other data
    "transliterated",  # True: transliteration variants of the aliases are generated
    "title_case",  # True: ALL-CAPS acronyms also match in title case ("Nato", "Himars")
    "context",  # tuple of rules {aliases, require, veto, within}: senses decided by context
    "shared",  # tuple of aliases shared with the same body of other states ("Navy", "Senate"):
    # counted as this entity only when the mention's owner state is this entity's state
    "domains",  # tuple of a state's top-level web domains ("ru"; "gov", "mil"): a document
    # published there has this state as its home (the owner of its bare "Navy", "Senate")
]

KINDS = ("actor", "weapon")

MENTION_INPUTS = ("doc_id", "date", "title", "text", "url", "duplicate_of")
"""The document columns mention extraction reads (the url: a page's web domain gives the home
state of its bare shared names such as "Navy")."""

FIELDS = ("title", "text")
"""The text fields of a document that mentions are found in, in the order they are reported."""

NO_ACTION = "none"
"""The action class of an actor-weapon pair that no listed action word links."""
NO_ACTION_LABEL = "no action word"
"""How charts and tables name :data:`NO_ACTION`."""


def require_columns(frame, columns, name: str) -> None:
    """Raise an InputError naming ``name`` and every one of ``columns`` that ``frame`` lacks."""
    from analysis.errors import InputError

    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(f"{name}: missing column(s) {', '.join(missing)}")
