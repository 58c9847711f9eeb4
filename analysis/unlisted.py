"""Named military units and ranked people the gazetteer does not list, found by their shape.

No gazetteer can list every brigade or every officer named once in an awards decree, yet
war news names them all the time. Two shapes are read (``find``):

- a **numbered unit**: an ordinal, up to six words of a closed vocabulary, and a unit noun
  ("the 72nd separate mechanized brigade", "64th Guards Detached Motor Rifle Brigade",
  "11th separate brigade of the army aviation"). Its name leaves out the words that do not
  change which unit it is (separate, detached, independent, Guards, an honorific such as
  "Alexandriyskaya"), so the unit keeps one name before and after an honour ("64th Motor
  Rifle Brigade"). Its owner is the armed force the words right around it name ("Ukrainian",
  "Russia's", "of the Armed Forces of Ukraine") or, failing that, the document's home state
  (its web domain, as for a bare "Navy"); the owner's state is added to the name ("(Ukraine)")
  and ids ("unit:ukraine:72nd-mechanized-brigade"). Without an owner the unit is still
  counted, under its name alone.
- a **ranked person**: a military rank or a legislator's title, then a name that reads as a
  person's: a known given name (``data/given-names.txt`` and the gazetteer's people) before
  a surname, or a full name with a patronymic ("Major Stepan Ivanovych Choban", "Captain
  Korpan Oleksandr Bohdanovych"). The patronymic is left out of the name ("Stepan Choban"),
  and that name is counted again where the same text repeats it without the rank.
  One word after a rank ("General Motors", "Private Sector") is never read as a person.

Such mentions have ``match == "pattern"`` so users can filter them, and their categories are
those of the gazetteer ("armed-forces", "person"). A span that overlaps a gazetteer actor is
left to the gazetteer; an actor inside a unit's name is part of it ("the 1st Guards Tank
Army": one unit, with its weapon word "Tank" still a weapon, as the guidelines count it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pyarrow as pa

from analysis.gazetteer import slug
from analysis.senses import home_state

_DATA = Path(__file__).resolve().parent / "data"

# Words a numbered unit's name is made of; (?i) as translations write them in any case.
_UNIT_WORDS = (
    "separate|detached|independent|guards?|special|special-purpose|operational|operational-"
    "tactical|territorial|defen[cs]e|presidential|mechani[sz]ed|motori[sz]ed|motor|rifle|"
    "infantry|tank|armou?red|assault|air|air-assault|airborne|airmobile|mountain|marine|"
    "naval|coastal|jaeger|artillery|missile|rocket|anti-aircraft|air-defen[cs]e|tactical|"
    "aviation|army|helicopter|engineer|engineering|signal|reconnaissance|combined-arms|"
    "fighter|bomber|transport|airlift|operations|support|ranger|cavalry|light|heavy|"
    "expeditionary|national|guard|spetsnaz|attack|strike|unmanned|systems|brigade|"
    "[A-Z][a-z]+(?:skaya|skiy|sky|ska|ivska|ovska)"
)
_UNIT_NOUNS = (
    "brigades?|regiments?|divisions?|battalions?|corps|army|armies|fleet|flotilla|squadrons?|"
    "wings?|detachments?"
)
_GAP = r"[ \t]+\n?[ \t]*|\n[ \t]*"
_UNIT = re.compile(
    rf"(?<![\w.,-])(?P<number>[1-9][0-9]{{0,2}})(?:st|nd|rd|th)(?:{_GAP})"
    rf"(?P<words>(?:(?:{_UNIT_WORDS})(?:{_GAP})){{0,6}}?)(?P<noun>{_UNIT_NOUNS})"
    rf"(?P<of>(?:{_GAP})of(?:{_GAP})the(?:{_GAP})(?:army(?:{_GAP})aviation|marine(?:{_GAP})"
    rf"corps|naval(?:{_GAP})infantry|national(?:{_GAP})guard))?(?![\w-])",
    re.IGNORECASE,
)
# Words that do not change which unit it is (leaving them out keeps one name for a unit
# before and after an honour: "64th Detached ...", "64th Guards Detached ...")
_SAME_UNIT = re.compile(
    r"separate|detached|independent|guards?|[A-Z][a-z]+(?:skaya|skiy|sky|ska|ivska|ovska)",
    re.IGNORECASE,
)
_OF_THE = re.compile(rf"(?:{_GAP})of(?:{_GAP})the(?:{_GAP})", re.IGNORECASE)

_RANKS = (
    "Lieutenant General|Major General|Colonel General|Brigadier General|Lieutenant Colonel|"
    "Senior Lieutenant|Junior Lieutenant|First Lieutenant|Second Lieutenant|Junior Sergeant|"
    "Senior Sergeant|Chief Sergeant|Master Sergeant|Staff Sergeant|Sergeant First Class|"
    "Sergeant Major|Chief Warrant Officer|Warrant Officer|Petty Officer|Chief Petty Officer|"
    "Vice Admiral|Rear Admiral|Lance Corporal|Private First Class|Senior Soldier|Midshipman|Cadet|"
    "Lt\\. Gen\\.|Maj\\. Gen\\.|Lt\\. Col\\.|Brig\\. Gen\\.|General|Colonel|Major|Captain|"
    "Lieutenant|Sergeant|Corporal|Private|Admiral|Marshal|Ensign|Specialist|Gen\\.|Col\\.|"
    "Capt\\.|Sgt\\.|Adm\\.|Lt\\.|Senator|Sen\\.|Rep\\.|Representative|Congressman|"
    "Congresswoman|Delegate"
)
_NAME_WORD = r"(?:[A-Z]\.|[A-Z][a-zà-ž'’]+(?:[A-Z][a-zà-ž'’]+)?(?:-[A-Z][a-zà-ž'’]+)?)"
_PERSON = re.compile(
    rf"(?<![\w.-])(?P<rank>{_RANKS})(?:{_GAP})(?P<name>{_NAME_WORD}(?:(?:{_GAP}){_NAME_WORD}){{1,3}})"
    rf"(?![\w'’-])"
)
_WORD = re.compile(r"\S+")
_INITIAL = re.compile(r"[A-Z]\.")
# Words that make the name after a rank a building's, a place's or a law's ("the Captain
# Rosemary Bryant Mariner Outpatient Clinic", "the Sergeant First Class X Post Office")
_PLACE_WORDS = frozenset(
    "Post Office Building Clinic Outpatient Center Centre Memorial Highway Bridge School "
    "Airport Station Courthouse Hall Park Road Street Avenue Boulevard Field Fort Act Award "
    "Foundation Scholarship Institute University College Library Museum Stadium Arena "
    "Hospital Medical Department Trail Way Drive Square Plaza".split()
)
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][\w'’]*)")
_CLAUSE = re.compile(r"[^.,;:()\n]{0,100}")
_OF_RUN = re.compile(r"\bof (?:the )?([A-Z][\w'’]*(?: [A-Z][\w'’]*)*)")
_WORD_BEFORE = re.compile(r"([A-Z][\w.]*(?:'s|’s)?)[ \t]+(?:\w+[ \t]+)?$")
_NOT_A_NAME = frozenset(
    "The A An In On At He She We They It This That His Her During And But For With From To Of "
    "As Is Was Has Had Will Who Said".split()
)
_PATRONYMIC = re.compile(r"\w+(?:ovych|evych|yovych|ovich|evich|yevich|ivna|ovna|evna|yivna|yevna)")


@dataclass(frozen=True)
class Found:
    """One mention found by its shape: a unit or a person the gazetteer does not list."""

    start: int
    end: int
    entity_id: str  # a gazetteer id when the gazetteer lists the unit under other words
    name: str  # "" for a unit the gazetteer lists
    category: str  # "armed-forces" | "person"
    parent: str  # the gazetteer id of the owner's armed forces, or ""


@dataclass(frozen=True)
class Shapes:
    """What the shapes read from a gazetteer: given names, and owners by word."""

    given: frozenset[str]
    forces_by_word: dict[str, str]  # "ukrainian", "ukraine's", "ukraine" -> armed forces id
    forces_by_state: dict[str, str]  # state id -> its armed forces' id
    state_name: dict[str, str]  # state id -> its name
    home: dict[str, str]  # top-level web domain -> state id
    state_of_forces: dict[str, str]  # armed forces id -> its state id
    listed_units: dict[str, str]  # unit_key of a unit the gazetteer lists -> its id
    listed_people: dict[str, str]  # a person's name or alias, case-folded -> their id


@cache
def _shipped_given_names() -> frozenset[str]:
    lines = (_DATA / "given-names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def shapes(entities) -> Shapes:
    """Read the gazetteer's people, states and armed forces for the shapes."""
    ids, names = entities["id"].tolist(), entities["name"].tolist()
    categories, parents = entities["category"].tolist(), entities["parent"].tolist()
    family = dict(zip(ids, zip(categories, parents, strict=True), strict=True))
    given = set(_shipped_given_names())
    for name, category in zip(names, categories, strict=True):
        first = name.split()[0] if category == "person" and " " in name else ""
        if len(first) > 2 and first[0].isupper() and first[1:].islower():
            given.add(first)
    state_name = {i: n for i, n, c in zip(ids, names, categories, strict=True) if c == "state"}
    forces_by_word: dict[str, str] = {}
    forces_by_state: dict[str, str] = {}
    size = {}  # a state's own armed forces: of its forces the one with the most aliases
    for entity_id, aliases, category, parent in zip(
        ids, entities["aliases"], categories, parents, strict=True
    ):
        if category != "armed-forces":
            continue
        for alias in aliases:
            word = re.fullmatch(r"([A-Z][a-z]+) (?:forces|troops|army|military|soldiers)", alias)
            if word:
                forces_by_word.setdefault(word.group(1).casefold(), entity_id)
        if family.get(parent, ("", ""))[0] == "state" and len(aliases) > size.get(parent, -1):
            forces_by_state[parent], size[parent] = entity_id, len(aliases)
    for state, forces in list(forces_by_state.items()):
        for alias in entities.loc[entities["id"] == state, "aliases"].iloc[0]:
            forces_by_word.setdefault(f"{alias.casefold()}'s", forces)
            forces_by_word.setdefault(alias.casefold(), forces)
    home = {}
    for entity_id, domains in zip(ids, entities.get("domains", [()] * len(ids)), strict=True):
        for domain in domains if isinstance(domains, tuple | list) else ():
            home.setdefault(domain, entity_id)
    state_of_forces = {forces: state for state, forces in forces_by_state.items()}
    listed_units = {}
    for entity_id, aliases, category in zip(ids, entities["aliases"], categories, strict=True):
        for alias in aliases if category == "armed-forces" else ():
            if key := unit_key(alias):
                listed_units.setdefault(key, entity_id)
    listed_people = {}
    for entity_id, name, aliases, category in zip(
        ids, names, entities["aliases"], categories, strict=True
    ):
        for form in (name, *aliases) if category == "person" else ():
            listed_people.setdefault(form.casefold(), entity_id)
    return Shapes(frozenset(given), forces_by_word, forces_by_state, state_name, home,
                  state_of_forces, listed_units, listed_people)  # fmt: skip


def unit_name(number: str, words: list[str], noun: str) -> str:
    """A unit's name from its parts, without the words that do not change which unit it is:
    ("64", ["Guards", "Detached", "Motor", "Rifle"], "Brigade") -> "64th Motor Rifle Brigade"."""
    suffix = {"1": "st", "2": "nd", "3": "rd"}.get(number[-1], "th")
    if number[-2:] in ("11", "12", "13"):
        suffix = "th"
    kept = [w for w in words if not _SAME_UNIT.fullmatch(w)]
    noun = noun.casefold()
    noun = "army" if noun == "armies" else noun.removesuffix("s") if noun != "corps" else noun
    titled = [w if w.isupper() else "-".join(p.capitalize() for p in w.split("-")) for w in kept]
    return " ".join([f"{number}{suffix}", *titled, noun.capitalize()])


def unit_key(name: str) -> str:
    """The same key for every way of writing one unit's name (its owner in brackets left
    out): "72nd Separate Mechanized Brigade (Ukraine)" and "72nd mechanized brigade" agree."""
    match = _UNIT.search(re.sub(r"\s*\([^)]*\)\s*$", "", name))
    return _key_of(_unit_of(match)) if match else ""


def _key_of(name: str) -> str:
    return slug(name).replace("mechanised", "mechanized").replace("motorised", "motorized")


def _unit_of(match: re.Match) -> str:
    words = match.group("words").split()
    if match.group("of"):
        words += _OF_THE.split(match.group("of"), maxsplit=1)[-1].split()
    return unit_name(match.group("number"), words, match.group("noun"))


def _owner(text: str, start: int, end: int, url, shapes_: Shapes) -> str:
    """The armed forces a unit belongs to: the word right before ("Ukrainian", "Russia's"), an
    armed force right after ("of the Armed Forces of Ukraine"), else the document's home."""
    before = _WORD_BEFORE.search(text[max(0, start - 40) : start])
    if before:
        word = before.group(1).replace("’", "'").casefold()
        if word in shapes_.forces_by_word:
            return shapes_.forces_by_word[word]
    # "of the Ground Forces of the Armed Forces of Ukraine": the first run of capitalised
    # words after "of (the)" in the same clause that names a state or its forces
    clause = _CLAUSE.match(text, end).group(0)
    for run in _OF_RUN.finditer(clause):
        words = run.group(1).replace("’", "'").casefold()
        forces = shapes_.forces_by_word.get(words) or shapes_.forces_by_word.get(
            words.split()[0]
        )
        if forces:
            return forces
    return shapes_.forces_by_state.get(home_state(url, shapes_.home), "")


def _person_id(name: str, shapes_: Shapes) -> str:
    """A gazetteer person's id when the name is theirs but for an initial ("Alejandro N.
    Mayorkas"), else "person:<name>"."""
    plain = " ".join(w for w in name.split() if not _INITIAL.fullmatch(w)).casefold()
    return shapes_.listed_people.get(plain) or f"person:{slug(name)}"


def _person_name(words: list[str], given: frozenset[str]) -> str:
    """The person's name from the words after a rank, or "" when they do not read as one."""
    patronymic = [i for i, w in enumerate(words) if _PATRONYMIC.fullmatch(w)]
    if patronymic and len(words) >= 3:
        at = patronymic[-1]
        if at == len(words) - 1:  # "Korpan Oleksandr Bohdanovych": surname, given, patronymic
            return f"{words[at - 1]} {words[0]}"
        rest = [w for i, w in enumerate(words) if i != at]
        return f"{rest[0]} {rest[-1]}"
    if words[0] in given and not words[-1].endswith("."):
        return " ".join(words)
    return ""


# Where a shape may start, found by one automaton: a rank's or title's first word, and the
# last digit and suffix of an ordinal ("1st", "72nd": the regexes then read from the number).
_FIRST_WORDS = sorted({rank.split()[0].replace("\\", "") for rank in _RANKS.split("|")})
_ORDINAL_TAILS = [f"{digit}{tail}" for digit in "0123456789" for tail in ("st", "nd", "rd", "th")]
_ANCHORS = ahocorasick_rs.BytesAhoCorasick(
    [w.encode() for w in (*_FIRST_WORDS, *_ORDINAL_TAILS)],
    matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
    implementation=ahocorasick_rs.Implementation.DFA,
)
_ORDINAL = len(_FIRST_WORDS)  # anchors from here on are ordinal tails
_DIGITS = re.compile(r"[0-9]{1,3}$")
_SHAPES: dict[int, tuple[object, Shapes]] = {}


def unlisted_shapes(entities) -> Shapes:
    """:func:`shapes` of a gazetteer's entities table, read once per table."""
    kept = _SHAPES.get(id(entities))
    if kept is None or kept[0] is not entities:
        if len(_SHAPES) > 4:
            _SHAPES.clear()
        kept = _SHAPES[id(entities)] = (entities, shapes(entities))
    return kept[1]


def _unit(match: re.Match, text: str, url, shapes_: Shapes) -> Found:
    name = _unit_of(match)
    listed = shapes_.listed_units.get(_key_of(name))
    if listed:  # written otherwise than its aliases: "the 47th separate mechanized brigade"
        return Found(match.start(), match.end(), listed, "", "armed-forces", "")
    forces = _owner(text, match.start(), match.end(), url, shapes_)
    owner = shapes_.state_name.get(shapes_.state_of_forces.get(forces, ""), "")
    entity_id = f"unit:{slug(owner) + ':' if owner else ''}{slug(name)}"
    shown = f"{name} ({owner})" if owner else name
    return Found(match.start(), match.end(), entity_id, shown, "armed-forces", forces)


def _labels(text: str, end: int) -> bool:
    """Whether a name ending at ``end`` labels a speaker's turn ("Denis Logunov: Yes, ...")."""
    return text.startswith(":", end) or text.startswith(" :", end)


def _person(match: re.Match, text: str, shapes_: Shapes) -> Found | None:
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text, *match.span("name"))]
    while spans and text[slice(*spans[-1])] in _NOT_A_NAME:
        spans.pop()  # "General Igor Krasnov The": the next sentence's first word
    words = [text[a:b] for a, b in spans]
    after = _NEXT_WORD.match(text, spans[-1][1]) if spans else None
    if set(words) & _PLACE_WORDS or (after and after.group(1) in _PLACE_WORDS):
        return None  # "the Corporal Jeffrey Standfest Post Office Building": a place's name
    name = _person_name(words, shapes_.given) if len(words) >= 2 else ""
    if not name:
        return None
    if name.casefold() in shapes_.listed_people:
        return None  # written as the gazetteer lists the person: the gazetteer's mention
    return Found(match.start(), spans[-1][1], _person_id(name, shapes_), name, "person", "")


def anchors(values: pa.ChunkedArray | pa.Array):
    """Where a shape may start in the texts of a column: (row, the text's UTF-8 bytes,
    [(anchor, byte offset)]) for each text with an anchor, found by one pass of the automaton
    over the column's bytes."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    row = 0
    for chunk in chunks:
        chunk = chunk.cast(pa.large_string())
        _, offsets, data = chunk.buffers()
        if data is not None and len(chunk):
            offsets = np.frombuffer(offsets, dtype=np.int64)
            offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
            view = np.frombuffer(data, dtype=np.uint8)
            hits = _ANCHORS.find_matches_as_indexes(view[offsets[0] : offsets[-1]])
            if hits:
                kinds, starts, _ = (np.array(c, dtype=np.int64) for c in zip(*hits, strict=True))
                starts += offsets[0]
                rows = np.searchsorted(offsets, starts, side="right") - 1
                cuts = np.flatnonzero(np.diff(rows)) + 1
                for part in np.split(np.arange(len(rows)), cuts):
                    r = int(rows[part[0]])
                    begin, end = int(offsets[r]), int(offsets[r + 1])
                    within = (starts[part] - begin).tolist()
                    at = list(zip(kinds[part].tolist(), within, strict=True))
                    yield row + r, view[begin:end], at
        row += len(chunk)


def find_unlisted(raw: np.ndarray, url, shapes_: Shapes, at: list[tuple[int, int]]):
    """The text of ``raw`` (its UTF-8 bytes) and its numbered units and ranked people, in
    order, read from the ``anchors`` found in it (byte offsets)."""
    text = raw.tobytes().decode("utf-8", errors="replace")
    found: list[Found] = []
    unit_end = person_end = -1
    if len(text) != len(raw):  # byte offsets to character offsets
        kinds, starts = zip(*at, strict=True)
        lead = np.flatnonzero((raw & 0xC0) != 0x80)
        at = list(zip(kinds, np.searchsorted(lead, starts).tolist(), strict=True))
    for anchor, start in at:
        if anchor >= _ORDINAL:
            digits = _DIGITS.search(text, max(0, start - 2), start + 1)
            match = _UNIT.match(text, digits.start()) if digits and start >= unit_end else None
            if match:
                unit_end = match.end()
                found.append(_unit(match, text, url, shapes_))
        elif start >= person_end and (match := _PERSON.match(text, start)):
            person = _person(match, text, shapes_)
            if person and not _labels(text, person.end):
                person_end = person.end
                found.append(person)
    return text, sorted(found, key=lambda f: f.start)


def named_again(text: str, found: list[Found], taken: list[tuple[int, int]]) -> list[Found]:
    """A person found after a rank or a legislator's title, named again in the same text
    without it ("Colonel Serhiy Musienko ... Serhiy Musienko led the defence"), outside the
    ``taken`` spans (the text's other mentions, speaker labels and exclusion phrases)."""
    again: list[Found] = []
    taken = [*taken, *((f.start, f.end) for f in found)]
    for person in {f.name: f for f in found if f.category == "person"}.values():
        at = text.find(person.name)
        while at >= 0:
            end = at + len(person.name)
            edges = (at == 0 or not text[at - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            )
            after = _NEXT_WORD.match(text, end)
            place = after is not None and after.group(1) in _PLACE_WORDS
            named = edges and not _labels(text, end) and not place
            if named and not any(a < end and at < b for a, b in taken):
                again.append(Found(at, end, person.entity_id, person.name, "person", ""))
                taken.append((at, end))
            at = text.find(person.name, end)
    return again
