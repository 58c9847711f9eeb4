"""Action words: which verb (or verbal noun) links an actor and a weapon in a sentence.

The classes (pledge, deliver, buy/sell, pause, intercept, attack, request) and their words
live in data/action_verbs.yml; words are matched by exact form, phrase, then Porter stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

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
            found.append((start + offset, verb_end + offset, collapse(verb), action, nominal))
    return found


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
