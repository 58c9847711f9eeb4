"""The gazetteer: actors and weapons, their aliases, case rules, exclusions, senses and taxonomy.

The default list ships as readable YAML files, one per theme, in ``analysis/data/gazetteer/``
(its README gives the format); users extend or override it with their own YAML or a CSV (one
row per alias: ``entity,kind,category,alias``, optional ``id``, ``parent``, ``case``,
``exclusion``, ``metonym``). An entity whose ``id`` exists is merged into it (``replace:
true`` replaces it). Problems are one-line InputErrors naming the file and the entity.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis import config
from analysis.errors import InputError, warn
from analysis.schema import ENTITY_COLUMNS, KINDS

CASE_RULES = ("auto", "sensitive", "insensitive")
# libyaml's safe loader (shipped in PyYAML's wheels) parses the default gazetteer ~10x faster
# than the pure-Python one; both accept the same YAML and build only plain data.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WITHIN = ("sentence", "document", "next", "previous")
"""Where a context rule looks for its words: the mention's sentence, its whole document, or the
words right after or right before it ("US military" + "aid"; "assault" + "weapons")."""

ENTITY_KEYS = (
    "id", "name", "kind", "category", "parent", "aliases", "case", "exclusions", "metonyms",
    "wikidata", "transliterated", "title_case", "context", "shared", "domains", "replace",
)  # fmt: skip
CONTEXT_KEYS = ("aliases", "require", "veto", "within", "becomes")
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")

# The categories the default gazetteer uses; users may add others (lint only notes them).
ACTOR_CATEGORIES = (
    "person",
    "state",
    "region",
    "organisation",
    "company",
    "alliance",
    "government-body",
    "armed-forces",
    "media",
)
WEAPON_CATEGORIES = (
    "air-defence system",
    "anti-tank missile",
    "ballistic missile",
    "cruise missile",
    "rocket artillery",
    "artillery",
    "armour",
    "aircraft",
    "drone",
    "munitions",
    "naval",
    "small arms",
    "nuclear weapon",
    "generic",
)


def normalise_alias(alias: str) -> str:
    """NFC, one space between words, no surrounding space: the form aliases are compared in."""
    return " ".join(unicodedata.normalize("NFC", str(alias)).split())


def alias_variants(alias: str) -> list[str]:
    """The alias and its generated hyphen variants ("F-16" -> "F-16", "F 16", "F16")."""
    variants = [alias]
    if re.search(r"\w-\w", alias):
        variants.append(re.sub(r"(?<=\w)-(?=\w)", " ", alias))
        variants.append(re.sub(r"(?<=\w)-(?=\w)", "", alias))
    return list(dict.fromkeys(variants))


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """A validated gazetteer.

    Attributes
    ----------
    entities : DataFrame with ENTITY_COLUMNS (id, name, kind, category, parent, aliases, case,
        exclusions, metonyms: the aliases used only when metonyms are switched on).
    sources : the files it was built from, in order.
    hash : short sha256 of the normalised content (changes when any entity changes).
    """

    entities: pd.DataFrame
    sources: tuple[str, ...] = ()
    hash: str = ""
    notes: tuple[str, ...] = field(default=())
    near_names: tuple[tuple[str, str], ...] = ()
    """(entity_id, spelling) pairs a near-name pass found in a corpus: counted with ``match``
    "fuzzy" (see :func:`with_near_names`)."""

    def __len__(self) -> int:
        return len(self.entities)

    # Equal content, equal gazetteer: a copy unpickled on a worker hits the same compiled
    # matcher (analysis.mentions caches on this). One built by hand has no hash: identity.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Gazetteer):
            return NotImplemented
        if self.hash and other.hash:
            return self.hash == other.hash
        return self is other

    def __hash__(self) -> int:
        return hash(self.hash) if self.hash else id(self)

    def entity(self, key: str) -> pd.Series:
        """One entity by id or (case-insensitive) name."""
        rows = self.entities[
            (self.entities["id"] == key) | (self.entities["name"].str.casefold() == key.casefold())
        ]
        if rows.empty:
            raise KeyError(f"no entity {key!r} in the gazetteer")
        return rows.iloc[0]


def _as_tuple(value, *, where: str, name: str, problems: list[str]) -> tuple[str, ...]:
    """A list field's entries, normalised; each bad entry is one problem and is left out."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        # "aliases: Hellfire, Hellfire missile" is one string to YAML, not two aliases.
        parts = ", ".join(p.strip() for p in value.split(",") if p.strip())
        problems.append(
            f"{where}: field {name!r} is the text {value!r}, not a list; write [{parts}]"
        )
        return ()
    if not isinstance(value, list | tuple):
        problems.append(f"{where}: field {name!r} must be a list of strings, got {value!r:.60}")
        return ()
    items = []
    for number, item in enumerate(value, start=1):
        text = _entry_text(item, where=f"{where}: field {name!r}", number=number, problems=problems)
        if text is not None:
            items.append(text)
    return tuple(dict.fromkeys(items))


_HIDDEN = ("Cc", "Cf", "Co", "Cs")  # controls, format (zero-width, direction), private, surrogates
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # a letter or a digit of any script


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def _entry_text(item, *, where: str, problems: list[str], number: int = 0) -> str | None:
    """One string entry (an alias, a word), or None after recording why it cannot be one.

    ``where`` names the field; ``number`` the entry's place in its list (0: a single value).
    """
    at = f"{where}: entry {number}" if number else where
    if isinstance(item, list | tuple | dict):
        shape = "a mapping" if isinstance(item, dict) else "a nested list"
        problems.append(f"{at} is {shape} {item!r:.60}; each entry must be one string")
        return None
    if isinstance(item, bool):
        problems.append(f"{at} is {item!r} (YAML reads yes/no/on/off so); quote it")
        return None
    text = normalise_alias(item) if item is not None else ""
    if not text:
        problems.append(f"{where} has an empty entry" + (f" (entry {number})" if number else ""))
        return None
    # Invisible characters (zero-width space and joiners, soft hyphen, BOM, the direction marks
    # and overrides) would make an alias that looks right and matches nothing.
    hidden = [] if text.isprintable() else [c for c in text if unicodedata.category(c) in _HIDDEN]
    if hidden:
        problems.append(
            f"{at} {text!r} contains {_describe(hidden[0])}, an invisible character; remove it"
        )
        return None
    if not _LETTER_OR_DIGIT.search(text):
        problems.append(f"{at} {text!r} has no letter or digit; it would match punctuation")
        return None
    return text


def slug(text: str) -> str:
    """An id made from a name: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


# Endings that English renderings of one Slavic ending alternate between (Zelensky, Zelenskyy,
# Zelenskiy, Zelenskyi, Zelenskii, Zelenski): each family is generated whole from any member.
_ENDING_FAMILIES = (
    ("skyy", "skyi", "skiy", "skii", "sky", "ski"),
    ("yy", "yi", "iy", "ii", "y"),
)
_TITLE_CASE_STOP = frozenset({"Swift", "Hawk", "Aid", "Isis", "Mast", "Spear", "Star", "Rapid"})
"""ALL-CAPS aliases whose title-case form is a common word or name: never matched that way."""


def transliteration_variants(alias: str) -> list[str]:
    """Spellings of a transliterated name that English news alternates between.

    Each word ending in a member of an ending family is rewritten with every other member
    ("Zelenskyy" -> "Zelensky", "Zelenskiy", "Zelenski" ...; "Syrskyi" -> "Syrsky" ...). Only
    the ends of words change, and only where at least three letters precede the ending, so
    short words and initials are left alone. The alias itself comes first.
    """
    words = alias.split(" ")
    options = []
    for word in words:
        forms = [word]
        # The ending is the whole run of y/i at the end, so every member of a family has the
        # same stem and generating from any member gives the same family.
        base = word.rstrip("yiYI")
        run = word[len(base) :].lower()
        family = None
        if base.lower().endswith("sk") and "sk" + run in _ENDING_FAMILIES[0]:
            family, stem = _ENDING_FAMILIES[0], base[:-2]
        elif run in _ENDING_FAMILIES[1]:
            family, stem = _ENDING_FAMILIES[1], base
        if family is not None and word.isalpha() and len(stem) >= 3:
            ending = word[len(stem) :].lower()
            forms += [stem + other for other in family if other != ending]
        options.append(forms)
    variants = [""]
    for forms in options:
        variants = [f"{v} {f}".strip() for v in variants for f in forms][:64]
    return list(dict.fromkeys([alias, *variants]))


def title_case_form(alias: str) -> str | None:
    """ "Nato" for "NATO": the title-case form of a one-word acronym of 4+ capital letters."""
    if len(alias) >= 4 and alias.isascii() and alias.isalpha() and alias.isupper():
        form = alias.title()
        return None if form in _TITLE_CASE_STOP else form
    return None


def _unknown_key(key: str, known: Iterable[str], where: str) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; use {', '.join(known)}"
    return f"{where}: unknown key {key!r}{hint}"


def _flag(value, *, where: str, name: str, problems: list[str]) -> bool | None:
    if value is None or value == "":
        return None
    if not isinstance(value, bool):
        problems.append(f"{where}: field {name!r} must be true or false, got {value!r:.60}")
        return None
    return value


def _context_rules(value, *, where: str, problems: list[str]) -> tuple[dict, ...]:
    """Context rules: which aliases need (``require``) or may not have (``veto``) which words."""
    if value in (None, ""):
        return ()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{where}: field 'context' must be a list of rules")
        return ()
    rules = []
    for number, raw in enumerate(value, start=1):
        at = f"{where}: context rule {number}"
        if not isinstance(raw, dict):
            problems.append(f"{at} must be a mapping with require/veto, aliases and within")
            continue
        problems.extend(
            _unknown_key(key, CONTEXT_KEYS, at) for key in raw if key not in CONTEXT_KEYS
        )
        rule = {
            key: _as_tuple(raw.get(key), where=at, name=key, problems=problems)
            for key in ("aliases", "require", "veto")
        }
        rule["within"] = str(raw.get("within") or "sentence")
        rule["becomes"] = str(raw.get("becomes") or "")
        if not rule["require"] and not rule["veto"]:
            problems.append(f"{at} has neither 'require' nor 'veto' words")
        elif rule["becomes"] and (rule["veto"] or not rule["require"]):
            problems.append(f"{at}: 'becomes' goes with 'require' words only (no 'veto')")
        elif rule["within"] not in WITHIN:
            problems.append(f"{at}: 'within' is {rule['within']!r}; use {', '.join(WITHIN)}")
        else:
            rules.append(rule)
    return tuple(rules)


def _entity_from_mapping(raw, *, path: str, number: int, problems: list[str]) -> dict | None:
    """One entity record from a mapping; its problems are recorded, with its line number."""
    if not isinstance(raw, dict):
        problems.append(
            f"{path}: entry {number} under 'entities' must be a mapping, got {raw!r:.60}"
        )
        return None
    line = getattr(raw, "line", 0)
    at = f"{path}:{line}" if line else f"{path}: entry {number}"
    name = ""
    if raw.get("name") not in (None, ""):
        name = _entry_text(raw["name"], where=f"{at}: field 'name'", problems=problems) or ""
    entity_id = str(raw.get("id") or slug(name))
    if not entity_id:
        problems.append(f"{at}: an entity has neither 'id' nor 'name'")
        return None
    where = f"{at}: entity {entity_id!r}"
    problems.extend(_unknown_key(key, ENTITY_KEYS, where) for key in raw if key not in ENTITY_KEYS)
    replace = _flag(raw.get("replace"), where=where, name="replace", problems=problems)
    record = {
        "id": entity_id,
        "_where": where,
        "_replace": bool(replace),
        "_id_given": raw.get("id") not in (None, ""),
        "_given": frozenset(k for k in raw if raw[k] not in (None, "")),
    }
    if name:
        record["name"] = name
    for key in ("kind", "category", "parent", "case"):
        if raw.get(key) in (None, ""):
            continue
        if isinstance(raw[key], list | dict):
            problems.append(f"{where}: field {key!r} must be one value, got {raw[key]!r:.60}")
            continue
        record[key] = normalise_alias(raw[key])
    for key in ("aliases", "exclusions", "metonyms", "shared", "domains"):
        record[key] = _as_tuple(raw.get(key), where=where, name=key, problems=problems)
    record["domains"] = tuple(d.lower().lstrip(".") for d in record["domains"])
    if raw.get("wikidata") not in (None, ""):
        wikidata = str(raw["wikidata"]).strip()
        if _WIKIDATA.fullmatch(wikidata):
            record["wikidata"] = wikidata
        else:
            problems.append(f"{where}: field 'wikidata' is {wikidata!r}; expected Q and digits")
    for key in ("transliterated", "title_case"):
        flag = _flag(raw.get(key), where=where, name=key, problems=problems)
        if flag is not None:
            record[key] = flag
    record["context"] = _context_rules(raw.get("context"), where=where, problems=problems)
    return record


MAX_ALIAS_EXPANSION = 10_000
"""YAML anchors and aliases (``&a`` ... ``*a``, ``<<: *a``) may add at most this many nodes to
a gazetteer file once expanded. A few repeated lists stay far below it; a "billion laughs" file
(anchors nested in anchors, 1 KB that expands to 10^9 strings) is refused before it is built."""


class _Mapping(dict):
    """A YAML mapping that remembers the line it starts on (for the error messages)."""

    line: int = 0


class _LineLoader(_YAML_LOADER):
    """The fast safe loader, with mappings that know their line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = _Mapping()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _alias_growth(root: yaml.Node, path: Path) -> int:
    """How many nodes the file's aliases add once expanded (a shared node counts each time it
    is reached), computed on the composed graph, which holds every node once."""
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        if finished:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
        elif id(node) in open_nodes:
            line = node.start_mark.line + 1
            raise InputError(f"{path}:{line}: a YAML alias refers to its own anchor (endless)")
        elif id(node) not in size:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children)
    return size[id(root)] - len(size)


_ANCHOR = re.compile(r"(?<![^\s\[{,])&\S")
"""What may start a YAML anchor (``&name`` after a space or a flow indicator); a false hit
only costs the walk."""


def _parse_yaml(text: str, path: Path):
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        # Aliases need anchors: a file without one ("AT&T" is none) skips the walk.
        if _ANCHOR.search(text) and (growth := _alias_growth(node, path)) > MAX_ALIAS_EXPANSION:
            raise InputError(
                f"{path}: YAML aliases would expand the file by {growth:,} nodes, more than the "
                f"limit of {MAX_ALIAS_EXPANSION:,}; write the lists out instead of nesting anchors"
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _read_text(path: Path) -> str:
    """The file's text; a binary or non-UTF-8 file is an InputError naming it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the gazetteer file ({error.strerror})") from None
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise InputError(f"{path}: a binary file, not a gazetteer (NUL byte at offset {offset})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the gazetteer as UTF-8"
        ) from None


def _read_yaml(path: Path, problems: list[str]) -> list[dict]:
    try:
        data = _parse_yaml(_read_text(path), path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}:{line} is not valid YAML ({error.__class__.__name__})") from None
    if isinstance(data, list):
        entries = data
    elif isinstance(data, dict) and isinstance(data.get("entities"), list):
        entries = data["entities"]
    else:
        raise InputError(f"{path}: expected a top-level 'entities:' list")
    records = []
    seen: dict[str, str] = {}
    for number, raw in enumerate(entries, start=1):
        record = _entity_from_mapping(raw, path=str(path), number=number, problems=problems)
        if record is None:
            continue
        if record["id"] in seen:
            problems.append(
                f"{record['_where']}: duplicate entity id {record['id']!r} "
                f"(first at {seen[record['id']]})"
            )
            continue
        seen[record["id"]] = record["_where"].split(": entity")[0]
        records.append(record)
    return records


def _read_csv(path: Path, problems: list[str]) -> list[dict]:
    try:
        rows = list(csv.DictReader(io.StringIO(_read_text(path), newline="")))
    except csv.Error as error:
        raise InputError(f"{path}: not a readable CSV ({error})") from None
    if not rows:
        raise InputError(f"{path}: no rows (expected columns entity,kind,category,alias)")
    columns = {c.strip().casefold() for c in rows[0] if c}
    missing = {"entity", "alias"} - columns
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(sorted(missing))} "
            f"(has {', '.join(sorted(columns))})"
        )
    grouped: dict[str, dict] = {}
    for number, row in enumerate(rows, start=2):
        row = {k.strip().casefold(): (v or "").strip() for k, v in row.items() if k}
        name = normalise_alias(row.get("entity", ""))
        if not name:
            problems.append(f"{path}:{number}: field 'entity' is empty")
            continue
        entity_id = row.get("id") or slug(name)
        entry = grouped.get(entity_id)
        if entry is None:
            # An id only where the row gives one: a row naming an entity by its display name
            # is then recognised (and refused) instead of becoming a second entity.
            entry = _Mapping(name=name, aliases=[], exclusions=[], metonyms=[])
            entry.line = number
            if row.get("id"):
                entry["id"] = row["id"]
            grouped[entity_id] = entry
        for key in ("kind", "category", "parent", "case"):
            if row.get(key):
                entry[key] = row[key]
        alias = row.get("alias", "")
        if row.get("metonym", "").casefold() in ("1", "true", "yes", "y"):
            entry["metonyms"].append(alias)
        elif alias:
            entry["aliases"].append(alias)
        elif not row.get("exclusion"):
            problems.append(f"{path}:{number}: field 'alias' is empty")
        if row.get("exclusion"):
            entry["exclusions"].append(row["exclusion"])
    records = (
        _entity_from_mapping(raw, path=str(path), number=n, problems=problems)
        for n, raw in enumerate(grouped.values(), start=1)
    )
    return [record for record in records if record is not None]


def _read_one(path: Path, problems: list[str]) -> list[dict]:
    if path.suffix.casefold() in (".csv", ".tsv"):
        return _read_csv(path, problems)
    if path.suffix.casefold() in (".yml", ".yaml", ".json"):
        return _read_yaml(path, problems)
    raise InputError(f"{path}: unknown gazetteer format (use .yml, .yaml or .csv)")


def read_entity_file(path: str | Path, problems: list[str] | None = None) -> list[dict]:
    """Raw entity records from one YAML or CSV file, or a folder of them read as one file (not
    yet merged or validated): an id defined twice in a folder is an error, as in one file.

    With a ``problems`` list every problem is appended to it and reading goes on (lint);
    without one the first problem is raised as an InputError.
    """
    collect = problems if problems is not None else []
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: gazetteer file not found")
    files = [path]
    if path.is_dir():
        suffixes = (".yml", ".yaml", ".csv")
        files = sorted(p for p in path.iterdir() if p.suffix.casefold() in suffixes)
        if not files:
            raise InputError(f"{path}: no gazetteer files (.yml, .yaml, .csv) in this folder")
    records, seen = [], {}
    for file in files:
        try:
            found = _read_one(file, collect)
        except InputError as error:
            collect.append(str(error))
            continue
        for record in found:
            if record["id"] in seen:
                collect.append(f"{record['_where']}: is also defined in {seen[record['id']]}")
                continue
            seen[record["id"]] = file.name
            records.append(record)
    if problems is None and collect:
        raise InputError(_summary(collect))
    return records


def _summary(problems: list[str]) -> str:
    """The first problem, and how many more there are: one line."""
    more = len(problems) - 1
    if not more:
        return problems[0]
    return (
        f"{problems[0]} (and {more} more problem(s); "
        "`python -m analysis gazetteer FILE --lint` lists them all)"
    )


def _lookup(records: dict[str, dict]) -> dict[str, str]:
    """Case-folded names and aliases -> entity id."""
    names: dict[str, str] = {}
    for entity_id, record in records.items():
        for text in (record.get("name", ""), *record["aliases"]):
            names.setdefault(text.casefold(), entity_id)
    return names


def _not_found(record: dict, records: dict[str, dict], names: dict[str, str]) -> str | None:
    """Why a record from a user's file cannot be a new entity, if it cannot."""
    where = record["_where"]
    name = record.get("name", "")
    if not record["_id_given"] and name.casefold() in names:
        other = names[name.casefold()]
        return (
            f"{where}: {name!r} is a name of the existing entity {other!r}; give id {other} to "
            "add to it (or another name for a new entity)"
        )
    if record["_replace"] or "kind" not in record["_given"]:
        close = difflib.get_close_matches(record["id"], list(records), n=1) or [
            names[n] for n in difflib.get_close_matches(name.casefold(), list(names), n=1)
        ]
        hint = f"; did you mean {close[0]}?" if close else "; a new entity needs a 'kind'"
        return f"{where}: no such entity{hint}"
    return None


def _merge(
    base: dict[str, dict], records: list[dict], problems: list[str], notes: list[str],
    *, extending: bool,
) -> None:  # fmt: skip
    """Merge records onto base; ``extending``: they come from a file on top of the base one."""
    names = _lookup(base) if extending else {}
    for record in records:
        old = base.get(record["id"])
        if old is None:
            problem = _not_found(record, base, names) if extending else None
            if problem:
                problems.append(problem)
            else:
                base[record["id"]] = record
            continue
        if record["_replace"]:
            base[record["id"]] = record
            continue
        merged = dict(old)
        for key in ("name", "kind", "category", "parent", "case", "wikidata", "transliterated",
                    "title_case"):  # fmt: skip
            if key in record:
                merged[key] = record[key]
        for key in ("aliases", "exclusions", "metonyms", "shared", "domains"):
            merged[key] = tuple(dict.fromkeys(old.get(key, ()) + record.get(key, ())))
        # Rules are dicts (not hashable): kept in order, a repeated one once.
        merged["context"] = tuple(
            {
                json.dumps(rule, sort_keys=True): rule
                for rule in old["context"] + record["context"]
            }.values()
        )
        if all(merged.get(k) == old.get(k) for k in merged if not k.startswith("_")):
            notes.append(
                f"{record['_where']}: adds nothing; {record['id']!r} has all of it already"
            )
        merged["_where"] = record["_where"]
        base[record["id"]] = merged


def _validate(records: dict[str, dict], problems: list[str]) -> None:
    claimed: dict[str, str] = {}
    for entity_id, record in records.items():
        where = record["_where"]
        if not record.get("name"):
            record["name"] = record["aliases"][0] if record["aliases"] else entity_id
        kind = record.get("kind", "")
        if kind not in KINDS:
            problems.append(f"{where}: field 'kind' is {kind!r}; use one of {', '.join(KINDS)}")
        case = record.setdefault("case", "auto")
        if case not in CASE_RULES:
            problems.append(
                f"{where}: field 'case' is {case!r}; use one of {', '.join(CASE_RULES)}"
            )
        record.setdefault("category", "")
        record.setdefault("parent", "")
        record.setdefault("wikidata", "")
        record.setdefault("transliterated", False)
        record.setdefault("title_case", True)
        if not record["aliases"] and not record["metonyms"]:
            problems.append(f"{where}: field 'aliases' is empty")
        for rule in record["context"]:
            unknown = [a for a in rule["aliases"] if a not in record["aliases"]]
            if unknown:
                problems.append(
                    f"{where}: a context rule names {unknown[0]!r}, which is not one of its aliases"
                )
        for alias in record["aliases"] + record["metonyms"]:
            for variant in alias_variants(alias):
                key = variant.casefold()
                owner = claimed.get(key)
                if owner is not None and owner != entity_id:
                    problems.append(
                        f"{where}: alias {variant!r} is claimed by both {owner!r} and {entity_id!r}"
                    )
                claimed[key] = entity_id
    family = {i: (r["category"], r["parent"]) for i, r in records.items()}
    stateless: dict[str, str] = {}
    for entity_id, record in records.items():
        record.setdefault("shared", ())
        record.setdefault("domains", ())
        for alias in record["shared"]:
            owner = claimed.get(alias.casefold())
            if owner is not None:
                problems.append(
                    f"{record['_where']}: shared alias {alias!r} is also an alias of {owner!r}"
                )
        if record["shared"] and not owner_state(entity_id, family):
            # An international body may bear a shared name ("Security Council": the UN's),
            # one per name: it is the name's owner when no state's own is pointed to.
            if record["category"] not in ("organisation", "alliance"):
                problems.append(
                    f"{record['_where']}: shared aliases need an owner: a 'parent' chain that "
                    "reaches a state, or an international organisation"
                )
            for alias in record["shared"]:
                other = stateless.setdefault(alias.casefold(), entity_id)
                if other != entity_id:
                    problems.append(
                        f"{record['_where']}: shared alias {alias!r} has two bearers without a "
                        f"state: {other!r} and {entity_id!r}"
                    )
    for record in records.values():
        for rule in record["context"]:
            target = rule.get("becomes", "")
            if target and records.get(target, {}).get("kind") != record.get("kind"):
                problems.append(
                    f"{record['_where']}: a context rule 'becomes' {target!r}, which is not "
                    f"a known {record.get('kind')}"
                )
        parent = record["parent"]
        if parent and parent not in records:
            problems.append(f"{record['_where']}: field 'parent' names unknown entity {parent!r}")
        elif parent and records[parent].get("kind") != record.get("kind"):
            problems.append(
                f"{record['_where']}: parent {parent!r} is a {records[parent].get('kind')}, "
                f"not a {record.get('kind')}"
            )


def owner_state(entity_id: str, family: dict[str, tuple[str, str]]) -> str:
    """The state an entity belongs to: itself when it is one, else the first state up its
    ``parent`` chain ("us-navy" -> "us-armed-forces" -> "united-states"); "" when none.
    ``family`` maps each id to its (category, parent)."""
    seen = set()
    while entity_id in family and entity_id not in seen:
        seen.add(entity_id)
        category, parent = family[entity_id]
        if category == "state":
            return entity_id
        entity_id = parent
    return ""


def load_gazetteer(
    path: str | Path | None = None, *, extra: str | Path | Iterable[str | Path] | None = None
) -> Gazetteer:
    """Load, merge and validate a gazetteer.

    Parameters
    ----------
    path : YAML or CSV file; None (or "") for the default shipped with the package.
    extra : one or more user files merged on top, in order.

    Returns
    -------
    Gazetteer whose ``entities`` frame has one row per entity with ENTITY_COLUMNS: id, name,
    kind, category, parent, aliases (tuple), case, exclusions (tuple), metonyms (tuple),
    wikidata ("" or Q...), transliterated (bool), title_case (bool), context (tuple of rules:
    dicts of aliases, require, veto, within).
    """
    files = _files(path, extra)
    gazetteer = _load(tuple(files), _signature(files))
    for note in gazetteer.notes:
        warn(note)
    # A copy of the cached frame: a caller may change its own without changing the cache.
    return Gazetteer(gazetteer.entities.copy(), gazetteer.sources, gazetteer.hash, gazetteer.notes)


def check_gazetteer(
    path: str | Path | None = None, *, extra: str | Path | Iterable[str | Path] | None = None
) -> tuple[list[str], Gazetteer | None]:
    """Every problem of a gazetteer at once (``gazetteer --lint``), each naming its file and
    line, and the gazetteer when there is none (its notes include the additions that change
    nothing)."""
    files = _files(path, extra)
    try:
        return [], _load(tuple(files), _signature(files))
    except InputError:
        return _build(tuple(files))[1], None


def _files(path, extra) -> list[Path]:
    files = [Path(path) if path else config.DEFAULT_GAZETTEER]
    if extra:
        files += [Path(extra)] if isinstance(extra, str | Path) else [Path(p) for p in extra]
    return files


def _signature(files: list[Path]) -> tuple:
    """What the files are now (path, size, mtime of each file they are or hold): the cache key,
    so an edited file is read again."""
    parts = []
    for file in files:
        members = sorted(file.iterdir()) if file.is_dir() else [file]
        for member in members:
            try:
                stat = member.stat()
            except OSError:
                parts.append((str(member), None))
                continue
            parts.append((str(member), stat.st_size, stat.st_mtime_ns))
    return tuple(parts)


@lru_cache(maxsize=16)
def _load(files: tuple[Path, ...], signature: tuple) -> Gazetteer:
    records, problems, notes = _build(files)
    if problems:
        raise InputError(_summary(problems))
    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "kind": r["kind"],
            "category": r["category"],
            "parent": r["parent"],
            "aliases": tuple(r["aliases"]),
            "case": r["case"],
            "exclusions": tuple(r["exclusions"]),
            "metonyms": tuple(r["metonyms"]),
            "wikidata": r["wikidata"],
            "transliterated": r["transliterated"],
            "title_case": r["title_case"],
            "context": tuple(r["context"]),
            "shared": tuple(r["shared"]),
            "domains": tuple(r["domains"]),
        }
        for r in sorted(records.values(), key=lambda r: r["id"])
    ]
    entities = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return Gazetteer(entities, tuple(str(f) for f in files), digest, tuple(notes))


def _build(files: tuple[Path, ...]) -> tuple[dict[str, dict], list[str], list[str]]:
    """Records merged from the files in order, every problem found, and the notes."""
    records: dict[str, dict] = {}
    problems: list[str] = []
    notes: list[str] = []
    for number, file in enumerate(files):
        try:
            found = read_entity_file(file, problems)
        except InputError as error:  # the file itself is missing or not a gazetteer folder
            problems.append(str(error))
            continue
        _merge(records, found, problems, notes, extending=number > 0)
    _validate(records, problems)
    return records, _in_file_order(problems), notes


def _in_file_order(problems: list[str]) -> list[str]:
    """Problems by file (in the order the files were read), then by line."""
    files: dict[str, int] = {}

    def place(problem: str) -> tuple[int, int]:
        located = re.match(r"(.+?):(\d+):", problem)
        path, line = (located[1], int(located[2])) if located else (problem.split(":")[0], 0)
        return files.setdefault(path, len(files)), line

    return sorted(problems, key=place)


def lint(gazetteer: Gazetteer) -> list[str]:
    """Notes about a valid gazetteer that deserve a look (not errors)."""
    notes = list(gazetteer.notes)
    known = {"actor": ACTOR_CATEGORIES, "weapon": WEAPON_CATEGORIES}
    for row in gazetteer.entities.itertuples(index=False):
        if row.category and row.category not in known[row.kind]:
            notes.append(f"{row.id}: category {row.category!r} is not a standard {row.kind} one")
        if not row.category:
            notes.append(f"{row.id}: no category")
        aliases_folded = [a.casefold() for a in row.aliases + row.metonyms + tuple(row.shared)]
        for phrase in row.exclusions:
            if not any(a in phrase.casefold() for a in aliases_folded):
                notes.append(f"{row.id}: exclusion {phrase!r} contains none of its aliases")
        for alias in row.aliases:
            if len(alias) <= 2 and row.case == "insensitive":
                notes.append(f"{row.id}: short alias {alias!r} matched in any case")
            if _mixes_directions(alias):
                notes.append(
                    f"{row.id}: alias {alias!r} mixes left-to-right and right-to-left letters"
                )
    notes += _titles_that_swallow(gazetteer.entities)
    return notes


def _mixes_directions(alias: str) -> bool:
    directions = {unicodedata.bidirectional(c) for c in alias}
    return "L" in directions and bool(directions & {"R", "AL"})


def _titles_that_swallow(entities: pd.DataFrame) -> list[str]:
    """Notes on people's aliases that begin with an institution's alias ("NATO Secretary
    General Mark Rutte" would take the NATO mention: the convention is NATO + Rutte). Names
    that begin with a state or another person ("Israel Katz", "Donald Trump Jr.") are fine."""
    owner = {}
    institutions = entities.loc[~entities["category"].isin(["person", "state"])]
    for entity_id, aliases in zip(institutions["id"], institutions["aliases"], strict=True):
        for alias in aliases:
            for variant in alias_variants(alias):
                owner.setdefault(variant.casefold(), entity_id)
    notes = []
    people = entities.loc[entities["category"] == "person"]
    for entity_id, aliases in zip(people["id"], people["aliases"], strict=True):
        for alias in aliases:
            words = alias.replace("-", " ").split()
            for cut in range(1, len(words)):
                head = " ".join(words[:cut]).casefold()
                other = owner.get(head)
                if other is not None and other != entity_id:
                    notes.append(
                        f"{entity_id}: alias {alias!r} begins with {head!r}, an alias of "
                        f"{other}; a title should not swallow another entity"
                    )
                    break
    return notes


def with_near_names(gazetteer: Gazetteer, near_names: list[tuple[str, str]]) -> Gazetteer:
    """The gazetteer plus spellings found near its names, matched as written (and in capitals)
    and marked ``match == "fuzzy"``; its hash changes with them."""
    pairs = tuple(sorted(set(gazetteer.near_names) | set(near_names)))
    if pairs == gazetteer.near_names:
        return gazetteer
    digest = hashlib.sha256(repr((gazetteer.hash, pairs)).encode()).hexdigest()[:12]
    return dataclasses.replace(gazetteer, near_names=pairs, hash=digest if gazetteer.hash else "")


# Names whose family name comes first ("Xi Jinping", "Kim Jong Un", "Wang Yi"), and titles that
# open a name ("Pope Francis", "King Charles III"): no surname is taken from them.
_FAMILY_NAME_FIRST = frozenset(
    "Xi Li Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Hu Guo He Lin Gao Zhu Qin Dong "
    "Wei Ding Cai Fu Tang Song Han Kim Lee Park Choi Jung Kang Cho Yoon Moon Ri Pak Jang Shin "
    "Hun Nguyen Tran Pham No Choe So".split()
)
_TITLES = frozenset("Pope King Queen Prince Princess Crown Sheikh Emir Sultan Saint St.".split())
_PARTICLES = frozenset(
    "von van der den de da di del della le la al el "
    "Von Van Der Den De Da Di Del Le La Al El".split()
)
_SUFFIXES = frozenset("Jr. Jr Sr. Sr II III IV".split())


def surname_of(name: str) -> str:
    """The surname by which a person's name is shortened in later mentions: "Liz Truss" ->
    "Truss", "Ursula von der Leyen" -> "von der Leyen", "Donald Trump Jr." -> "Trump",
    "George S. Patton" -> "Patton"; "" for one-word names, names whose family name comes first
    ("Xi Jinping", "Lee Jae-myung") and names opening with a title ("Pope Francis")."""
    tokens = [t for t in name.split() if t not in _SUFFIXES]
    if len(tokens) < 2 or tokens[0] in _FAMILY_NAME_FIRST or tokens[0] in _TITLES:
        return ""
    if re.search(r"-[a-z]", tokens[-1]) or {"bin", "ibn"} & set(tokens):
        return ""  # "Jae-myung", "Jong-un": a given name; "bin Salman": a father's name
    first = len(tokens) - 1
    while first > 1 and tokens[first - 1] in _PARTICLES:
        first -= 1
    surname = " ".join(tokens[first:])
    return surname if surname[0].isupper() or " " in surname else ""


def surnames(entities: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """Surnames that may stand for a person named in full in the same document: each surname
    (not an alias, shared name or exclusion of any entity) with the rows of the people whose
    name ends with it ("Johnson": Boris Johnson, Mike Johnson)."""
    taken = {
        a.casefold()
        for column in ("aliases", "metonyms", "exclusions", "shared")
        if column in entities.columns
        for values in entities[column]
        for a in (values if isinstance(values, tuple | list) else ())
    }
    found: dict[str, list[int]] = {}
    people = zip(entities["category"], entities["name"], strict=True)
    for row, (category, name) in enumerate(people):
        surname = surname_of(name) if category == "person" else ""
        if len(surname) >= 3 and surname.casefold() not in taken:
            found.setdefault(surname, []).append(row)
    return {surname: tuple(rows) for surname, rows in found.items()}
