"""The gazetteer: actors and weapons, their aliases, case rules, exclusions, senses and taxonomy.

The default list ships as readable YAML files, one per theme, in ``analysis/data/gazetteer/``
(its README gives the format); users extend or override it with their own YAML or a CSV (one
row per alias: ``entity,kind,category,alias``, optional ``id``, ``parent``, ``case``,
``exclusion``, ``metonym``). An entity whose ``id`` exists is merged into it (``replace:
true`` replaces it). Problems are one-line InputErrors naming the file and the entity.
"""

from __future__ import annotations

import csv
import hashlib
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
from analysis.errors import InputError
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
    "wikidata", "transliterated", "title_case", "context", "replace",
)  # fmt: skip
CONTEXT_KEYS = ("aliases", "require", "veto", "within")
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


def _as_tuple(value, *, where: str, name: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise InputError(f"{where}: field '{name}' must be a list of strings")
    items = []
    for item in value:
        text = normalise_alias(item) if item is not None else ""
        if not text:
            raise InputError(f"{where}: field '{name}' has an empty entry")
        items.append(text)
    return tuple(dict.fromkeys(items))


def _slug(text: str) -> str:
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
    """"Nato" for "NATO": the title-case form of a one-word acronym of 4+ capital letters."""
    if len(alias) >= 4 and alias.isascii() and alias.isalpha() and alias.isupper():
        form = alias.title()
        return None if form in _TITLE_CASE_STOP else form
    return None


def _unknown_key(key: str, known: Iterable[str], where: str) -> InputError:
    import difflib

    close = difflib.get_close_matches(str(key), list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; use {', '.join(known)}"
    return InputError(f"{where}: unknown key {key!r}{hint}")


def _flag(value, *, where: str, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if not isinstance(value, bool):
        raise InputError(f"{where}: field {name!r} must be true or false, got {value!r}")
    return value


def _context_rules(value, *, where: str) -> tuple[dict, ...]:
    """Context rules: which aliases need (``require``) or may not have (``veto``) which words."""
    if value in (None, ""):
        return ()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise InputError(f"{where}: field 'context' must be a list of rules")
    rules = []
    for number, raw in enumerate(value, start=1):
        at = f"{where}: context rule {number}"
        if not isinstance(raw, dict):
            raise InputError(f"{at} must be a mapping with require/veto, aliases and within")
        for key in raw:
            if key not in CONTEXT_KEYS:
                raise _unknown_key(key, CONTEXT_KEYS, at)
        rule = {
            "aliases": _as_tuple(raw.get("aliases"), where=at, name="aliases"),
            "require": _as_tuple(raw.get("require"), where=at, name="require"),
            "veto": _as_tuple(raw.get("veto"), where=at, name="veto"),
            "within": str(raw.get("within") or "sentence"),
        }
        if not rule["require"] and not rule["veto"]:
            raise InputError(f"{at} has neither 'require' nor 'veto' words")
        if rule["within"] not in WITHIN:
            raise InputError(f"{at}: 'within' is {rule['within']!r}; use {', '.join(WITHIN)}")
        rules.append(rule)
    return tuple(rules)


def _entity_from_mapping(raw: dict, *, path: str) -> dict:
    if not isinstance(raw, dict):
        raise InputError(f"{path}: each entry under 'entities' must be a mapping, got {raw!r}")
    name = normalise_alias(raw.get("name") or "")
    entity_id = str(raw.get("id") or _slug(name))
    where = f"{path}: entity {entity_id!r}"
    if not entity_id:
        raise InputError(f"{path}: an entity has neither 'id' nor 'name'")
    for key in raw:
        if key not in ENTITY_KEYS:
            raise _unknown_key(key, ENTITY_KEYS, where)
    record = {"id": entity_id, "_where": where, "_replace": bool(raw.get("replace", False))}
    for key in ("name", "kind", "category", "parent", "case"):
        if raw.get(key) not in (None, ""):
            record[key] = normalise_alias(raw[key])
    for key in ("aliases", "exclusions", "metonyms"):
        record[key] = _as_tuple(raw.get(key), where=where, name=key)
    if raw.get("wikidata") not in (None, ""):
        wikidata = str(raw["wikidata"]).strip()
        if not _WIKIDATA.fullmatch(wikidata):
            raise InputError(f"{where}: field 'wikidata' is {wikidata!r}; expected Q and digits")
        record["wikidata"] = wikidata
    for key in ("transliterated", "title_case"):
        flag = _flag(raw.get(key), where=where, name=key)
        if flag is not None:
            record[key] = flag
    record["context"] = _context_rules(raw.get("context"), where=where)
    return record


def _read_yaml(path: Path) -> list[dict]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_YAML_LOADER)
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
    records = [_entity_from_mapping(raw, path=str(path)) for raw in entries]
    seen: dict[str, str] = {}
    for record in records:
        if record["id"] in seen:
            raise InputError(f"{path}: duplicate entity id {record['id']!r}")
        seen[record["id"]] = record["id"]
    return records


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise InputError(f"{path}: no rows (expected columns entity,kind,category,alias)")
    columns = {c.strip().casefold() for c in rows[0]}
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
            raise InputError(f"{path}: row {number}: field 'entity' is empty")
        entity_id = row.get("id") or _slug(name)
        entry = grouped.setdefault(
            entity_id, {"id": entity_id, "name": name, "aliases": [], "exclusions": []}
        )
        entry.setdefault("metonyms", [])
        for key in ("kind", "category", "parent", "case"):
            if row.get(key):
                entry[key] = row[key]
        alias = row.get("alias", "")
        if row.get("metonym", "").casefold() in ("1", "true", "yes", "y"):
            entry["metonyms"].append(alias)
        elif alias:
            entry["aliases"].append(alias)
        elif not row.get("exclusion"):
            raise InputError(f"{path}: row {number}: field 'alias' is empty")
        if row.get("exclusion"):
            entry["exclusions"].append(row["exclusion"])
    return [_entity_from_mapping(raw, path=str(path)) for raw in grouped.values()]


def read_entity_file(path: str | Path) -> list[dict]:
    """Raw entity records from one YAML or CSV file, or a folder of them read as one file (not
    yet merged or validated): an id defined twice in a folder is an error, as in one file."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: gazetteer file not found")
    if path.is_dir():
        suffixes = (".yml", ".yaml", ".csv")
        files = sorted(p for p in path.iterdir() if p.suffix.casefold() in suffixes)
        if not files:
            raise InputError(f"{path}: no gazetteer files (.yml, .yaml, .csv) in this folder")
        records, seen = [], {}
        for file in files:
            for record in read_entity_file(file):
                if record["id"] in seen:
                    raise InputError(
                        f"{file}: entity {record['id']!r} is also defined in {seen[record['id']]}"
                    )
                seen[record["id"]] = file.name
                records.append(record)
        return records
    if path.suffix.casefold() in (".csv", ".tsv"):
        return _read_csv(path)
    if path.suffix.casefold() in (".yml", ".yaml", ".json"):
        return _read_yaml(path)
    raise InputError(f"{path}: unknown gazetteer format (use .yml, .yaml or .csv)")


def _merge(base: dict[str, dict], records: list[dict]) -> None:
    for record in records:
        old = base.get(record["id"])
        if old is None or record["_replace"]:
            base[record["id"]] = record
            continue
        merged = dict(old)
        for key in ("name", "kind", "category", "parent", "case", "wikidata", "transliterated",
                    "title_case"):  # fmt: skip
            if key in record:
                merged[key] = record[key]
        for key in ("aliases", "exclusions", "metonyms"):
            merged[key] = tuple(dict.fromkeys(old[key] + record[key]))
        # Rules are dicts (not hashable): kept in order, a repeated one once.
        merged["context"] = tuple(
            {json.dumps(rule, sort_keys=True): rule for rule in old["context"] + record["context"]}
            .values()
        )
        merged["_where"] = record["_where"]
        base[record["id"]] = merged


def _validate(records: dict[str, dict]) -> None:
    claimed: dict[str, str] = {}
    for entity_id, record in records.items():
        where = record["_where"]
        if not record.get("name"):
            record["name"] = record["aliases"][0] if record["aliases"] else entity_id
        kind = record.get("kind", "")
        if kind not in KINDS:
            raise InputError(f"{where}: field 'kind' is {kind!r}; use one of {', '.join(KINDS)}")
        case = record.setdefault("case", "auto")
        if case not in CASE_RULES:
            raise InputError(
                f"{where}: field 'case' is {case!r}; use one of {', '.join(CASE_RULES)}"
            )
        record.setdefault("category", "")
        record.setdefault("parent", "")
        record.setdefault("wikidata", "")
        record.setdefault("transliterated", False)
        record.setdefault("title_case", True)
        if not record["aliases"] and not record["metonyms"]:
            raise InputError(f"{where}: field 'aliases' is empty")
        for rule in record["context"]:
            unknown = [a for a in rule["aliases"] if a not in record["aliases"]]
            if unknown:
                raise InputError(
                    f"{where}: a context rule names {unknown[0]!r}, which is not one of its aliases"
                )
        for alias in record["aliases"] + record["metonyms"]:
            for variant in alias_variants(alias):
                key = variant.casefold()
                owner = claimed.get(key)
                if owner is not None and owner != entity_id:
                    raise InputError(
                        f"{where}: alias {variant!r} is claimed by both {owner!r} and {entity_id!r}"
                    )
                claimed[key] = entity_id
    for record in records.values():
        parent = record["parent"]
        if parent and parent not in records:
            raise InputError(f"{record['_where']}: field 'parent' names unknown entity {parent!r}")
        if parent and records[parent]["kind"] != record["kind"]:
            raise InputError(
                f"{record['_where']}: parent {parent!r} is a {records[parent]['kind']}, "
                f"not a {record['kind']}"
            )


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
    files = [Path(path) if path else config.DEFAULT_GAZETTEER]
    if extra:
        files += [Path(extra)] if isinstance(extra, str | Path) else [Path(p) for p in extra]
    gazetteer = _load(tuple(files), _signature(files))
    # A copy of the cached frame: a caller may change its own without changing the cache.
    return Gazetteer(gazetteer.entities.copy(), gazetteer.sources, gazetteer.hash)


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
    records: dict[str, dict] = {}
    for file in files:
        _merge(records, read_entity_file(file))
    _validate(records)
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
        }
        for r in sorted(records.values(), key=lambda r: r["id"])
    ]
    entities = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return Gazetteer(entities=entities, sources=tuple(str(f) for f in files), hash=digest)


def lint(gazetteer: Gazetteer) -> list[str]:
    """Notes about a valid gazetteer that deserve a look (not errors)."""
    notes = []
    known = {"actor": ACTOR_CATEGORIES, "weapon": WEAPON_CATEGORIES}
    for row in gazetteer.entities.itertuples(index=False):
        if row.category and row.category not in known[row.kind]:
            notes.append(f"{row.id}: category {row.category!r} is not a standard {row.kind} one")
        if not row.category:
            notes.append(f"{row.id}: no category")
        aliases_folded = [a.casefold() for a in row.aliases + row.metonyms]
        for phrase in row.exclusions:
            if not any(a in phrase.casefold() for a in aliases_folded):
                notes.append(f"{row.id}: exclusion {phrase!r} contains none of its aliases")
        for alias in row.aliases:
            if len(alias) <= 2 and row.case == "insensitive":
                notes.append(f"{row.id}: short alias {alias!r} matched in any case")
    notes += _titles_that_swallow(gazetteer.entities)
    return notes


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
