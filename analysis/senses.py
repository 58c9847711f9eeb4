"""Senses decided by context, after the automaton has found every alias.

The automaton knows words, not meanings. Three rules decide what a found alias means, and
everything they refuse is returned with its reason (the extractor lists it in
``Extraction.excluded``, never silently drops it):

- an entity's ``context`` rules: an alias counts only when one of its ``require`` words occurs
  in its sentence, document, or right before or after it, and never when a ``veto`` word does
  ("Patriot" needs missile words somewhere in the document; "weapons" beside "gun violence"
  is not a weapon);
- one thing, one mention: a weapon system followed by its class noun is one mention of the
  system ("T-90 tanks", "HARM missiles"), spanning both words;
- a full name with its abbreviation in brackets is one mention ("International Criminal Court
  (ICC)");
- a name inside the name of a document or an event is not a mention of it ("UN Charter",
  "Ukraine Recovery Conference"; a summit is its members meeting: "G20 Summit" counts),
  and a state opening or closing an institution's name is part of that name ("Ministry of
  Justice of Ukraine", "U.S. Postal Service", "the U.S. government").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick_rs
import numpy as np

from analysis.gazetteer import owner_state
from analysis.schema import MATCH_KINDS
from analysis.text.sentences import sentences_around

_REACH = 80  # characters looked at before or after a mention for ``within: next/previous``
# Between a system and its class noun: spaces or a hyphen, and at most two describing words
# ("Sarmat heavy intercontinental ballistic missile"), never a word that starts another item.
_JOINING = r"(?:and|or|nor|other|the|a|an|of|for|with|to|from|as|than|plus|also|more|such|by)"
_BETWEEN_SYSTEM_AND_CLASS = re.compile(
    rf"[\"'”’»]?[\s\-]+(?:(?:air|land|sea|ground|surface)[\s\-]+and[\s\-]+)?"
    rf"(?:(?!{_JOINING}\b)[a-z][\w\-]*[\s\-]+){{0,2}}"
)  # a closing quote too: '"Corsair" modern anti-tank guided missiles'; a coordinated domain:
# "S-500 air and missile defence systems"
# Between a class noun and the quoted system it introduces: at most three words and an
# opening quote ('anti-aircraft missile and cannon complex "Pantsir-S1"'); a class noun right
# before a capitalised system's name is one mention too ("the submarine Vladimir Monomakh").
_BETWEEN_CLASS_AND_QUOTED_SYSTEM = re.compile(r"[ \t\n]+(?:[\w\-]+[ \t\n]+){0,3}[\"“«]")
_BRACKET = re.compile(r"(?:['’]s)?\s*[(\[]\s*")  # "Development’s (USAID)", "FSIN[Federal ...]"
# The name of a document or an event, up to three capitalised words after the name inside it:
# "UN Charter", "the Safer America Plan", "U.S. Navy Submarine Arctic Science Program".
_DOCUMENT_HEADS = (
    r"Act|Charter|Convention|Treaty|Accords?|Agreement|Initiative|Program|Programme|Plan|"
    r"Project|Doctrine|Strategy|Conference|Forum|Award|Prize|Declaration|Resolutions?|Challenge|"
    r"Games?"
)
_DOCUMENT_WORDS = re.compile(
    rf"[\s\-]+(?:[A-Z][\w'’\-]*[ \t\-]+){{0,3}}(?:{_DOCUMENT_HEADS})\b"
    # a holiday, at most one word after the name: "Europe Day", "America Recycles Day",
    # "Armed Forces Day", "Patriot Day" (not "Day 100", nor a title-case headline's words)
    r"|[\s\-]+(?:[A-Z][\w'’\-]*[ \t\-]+)?Day\b(?![ \t]+(?:\d|One|Two|Three))"
)
# A document's name running up to a weapon word: "the U.S. Plan to Counter Illicit Diversion of
# Certain Advanced Conventional Weapons"
_DOCUMENT_BEFORE = re.compile(
    rf"\b(?:{_DOCUMENT_HEADS})(?:[ \t\n]+(?:[A-Z][\w'’\-]*|of|to|and|the|for|on|in|against))*"
    r"[ \t\n]+$"
)
_HEADS = (
    r"Department|Ministry|Senate|Congress|Parliament|Service|Command|Fleet|Army|Navy|Air Force|"
    r"Marine Corps|Coast Guard|Forces|Agency|Bureau|Council|Court|Embassy|Mission|"
    r"Representative|Office|Administration|Government|Treasury|Guard|Corps|Patrol|Institute"
)
# A state's name opening an institution's name: "United States Department of the Treasury",
# "U.S. Fifth Fleet", "U.S. Postal Service"; or before its government: "the U.S. government".
_STATE_THEN_INSTITUTION = re.compile(
    rf"[ \t\n]+(?:(?:(?:[A-Z][\w'’\-]*|of|the|and|for)[ \t\n]+){{0,3}}(?:{_HEADS})\b"
    r"|(?:government|authorities|administration|regime)\b)"
)
_OF = ("of ", "of the ", "of\n", "of the\n")  # what must come right before: a cheap first test
_INSTITUTION_OF = re.compile(
    r"\b(?:Ministry|Council|Court|Service|Bank|Committee|Agency|Guard|Forces|Navy|Army|Parliament|"
    r"Government|Cabinet|Office|Assembly|Prosecutor|Commissioner|Ombudsman|Embassy|Academy|"
    r"Department|Directorate|Inspectorate|Chamber|Commission|"
    r"House|Hall|Heroe?s?|Community|Museum|University|Library|Institute)\b"  # "Hero of Ukraine"
    r"(?:[ \t]+(?:[A-Z][\w'’\-]*|of|and|the|for|on))*[ \t]+of[ \t]+(?:the[ \t]+)?$"
)


# A place named after a state: "the Gulf of Finland", "the Gulf of Mexico", "the Sea of Japan".
_PLACE_OF = re.compile(
    r"\b(?:Gulf|Sea|Bay|Straits?|Isles?|Islands|Coast)[ \t]+of[ \t]+(?:the[ \t]+)?$"
)


@dataclass
class Decisions:
    """What the rules decided about the found mentions (arrays in the found order).

    keep : mentions still counted.
    end : their end offsets (a system absorbing its class noun ends after the noun).
    entity : their entities (a shared alias such as "Navy" takes its owner state's body).
    surfaces : new surfaces of the mentions whose span changed, by index.
    added : mentions a rule found beside a found one: (index of that one, start, end, entity)
        ("forces" in "Ukraine's forces", beside "Ukraine").
    excluded : (index, reason) of every mention the rules refused.
    """

    keep: np.ndarray
    end: np.ndarray
    entity: np.ndarray
    surfaces: dict[int, str] = field(default_factory=dict)
    excluded: list[tuple[int, str]] = field(default_factory=list)
    added: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Rule:
    entity: int
    aliases: frozenset[str]
    words: _Words
    listed: tuple[str, ...]
    require: bool
    within: str
    becomes: int = -1  # with ``require``: the entity the mention becomes when a word is there


class _Words:
    """A rule's words and phrases, found whole ("arms" not in "harms") and in any case: one
    Aho-Corasick automaton over the lower-cased text (a regular expression of ~40 alternatives
    is ~15x slower), the regular expression only where lower-casing changes a text's length."""

    def __init__(self, words: tuple[str, ...]):
        self.words = words
        lowered = sorted({w.lower() for w in words})
        self.automaton = ahocorasick_rs.AhoCorasick(lowered)

    @cached_property
    def regex(self) -> re.Pattern:
        """Built when first needed (few texts change length when lower-cased)."""
        alternatives = "|".join(
            re.escape(w).replace("\\ ", r"\s+") for w in sorted(self.words, key=len, reverse=True)
        )
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    @cached_property
    def leftmost(self) -> ahocorasick_rs.AhoCorasick:
        """The same words, searched leftmost-longest (for :meth:`first`)."""
        return ahocorasick_rs.AhoCorasick(
            sorted({w.lower() for w in self.words}),
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
        )

    @cached_property
    def ascii_leftmost(self) -> ahocorasick_rs.BytesAhoCorasick | None:
        """The same words as UTF-8, searched leftmost-longest in a document's
        ``_Text.ascii_lowered``; None when a word is not all ASCII."""
        lowered = sorted({w.lower() for w in self.words})
        if not all(w.isascii() for w in lowered):
            return None
        return ahocorasick_rs.BytesAhoCorasick(
            [w.encode("ascii") for w in lowered],
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
        )

    def first(self, text: str) -> tuple[int, int] | None:
        """``hits(text)[0]``, or None when there is no hit. The leftmost-longest occurrence
        starts first and is longest there: when it is a whole word, it is the first hit and
        the others need not be listed (a document names "U.S." dozens of times)."""
        searched = getattr(text, "ascii_lowered", None)
        if searched is not None and self.ascii_leftmost is not None:
            found = self.ascii_leftmost.find_matches_as_indexes(searched)
            if found:  # in characters: the words are ASCII, so the hit is as long in both
                _, begin, stop = found[0]
                start = len(searched[:begin].decode("utf-8"))
                found = [(0, start, start + stop - begin)]
        else:
            lowered = getattr(text, "lowered", None) or _lowered(text)
            if len(lowered) != len(text):
                match = self.regex.search(text)
                return None if match is None else match.span()
            found = self.leftmost.find_matches_as_indexes(lowered)
        if not found:
            return None
        _, start, end = found[0]
        if _whole(text, start, end):
            return start, end
        hits = self.hits(text)
        return hits[0] if hits else None

    def hits(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every whole-word occurrence, leftmost first, longest first."""
        lowered = getattr(text, "lowered", None) or _lowered(text)
        if len(lowered) != len(text):
            return [m.span() for m in self.regex.finditer(text)]  # leftmost, longest first
        found = self.automaton.find_matches_as_indexes(lowered, overlapping=True)
        return sorted(
            ((start, end) for _, start, end in found if _whole(text, start, end)),
            key=lambda hit: (hit[0], -hit[1]),
        )


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words (no word character on either side)."""
    return (start == 0 or not _word_char(text[start - 1])) and (
        end == len(text) or not _word_char(text[end])
    )


def _lowered(text: str) -> str:
    """The text lower-cased, with line breaks, tabs and no-break spaces as spaces, one for one
    (offsets hold), so that a phrase broken over two lines ("Federal Aviation\nAdministration")
    is still found. (``str.replace`` runs at memory speed; ``str.translate`` is ~20x slower.)"""
    lowered = text.lower()
    for space in "\n\r\t\x0b\x0c\xa0":
        if space in lowered:
            lowered = lowered.replace(space, " ")
    return lowered


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def compile_rules(entities) -> list[_Rule]:
    """The context rules of a gazetteer's entities frame, ready to apply."""
    rules = []
    row_of = {entity_id: row for row, entity_id in enumerate(entities["id"].tolist())}
    for row, rules_of in enumerate(entities["context"]):
        for rule in rules_of:
            aliases = frozenset(a.casefold() for a in rule["aliases"])
            becomes = row_of.get(rule.get("becomes") or "", -1)
            for key in ("require", "veto"):
                if rule[key]:
                    rules.append(
                        _Rule(row, aliases, _Words(rule[key]), rule[key], key == "require",
                              rule["within"], becomes)
                    )  # fmt: skip
    return rules


class _Text(str):
    """A document's text that keeps its lower-cased forms, each made when first read."""

    @cached_property
    def lowered(self) -> str:
        return _lowered(self)

    @cached_property
    def ascii_lowered(self) -> bytes | None:
        """The text as UTF-8 with ASCII letters in lower case and the spaces of
        :func:`_lowered` as spaces (a byte-wise pass, several times faster than ``str.lower``
        on a long text), or None when searching it could differ from searching ``lowered``:
        "İ" and the Kelvin sign are the only characters whose lower case is ASCII."""
        if "\u0130" in self or "\u212a" in self:
            return None
        plain = self.replace("\xa0", " ") if "\xa0" in self else str(self)
        try:
            return plain.encode("utf-8").translate(_ASCII_LOWER)
        except UnicodeEncodeError:  # a lone surrogate
            return None


# ASCII capitals to lower case, and the ASCII spaces of ``_lowered`` to " ".
_ASCII_LOWER = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ\n\r\t\x0b\x0c", b"abcdefghijklmnopqrstuvwxyz     "
)


def _context(
    rule: _Rule, indices: np.ndarray, found: dict, text: Callable[[int, int], str], n_fields: int,
    documents: dict,
) -> tuple[list[int], list[str]]:  # fmt: skip
    """The texts a rule looks at: for each mention of ``indices`` the number of its text in the
    list of distinct texts (mentions of one sentence or document share theirs, and the rule is
    tried once per text; ``documents`` keeps the documents' texts between rules)."""
    rows, fields = found["row"][indices], found["field"][indices]
    starts, ends = found["start"][indices], found["end"][indices]
    if rule.within == "next":
        texts = [text(r, f)[e : e + _REACH] for r, f, e in zip(rows, fields, ends, strict=True)]
        return list(range(len(texts))), texts
    if rule.within == "previous":
        texts = [
            text(r, f)[max(0, s - _REACH) : s] for r, f, s in zip(rows, fields, starts, strict=True)
        ]
        return list(range(len(texts))), texts
    if rule.within == "document":
        keys = rows.tolist()
        distinct = list(dict.fromkeys(keys))
        for r in distinct:  # joined and lower-cased once for all the rules that read them
            if r not in documents:
                joined = "\n".join(text(r, f) for f in range(n_fields))
                documents[r] = _Text(joined)
        texts = [documents[r] for r in distinct]
    elif "sentence_start" in found:  # the extractor found each mention's sentence already
        begin, stop = found["sentence_start"][indices], found["sentence_end"][indices]
        keys = list(zip(rows.tolist(), fields.tolist(), begin.tolist(), stop.tolist(), strict=True))
        distinct = list(dict.fromkeys(keys))
        texts = [text(r, f)[b:e] for r, f, b, e in distinct]
    else:
        fields_of = list(dict.fromkeys(zip(rows.tolist(), fields.tolist(), strict=True)))
        position = {key: number for number, key in enumerate(fields_of)}
        sources = [text(r, f) for r, f in fields_of]
        which = np.array([position[k] for k in zip(rows.tolist(), fields.tolist(), strict=True)])
        begin, stop = sentences_around(sources, which, starts.astype(np.int64))
        keys = list(zip(which.tolist(), begin.tolist(), stop.tolist(), strict=True))
        distinct = list(dict.fromkeys(keys))
        texts = [sources[w][b:e] for w, b, e in distinct]
    number = {key: i for i, key in enumerate(distinct)}
    return [number[key] for key in keys], texts


def _matches(rule: _Rule, context: str) -> str | None:
    """The word of the rule found in the context where the rule looks (None: not there)."""
    if rule.within == "next":
        context = context.lstrip()
        hits = [hit for hit in rule.words.hits(context) if hit[0] == 0]
        return context[: max(end for _, end in hits)] if hits else None
    if rule.within == "previous":
        hits = rule.words.hits(context)
        end = len(context.rstrip())
        last = [hit for hit in hits if hit[1] == end]
        return context[min(start for start, _ in last) : end] if last else None
    first = rule.words.first(context)
    return None if first is None else context[first[0] : first[1]]


def decide(
    found: dict,
    entity: np.ndarray,
    alias: tuple,
    entities,
    text: Callable[[int, int], str],
    n_fields: int,
    *,
    family: dict[int, tuple[int, ...]] | None = None,
    surnames: frozenset[int] = frozenset(),
    urls: np.ndarray | None = None,
    rules: list[_Rule] | None = None,
) -> Decisions:
    """Apply the rules to the found mentions.

    Parameters
    ----------
    found : arrays of the found mentions in document, field, start order: row (document),
        field (0 title, 1 text), start, end (character offsets), pattern.
    entity : the entities-frame row of each mention.
    alias : the alias each pattern comes from (``Matcher.alias``).
    entities : the gazetteer's entities frame (uses kind, parent, context).
    text : ``text(row, field)``, the field's text of a document.
    n_fields : how many fields a document has (a document rule reads them all).
    family : the entities sharing each shared pattern ("Navy"), see :func:`_owners`, or each
        generated surname ("Johnson"), see :func:`_surnames`.
    surnames : the patterns of generated surnames.
    urls : each document's url (its home state is read from the web domain), or None.
    rules : the context rules compiled from ``entities`` (:func:`compile_rules`), if at hand.
    """
    n = len(entity)
    decisions = Decisions(
        keep=np.ones(n, dtype=bool), end=found["end"].copy(), entity=entity.copy()
    )
    if not n:
        return decisions
    pattern_alias = np.array([a.casefold() for a in alias], dtype=object)
    patterns_of: dict[str, list[int]] = {}
    for pattern, name in enumerate(pattern_alias.tolist()):
        patterns_of.setdefault(name, []).append(pattern)
    # Each entity's mentions, in order: grouped once, not compared again for every rule.
    by_entity = np.argsort(entity, kind="stable")
    edges = np.searchsorted(entity[by_entity], np.arange(int(entity.max()) + 2)).tolist()
    documents: dict[int, _Text] = {}
    for rule in compile_rules(entities) if rules is None else rules:
        group = rule.entity if rule.entity < len(edges) - 1 else len(edges) - 1
        indices = by_entity[edges[group] : edges[min(group + 1, len(edges) - 1)]]
        indices = indices[decisions.keep[indices]]
        if rule.aliases and len(indices):
            wanted = _patterns_table(patterns_of, rule.aliases, len(pattern_alias))
            indices = indices[wanted[found["pattern"][indices]]]
        if not len(indices):
            continue
        which, contexts = _context(rule, indices, found, text, n_fields, documents)
        hits = [_matches(rule, context) for context in contexts]
        for index, number in zip(indices.tolist(), which, strict=True):
            hit = hits[number]
            if rule.becomes >= 0:  # a sense switch: "mines" drifting at sea are naval mines
                if hit is not None:
                    decisions.entity[index] = rule.becomes
            elif rule.require and hit is None:
                shown = ", ".join(rule.listed[:4]) + (" ..." if len(rule.listed) > 4 else "")
                decisions.excluded.append((index, f"context: no {shown} in its {rule.within}"))
                decisions.keep[index] = False
            elif not rule.require and hit is not None:
                decisions.excluded.append(
                    (index, f"context: {hit!r} in its {rule.within}")
                )
                decisions.keep[index] = False
    if family:
        _owners(found, family, surnames, entities, text, urls, decisions)
        _surnames(found, family, surnames, entities, text, decisions)
    entity = decisions.entity
    _near_names_beside_the_name(found, entity, entities, decisions)
    _names_inside_names(found, entity, entities, text, decisions)
    _weapons_inside_names(found, entity, entities, text, decisions)
    _inside_web_addresses(found, text, decisions)
    _verbs(found, pattern_alias, text, decisions)
    by_alias = _rows_by_alias(entities)
    _military_as_adjective(found, entities, text, decisions, by_alias)
    _forces_of_a_state(found, entities, text, decisions)
    _coordinated_names(found, entities, text, decisions, by_alias)
    _join_neighbours(found, entity, entities, text, decisions)
    return decisions


_TOKEN_STOPS = " \t\r\n()[]<>\"'"
_OTHER_STOP = re.compile("[" + re.escape(_TOKEN_STOPS[1:]) + "]")  # any stop but the space
_WEB_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*://|www\.|[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}/)", re.IGNORECASE
)


def _inside_web_addresses(found: dict, text, decisions: Decisions) -> None:
    """A word inside a web address ("https://www.reuters.com/...-rocket-attack-...") is part
    of the address, not a mention. Only mentions with address-like bytes beside them are read
    (the ``URL_LIKE`` hint of :func:`analysis.mentions._neighbour_hints`)."""
    hints = found.get("hints")
    if hints is None:
        return
    todo = np.flatnonzero(decisions.keep & ((hints & 8) > 0))
    for index, row, where, start in zip(todo.tolist(), found["row"][todo].tolist(),
                                        found["field"][todo].tolist(),
                                        found["start"][todo].tolist(), strict=True):  # fmt: skip
        source = text(row, where)
        # The token's start: the last stop before the mention. The others are looked for
        # only after the last space, so that a stop absent from the text is not looked for
        # back to its beginning.
        space = source.rfind(" ", 0, start)
        if _OTHER_STOP.search(source, space + 1, start):
            space = max(space, *(source.rfind(stop, space + 1, start) for stop in _TOKEN_STOPS[1:]))
        left = space + 1
        if _WEB_ADDRESS.match(source, left):
            _refuse(decisions, [index], "inside a web address")


# Class nouns that are verbs too: "it bombs us", "they shell the city", "to arm Ukraine", "the
# market will tank". A verb follows a subject pronoun, or (its base form) a modal, "to" or a
# negation, or comes before an object pronoun.
_VERB_ALIASES = frozenset({"bomb", "shell", "shells", "mines", "arms", "tank", "rocket", "nuke"})
_BASE_FORMS = frozenset({"bomb", "shell", "arm", "tank", "rocket", "nuke", "mine"})
_SUBJECT_BEFORE = re.compile(r"(?:^|[^\w'’])(?:it|they|he|she|we|I|who)[ \t]+$", re.IGNORECASE)
_MODAL_BEFORE = re.compile(
    r"(?:(?:^|[^\w'’])(?:to|will|would|can|could|may|might|must|shall|should|not|never|cannot)"
    r"|n['’]t|['’]ll)[ \t]+$",
    re.IGNORECASE,
)
_OBJECT_AFTER = re.compile(r"[ \t]+(?:us|them|him|me)\b")


def _verbs(found: dict, pattern_alias: np.ndarray, text, decisions: Decisions) -> None:
    """A class noun used as a verb is not a weapon ("Russia bombs us", "will shell")."""
    verb = np.array([name in _VERB_ALIASES for name in pattern_alias.tolist()], dtype=bool)
    todo = np.flatnonzero(decisions.keep & verb[found["pattern"]])
    for index in todo.tolist():
        source = text(int(found["row"][index]), int(found["field"][index]))
        start, end = int(found["start"][index]), int(decisions.end[index])
        before = source[max(0, start - 12) : start]
        if (
            _SUBJECT_BEFORE.search(before)
            or (source[start:end].lower() in _BASE_FORMS and _MODAL_BEFORE.search(before))
            or _OBJECT_AFTER.match(source, end)
        ):
            _refuse(decisions, [index], "a verb, not a weapon")


_COORDINATED = re.compile(r"([\w’'\-]+) and ([\w’'\-]+) ([\w\-]+?)s", re.IGNORECASE)


def _rows_by_alias(entities) -> dict[str, int]:
    """Each alias, case-folded, with its entity's row (the gazetteer gives an alias to one)."""
    aliases = entities["aliases"].to_numpy()
    return {a.casefold(): row for row in range(len(aliases)) for a in aliases[row]}


def _coordinated_names(found: dict, entities, text, decisions: Decisions, named: dict) -> None:
    """An alias coordinating two names under one plural head ("Donetsk and Luhansk regions")
    is a mention of each named thing when both "Donetsk region" and "Luhansk region" are
    aliases: the first over its name, the second over its name and the head."""
    aliases = entities["aliases"].to_numpy()
    splits = set()
    for row in range(len(aliases)):
        for alias in aliases[row]:
            m = _COORDINATED.fullmatch(alias)
            if m and " and " in alias:
                one = named.get(f"{m.group(1)} {m.group(3)}".casefold(), -1)
                two = named.get(f"{m.group(2)} {m.group(3)}".casefold(), -1)
                if one >= 0 and two >= 0 and one != two and row not in (one, two):
                    splits.add(row)
    if not splits:
        return
    todo = np.flatnonzero(_in(decisions.entity, splits) & decisions.keep)
    for index in todo.tolist():
        start, end = int(found["start"][index]), int(decisions.end[index])
        source = text(int(found["row"][index]), int(found["field"][index]))
        m = _COORDINATED.fullmatch(source, start, end)
        if m is None:
            continue
        one = named.get(f"{m.group(1)} {m.group(3)}".casefold(), -1)
        two = named.get(f"{m.group(2)} {m.group(3)}".casefold(), -1)
        if one < 0 or two < 0:
            continue
        decisions.entity[index] = one
        decisions.end[index] = m.end(1)
        decisions.surfaces[index] = m.group(1)
        decisions.added.append((index, m.start(2), end, two))


# "military" is an adjective before one of these nouns, a noun ending like them ("-tion",
# "-ment" ...) or a hyphen ("Russia's military-industrial base"): "US military aid", "Russian
# military bloggers", "U.S. military personnel". Before a verb, a conjunction, a word for the
# forces themselves ("Russian military units", "military forces") or anything else it stays the
# armed forces.
_ADJECTIVE_BEFORE = frozenset(
    "aid aids assistance equipment hardware bloggers blogger officials official leaders leader "
    "personnel officers officer "
    "leadership presence campaign campaigns buildup build-up machine aggression activities "
    "activity capabilities capability capacity action actions invasion readiness involvement "
    "aircraft plane planes jet jets helicopter helicopters vehicle vehicles vessels ship ships "
    "base bases deployments mission missions flights assets families family power might "
    "support requirements needs strength plans plan installations instillations installation "
    "facility facilities technology technologies superiority inferiority command commander "
    "commanders mothers cemeteries cemetery boots advisors advisers adviser advisor losses "
    "spouses history exercises exercise drills drill planning planners role stocks stockpiles "
    "objectives objective airlift training engagement dominance doctors doctor supplies supply "
    "production procurement spending budget budgets doctrine analysts analyst experts expert "
    "strategy strategies potential bombing bombings crimes crime targets target logistics "
    "cooperation partnerships partners partner industries industry conflict attack attacks "
    "strike strikes threat threats pressure victory victories defeat response options option "
    "goals goal purposes purpose uniform uniforms academy academies school schools college "
    "colleges university hospital hospitals contractor contractors contracts contract "
    "instructors trainers musicians band chaplains veterans caregivers rations sales exports "
    "imports ties relations spokesman spokesperson sources source analysis affairs expenditure "
    "expenditures intervention interventions escalation incursion incursions adventurism "
    "expansion offensive offensives positions movements capacities".split()
)
_NOUN_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism", "ogy")
_WORD_AFTER = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?([A-Za-z][A-Za-z\-]*)?")


def _adjective_after(source: str, end: int) -> str:
    """The word that makes "military" ending at ``end`` an adjective, or ""."""
    if source.startswith("-", end):
        return "-"
    word = _WORD_AFTER.match(source, end).group(1) or ""
    stem = word[:-1] if word.endswith("s") else word  # "operations", "capacities"
    if word in _ADJECTIVE_BEFORE or (word.islower() and stem.endswith(_NOUN_ENDINGS)):
        return word
    return ""


def _military_as_adjective(
    found: dict, entities, text, decisions: Decisions, by_alias: dict
) -> None:
    """"[country] military [noun]" is an adjective, not that country's armed forces ("US
    military aid", "Russian military bloggers"): a state named before it stays a mention of
    the state (the span shrinks to "US", "United States"); an adjective of nationality
    ("Russian military") is no mention."""
    forces = np.flatnonzero((entities["category"] == "armed-forces").to_numpy())
    todo = np.flatnonzero(_in(decisions.entity, forces) & decisions.keep)
    if not todo.size:
        return
    is_state = (entities["category"] == "state").to_numpy()
    for index in todo.tolist():
        start, end = int(found["start"][index]), int(decisions.end[index])
        source = text(int(found["row"][index]), int(found["field"][index]))
        surface = source[start:end]
        if not surface.casefold().endswith("military"):
            continue
        word = _adjective_after(source, end)
        if not word:
            continue
        before = surface[: -len("military")].rstrip()
        state = by_alias.get(before.casefold(), -1)
        if state >= 0 and is_state[state] and before:
            decisions.entity[index] = state
            decisions.end[index] = start + len(before)
            decisions.surfaces[index] = before
        else:
            _refuse(decisions, [index], f"adjective: {surface!r} before {word!r}")


# "Ukraine's forces", "Russia’s troops", "America's military": the state's armed forces.
_FORCES_AFTER = re.compile(
    r"['’]s[ \t]+(?:own[ \t]+)?(armed[ \t]*\n?[ \t]*forces|forces|troops|army|military|soldiers|"
    r"servicemen)\b"  # "India’s armed\nforces": a line break inside the words too
)


def _forces_of_a_state(found: dict, entities, text, decisions: Decisions) -> None:
    """A state's possessive with a word for its armed forces ("Ukraine's forces", "Russia's
    military" as a noun) is two mentions: the state, and its armed forces (the body whose
    shared names include "Armed Forces", or its only armed forces) over the word."""
    category = entities["category"].to_numpy()
    parent = entities["parent"].to_numpy()
    shared = entities["shared"].to_numpy() if "shared" in entities else None
    row_of = {entity_id: row for row, entity_id in enumerate(entities["id"].tolist())}
    forces_of: dict[int, list[int]] = {}
    for row in np.flatnonzero(category == "armed-forces").tolist():
        if parent[row] in row_of and category[row_of[parent[row]]] == "state":
            forces_of.setdefault(row_of[parent[row]], []).append(row)
    main = {}
    for state, rows in forces_of.items():
        named = [r for r in rows if shared is not None and "Armed Forces" in (shared[r] or ())]
        if len(named) == 1 or len(rows) == 1:
            main[state] = (named or rows)[0]
    todo = _in(decisions.entity, main) & decisions.keep
    hints = found.get("hints")
    if hints is not None:  # an apostrophe after the span as found (16: APOSTROPHE)
        todo &= ((hints & 16) > 0) | (decisions.end != found["end"])
    todo = np.flatnonzero(todo)
    ends, rows, fields = decisions.end[todo].tolist(), found["row"][todo], found["field"][todo]
    for index, end, row, where in zip(todo.tolist(), ends, rows.tolist(), fields.tolist(),
                                      strict=True):  # fmt: skip
        source = text(row, where)
        if source[end : end + 1] not in ("'", "’"):
            continue
        words = _FORCES_AFTER.match(source, end)
        if words is None:
            continue
        if words.group(1) == "military" and _adjective_after(source, words.end()):
            continue
        decisions.added.append(
            (index, words.start(1), words.end(1), main[int(decisions.entity[index])])
        )


_POSSESSIVE_GAP = re.compile(r"(?:['’]s)?[ \t]+")  # "Ukraine's Navy", "Russia’s Armed Forces"
# After the name: "Ministry of Justice of Lithuania".
# "the Parliament and the people of Estonia", "the Parliament of this country".
_OF_AFTER = re.compile(
    r"[ \t]+(?:and[ \t]+(?:the[ \t]+)?people[ \t]+)?of[ \t]+(?:the[ \t]+)?"
    r"(?:(?=[A-Z])|(?=this[ \t]+country))"
)
_CAPITALISED = re.compile(r"[A-Z][\w'’\-]*(?:[ \t]+[A-Z][\w'’\-]*)*")
# Words that point a shared name to the international body bearing it.
_MEMBERS_OF = re.compile(
    r"(?:permanent|non-permanent|elected)[ \t\n]+members?[ \t\n]+of[ \t\n]+the[ \t\n]+$"
)
_RESOLUTION = re.compile(r"[ \t\n]+[Rr]esolutions?\b|['’]s[ \t\n]+[Rr]esolutions?\b")
# A capitalised word right before qualifies the name ("Royal Navy", "Lithuanian Defence
# Ministry", "Salvation Army"), unless it is one of these.
_WORD_BEFORE = re.compile(r"(?<![.!?:;\n])[ \t]([A-Z][\w'’\-]*)[ \t]+$")
_DETERMINERS = frozenset(
    "The A An Our Its Their His Her Your My This That These Those Both Each Every Whole Entire "
    "And Or But Of In On At For With From To By As If When While Why How What Which Who Dear "
    "Mr Mrs Ms Madam".split()
)


def _state_rows(entities) -> np.ndarray:
    """For each entity, the row of the state it belongs to (itself for a state), or -1."""
    ids = entities["id"].tolist()
    family = dict(zip(ids, zip(entities["category"], entities["parent"], strict=True),
                      strict=True))  # fmt: skip
    row_of = {entity_id: row for row, entity_id in enumerate(ids)}
    return np.array([row_of.get(owner_state(i, family), -1) for i in ids], dtype=np.int64)


def home_state(url, domains: dict[str, int]) -> int:
    """The state row of a url's top-level web domain ("http://en.kremlin.ru/..." -> Russia,
    "https://www.whitehouse.gov/..." -> the United States), or -1."""
    if not isinstance(url, str) or "." not in url:
        return -1
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].rstrip(".")
    return domains.get(host.rsplit(".", 1)[-1].lower(), -1) if "." in host else -1


# Words that may stand right before a surname: titles and honorifics ("Mr. Sullivan",
# "Secretary Austin"); any other capitalised word makes it part of another name.
_TITLE_WORDS = frozenset(
    "Mr Mrs Ms Dr Mr. Mrs. Ms. Dr. Madam Sir Lady Lord President Vice Prime Minister Secretary "
    "Senator Sen. Rep. Representative Congressman Congresswoman Speaker Leader Governor Gov. "
    "General Gen. Admiral Adm. Ambassador Chancellor Chairman Chairwoman Chair Director "
    "Commissioner Deputy Colonel Col. Lieutenant Lt. Sergeant Sgt. Captain Capt. Major Maj. "
    "Premier Judge Justice Attorney Mayor Commander Marshal Mister Professor Prof. Envoy "
    "Spokesperson Spokesman Spokeswoman Adviser Advisor Coordinator Administrator The Q".split()
)
_NAME_BEFORE = re.compile(r"(?<![.!?:;\n])(?:^|[ \t])([A-Z][\w.'’\-]*)[ \t]+$")
_NAME_AFTER = re.compile(r"[ \t]+[A-Z][a-z]|[ \t]*&")  # "Austin Landis", "Johnson & Johnson"
_AMPERSAND_BEFORE = re.compile(r"&[ \t]*$")


def _surnames(found: dict, family: dict, surnames, entities, text, decisions) -> None:
    """A bare surname ("Truss", "Johnson") counts as the person of that surname named in full
    in the same document (title or text), the nearest before, else the first after; otherwise
    it is not counted (a "Johnson" beside no Johnson is a word or another person), nor when a
    given name sits right before it or a name right after ("Andrea Harris", "Austin Landis"),
    nor beside an ampersand (the firm "Johnson & Johnson")."""
    patterns = found["pattern"]
    generated = _in(patterns, surnames)
    todo = np.flatnonzero(generated & decisions.keep)
    if not todo.size:
        return
    rows, fields, starts, ends = found["row"], found["field"], found["start"], found["end"]
    inside = []
    for index, row, where, start, end in zip(todo.tolist(), rows[todo].tolist(),
                                             fields[todo].tolist(), starts[todo].tolist(),
                                             ends[todo].tolist(), strict=True):  # fmt: skip
        source = text(row, where)
        before = _NAME_BEFORE.search(source, max(0, start - 40), start)
        if (
            (before and before.group(1) not in _TITLE_WORDS)
            or _NAME_AFTER.match(source, end)
            or _AMPERSAND_BEFORE.search(source, max(0, start - 4), start)
        ):
            inside.append(index)
    _refuse(decisions, inside, "surname: part of another name")
    todo = todo[decisions.keep[todo]]
    members = [family[int(p)] for p in patterns[todo]]
    named = decisions.keep & ~generated
    chosen = _nearest_named(todo, members, np.flatnonzero(named), decisions.entity, rows)
    decisions.entity[todo[chosen >= 0]] = chosen[chosen >= 0]
    names = entities["name"].to_numpy()
    for index, people in zip(todo[chosen < 0].tolist(), np.array(members, dtype=object)[chosen < 0],
                             strict=True):  # fmt: skip
        who = " or ".join(names[m] for m in people)
        _refuse(decisions, [index], f"surname: {who} not named in full in the document")


def _in(values: np.ndarray, wanted) -> np.ndarray:
    """Which of ``values`` (row or pattern numbers) are ``wanted``, by a lookup table (many
    times faster than ``np.isin``, which sorts)."""
    wanted = np.fromiter(wanted, dtype=np.int64, count=len(wanted))
    if not len(values) or values.min() < 0:
        return np.isin(values, wanted)
    table = np.zeros(int(max(values.max(), wanted.max(initial=0))) + 1, dtype=bool)
    table[wanted[wanted >= 0]] = True
    return table[values]


def _patterns_table(patterns_of: dict[str, list[int]], aliases, n_patterns: int) -> np.ndarray:
    """``table[p]``: whether pattern p comes from one of ``aliases`` (case-folded)."""
    table = np.zeros(n_patterns, dtype=bool)
    table[[p for name in aliases for p in patterns_of.get(name, ())]] = True
    return table


def _refuse(decisions: Decisions, indices, reason: str) -> None:
    for index in indices:
        decisions.keep[index] = False
        decisions.excluded.append((index, reason))


def _nearest_named(todo, members, candidates, entity, rows) -> np.ndarray:
    """For each mention of ``todo`` (indices in document order), the entity of the mention of
    ``candidates`` nearest before it in its document whose entity is one of its ``members``,
    else the first after it; -1 when its document names none of them."""
    chosen = np.full(len(todo), -1, dtype=np.int64)
    if not len(todo) or not len(candidates):
        return chosen
    n = int(max(todo.max(), candidates.max())) + 1
    keys = np.sort(entity[candidates].astype(np.int64) * n + candidates)
    sizes = np.array([len(m) for m in members], dtype=np.int64)
    query = np.repeat(np.arange(len(todo)), sizes)
    member = np.fromiter((m for ms in members for m in ms), dtype=np.int64, count=int(sizes.sum()))
    at = todo[query]
    slot = np.searchsorted(keys, member * n + at)
    best_before = np.full(len(todo), -1, dtype=np.int64)
    best_after = np.full(len(todo), n, dtype=np.int64)
    for step, best, pick in ((-1, best_before, np.maximum), (0, best_after, np.minimum)):
        position = slot + step
        ok = (position >= 0) & (position < len(keys))
        key = keys[np.clip(position, 0, len(keys) - 1)]
        index = key % n
        ok &= (key // n == member) & (rows[index] == rows[at])
        pick.at(best, query[ok], index[ok])
    has_before, has_after = best_before >= 0, best_after < n
    chosen[has_before] = entity[best_before[has_before]]
    after_only = ~has_before & has_after
    chosen[after_only] = entity[best_after[after_only]]
    return chosen


def _owners(found: dict, family: dict, surnames, entities, text, urls, decisions) -> None:
    """The owner of a shared alias ("Navy", "Senate", "the Defence Ministry"): the body of the
    state the text points to, first of

    1. the words around it: a state right before ("Ukraine's Navy") or after ("Ministry of
       Justice of Lithuania"), or a qualifying capitalised word ("Royal Navy", "Lithuanian
       Defence Ministry"): when that state has no such body here, the mention is not counted;
    2. the document's home state, from its web domain: an official site names its own bodies
       bare and qualifies the others' ("our Armed Forces" on kremlin.ru are Russia's);
    3. the same body named in full in the document, the nearest before, else the first after
       ("the U.S. Navy ... the Navy"; "the Polish Senate ... the Senate");
    4. the state the document names most, when it is named more than any other (not for a
       name an international body bears: a White House briefing naming Russia most means the
       UN's Security Council);
    5. an international body of that name, if there is one ("Security Council": the UN's;
       after step 2, words point to it: "permanent members of the Security Council");

    otherwise the mention is not counted (listed as "owner unknown"): a bare "Senate" is never
    given to the United States by default.
    """
    patterns, entity = found["pattern"], decisions.entity
    shared = _in(patterns, family)
    todo = np.flatnonzero(shared & ~_in(patterns, surnames) & decisions.keep)
    if not todo.size:
        return
    state_of = _state_rows(entities)
    is_state = (entities["category"] == "state").to_numpy()
    by_state = {p: {int(state_of[m]): m for m in members} for p, members in family.items()}
    others = np.flatnonzero(decisions.keep & ~shared)
    # the state each entity names: itself, or a state's armed forces ("the Ground Forces of the
    # Armed Forces of Ukraine")
    forces = (entities["category"] == "armed-forces").to_numpy()
    named_state = np.where(is_state, np.arange(len(is_state)), np.where(forces, state_of, -1))
    chosen = _by_the_words_around(todo, others, found, entities, text, by_state, named_state,
                                  decisions)  # fmt: skip
    todo, chosen = todo[decisions.keep[todo]], chosen[decisions.keep[todo]]
    rows = found["row"]
    if urls is not None:
        domains = {}
        for row, names in enumerate(entities.get("domains", ())):
            for name in names if isinstance(names, tuple | list) else ():
                domains.setdefault(name, row)
        home = {row: home_state(urls[row], domains) for row in np.unique(rows[todo]).tolist()}
        for k in np.flatnonzero(chosen < 0).tolist():
            state = home[int(rows[todo[k]])]
            chosen[k] = by_state[int(patterns[todo[k]])].get(state, -1) if state >= 0 else -1
    # 2b. words pointing to the international body ("permanent members of the Security
    # Council" on a site other than the Kremlin's, whose own council has permanent members)
    for k in np.flatnonzero(chosen < 0).tolist():
        index = int(todo[k])
        body = by_state[int(patterns[index])].get(-1, -1)
        if body >= 0:
            source = text(int(rows[index]), int(found["field"][index]))
            start, end = int(found["start"][index]), int(found["end"][index])
            if _MEMBERS_OF.search(source, max(0, start - 40), start) or _RESOLUTION.match(
                source, end
            ):
                chosen[k] = body
    left = np.flatnonzero(chosen < 0)
    members = [family[int(p)] for p in patterns[todo[left]]]
    chosen[left] = _nearest_named(todo[left], members, others, entity, rows)
    left = left[chosen[left] < 0]
    top = _most_named_state(others[is_state[entity[others]]], entity, rows)
    for k in left.tolist():
        state, bearers = top.get(int(rows[todo[k]]), -1), by_state[int(patterns[todo[k]])]
        if state >= 0 and -1 not in bearers:  # an international body's name skips this step
            chosen[k] = bearers.get(state, -1)
    # 5. an international body bearing the name ("Security Council": the UN's) when no state
    # was pointed to
    for k in np.flatnonzero(chosen < 0).tolist():
        chosen[k] = by_state[int(patterns[todo[k]])].get(-1, -1)
    entity[todo[chosen >= 0]] = chosen[chosen >= 0]
    for index in todo[chosen < 0].tolist():
        name = text(int(rows[index]), int(found["field"][index]))[
            int(found["start"][index]) : int(found["end"][index])
        ]
        _refuse(decisions, [index], f"owner unknown: no state named for {name!r}")


def _by_the_words_around(todo, others, found, entities, text, by_state, named_state, decisions):
    """Step 1 of :func:`_owners`: the member chosen by the words right around each shared name
    (-1 when they say nothing); names qualified by a state or word with no such body here are
    refused. ``named_state``: the state row each entity names (a state, a state's armed
    forces), or -1."""
    rows, fields, starts, ends = found["row"], found["field"], found["start"], found["end"]
    entity, patterns = decisions.entity, found["pattern"]
    names = entities["name"].to_numpy()
    members_of = {m for members in by_state.values() for m in members.values()}
    aliases = entities["aliases"].to_numpy()
    written = {a.casefold(): m for m in members_of for a in aliases[m]}
    slot = np.searchsorted(others, todo)
    previous = others[np.maximum(slot - 1, 0)] if others.size else todo
    following = others[np.minimum(slot, others.size - 1)] if others.size else todo
    chosen = np.full(len(todo), -1, dtype=np.int64)
    for k, index in enumerate(todo.tolist()):
        row, where = int(rows[index]), int(fields[index])
        start, end = int(starts[index]), int(ends[index])
        states = by_state[int(patterns[index])]
        source = text(row, where)
        qualifier = ""
        last, after = int(previous[k]), int(following[k])
        if (
            others.size and slot[k] > 0 and rows[last] == row and fields[last] == where
            and named_state[entity[last]] == entity[last] and start - decisions.end[last] <= 4
            and _POSSESSIVE_GAP.fullmatch(source, int(decisions.end[last]), start)
        ):  # fmt: skip
            chosen[k] = states.get(int(entity[last]), -1)
            qualifier = "" if chosen[k] >= 0 else names[entity[last]]
        elif source.startswith((" of ", " and "), end) and (of := _OF_AFTER.match(source, end)):
            if (
                others.size and slot[k] < others.size and rows[after] == row
                and fields[after] == where and starts[after] == of.end()
                and named_state[entity[after]] >= 0
            ):  # fmt: skip
                chosen[k] = states.get(int(named_state[entity[after]]), -1)
                qualifier = "" if chosen[k] >= 0 else names[entity[after]]
            else:
                words = _CAPITALISED.match(source, of.end())
                qualifier = words.group(0) if words else "this country"
        elif (word := _WORD_BEFORE.search(source, max(0, start - 40), start)) and (
            word.group(1) not in _DETERMINERS
        ):
            chosen[k] = written.get(f"{word.group(1)} {source[start:end]}".casefold(), -1)
            qualifier = "" if chosen[k] >= 0 else word.group(1)  # "Ukrainian Army": its case
        if qualifier:
            reason = f"owner unknown: {source[start:end]} of {qualifier!r}, not in the gazetteer"
            _refuse(decisions, [index], reason)
    return chosen


def _most_named_state(mentions: np.ndarray, entity: np.ndarray, rows: np.ndarray) -> dict:
    """For each document, the state its ``mentions`` name most when no other is named as often."""
    if not mentions.size:
        return {}
    # (document, state) pairs as one integer each: a 1-d unique is many times faster.
    width = int(entity.max()) + 1
    pairs, counts = np.unique(
        rows[mentions].astype(np.int64) * width + entity[mentions], return_counts=True
    )
    row, state = pairs // width, pairs % width
    order = np.lexsort((-counts, row))  # each document's most named state first
    row, state, counts = row[order], state[order], counts[order]
    first = np.flatnonzero(np.concatenate([[True], row[1:] != row[:-1]]))
    second = first + 1
    tie = (second < len(row)) & (row[np.minimum(second, len(row) - 1)] == row[first])
    tie &= counts[np.minimum(second, len(row) - 1)] == counts[first]
    return dict(zip(row[first].tolist(), np.where(tie, -1, state[first]).tolist(), strict=True))


FUZZY = MATCH_KINDS.index("fuzzy")  # the match code of a spelling from the near-name pass


def _near_names_beside_the_name(found: dict, entity: np.ndarray, entities, decisions: Decisions):
    """A near spelling ("Zelanski") counts only in a document that names the entity exactly
    or by a generated variant too: names sit near other names ("Radcliffe", "Dominic")."""
    match = found.get("match")
    if match is None or not (match == FUZZY).any():
        return
    rows = found["row"]
    named = {(r, e) for r, e, m in zip(rows.tolist(), entity.tolist(), match.tolist(),
                                        strict=True) if m != FUZZY}  # fmt: skip
    names = entities["name"].to_numpy()
    for index in np.flatnonzero((match == FUZZY) & decisions.keep).tolist():
        if (int(rows[index]), int(entity[index])) not in named:
            decisions.keep[index] = False
            decisions.excluded.append(
                (index, f"near name: {names[entity[index]]} not named exactly in the document")
            )


def _names_inside_names(found: dict, entity: np.ndarray, entities, text, decisions: Decisions):
    """Actors named inside the name of a document, an event or an institution."""
    actor = (entities["kind"] == "actor").to_numpy()
    state = (entities["category"] == "state").to_numpy()
    hints = found.get("hints")
    possible = decisions.keep & actor[entity]
    if hints is not None:  # only where the neighbouring bytes allow one of the rules
        # 9: NEXT_CAPITAL or URL_LIKE; 15: any of the four hints before APOSTROPHE
        possible &= ((hints & 9) > 0) | (state[entity] & ((hints & 15) > 0))
        # and what each rule needs around the span as found: 32 NAME_AFTER (a hyphen, or a
        # capital after the spaces), 64 INSTITUTION_AFTER, 128 OF_BEFORE
        possible &= (
            ((hints & 32) > 0) | (state[entity] & ((hints & 192) > 0))
            | (decisions.end != found["end"])
        )  # fmt: skip
    todo = np.flatnonzero(possible)
    # What each rule needs, where the hints tell (else every rule is tried): a name after the
    # span for the first two, "of " before it or an institution's words after it for the rest.
    if hints is not None:
        moved = decisions.end[todo] != found["end"][todo]
        name_after = ((hints[todo] & 32) > 0) | moved
        of_before = ((hints[todo] & 128) > 0) | moved
        words_after = ((hints[todo] & 96) > 0) | moved
    else:
        name_after = of_before = words_after = np.ones(len(todo), dtype=bool)
    for index, row, where, start, end, is_state, named, of, worded in zip(
        todo.tolist(), found["row"][todo].tolist(), found["field"][todo].tolist(),
        found["start"][todo].tolist(), decisions.end[todo].tolist(), state[entity[todo]].tolist(),
        name_after.tolist(), of_before.tolist(), words_after.tolist(), strict=True,
    ):  # fmt: skip
        source = text(row, where)
        if named and source.startswith("-class", end):  # "Arctic-class vessels": a class of ship
            decisions.keep[index] = False
            decisions.excluded.append((index, "inside the name of a class of ship"))
        elif named and _DOCUMENT_WORDS.match(source, end):
            decisions.keep[index] = False
            decisions.excluded.append((index, "inside the name of a document or an event"))
        elif not is_state:
            continue
        elif (
            of
            and source.endswith(_OF, 0, start)
            and _PLACE_OF.search(source, max(0, start - 20), start)
        ):
            _refuse(decisions, [index], "inside the name of a place")
        elif (
            of
            and source.endswith(_OF, 0, start)
            and _INSTITUTION_OF.search(source, max(0, start - 80), start)
        ) or (worded and _STATE_THEN_INSTITUTION.match(source, end)):
            decisions.keep[index] = False
            decisions.excluded.append((index, "inside the name of an institution"))


# A capitalised weapon word before one of these names a unit, a job, a body or an award, not
# a weapon: "Submarine Officer", "Abrams Tank Battalion", "Strategic Missile Forces",
# "Missile Defense Agency", "Air Defense Artillery School".
_NAME_HEADS = re.compile(
    r"[ \t\n]+(?:(?:Tank|Missile|Artillery|Defen[cs]e|Rocket|Aviation|Weapons?)[ \t\n]+){0,2}"
    r"(?:Officers?|Agency|Command|Office|School|Cent(?:er|re)|Corps|Division|Program(?:me)?|"
    r"Squadrons?|Wing|Brigades?|Battalions?|Regiments?|Associations?|Society|Museum|Memorial|"
    r"Awards?|Medal|Directorate|Institute|Department|Badge|Forces|Force|Troops|Branch|Service|"
    r"Systems Command|Commander|Group|Range|Facility|Test Site|Laboratory|Base|Station)\b"
)


def _weapons_inside_names(found: dict, entity: np.ndarray, entities, text, decisions) -> None:
    """A capitalised weapon word opening the name of a unit, job, body or award, or inside
    the name of a document ("Submarine Arctic Science Program", "Cluster Munitions Treaty",
    "the Plan to Counter Illicit Diversion of Certain Advanced Conventional Weapons")."""
    weapon = (entities["kind"] == "weapon").to_numpy()
    for index in np.flatnonzero(decisions.keep & weapon[entity]).tolist():
        row, where = int(found["row"][index]), int(found["field"][index])
        source = text(row, where)
        start, end = int(found["start"][index]), int(decisions.end[index])
        if not source[start : start + 1].isupper():
            continue
        if _NAME_HEADS.match(source, end):
            _refuse(decisions, [index], "inside the name of a unit, body, job or award")
        elif _DOCUMENT_WORDS.match(source, end) or _DOCUMENT_BEFORE.search(
            source, max(0, start - 120), start
        ):
            _refuse(decisions, [index], "inside the name of a document or an event")


def _ancestors(entities) -> np.ndarray:
    """``ancestor[i, j]``: entity j is a parent, grandparent ... of entity i."""
    ids = entities["id"].tolist()
    row_of = {entity_id: row for row, entity_id in enumerate(ids)}
    parents = [row_of.get(p, -1) for p in entities["parent"].tolist()]
    matrix = np.zeros((len(ids), len(ids)), dtype=bool)
    for row in range(len(ids)):
        seen, parent = set(), parents[row]
        while parent >= 0 and parent not in seen:
            matrix[row, parent] = True
            seen.add(parent)
            parent = parents[parent]
    return matrix


def _join_neighbours(found: dict, entity: np.ndarray, entities, text, decisions: Decisions):
    """A system and its class noun, a name and its bracketed abbreviation, a class noun and
    the quoted system it introduces: one mention each."""
    kept = np.flatnonzero(decisions.keep)
    if len(kept) < 2:
        return
    left, right = kept[:-1], kept[1:]
    same = (found["row"][left] == found["row"][right]) & (
        found["field"][left] == found["field"][right]
    )
    gap = found["start"][right] - decisions.end[left]
    is_weapon = (entities["kind"] == "weapon").to_numpy()
    # The class noun after a system: one of its ancestors ("T-90 tanks"), or a generic class
    # ("HARM missiles", "Kinzhal hypersonic missiles"); "Javelin air defense" stays two.
    generic = is_weapon & (entities["category"] == "generic").to_numpy()
    ancestor = _ancestors(entities)
    has_parent = (entities["parent"] != "").to_numpy()

    def system_and_its_class(system: np.ndarray, cls: np.ndarray) -> np.ndarray:
        return (
            same & (gap <= 40) & is_weapon[system] & has_parent[system] & is_weapon[cls]
            & (generic[cls] | ancestor[system, cls])
        )  # fmt: skip

    system_then_class = (gap >= 1) & system_and_its_class(entity[left], entity[right])
    # A class with the bare word "weapons" or "systems" after it is that class ("antiaircraft
    # weapons", "missile strike systems").
    bare = np.flatnonzero(entities["id"].isin(["weapons", "weapons-systems"]).to_numpy())
    system_then_class |= (
        same & (gap >= 1) & (gap <= 2) & is_weapon[entity[left]] & np.isin(entity[right], bare)
    )
    abbreviation = same & (gap >= 1) & (gap <= 6) & (entity[left] == entity[right])
    class_then_system = (gap >= 1) & system_and_its_class(entity[right], entity[left])
    names = entities["name"].to_numpy()
    for a, b in zip(left[class_then_system].tolist(), right[class_then_system].tolist(),
                    strict=True):  # fmt: skip
        row, where = int(found["row"][a]), int(found["field"][a])
        source = text(row, where)
        between = source[decisions.end[a] : found["start"][b]]
        if decisions.keep[a] and (
            _BETWEEN_CLASS_AND_QUOTED_SYSTEM.fullmatch(between)
            # or right before the capitalised name: "the submarine Vladimir Monomakh"
            or (between == " " and source[found["start"][b] : found["start"][b] + 1].isupper())
        ):
            _refuse(decisions, [a], f"class noun of {names[entity[b]]}")
    pairs = np.flatnonzero(system_then_class | abbreviation)
    for a, b in zip(left[pairs].tolist(), right[pairs].tolist(), strict=True):
        if not decisions.keep[a] or not decisions.keep[b]:
            continue
        row, where = int(found["row"][a]), int(found["field"][a])
        if system_then_class[kept.searchsorted(a)]:
            source = text(row, where)
            between = source[decisions.end[a] : found["start"][b]]
            if _BETWEEN_SYSTEM_AND_CLASS.fullmatch(between) and entity[a] != entity[b]:
                decisions.keep[b] = False
                decisions.excluded.append((b, f"class noun of {names[entity[a]]}"))
                decisions.end[a] = found["end"][b]
                decisions.surfaces[a] = source[found["start"][a] : found["end"][b]]
        elif abbreviation[kept.searchsorted(a)]:
            source = text(row, where)
            between = source[decisions.end[a] : found["start"][b]]
            after = source[found["end"][b] : found["end"][b] + 2].lstrip()
            closing = "]" if between.rstrip().endswith("[") else ")"
            if _BRACKET.fullmatch(between) and after.startswith(closing):
                decisions.keep[b] = False
                decisions.excluded.append((b, "abbreviation in brackets of the mention before it"))
