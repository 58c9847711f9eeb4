"""Action words: which verb (or verbal noun) links an actor and a weapon in a sentence.

The classes (pledge, deliver, buy/sell, pause, intercept, attack, request) and their words
live in data/action_verbs.yml; words are matched by exact form, phrase, then Porter stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import yaml
from nltk.stem import PorterStemmer

from analysis import config
from analysis.errors import InputError
from analysis.kwic import collapse
from analysis.schema import NO_ACTION

ACTION_VERBS = config.ACTION_VERBS

# Words of letters with inner apostrophes and hyphens; a hyphenated compound is one word, so
# "much-needed" or "long-promised" are adjectives, not the verbs "need" and "promise".
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


# --- action verbs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLexicon:
    """Stems, exact forms and phrases of each action class (see data/action_verbs.yml)."""

    stems: dict[str, str]  # Porter stem -> class
    forms: dict[str, str]  # lower-cased word -> class
    phrases: dict[str, list[tuple[str, str]]]  # first word -> [(last word, class)]


@cache
def _stemmer() -> PorterStemmer:
    return PorterStemmer()


@cache
def _stem(word: str) -> str:
    # Porter is ~20 µs a word in pure Python; a sentence's words repeat across a corpus.
    return _stemmer().stem(word)


@cache
def load_action_lexicon(path: str | None = None) -> ActionLexicon:
    """Read the action classes from YAML (default: the packaged data/action_verbs.yml)."""
    source = ACTION_VERBS if path is None else path
    try:
        with open(source, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise InputError(f"{source}: not valid YAML ({error})") from None
    classes = (data or {}).get("classes")
    if not isinstance(classes, dict) or not classes:
        raise InputError(f"{source}: field 'classes' must map class names to word lists")
    stems: dict[str, str] = {}
    forms: dict[str, str] = {}
    phrases: dict[str, list[tuple[str, str]]] = {}
    for name, entry in classes.items():
        entry = entry or {}
        for verb in entry.get("verbs", []):
            stems[_stem(str(verb).lower())] = str(name)
        for form in entry.get("forms", []):
            forms[str(form).lower()] = str(name)
        for phrase in entry.get("phrases", []):
            words = str(phrase).lower().split()
            if len(words) < 2:
                raise InputError(f"{source}: phrase {phrase!r} of class {name} needs two words")
            phrases.setdefault(words[0], []).append((words[-1], str(name)))
    return ActionLexicon(stems=stems, forms=forms, phrases=phrases)


# After these words an action word is a noun ("halted THE transfer of"): such hits only count
# when no verb form qualifies.
DETERMINERS = frozenset(
    "a an the this that these those its their his her our your my any no each every".split()
)


def action_words(
    sentence: str, offset: int = 0, lexicon: ActionLexicon | None = None
) -> list[tuple[int, int, str, str, bool]]:
    """Action words in a sentence: (start, end, verb, class, nominal), offsets plus ``offset``.

    Tokens are words of letters (``_WORD``); each is matched by exact form, then by phrase
    ("shot ... down", the last word within two tokens), then by Porter stem. ``nominal`` is True
    after a determiner ("the transfer"), where the word names the action as a noun.
    """
    lexicon = lexicon or load_action_lexicon()
    _LEXICONS.setdefault(id(lexicon), lexicon)
    found = _action_words(sentence, id(lexicon))
    if not offset:
        return list(found)
    return [(start + offset, end + offset, *rest) for start, end, *rest in found]


_LEXICONS: dict[int, ActionLexicon] = {}


@lru_cache(maxsize=4096)
def _action_words(sentence: str, lexicon_id: int) -> tuple[tuple[int, int, str, str, bool], ...]:
    # One pass per sentence: link_verb and pair_roles read the same sentence for each pair.
    lexicon = _LEXICONS[lexicon_id]
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(sentence)]
    found = []
    for i, (start, end, word) in enumerate(tokens):
        action = lexicon.forms.get(word)
        verb_end, verb = end, word
        if word in lexicon.phrases:
            for last, name in lexicon.phrases[word]:
                for later in tokens[i + 1 : i + 4]:
                    if later[2] == last:
                        action, verb_end = name, later[1]
                        verb = sentence[start:verb_end].lower()
                        break
                if action:
                    break
        if action is None:
            action = lexicon.stems.get(_stem(word))
        if action == "request" and i + 1 < len(tokens) and tokens[i + 1][2] == "to":
            # "wants to help", "needs to decide": the wish is about the next verb, not a request
            # for the weapon ("Ukraine needs Patriots" still counts).
            action = None
        if action is not None:
            nominal = i > 0 and tokens[i - 1][2] in DETERMINERS
            found.append((start, verb_end, collapse(verb), action, nominal))
    return tuple(found)


def _token_distance(sentence: str, a: int, b: int) -> int:
    """Words between two offsets of a sentence (its own coordinates)."""
    low, high = min(a, b), max(a, b)
    return len(_WORD.findall(sentence, low, high))


def link_verb(
    sentence: str,
    sentence_start: int,
    actor: tuple[int, int],
    weapon: tuple[int, int],
    others: list[tuple[int, int, str]],
    lexicon: ActionLexicon | None = None,
    reach: int = 5,
) -> tuple[str, str]:
    """The action verb that links an actor and a weapon mention in one sentence.

    Rules, in order (offsets are document offsets; ``sentence`` starts at ``sentence_start``):

    1. Words inside any mention of the sentence (``others``: start, end, kind) are not verbs.
    2. A verb with another actor's mention between it and our actor belongs to that actor
       ("Javelins provided by the US ... Russia's invasion": "provided" is not Russia's),
       unless the two actors are joined by "and"/"or" ("the US and NATO will provide").
    3. A verb between the two mentions wins, the one nearest the later mention: in "Trump wants
       to send Patriots" the action on the weapon is "send", not "wants".
    4. Otherwise the nearest verb outside the pair, at most ``reach`` words away from it
       ("Patriots that Germany will send").
    5. In 3 and 4, a verb form beats a noun after a determiner: "Germany halted the transfer
       of Leopards" is "halted" (pause), not "transfer".

    Returns
    -------
    (verb, action_class), or ("", "none") when no verb qualifies.
    """

    def coordinated(start: int, end: int) -> bool:
        # "United States military and NATO officials are discussing ... provide": actors joined
        # by "and"/"or" within a few words share the verb.
        low, high = min(end, actor[1]), max(start, actor[0])
        gap = _WORD.findall(sentence, low - sentence_start, high - sentence_start)
        return len(gap) <= 3 and any(word.lower() in ("and", "or") for word in gap)

    other_actors = [
        (start, end)
        for start, end, kind in others
        if kind == "actor" and (start, end) != tuple(actor) and not coordinated(start, end)
    ]

    def owned_by_other_actor(hit: tuple[int, int, str, str, bool]) -> bool:
        low, high = min(hit[0], actor[0]), max(hit[1], actor[1])
        return any(low <= start and end <= high for start, end in other_actors)

    candidates = [
        hit
        for hit in action_words(sentence, sentence_start, lexicon)
        if not any(hit[0] < end and start < hit[1] for start, end, _ in others)
        and not owned_by_other_actor(hit)
    ]
    if not candidates:
        return "", NO_ACTION
    first, second = sorted([tuple(actor), tuple(weapon)])
    between = [hit for hit in candidates if hit[0] >= first[1] and hit[1] <= second[0]]
    if between:
        best = max(between, key=lambda hit: (not hit[4], hit[0]))
        return best[2], best[3]
    scored = []
    for hit in candidates:
        if hit[1] <= first[0]:
            gap = _token_distance(sentence, hit[1] - sentence_start, first[0] - sentence_start)
        elif hit[0] >= second[1]:
            gap = _token_distance(sentence, second[1] - sentence_start, hit[0] - sentence_start)
        else:  # overlaps the span between the mentions without lying inside it: not linking
            continue
        if gap <= reach:
            scored.append((hit[4], gap, hit[0], hit))
    if not scored:
        return "", NO_ACTION
    best = min(scored)[3]
    return best[2], best[3]


# --- roles --------------------------------------------------------------------------------------
# Who acts, to whom, from whom, and whether the action is denied: rules over one sentence, no
# parser (no spaCy or NLTK models here). A role the rules cannot settle is ROLE_UNKNOWN, never
# a guess; each resolved role names the rule that fired (``role_rule``).

ROLE_UNKNOWN = "unknown"
ROLES = ("agent", "recipient", "target", "source")

# Tokens: words (as _WORD), numbers, and punctuation that can end a clause.
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d[\d,.]*|[;:()\[\]—–,]|(?<!\S)--?(?!\S)")
_HARD_BREAK = frozenset(";:()[]—–-") | {"--"}
# Words that open another clause: the actor before them is not the subject of a verb after.
_SUBORDINATORS = frozenset(
    """which who whom whose that while whereas after before because although though when
    whenever if since until unless where but said says say told tells according""".split()
)
_DETERMINERS_ETC = DETERMINERS | {"both", "all", "other", "fellow"}
_BE = frozenset("is are was were be been being get gets got getting".split())
_COORDINATION = frozenset({"and", "or", ",", "as", "well", "together", "with", "the"})
_NEGATORS = frozenset("not never no cannot nor without".split())
_REFUSALS = frozenset(
    """refuse refused refuses refusing refusal decline declined declines declining reject
    rejected rejects fail failed fails yet""".split()
)
_PARTICIPLES = frozenset(
    "sent given sold bought paid struck withheld frozen shot downed hit".split()
)
# "US-supplied Patriots": the compound names who acts (or, for "-made", where it comes from).
_COMPOUND = re.compile(
    r"\s?-(supplied|provided|donated|delivered|funded|financed|sent|given|promised|pledged|"
    r"made|built|produced|manufactured|designed)\b",
    re.IGNORECASE,
)
_NOUN_ENDINGS = ("ment", "ments", "ery", "eries", "ance", "ances", "sion", "sions", "fer", "fers")
_ORIGIN_WORDS = frozenset({"made", "built", "produced", "manufactured", "designed"})
# The preposition before an actor after the verb -> its role, per action class.
_PREPOSITION_ROLES = {
    "to": {"deliver": "recipient", "pledge": "recipient", "buy/sell": "recipient",
           "pause": "recipient", "attack": "target"},
    "for": {"deliver": "recipient", "pledge": "recipient", "buy/sell": "recipient",
            "pause": "recipient", "request": "recipient"},
    "into": {"deliver": "recipient", "attack": "target"},
    "from": dict.fromkeys(
        ("deliver", "pledge", "buy/sell", "request", "attack", "pause", "intercept"), "source"
    ),
    "at": {"attack": "target"},
    "against": {"attack": "target"},
    "on": {"attack": "target"},
    "by": {**dict.fromkeys(
        ("deliver", "pledge", "buy/sell", "request", "attack", "pause", "intercept", "use"),
        "agent"), "receive": "recipient"},
}  # fmt: skip
_PREPOSITION_ROLES["from"]["receive"] = "source"
_PREPOSITION_ROLES["against"]["use"] = "target"
# An actor right after an active verb (its object): "provide Ukraine with", "attacked Kyiv".
_OBJECT_ROLES = {"deliver": "recipient", "pledge": "recipient", "attack": "target"}
_OBJECT_NOT_RECIPIENT = frozenset("buy bought purchase procure".split())


class Roles(NamedTuple):
    """The roles of one actor-weapon pair in its clause (see :func:`pair_roles`)."""

    actor_role: str  # this pair's actor: agent, recipient, target, source or unknown
    agent: str  # names of the clause's agents, " and "-joined ("" when none resolved)
    action: str  # class of the verb the roles hang on (NO_ACTION when none)
    action_verb: str
    recipient: str  # to/for whom, or at whom (targets of an attack)
    source: str  # from whom
    negated: bool
    role_rule: str  # the rule that settled actor_role ("" when unknown)


UNRESOLVED = Roles(ROLE_UNKNOWN, "", NO_ACTION, "", "", "", False, "")


class _Token(NamedTuple):
    start: int
    end: int
    word: str  # lower-cased
    mention: int  # index into the sentence's mentions, -1 outside any


def _tokens(sentence: str, spans: list[tuple[int, int]]) -> list[_Token]:
    """Tokens with the index of the mention each overlaps (``spans`` sorted by start)."""
    tokens = []
    j = 0
    for match in _TOKEN.finditer(sentence):
        start, end = match.span()
        while j < len(spans) and spans[j][1] <= start:
            j += 1  # mentions wholly before this token are done with
        inside = next(
            (
                k
                for k in range(j, min(j + 3, len(spans)))
                if spans[k][0] < end and start < spans[k][1]
            ),
            -1,
        )
        tokens.append(_Token(start, end, match.group().lower().replace("’", "'"), inside))
    return tokens


def _is_break(token: _Token, *, comma: bool) -> bool:
    word = token.word
    return token.mention < 0 and (
        word in _HARD_BREAK or word in _SUBORDINATORS or (comma and word == ",")
    )


class _Clause:
    """One sentence's tokens, mentions and action words, shared by every pair in it."""

    def __init__(self, sentence: str, mentions: list[tuple[int, int, str, str]], lexicon):
        self.sentence = sentence
        self.mentions = mentions
        self.tokens = _tokens(sentence, [(s, e) for s, e, _, _ in mentions])
        self.ranges = [(-1, -1)] * len(mentions)
        for i, token in enumerate(self.tokens):
            if token.mention >= 0:
                first = self.ranges[token.mention][0]
                self.ranges[token.mention] = (i if first < 0 else first, i)
        by_start = {token.start: i for i, token in enumerate(self.tokens)}
        self.hits: list[tuple[int, str, str, bool]] = []  # token index, verb, class, nominal
        for start, _end, verb, action, nominal in action_words(sentence, 0, lexicon):
            i = by_start.get(start)
            if i is not None and self.tokens[i].mention < 0:
                # After a possessive ("Germany's delivery") the word is a noun too.
                nominal = nominal or self.possessive_before(i) or self.noun_like(i)
                # "missile strikes", "drone attacks": after a weapon the word is a noun.
                previous = self.tokens[i - 1] if i > 0 else None
                word = self.tokens[i].word
                if (
                    previous is not None
                    and previous.mention >= 0
                    and not (word.endswith(("ed", "ing")) or word in _PARTICIPLES)
                ):  # but "missiles provided by" is a participle
                    nominal = nominal or self.mentions[previous.mention][2] == "weapon"
                self.hits.append((i, verb, action, nominal))

    def possessive_end(self, mention: int) -> bool:
        """The mention is followed by 's ("Germany's")."""
        end = self.mentions[mention][1]
        return self.sentence[end : end + 2] in ("'s", "’s") or self.sentence[end : end + 1] in (
            "'",
            "’",
        )

    def noun_like(self, i: int) -> bool:
        """A noun by its ending or the word before ("a weapons shipment", "of deliveries")."""
        word = self.tokens[i].word
        return word.endswith(_NOUN_ENDINGS) or self.word(i - 1) in ("of", "weapons", "arms")

    def possessive_before(self, i: int) -> bool:
        previous = self.tokens[i - 1] if i > 0 else None
        return previous is not None and (
            previous.word.endswith("'s")
            or (previous.mention >= 0 and self.possessive_end(previous.mention))
        )

    def word(self, i: int) -> str:
        return self.tokens[i].word if 0 <= i < len(self.tokens) else ""

    def broken(self, low: int, high: int, *, comma: bool) -> bool:
        """A clause break strictly between token positions ``low`` and ``high``."""
        return any(_is_break(t, comma=comma) for t in self.tokens[low + 1 : high])

    def free_words(self, low: int, high: int) -> list[str]:
        """Tokens strictly between two positions that are outside every mention."""
        return [t.word for t in self.tokens[low + 1 : high] if t.mention < 0]

    def passive(self, hit: tuple[int, str, str, bool]) -> bool:
        i, verb, _, nominal = hit
        if nominal or not (verb.endswith("ed") or verb in _PARTICIPLES):
            return False
        if self.word(i + 1) == "by":
            return True
        before = [self.word(j) for j in range(max(0, i - 3), i)]
        return any(word in _BE for word in before) and "have" not in before[-1:]

    def negated(self, i: int) -> bool:
        """Negation or refusal in the few words before token ``i`` ("did not send")."""
        words = []
        for j in range(i - 1, max(-1, i - 5), -1):
            token = self.tokens[j]
            if token.mention >= 0 or _is_break(token, comma=True):
                break
            words.append(token.word)
        if "only" in words[:1] or (len(words) > 1 and words[0] == "only"):
            return False
        return any(
            w in _NEGATORS or w.endswith("n't") or w in ("won't", "cannot") for w in words
        ) or any(w in _REFUSALS for w in words[1:3] if words[0] == "to")

    def governing_verb(self, weapon: int) -> tuple[tuple[int, str, str, bool] | None, str]:
        """The action word a weapon mention hangs on, and how it was chosen."""
        first, last = self.ranges[weapon]
        if first < 0:
            return None, ""
        after = [h for h in self.hits if h[0] > last and not self.broken(last, h[0], comma=False)]
        for hit in after:  # "Javelins, American anti-tank missiles provided by the US"
            gap = self.free_words(last, hit[0])
            actor_between = any(
                self.mentions[t.mention][2] == "actor"
                for t in self.tokens[last + 1 : hit[0]]
                if t.mention >= 0
            )
            reduced = self.word(hit[0] + 1) == "by" and not _BE & set(gap)
            if len(gap) <= 3 and reduced and not hit[3] and not actor_between:
                return hit, "passive"
        before = [
            h for h in self.hits if h[0] < first and not self.broken(h[0], first, comma=False)
        ]
        before = [h for h in before if len(self.free_words(h[0], first)) <= 15]
        if before:
            verbs = [h for h in before if not h[3]]
            nearest = before[-1]
            if nearest[3] and verbs and not self.broken(verbs[-1][0], nearest[0], comma=True):
                return verbs[-1], "verb"  # "halted the delivery of": the verb, not the noun
            return nearest, "verb"
        for hit in after:  # "the Patriots that Germany sent", "Patriots were delivered"
            gap = self.free_words(last, hit[0])
            comma_ok = "," not in gap or gap[gap.index(",") + 1 : gap.index(",") + 2] == ["which"]
            if len(gap) <= 6 and comma_ok:
                return hit, "verb after"
        return None, ""


def _role_before(clause: _Clause, actor: int, hit, actors: list[int]) -> tuple[str, str]:
    """Role of an actor that stands before the verb: the subject, or nothing."""
    verb_at, _, action, nominal = hit
    first, last = clause.ranges[actor]
    # Possessive: "Germany's delivery of", "Russia's drones attacked".
    if clause.possessive_end(actor):
        gap = clause.free_words(last, verb_at)
        # A noun after at most one word ("Germany's latest delivery"), or a verb right after
        # the possessed weapon; not "Trump's endorsement of selling", "Ukraine's allies sent".
        fits = len(gap) <= 1 and "of" not in gap if nominal else not gap
        if fits and not clause.broken(last, verb_at, comma=True):
            return "agent", "possessive"
        return ROLE_UNKNOWN, ""
    if nominal:
        return ROLE_UNKNOWN, ""  # a noun's agent comes only from a possessive or "by"
    # The subject is the nearest actor before the verb (with those coordinated with it).
    nearest = max(
        (a for a in actors if clause.ranges[a][1] < verb_at and clause.ranges[a][0] >= 0),
        key=lambda a: clause.ranges[a][1],
    )
    group = [nearest]
    for other in sorted(actors, key=lambda a: -clause.ranges[a][1]):
        o_first, o_last = clause.ranges[other]
        g_first = clause.ranges[group[-1]][0]
        if other in group or o_last >= g_first or o_first < 0:
            continue
        between = clause.free_words(o_last, g_first)
        if (
            between
            and all(w in _COORDINATION for w in between)
            and ({"and", "or", ","} & set(between))
        ):
            group.append(other)
    if actor not in group:
        return ROLE_UNKNOWN, ""
    n_first, n_last = clause.ranges[nearest]
    if clause.broken(n_last, verb_at, comma=True):
        return ROLE_UNKNOWN, ""
    if len(clause.free_words(n_last, verb_at)) > 8:
        return ROLE_UNKNOWN, ""
    head_first = clause.ranges[group[-1]][0]
    lead = clause.word(head_first - 1)
    if lead in ("the", "a", "an"):
        lead = clause.word(head_first - 2)
    if lead in _PREPOSITION_ROLES or lead in ("of", "in", "with", "about", "over", "than"):
        return ROLE_UNKNOWN, ""  # "allies of Ukraine sent": Ukraine is not the subject
    if clause.possessive_end(nearest):
        return ROLE_UNKNOWN, ""
    if clause.passive(hit):
        role = {"deliver": "recipient", "pledge": "recipient", "attack": "target"}.get(action)
        return (role, "passive subject") if role else (ROLE_UNKNOWN, "")
    rule = "coordinated subject" if len(group) > 1 else "subject"
    if action == "receive":  # "Ukraine received Patriots": the subject is the recipient
        return "recipient", rule
    return "agent", rule


def _role_after(clause: _Clause, actor: int, hit) -> tuple[str, str]:
    """Role of an actor after the verb: from its preposition, or as the verb's object."""
    verb_at, verb, action, nominal = hit
    first, _ = clause.ranges[actor]
    if clause.broken(verb_at, first, comma=False):
        return ROLE_UNKNOWN, ""
    if any(verb_at < h[0] < first and not h[3] for h in clause.hits):
        return ROLE_UNKNOWN, ""  # another action word in between owns this actor
    if len(clause.free_words(verb_at, first)) > 15:
        return ROLE_UNKNOWN, ""
    j = first - 1
    while j > verb_at and clause.word(j) in _DETERMINERS_ETC:
        j -= 1
    lead = clause.word(j)
    if lead in _PREPOSITION_ROLES:
        role = _PREPOSITION_ROLES[lead].get(action)
        if role == "agent" and not (nominal or clause.passive(hit)):
            return ROLE_UNKNOWN, ""
        return (role, f"preposition {lead}") if role else (ROLE_UNKNOWN, "")
    if j == verb_at and not nominal and not clause.passive(hit):
        role = _OBJECT_ROLES.get(action)
        if action == "buy/sell" and verb not in _OBJECT_NOT_RECIPIENT:
            role = "recipient"  # "sold Ukraine", "fund Ukraine"
        return (role, "object") if role else (ROLE_UNKNOWN, "")
    return ROLE_UNKNOWN, ""


def _compound_role(clause: _Clause, actor: int, weapon: int, lexicon) -> tuple[str, str, str]:
    """'US-supplied Patriots' (agent) or 'US-made Patriots' (source), else ('', '', '')."""
    _, last = clause.ranges[actor]
    match = _COMPOUND.match(clause.sentence, clause.mentions[actor][1])
    w_first, _ = clause.ranges[weapon]
    if not match or w_first < last or len(clause.free_words(last, w_first)) > 4:
        return "", "", ""
    word = match.group(1).lower()
    if word in _ORIGIN_WORDS:
        return "source", word, NO_ACTION
    found = action_words(word, 0, lexicon)
    return "agent", word, found[0][3] if found else NO_ACTION


def _names(clause: _Clause, indices: list[int]) -> str:
    seen: list[str] = []
    for i in sorted(indices, key=lambda i: clause.ranges[i][0]):
        if clause.mentions[i][3] not in seen:
            seen.append(clause.mentions[i][3])
    return " and ".join(seen)


def pair_roles(
    clause: _Clause | str,
    actor: tuple[int, int],
    weapon: tuple[int, int],
    mentions: list[tuple[int, int, str, str]] | None = None,
    lexicon: ActionLexicon | None = None,
) -> Roles:
    """The roles of an actor-weapon pair, from rules over their sentence.

    ``clause`` is the sentence (or a prepared :func:`clause_of` it, to share the work between
    the pairs of one sentence); ``actor``, ``weapon`` and ``mentions`` (start, end, kind,
    entity name) are offsets in the sentence. Rules, in order:

    1. The verb: the action word the weapon hangs on: a passive participle right after it
       ("Javelins provided by the US"), else the nearest action word before it in its clause
       (a verb beats a noun: "halted the delivery of"), else one shortly after ("the Patriots
       that Germany sent"). Clauses end at ; : ( ) dashes and words such as which, that, but,
       said. No verb: every role unknown.
    2. "X-supplied W" makes X the agent, "X-made W" the source.
    3. An actor before the verb: "X's delivery of" / "X's drones attacked" (possessive) is
       the agent; otherwise the nearest actor before a verb, with no comma or clause word
       between, is its subject (actors joined by "and", "or", commas share it): the agent,
       or for a passive verb ("Ukraine was supplied with") the recipient or target. A noun
       ("the delivery") has no subject; "allies of Ukraine", "Ukraine's allies" are not
       Ukraine acting.
    4. An actor after the verb, with no other action word between: by its preposition (to,
       for, into: recipient; from: source; at, against, on: target of an attack; by: agent of
       a passive or noun), or right after an active verb as its object ("provide Ukraine
       with": recipient; "attacked Kyiv": target).
    5. Negation: not, never, no, n't, cannot, without, or refuse/decline/fail/yet "to" in the
       four words before the verb.
    """
    if isinstance(clause, str):
        clause = clause_of(clause, mentions or [], lexicon)
    spans = [(s, e) for s, e, _, _ in clause.mentions]
    try:
        a, w = spans.index(tuple(actor)), spans.index(tuple(weapon))
    except ValueError:
        raise InputError(
            f"pair_roles: actor {actor} or weapon {weapon} not among the mentions"
        ) from None
    role, verb, action = _compound_role(clause, a, w, lexicon or load_action_lexicon())
    if role:  # "US-supplied HIMARS": the compound is the whole clause of this pair
        name = clause.mentions[a][3]
        return Roles(
            role, name if role == "agent" else "", action, verb, "",
            name if role == "source" else "", False, f"compound -{verb}",
        )  # fmt: skip
    hit, _ = clause.governing_verb(w)
    if hit is None:
        return UNRESOLVED
    actors = [i for i, m in enumerate(clause.mentions) if m[2] == "actor"]
    actors = [i for i in actors if clause.ranges[i][0] >= 0]
    roles: dict[int, tuple[str, str]] = {}
    for i in actors:
        if clause.ranges[i][1] < hit[0]:
            roles[i] = _role_before(clause, i, hit, actors)
        elif clause.ranges[i][0] > hit[0]:
            roles[i] = _role_after(clause, i, hit)
    by_role = {name: [i for i, (r, _) in roles.items() if r == name] for name in ROLES}
    actor_role, rule = roles.get(a, (ROLE_UNKNOWN, ""))
    negated = clause.negated(hit[0])
    return Roles(
        actor_role=actor_role or ROLE_UNKNOWN,
        agent=_names(clause, by_role["agent"]),
        action=hit[2],
        action_verb=hit[1],
        recipient=_names(clause, by_role["recipient"] + by_role["target"]),
        source=_names(clause, by_role["source"]),
        negated=negated,
        role_rule=rule if actor_role != ROLE_UNKNOWN else "",
    )


def clause_of(
    sentence: str, mentions: list[tuple[int, int, str, str]], lexicon: ActionLexicon | None = None
) -> _Clause:
    """A sentence prepared once for :func:`pair_roles`; ``mentions`` as (start, end, kind,
    entity name), offsets in the sentence."""
    return _Clause(sentence, sorted(mentions), lexicon or load_action_lexicon())
