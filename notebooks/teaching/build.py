"""Write the teaching notebooks of notebooks/teaching/ (lessons, exercises, solutions).

The notebooks are the product; this file is their source text, kept in one place so that an
exercise and its solution share every word of the task. After editing it, run

    .venv/bin/python notebooks/teaching/build.py

tests/test_teaching.py fails when a committed notebook and this file disagree. Nothing here runs
inside a notebook: whatever a lesson needs beyond the package's API lives in analysis/teaching.py.
The notebooks are written without outputs or execution counts, with fixed cell ids, so that the
same source gives the same files.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
KERNELSPEC = {"display_name": "Python 3 (news-mentions)", "language": "python", "name": "python3"}


@dataclass(frozen=True)
class Cell:
    kind: str  # "md", "code", "params", "answer" or "note" (markdown shown in solutions only)
    source: str
    solution: str = ""


def md(text: str) -> Cell:
    return Cell("md", text.strip())


def code(text: str) -> Cell:
    return Cell("code", text.strip())


def params(text: str) -> Cell:
    return Cell("params", text.strip())


def answer(hint: str, solution: str) -> Cell:
    """A cell the learner writes: ``...`` in the exercise, the code in the solution."""
    return Cell("answer", f"# CHANGE THIS: {hint}\n...", solution.strip())


def note(text: str) -> Cell:
    return Cell("note", text.strip())


def notebook(cells: list[Cell], *, variant: str = "lesson") -> nbformat.NotebookNode:
    """A notebook from cells; ``variant`` "exercise" or "solution" decides the answer cells."""
    out = []
    for cell in cells:
        if cell.kind == "note" and variant != "solution":
            continue
        if cell.kind in ("md", "note"):
            new = nbformat.v4.new_markdown_cell(cell.source)
        elif cell.kind == "answer":
            source = cell.solution if variant == "solution" else cell.source
            new = nbformat.v4.new_code_cell(source, metadata={"tags": ["answer"]})
        elif cell.kind == "params":
            new = nbformat.v4.new_code_cell(cell.source, metadata={"tags": ["parameters"]})
        else:
            new = nbformat.v4.new_code_cell(cell.source)
        new.id = f"cell-{len(out):02d}"
        out.append(new)
    nb = nbformat.v4.new_notebook(cells=out)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return nb


# --- shared pieces ------------------------------------------------------------------------------

CORPUS_PARAMETERS = """
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
"""
FREQ_PARAMETER = 'freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)\n'

HOW_TO = (
    "**How to use this notebook.** Run the cells from top to bottom (Shift+Enter). Cells marked "
    "`# CHANGE THIS` are yours: edit them and run them again. It works offline on the three seed "
    "articles; to work on about 840 White House briefings from the weeks around Russia's "
    'full-scale invasion (February to April 2022), set `corpus = "whitehouse"` in the parameters '
    "cell (when that corpus is on your machine; see the teacher's guide, `README.md`)."
)


def lesson_head(number: int, title: str, minutes: int, goals: list[str], exercises: str) -> Cell:
    items = "\n".join(f"- {goal}" for goal in goals)
    return md(
        f"""
# Lesson {number} · {title}

*Media coverage of the war: a 90-minute session in four lessons. This is lesson {number} of 4,
about {minutes} minutes with its exercises.*

**Learning goals.** By the end of this lesson you can:

{items}

{HOW_TO}

Exercises: `exercises/{exercises}-exercises.ipynb` (solutions in `solutions/`, to open after
trying).
"""
    )


def exercise_head(number: int, title: str, lesson: str) -> Cell:
    return md(
        f"""
# Exercises · Lesson {number} · {title}

Work through lesson {number} (`../{lesson}.ipynb`) first. Each exercise has a cell marked
`# CHANGE THIS` with `...` where your code goes: replace the `...`, run the cell, and read the
result before you move on. The answers, with what to notice, are in
`../solutions/{lesson}-solutions.ipynb`: try first, then compare.
"""
    )


def solution_head(number: int, title: str, lesson: str) -> Cell:
    return md(
        f"""
# Solutions · Lesson {number} · {title}

One possible answer to each exercise of `../exercises/{lesson}-exercises.ipynb`, followed by what
to notice. Other code that gives the same table is just as right. The remarks are written for
the seed articles; on another corpus the numbers differ but the questions stay the same.
"""
    )


# --- lesson 1 -----------------------------------------------------------------------------------

L1 = "01-from-words-to-mentions"
L1_TITLE = "From words to mentions"
L1_IMPORTS = """
from analysis.evidence import evidence
from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract, find_mentions
from analysis.report import kwic_table
from analysis.teaching import (
    compare_counts,
    example_documents,
    highlight,
    lesson_corpus,
    token_counts,
    tokens,
)
"""

LESSON_1 = [
    lesson_head(
        1,
        L1_TITLE,
        25,
        [
            "say why counting the word *Trump* is not the same as counting mentions of Donald Trump;",
            "read a gazetteer entry: one entity, its kind, category and aliases;",
            (
                "predict what the matcher counts: longest match, possessives, plurals, case, "
                "exclusions such as *Patriot Act*;"
            ),
            "decide whether to count metonyms (*Washington* for the United States) and say so.",
        ],
        L1,
    ),
    code(L1_IMPORTS),
    params(CORPUS_PARAMETERS),
    md(
        """
## 1. The documents

Everything starts from a *documents* frame: one row per article, with its date, where the date
came from, title, text and number of words. Nothing is dropped: an article without a date stays
in, with an empty date.

Load the lesson's corpus (the seed articles unless `corpus` says otherwise) and look at one row
per article.
"""
    ),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
documents[["doc_id", "date", "date_source", "title", "source", "n_words"]]
"""
    ),
    md(
        """
**What to notice.** With the seeds: three articles from summer 2025 about US weapons, NATO and
air defence for Ukraine. Two have a date read from their header line; `001` states none (only
"on Friday", "this week"), so its date is empty (`NaT`) and `date_source` says `missing`.
Lesson 2 shows why it is kept apart rather than given a date.
"""
    ),
    md(
        """
## 2. What a word counter sees: tokens

A computer does not see words but *tokens*: runs of letters and runs of punctuation. Most word
counts, word clouds and frequency lists are counts of tokens.

Split one sentence into tokens to see what a word counter works with.
"""
    ),
    code(
        """
# CHANGE THIS: try a sentence of your own
sentence = "President [Donald] Trump's envoy met Zelenskyy in Kyiv about U.S. Patriot systems."
tokens(sentence)
"""
    ),
    md(
        """
**What to notice.** `Trump's` is three tokens (`Trump`, `'`, `s`), `U.S.` is four, and the
brackets of `[Donald]` (an editor's insertion) are tokens too. "President Donald Trump" is three
separate tokens: nothing says they name one person.
"""
    ),
    md(
        """
Count a few words the naive way, as a word-frequency tool would: exactly as written, and in any
case.
"""
    ),
    code(
        """
# CHANGE THIS: add or remove words and phrases
words = ["Trump", "Zelensky", "Zelenskyy", "US", "air defense", "Patriot"]
token_counts(documents, words)
"""
    ),
    md(
        """
**What to notice.** On the seeds:

- `Zelensky` and `Zelenskyy` are counted apart, though they are one person spelled two ways.
- `US` in *any case* is one more than `US` as written: the extra one is the pronoun *us* ("It
  helps us protect lives"). Lower-casing everything, a common first step, turns a pronoun into a
  country.
- `Trump` counts 21 tokens; keep that number for section 3.
"""
    ),
    md(
        """
## 3. From words to mentions: the gazetteer

A *gazetteer* is a list of entities. Each has an id, a display name, a kind (`actor` or
`weapon`), a category (person, state, alliance ...; air-defence system, anti-tank missile ...)
and the *aliases* it is written as. A *mention* is one place in one article where one of those
aliases occurs.

Load the gazetteer shipped with the package and look at the aliases of one entity.
"""
    ),
    code(
        """
gazetteer = load_gazetteer()
gazetteer.entity("donald-trump")["aliases"]
"""
    ),
    md(
        """
Find every mention in the corpus: one row per mention, with where it is (`start`, `end` are
character offsets into the text) and the exact characters matched (`surface`).
"""
    ),
    code(
        """
mentions = find_mentions(documents, gazetteer)
mentions[["doc_id", "field", "sentence_id", "start", "end", "surface", "entity", "kind"]].head(15)
"""
    ),
    md(
        """
Group the mentions of one entity by the way it is written: every one of these forms counts
for the same actor.
"""
    ),
    code(
        """
entity_id = "donald-trump"  # CHANGE THIS: try "zelensky", "united-states" or "air-defence"
mentions.loc[mentions["entity_id"] == entity_id, "surface"].value_counts()
"""
    ),
    md(
        """
**What to notice.** On the seeds, Donald Trump has 20 mentions written four ways: `Trump`,
`President Donald Trump`, `President [Donald] Trump` and `President Trump`. The naive count of
the token `Trump` was 21: the extra one is inside "Trump administration", which the gazetteer
treats as a different actor (the administration, not the man). Two lessons in one: aliases join
different spellings into one actor, and one word can belong to a longer name.
"""
    ),
    md(
        """
## 4. The longest match wins

When aliases overlap, the matcher keeps the longest one that starts first: "President Donald
Trump" is *one* mention of Trump, not three (President Donald Trump, Donald Trump, Trump).
Possessives (`Russia's`, with a straight or a curly apostrophe) count for the entity without the
`'s`; weapons also match in the plural (`Javelins`, `F-16s`); "F-16", "F16" and "F 16" are one
alias.

Match a few sentences you can edit, and mark exactly what was counted (actors in blue, weapons in
orange, each followed by its entity id).
"""
    ),
    code(
        """
# CHANGE THIS: edit these sentences or add your own
examples = example_documents(
    [
        "President Donald Trump spoke to Ukrainian President Volodymyr Zelenskyy.",
        "The Trump administration paused a shipment of Patriot missiles.",
        "Russia's and Russia’s drones; FGM-148 Javelins and a Javelin; F-16s and F16 jets.",
    ]
)
highlight(examples, find_mentions(examples, gazetteer))
"""
    ),
    md(
        """
**What to notice.** "Ukrainian President Volodymyr Zelenskyy" is one mark, as is "Trump
administration" (an entity of its own) and "Patriot missiles" (an alias of the Patriot system).
Both possessives are Russia, without the `'s`. Plurals and model numbers are absorbed into the
weapon: `FGM-148 Javelins`, `F-16s`.
"""
    ),
    md(
        """
Now the same marks on a real article (its title in bold, then its text), to see the rules at
work in running prose.
"""
    ),
    code(
        """
doc_id = documents["doc_id"].iloc[0]  # CHANGE THIS: another doc_id from section 1
highlight(documents, mentions, doc_id)
"""
    ),
    md(
        """
**What to notice.** In the first seed, "Trump's endorsement" in the title is Trump, "President
[Donald] Trump" (an editor's brackets) is one mention, and "FGM-148 Javelins" is the Javelin.
"Ukrainian servicemen" is marked as the Armed Forces of Ukraine because the gazetteer lists that
phrase as an alias, while an adjective alone ("Russian attacks" in the other seeds) is not a
mention of the state. What counts is always what the gazetteer says: read it.
"""
    ),
    md(
        """
## 5. Case and exclusions

Proper names are matched with their case when the alias is capitalised: *Patriot* the system,
not *patriotic*; *US*, not *us*. An alias written in capitals (*PATRIOT*) still counts.

Some phrases contain an alias but name something else: the *Patriot Act* (a law), the *New
England Patriots* (a team), *Patriot Day* (11 September). The gazetteer lists them as
*exclusions*. An excluded candidate is not counted, and it is not silently dropped either: it is
listed, so that counted in = counted out + listed exclusions.

Run the extraction that also returns the excluded candidates, and mark both (excluded ones are
struck through).
"""
    ),
    code(
        """
# CHANGE THIS: try "Patriots" alone, "PATRIOT Act", or a sentence of your own
tricky = example_documents(
    [
        "A patriotic crowd cheered. Germany sent a Patriot battery and more PATRIOT interceptors.",
        "Congress renewed the Patriot Act; the New England Patriots lost on Patriot Day.",
        "It helps us protect lives, the US official said.",
    ]
)
result = extract(tricky, gazetteer)
highlight(tricky, result.mentions, excluded=result.excluded)
"""
    ),
    md(
        """
List the excluded candidates with the phrase that excluded each one.
"""
    ),
    code(
        """
result.excluded[["doc_id", "surface", "entity_id", "excluded_by"]]
"""
    ),
    md(
        """
**What to notice.** Three Patriot candidates were excluded, each by a named phrase; *patriotic*
was never a candidate (not a whole word), and *us* is not the US. An exclusion list is part of
the gazetteer you publish with your numbers: readers can check what you left out.
"""
    ),
    md(
        """
## 6. Metonyms: a switch, not a default

Journalists write "Washington" for the US government, "Kyiv" for Ukraine's, "the Kremlin" for
Russia's. Counting these is a choice: "Washington" is also a city, a state and a newspaper, and
"Kyiv" is also a place where things happen. The package counts them only when asked
(`metonyms=True`), and marks such rows (`metonym` is True) so a report can say so.

Count the mentions with metonyms off and on, and compare per entity.
"""
    ),
    code(
        """
with_metonyms = find_mentions(documents, gazetteer, metonyms=True)
compare_counts(mentions, with_metonyms, labels=("metonyms off", "metonyms on"))
"""
    ),
    md(
        """
Read the sentences of the new mentions (a first look at lesson 3's keyword-in-context table)
to judge whether each one really stands for the government.
"""
    ),
    code(
        """
kwic_table(evidence(with_metonyms[with_metonyms["metonym"]], documents, width=50), limit=30)
"""
    ),
    md(
        """
**What to notice.** On the seeds, four "Washington" become United States and two "Kyiv" become
Ukraine. One of them is "Kyiv's airport Boryspil": a place, not a government. Whichever you
choose, say it next to the numbers.

## Summary

- A token count is not a mention count: spelling variants, titles, possessives and plurals are
  joined into one entity by its aliases; longer names win over the words inside them.
- Case and exclusions keep *us*, *patriotic* and the *Patriot Act* out, and the exclusions are
  listed, not hidden.
- Metonyms are a choice you make and report.

Next: the exercises in `exercises/01-from-words-to-mentions-exercises.ipynb`, then lesson 2.
"""
    ),
]

EXERCISES_1 = [
    exercise_head(1, L1_TITLE, L1),
    code(
        """
from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract, find_mentions
from analysis.teaching import (
    compare_counts,
    example_documents,
    gazetteer_with,
    highlight,
    lesson_corpus,
)
"""
    ),
    params(CORPUS_PARAMETERS),
    md("Load the corpus, the gazetteer and the mentions once for all the exercises."),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
gazetteer = load_gazetteer()
mentions = find_mentions(documents, gazetteer)
f"{len(documents)} documents, {len(mentions)} mentions"
"""
    ),
    md(
        """
### Exercise 1. Which written forms count as Zelensky?

List the surface forms of the entity `zelensky` in the corpus and how often each occurs.
*Hint:* filter `mentions` on `entity_id`, then use `value_counts()` on `surface`.
"""
    ),
    answer(
        "list the surface forms of zelensky with their counts",
        """
mentions.loc[mentions["entity_id"] == "zelensky", "surface"].value_counts()
""",
    ),
    note(
        """
**What to notice.** On the seeds: `Zelensky` (5), `Ukrainian President Zelensky` (1) and
`Ukrainian President Volodymyr Zelenskyy` (1): seven mentions of one actor. A word counter saw
six `Zelensky` tokens and one `Zelenskyy`, as if they were two people, and would have counted
"Ukrainian President" as words of their own.
"""
    ),
    md(
        """
### Exercise 2. Predict, then check

Write two sentences that mention Zelensky with two different spellings and the Patriot system
once in the plural. Before running, write down how many mentions of each entity you expect; then
find the mentions and highlight them. *Hint:* `example_documents`, `find_mentions`, `highlight`.
"""
    ),
    answer(
        "write your sentences, then find and highlight their mentions",
        """
mine = example_documents(
    [
        "Zelenskyy thanked Germany for two Patriot batteries.",
        "President Zelensky asked for more Patriots.",
    ]
)
highlight(mine, find_mentions(mine, gazetteer))
""",
    ),
    note(
        """
**What to notice.** Two mentions of Zelensky (`Zelenskyy`, `President Zelensky`: the title is
part of the longest alias), two of Patriot (`Patriot batteries` is an alias; `Patriots` is the
plural) and one of Germany. If your prediction was off, find which rule of lesson 1 surprised
you.
"""
    ),
    md(
        """
### Exercise 3. A misspelling the gazetteer misses

Seed `001` writes "ammunication" (sic), and no alias matches it. Add it as an alias of the
entity `munitions` with `gazetteer_with`, find the mentions again, and compare the counts
before and after with `compare_counts`. *Hint:* an addition is written as in a YAML file:
`{"id": "munitions", "aliases": ["..."]}`.
"""
    ),
    answer(
        "add the alias, find the mentions again and compare the counts",
        """
fixed = gazetteer_with({"id": "munitions", "aliases": ["ammunication"]})
compare_counts(mentions, find_mentions(documents, fixed))
""",
    ),
    note(
        """
**What to notice.** Munitions goes from 1 to 2 mentions on the seeds, and nothing else changes.
In a real project the same addition goes in your own `my_aliases.yml` (see the main README);
`analysis.discovery.near_misses` lists misspellings like this one for you.
"""
    ),
    md(
        """
### Exercise 4. Metonyms: which way?

Switch metonyms on, and list the metonym mentions with their document, surface and entity.
For each one, decide from the text whether it stands for a government. *Hint:* the `metonym`
column is True on those rows; `value_counts()` on a few columns counts their combinations.
"""
    ),
    answer(
        "find the mentions with metonyms on and list the metonym rows",
        """
with_metonyms = find_mentions(documents, gazetteer, metonyms=True)
with_metonyms.loc[with_metonyms["metonym"], ["doc_id", "surface", "entity"]].value_counts()
""",
    ),
    note(
        """
**What to notice.** On the seeds: "Washington" four times in `002` (each time the US
government: "Washington may provide Ukraine with air support"), "Kyiv" once in `002` ("security
guarantees for Kyiv": the government) and once in `000` ("Kyiv's airport Boryspil": the city).
So metonyms-on is right five times out of six here; report the choice either way.
"""
    ),
    md(
        """
### Exercise 5 (stretch). Break the exclusions

Write sentences that put the words *Patriot* and *Patriots* in contexts the gazetteer does not
exclude but that are not the weapon either (a sports team other than New England, a
newspaper ...). Run `extract` and look at both `result.mentions` and `result.excluded`. What
would you add to the gazetteer's exclusions?
"""
    ),
    answer(
        "write your sentences and run extract on them",
        """
odd = example_documents(
    [
        "The Patriots beat the Jets on Sunday.",
        "She reads the Patriot Ledger every morning.",
        "Patriot Day ceremonies were held in New York.",
    ]
)
result = extract(odd, gazetteer)
highlight(odd, result.mentions, excluded=result.excluded)
""",
    ),
    note(
        """
**What to notice.** "Patriot Day" is excluded, but "The Patriots beat the Jets" and "the
Patriot Ledger" (a newspaper) are counted as the air-defence system. Exclusions only know the
phrases they list: adding "Patriot Ledger" is easy; a team named only as "the Patriots" needs
a human reading the evidence (lesson 3). The White House corpus has real cases of both.
"""
    ),
]


# --- lesson 2 -----------------------------------------------------------------------------------

L2 = "02-counting-over-time"
L2_TITLE = "Counting over time, honestly"
L2_IMPORTS = """
from analysis.evidence import evidence
from analysis.mentions import find_mentions
from analysis.plots import plot_corpus_size, plot_timeline_with_corpus, show
from analysis.report import kwic_table
from analysis.teaching import (
    lesson_corpus,
    lesson_events,
    normalisation_table,
    plot_normalisations,
    pretend_dated,
)
from analysis.timeline import corpus_over_time, mentions_over_time
"""

LESSON_2 = [
    lesson_head(
        2,
        L2_TITLE,
        20,
        [
            "read a timeline of mentions against the size of the corpus in each period;",
            (
                "choose between raw counts, mentions per 1,000 words and the share of documents, "
                "and say what each one measures;"
            ),
            "explain why an undated article is kept apart instead of being given a date;",
            "recognise a low-volume period and say what it does to a chart.",
        ],
        L2,
    ),
    code(L2_IMPORTS),
    params(CORPUS_PARAMETERS + FREQ_PARAMETER),
    md(
        """
## 1. Documents and mentions

Load the corpus and find the mentions once; everything below is computed from these two
frames.
"""
    ),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
f"{len(documents)} documents, {len(mentions)} mentions"
"""
    ),
    md(
        """
## 2. How big is the corpus in each period?

A rise in mentions means little if twice as many articles were published. So before any chart of
mentions, look at the denominator: documents and words per period. Periods are labelled by their
first day.

Count documents and words per period, with the undated documents in a row of their own.
"""
    ),
    code(
        """
corpus_size = corpus_over_time(documents, freq=freq)
corpus_size
"""
    ),
    md("Draw the same table as bars."),
    code(
        """
show(plot_corpus_size(corpus_size))
"""
    ),
    md(
        """
**What to notice.** With the seeds there is one article in July 2025, one in August, and one
undated: it is not on the date axis but counted in the note under the chart. The bars are pale:
every period has fewer than 5 documents (*low volume*, section 6).
"""
    ),
    md(
        """
## 3. Raw counts

Count mentions per period for a few entities and draw them above the corpus size, on the same
date axis, with a few events marked for context.
"""
    ),
    code(
        """
entities = ["Ukraine", "Donald Trump", "NATO", "Air defence"]  # CHANGE THIS: entity ids or names
counts = mentions_over_time(mentions, documents, freq=freq, normalize="count", entities=entities)
show(plot_timeline_with_corpus(counts, corpus_size, events=lesson_events()))
"""
    ),
    md(
        """
**What to notice.** NATO falls from 12 mentions in July to 3 in August. Is that less attention
to NATO, or just a different article? With one article per month, it is the article: the
chart can only be read together with the panel below it. Each monthly point stands for the
whole month and is drawn at its middle; the dotted event lines are context for reading, not
causes.
"""
    ),
    md(
        """
## 4. Three ways to normalise

- **Raw count**: how many mentions. Grows with the size of the corpus.
- **Per 1,000 words**: mentions divided by the words published in the period, times 1,000. How
  much of the text is about the entity (attention density).
- **Share of documents**: the share of the period's articles that mention the entity at least
  once. How widely it is covered (reach), whatever the length of the articles; this is what
  GDELT and QueryPic plot.

Put the three values side by side for one entity, next to the corpus size they are divided by.
"""
    ),
    code(
        """
entity = "Ukraine"  # CHANGE THIS: an entity id or name
normalisation_table(mentions, documents, entity, freq=freq)
"""
    ),
    md(
        """
**What to notice.** On the seeds, Ukraine has 7 mentions in 468 words in July (15.0 per 1,000)
and 8 in 480 words in August (16.7 per 1,000). The share of documents is 100% in every period:
with one document per period a share can only be 0% or 100%, so it says nothing yet.
"""
    ),
    md(
        """
Draw the same entities under the three normalisations on one shared date axis, with the corpus
size at the bottom.
"""
    ),
    code(
        """
show(plot_normalisations(mentions, documents, entities=entities, freq=freq))
"""
    ),
    md(
        """
**What to notice.** Counts and per 1,000 words look alike here because July and August have
nearly the same number of words; with periods of different sizes they part ways. In the share
panel the four lines lie on top of each other at 100%. The y axes mean different things, and
the titles say which: choose the normalisation for your question ("how much was written about
it?", "how many articles covered it?") before looking at the chart, not after.
"""
    ),
    md(
        """
## 5. The undated article

Seed `001` states no date. The package keeps it, with an empty date, and counts it in its own
*undated* group: never on a made-up date. The mentions in that group are real; they just cannot
be placed in time.

Show the undated group of the raw counts.
"""
    ),
    code(
        """
counts.loc[counts["undated"], ["entity", "mentions", "period_documents", "period_words"]]
"""
    ),
    md(
        """
See what would happen if the undated article were stamped with the date of the last article,
as a crawler stamps a story with the day it collected it (Media Cloud's false spikes).
"""
    ),
    code(
        """
guessed = pretend_dated(documents, "2025-08-21")  # CHANGE THIS: try another date
show(
    plot_timeline_with_corpus(
        mentions_over_time(mentions, guessed, freq=freq, normalize="count", entities=entities),
        corpus_over_time(guessed, freq=freq),
    )
)
"""
    ),
    md(
        """
**What to notice.** August jumps: Trump from 6 to 16 mentions, Ukraine from 8 to 18, and Air
defence, which seemed to fade (5 in July, 1 in August), now rises to 7. A spike made by a
guessed date, not by the news, and a reader cannot tell it from a real one. Keeping the undated
article apart costs nothing and avoids it. (On the White House slice every document is dated and
the chart does not change.)
"""
    ),
    md("The evidence of the undated group is one call away: its sentences, for one entity."),
    code(
        """
kwic_table(evidence(mentions, documents, entity=entity, period="undated"), limit=10)
"""
    ),
    md(
        """
## 6. Low-volume periods and the length of a period

A period with fewer than 5 documents is flagged `low_volume`: there one article more or less
moves a share by 20 points or more. The flag does not hide the period; it tells the reader to
be careful.

List the periods that are flagged, with the documents they rest on.
"""
    ),
    code(
        """
corpus_size[corpus_size["low_volume"]]
"""
    ),
    md(
        """
Switch to another period length and draw mentions per 1,000 words: shorter periods show more
detail and more empty periods.
"""
    ),
    code(
        """
other_freq = "W"  # CHANGE THIS: "D", "W" or "M"
show(
    plot_timeline_with_corpus(
        mentions_over_time(
            mentions, documents, freq=other_freq, normalize="per_1k_words", entities=entities
        ),
        corpus_over_time(documents, freq=other_freq),
    )
)
"""
    ),
    md(
        """
**What to notice.** By week, most weeks between the two seed articles have no documents at all:
the lines have gaps there, because "no articles" is not "no attention". Drawing a line through
them would invent a trend. Pick the period length for which most periods have enough documents.

## Summary

- Always read a timeline beside the corpus size over the same periods.
- Counts grow with the corpus; per 1,000 words measures density; share of documents measures
  reach. Say which one a chart shows (the titles do).
- Undated articles are counted apart, never given a convenient date.
- Few documents in a period, or empty periods, are flagged and shown as such.

Next: `exercises/02-counting-over-time-exercises.ipynb`, then lesson 3.
"""
    ),
]

EXERCISES_2 = [
    exercise_head(2, L2_TITLE, L2),
    code(
        """
from analysis.mentions import find_mentions
from analysis.teaching import lesson_corpus, normalisation_table, pretend_dated
from analysis.timeline import corpus_over_time, mentions_over_time
"""
    ),
    params(CORPUS_PARAMETERS + FREQ_PARAMETER),
    md("Load the corpus and the mentions once for all the exercises."),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
f"{len(documents)} documents, {len(mentions)} mentions"
"""
    ),
    md(
        """
### Exercise 1. Empty weeks

Make the corpus-size table by week (`freq="W"`). How many weeks between the first and the last
dated article have no documents at all? *Hint:* `corpus_over_time`, then count the rows where
`documents` is 0.
"""
    ),
    answer(
        "build the weekly table and count the weeks without documents",
        """
weekly = corpus_over_time(documents, freq="W")
int((weekly["documents"] == 0).sum())
""",
    ),
    note(
        """
**What to notice.** Five of the seven weeks from 7 July to 18 August 2025 have no document. A
weekly chart of the seeds is mostly gaps: a monthly one is the honest choice here.
"""
    ),
    md(
        """
### Exercise 2. NATO, three ways

Show NATO's monthly values under the three normalisations. In which month is NATO more
prominent per 1,000 words, and by how much? What does the share of documents tell you?
"""
    ),
    answer(
        "show the three normalisations for NATO by month",
        """
normalisation_table(mentions, documents, "NATO", freq="M")
""",
    ),
    note(
        """
**What to notice.** July: 12 mentions, 25.6 per 1,000 words; August: 3 mentions, 6.3 per 1,000
words, four times less. The share of documents is 100% in both months: NATO is in the one
article of each month. Density changed, reach did not; with one article a month, neither says
much about "the media".
"""
    ),
    md(
        """
### Exercise 3. What is in the undated group?

Which entities are mentioned in the undated article, and how often? *Hint:* `mentions_over_time`,
then keep the rows where `undated` is True and `mentions` is above 0.
"""
    ),
    answer(
        "list the entities of the undated group with their mentions",
        """
series = mentions_over_time(mentions, documents, freq="M")
series.loc[series["undated"] & (series["mentions"] > 0), ["entity", "kind", "mentions"]]
""",
    ),
    note(
        """
**What to notice.** The undated article holds 10 of Trump's 20 mentions and 10 of Ukraine's
25: half of the story about Trump cannot be placed in time. A chart that silently dropped it
would hide half the evidence; one that gave it a date would move it. It is kept and shown apart.
"""
    ),
    md(
        """
### Exercise 4. A false spike

Pretend the undated article was published on 2025-07-11, the day of the first article. Show
Donald Trump's monthly values under the three normalisations. Which month changes, and why is
the result wrong? *Hint:* `pretend_dated` and `normalisation_table`.
"""
    ),
    answer(
        "date the undated article and show Trump's three normalisations",
        """
normalisation_table(mentions, pretend_dated(documents, "2025-07-11"), "Donald Trump", freq="M")
""",
    ),
    note(
        """
**What to notice.** July goes from 4 to 14 mentions (8.5 to 16.3 per 1,000 words) and now rests
on 2 documents. The extra mentions come from an article whose date nobody knows: the "rise" in
July is an artefact of the guess.
"""
    ),
    md(
        """
### Exercise 5. Moving the low-volume threshold

Recompute the monthly corpus size with `min_documents=1`. Which periods are still flagged? Is
the chart more trustworthy now?
"""
    ),
    answer(
        "recompute the monthly corpus size with min_documents=1",
        """
corpus_over_time(documents, freq="M", min_documents=1)
""",
    ),
    note(
        """
**What to notice.** No period is flagged any more, and nothing else has changed: there is still
one article per month. A threshold is a warning for the reader; lowering it removes the warning,
not the problem.
"""
    ),
]


# --- lesson 3 -----------------------------------------------------------------------------------

L3 = "03-reading-the-evidence"
L3_TITLE = "Reading the evidence"
L3_IMPORTS = """
from analysis.evidence import cooccurrence, cooccurrence_summary, evidence
from analysis.mentions import find_mentions
from analysis.plots import plot_cooccurrence, show
from analysis.report import html_table, kwic_table
from analysis.teaching import lesson_corpus, peak, value_at
from analysis.timeline import mentions_over_time
"""

LESSON_3 = [
    lesson_head(
        3,
        L3_TITLE,
        20,
        [
            "read a keyword-in-context (KWIC) table and the sentences behind a count;",
            "check a number on a chart against the rows that make it up;",
            (
                "read actor x weapon co-occurrence with its action verbs, and say what it does "
                "not prove."
            ),
        ],
        L3,
    ),
    code(L3_IMPORTS),
    params(CORPUS_PARAMETERS + FREQ_PARAMETER),
    md(
        """
## 1. Documents and mentions

Load the corpus and find the mentions once; every table below reads its text back through the
mentions' offsets.
"""
    ),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
f"{len(documents)} documents, {len(mentions)} mentions"
"""
    ),
    md(
        """
## 2. Keyword in context

A keyword-in-context (KWIC) table, or concordance, shows each mention with the words before and
after it, one line per mention. It is the quickest way to see *how* something is talked about.

Show the mentions of one entity with 50 characters on each side.
"""
    ),
    code(
        """
entity = "air defence"  # CHANGE THIS: an entity id, name or alias
rows = evidence(mentions, documents, entity=entity, width=50)
kwic_table(rows, limit=20, caption=f"{len(rows)} mentions of {entity}")
"""
    ),
    md(
        """
**What to notice.** On the seeds, "air defense", "air defenses", "aerial defense" and "air
defense systems" are all this entity. The contexts are about *wanting* and *needing* air
defence ("wants to help Ukraine with air defense"), much less about delivering it.
"""
    ),
    md("When a window of words is not enough, read the whole sentence."),
    code(
        """
html_table(rows, columns=["date", "doc_id", "keyword", "sentence"], limit=10)
"""
    ),
    md(
        """
## 3. Check a number against its sentences

Every point of a timeline is a count of rows you can read. Before you quote a number, list the
rows behind it and read them. Start with the number a reader will look at first: the highest
point of the chart.

Count mentions per period, and pick the entity and period with the highest value.
"""
    ),
    code(
        """
series = mentions_over_time(mentions, documents, freq=freq, normalize="count")
top = peak(series)
top
"""
    ),
    md(
        """
List the mentions behind that point: the number of rows must equal the value on the chart.
"""
    ),
    code(
        """
checked = evidence(
    mentions, documents, entity=top["entity"].iloc[0], period=top["period"].iloc[0], freq=freq
)
caption = f"{len(checked)} rows behind a value of {top['mentions'].iloc[0]}"
kwic_table(checked, limit=50, caption=caption)
"""
    ),
    md(
        """
**What to notice.** On the seeds the peak is the United States in July 2025: 12 mentions, and
12 rows, all from one article. Reading them shows what the count stands for: "U.S. weapons",
"buying weapons from the U.S.", but also "a second U.S. official" and "a U.S. official", where
the US is only the nationality of a source. Is that a mention you want to count? And a peak
resting on a single article is a fact about that article, not about the coverage.
"""
    ),
    md("Check a number you choose in the same way: first the value, then its rows."),
    code(
        """
# CHANGE THIS: an entity, and a date inside the period you want, e.g. "2025-08"
chosen_entity, chosen_period = "Ukraine", top["period"].iloc[0]
value_at(series, chosen_entity, chosen_period)
"""
    ),
    md("List the rows behind it: there must be as many as the `mentions` above."),
    code(
        """
kwic_table(evidence(mentions, documents, entity=chosen_entity, period=chosen_period, freq=freq))
"""
    ),
    md(
        """
## 4. Who does what with which weapon: co-occurrence

When an actor and a weapon are mentioned in the same sentence, they form a *pair*. The package
labels each pair with the action word that links them, by a small list of verbs: *deliver*
(send, supply, provide ...), *buy/sell*, *pledge*, *pause*, *intercept*, *attack*, *request*,
or *none* when no such word links them.

Find the pairs, count them per actor, weapon and action, and draw the most frequent.
"""
    ),
    code(
        """
pairs = cooccurrence(mentions, documents)
summary = cooccurrence_summary(pairs)
show(plot_cooccurrence(summary, top_n=12))
"""
    ),
    md(
        """
**What to notice.** Grey (*no action word*) is the biggest single colour: being named in the
same sentence is not doing something with the weapon. On the seeds, Trump and air defence share
7 sentences and Zelensky and air defence 6, all grey: "Trump said he wants to help with air
defense" is a wish, not a delivery.
"""
    ),
    md("Read the sentences behind one actor and one action."),
    code(
        """
actor, action = "Ukraine", "deliver"  # CHANGE THIS: try "NATO" and "buy/sell"
chosen = pairs[(pairs["actor"] == actor) & (pairs["action_class"] == action)]
columns = ["date", "actor", "weapon", "verb", "action_class", "sentence"]
html_table(chosen, columns=columns, limit=15)
"""
    ),
    md(
        """
**What to notice.** Ukraine is the *receiver* in these sentences ("provide Ukraine with
much-needed aerial defense weapons"), not the one delivering. The action class says which verb
links the two names, not who does what to whom. Read the sentence before writing "X delivered
Y".
"""
    ),
    md(
        """
## 5. Sentence or document?

With `scope="document"`, every actor and every weapon anywhere in the same article form a pair:
many more pairs, and much weaker evidence that they have anything to do with each other.

Count the pairs both ways.
"""
    ),
    code(
        """
by_document = cooccurrence(mentions, documents, scope="document")
{"pairs in one sentence": len(pairs), "pairs in one document": len(by_document)}
"""
    ),
    md(
        """
**What to notice.** On the seeds, 78 sentence pairs against 220 document pairs. Document scope
finds links a sentence misses, and many that are not there; sentence scope is the default for
that reason.

## 6. Before you quote a number

1. What is counted, and how is it normalised? (Lesson 2.)
2. How many documents is it resting on, in that period?
3. Read the rows behind it: do they all mean what the chart says? (Misspelt matches, photo
   captions, a team called *Patriots*, a metonym that is a place.)
4. For a pair: who is doing what to whom, in the sentence itself?

Next: `exercises/03-reading-the-evidence-exercises.ipynb`, then lesson 4.
"""
    ),
]

EXERCISES_3 = [
    exercise_head(3, L3_TITLE, L3),
    code(
        """
from analysis.evidence import cooccurrence, cooccurrence_summary, evidence
from analysis.mentions import find_mentions
from analysis.report import html_table, kwic_table
from analysis.teaching import lesson_corpus, value_at
from analysis.timeline import mentions_over_time
"""
    ),
    params(CORPUS_PARAMETERS + FREQ_PARAMETER),
    md("Load the corpus, the mentions, the monthly counts and the pairs once for all the exercises."),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
series = mentions_over_time(mentions, documents, freq=freq, normalize="count")
pairs = cooccurrence(mentions, documents)
f"{len(documents)} documents, {len(mentions)} mentions, {len(pairs)} actor-weapon pairs"
"""
    ),
    md(
        """
### Exercise 1. Where is the Javelin?

Show the KWIC rows of the Javelin (entity id `javelin`) with 30 characters of context, then read
the whole sentence. In what role does the Javelin appear: delivered, used, or something else?
"""
    ),
    answer(
        "show the Javelin's evidence with its sentences",
        """
javelin = evidence(mentions, documents, entity="javelin", width=30)
html_table(javelin, columns=["date", "left", "keyword", "right", "sentence"])
""",
    ),
    note(
        """
**What to notice.** The one Javelin mention of the seeds is in a *photo caption* from February
2022 ("Ukrainian servicemen are at work to receive the delivery of FGM-148 Javelins ... Feb. 11,
2022"), printed inside an article of July 2025. It is counted in July 2025. Captions, quotes of
old statements and "related stories" blocks are common sources of mentions out of their time.
"""
    ),
    md(
        """
### Exercise 2. Check the number

How many mentions does Donald Trump have in the last month of the monthly chart (August 2025 for
the seeds)? List the rows behind that value and check that there are as many. *Hint:* the last
month is `series["period"].max()`; then `value_at`, and `evidence` with that `period`; compare
the two numbers side by side.
"""
    ),
    answer(
        "compare the value on the chart with the number of evidence rows",
        """
last = series["period"].max()
checked = evidence(mentions, documents, entity="Donald Trump", period=last, freq=freq)
value = value_at(series, "Donald Trump", last)["mentions"].iloc[0]
{"month": f"{last:%Y-%m}", "on the chart": int(value), "evidence rows": len(checked)}
""",
    ),
    note(
        """
**What to notice.** 6 and 6. Two of them are the same headline: the title of `002` and its
first line ("Bulgaria: Trump Signals ..."). They are honest mentions, but a reader may count one
story where the chart counts two mentions: the share of documents (1 of 1) says it better.
"""
    ),
    md(
        """
### Exercise 3. Who buys, who sells?

Show the pairs whose action class is `buy/sell`, with their sentences. In each, who buys and who
sells?
"""
    ),
    answer(
        "show the buy/sell pairs with their sentences",
        """
html_table(
    pairs[pairs["action_class"] == "buy/sell"],
    columns=["actor", "weapon", "verb", "sentence"],
)
""",
    ),
    note(
        """
**What to notice.** NATO *buys*, the United States *sells*, Trump *endorses selling*, and all
are labelled `buy/sell`; in "NATO buying weapons from the U.S." the United States even gets the
verb "buying". One row pairs Ukraine with "sell", in a sentence where the US might sell to
European allies "an approach that would help Ukraine". The label is the verb class; who buys
and who sells is only in the sentence.
"""
    ),
    md(
        """
### Exercise 4. How many pairs have no action?

Count the pairs per action class with `cooccurrence_summary(pairs, by=["action_class"])`. What
share of pairs has no action word (`none`)?
"""
    ),
    answer(
        "count the pairs per action class",
        """
cooccurrence_summary(pairs, by=["action_class"])
""",
    ),
    note(
        """
**What to notice.** On the seeds, 34 of 78 pairs (44%) have no action word. Nearly half of the
co-occurrence chart is "named together", nothing more.
"""
    ),
    md(
        """
### Exercise 5 (stretch). A wrong verb

Find a pair whose verb is not the actor's action at all. Look at Ukraine's pairs, or pick your
own actor. Which rule of the verb linking failed?
"""
    ),
    answer(
        "list one actor's pairs with verb and sentence",
        """
html_table(
    pairs[pairs["actor"] == "Ukraine"],
    columns=["weapon", "verb", "action_class", "sentence"],
    limit=30,
)
""",
    ),
    note(
        """
**What to notice.** In "if the U.S. plans to pull weapons systems from its own military stocks
to sell to European allies – an approach that would help Ukraine", Ukraine gets "sell". The
rule "a verb standing between the actor and the weapon links them" picked it, because "sell"
lies between "weapons systems" and "Ukraine"; the one who sells, the U.S., comes before both
names, where that rule does not look. Verb linking is a heuristic over word positions, not a
parse of who does what to whom: that is why the sentence is always shown beside the label.
"""
    ),
]


# --- lesson 4 -----------------------------------------------------------------------------------

L4 = "04-tone-and-its-limits"
L4_TITLE = "Tone and its limits"
L4_IMPORTS = """
from analysis.evidence import tone
from analysis.mentions import find_mentions
from analysis.plots import plot_tone, show
from analysis.report import html_table
from analysis.teaching import explain_tone, lesson_corpus, tone_sentences
"""

LESSON_4 = [
    lesson_head(
        4,
        L4_TITLE,
        15,
        [
            (
                "say what VADER measures: the polarity of words in a sentence, not an opinion "
                "about an entity;"
            ),
            "read a tone chart with the number of sentences behind each value;",
            "find sentences that VADER gets wrong: war vocabulary, negation, sarcasm, quotes;",
            "decide when a tone figure is worth reporting, and when it is not.",
        ],
        L4,
    ),
    code(L4_IMPORTS),
    params(CORPUS_PARAMETERS + FREQ_PARAMETER),
    md(
        """
## 1. What VADER does

VADER (Hutto and Gilbert, 2014) scores a sentence from a lexicon of about 7,500 words, each
rated from -4 (very negative) to +4 (very positive) by human raters, plus rules for negation
("not happy"), "but", intensifiers and capitals. The *compound* score runs from -1 to +1; above
0.05 is called positive, below -0.05 negative. It was built for social-media English.

Score a few sentences and list the lexicon words that moved each score.
"""
    ),
    code(
        """
# CHANGE THIS: write sentences of your own
sentences = [
    "Ukraine welcomed the new air defense systems.",
    "NATO will send weapons to Ukraine.",
    "Patriot systems shot down ten missiles.",
    "Ukraine's air defense destroyed all the drones before they could kill anyone.",
]
html_table(explain_tone(sentences))
"""
    ),
    md(
        """
**What to notice.** *weapons* is a negative word in VADER's lexicon (-1.9), so "NATO will send
weapons to Ukraine" is negative, and so will be almost every sentence of this session's topic.
"Shot down ten missiles" has no lexicon word: neutral. A successful defence that "destroyed all
the drones before they could kill anyone" is strongly negative. VADER scores words, not events,
and not whose side they are good for.
"""
    ),
    md(
        """
## 2. Tone per entity, with the n behind it

The package scores every sentence that contains a mention once. An entity's tone is the mean
score of the distinct sentences that mention it, and `n_sentences` says how many there are.

Load the corpus, find the mentions, and compute the tone per entity.
"""
    ),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
by_entity = tone(mentions, documents)
by_entity.head(12)
"""
    ),
    md("Draw it: each bar is labelled with its mean and with the number of sentences behind it."),
    code(
        """
show(plot_tone(by_entity, top_n=10))
"""
    ),
    md(
        """
**What to notice.** Look at the `n=` on the right before the bars. On the seeds, Zelensky's
+0.38 rests on 7 sentences and Putin's -0.44 on 5: a single sentence more could move either a
lot. With a few sentences per entity, differences of 0.1 or 0.2 are noise.
"""
    ),
    md(
        """
## 3. The sentences behind a tone value

A tone value is a mean over sentences you can read, like any other number in this session.

List the sentences behind one entity's tone, most negative first.
"""
    ),
    code(
        """
entity = "Vladimir Putin"  # CHANGE THIS: an entity id or name
behind = tone_sentences(mentions, documents, entity)
html_table(behind, columns=["date", "compound", "sentence"], limit=15)
"""
    ),
    md(
        """
**What to notice.** Putin's most negative sentences are about the war ("will not give up on its
war objectives") and about *Trump's* disappointment ("I am very disappointed with the
conversation I had with Putin"), a quote by someone else. The tone "of Putin" is the tone of
sentences that mention him, whoever speaks and about what.
"""
    ),
    md(
        """
## 4. Tone over time

Tone per period is drawn only where a mean rests on at least 5 sentences; the other points are
left out, and a note says how many.

Compute the tone per period and draw it for the entities with the most sentences.
"""
    ),
    code(
        """
show(plot_tone(tone(mentions, documents, freq=freq), top_n=5))
"""
    ),
    md(
        """
**What to notice.** On the seeds the United States and Ukraine swing from negative in July to
positive in August. Each point is one article: the "change in tone" is the difference between
two articles. Points on fewer than 5 sentences are left out (the note says how many), and the
undated article is not on the axis at all: the n in the legend counts dated sentences only. On
the White House slice each month rests on hundreds of sentences, and the lines mean more.
"""
    ),
    md(
        """
## 5. Where a word lexicon goes wrong

Four failures to know before you report tone: negation (VADER handles "not" near the word), sarcasm
(it does not), quotes (the tone belongs to the speaker, not to the entity named), and the
vocabulary of war (*attack*, *strike*, *killed*, *weapons* are negative whoever is hit).

Score sentences that differ by one of these, and compare.
"""
    ),
    code(
        """
# CHANGE THIS: add your own tricky sentences
tricky = [
    "Ukraine is happy with the delay.",
    "Ukraine is not happy with the delay.",
    "Oh great, the weapons are delayed again. Just what Ukraine needed.",
    "Zelensky said Russia's attacks were 'terrible'.",
    "The strike destroyed the launcher that had been shelling Kharkiv.",
]
html_table(explain_tone(tricky))
"""
    ),
    md(
        """
**What to notice.** The negation flips the score, as it should. The sarcastic sentence comes out
*positive* ("great" outweighs "delayed"). The quote is scored as the sentence's tone, and it
counts for Zelensky *and* Russia alike. The strike on a launcher is negative, whatever you think
of it.
"""
    ),
    md(
        """
One sentence gives its score to every entity it mentions. List the sentences that count for both
Ukraine and Russia.
"""
    ),
    code(
        """
both = tone_sentences(mentions, documents, ["Ukraine", "Russia"])
shared = both[both.duplicated("sentence", keep=False)].sort_values(["sentence", "entity"])
html_table(shared, columns=["entity", "compound", "sentence"], limit=12)
"""
    ),
    md(
        """
**What to notice.** "Russia escalated its air strikes on Ukraine" lowers the tone of Russia *and*
of Ukraine by the same amount. Tone by entity cannot say who the sentence is bad for.

## 6. When to report tone

- Report it, if at all, as "the tone of sentences that mention X", with the n beside it.
- Compare entities or periods *within* one corpus; never read an absolute value ("-0.3 means
  hostile").
- Read the most positive and most negative sentences before you write a word about tone.
- On war coverage, the topic's own vocabulary dominates: tone usually tells you more about the
  subject of a sentence than about the attitude of the writer.

That is the end of the session: the exercises in `exercises/04-tone-and-its-limits-exercises.ipynb`
close it.
"""
    ),
]

EXERCISES_4 = [
    exercise_head(4, L4_TITLE, L4),
    code(
        """
from analysis.evidence import tone
from analysis.mentions import find_mentions
from analysis.report import html_table
from analysis.teaching import explain_tone, lesson_corpus, tone_sentences
"""
    ),
    params(CORPUS_PARAMETERS + FREQ_PARAMETER),
    md("Load the corpus, the mentions and the tone per entity once for all the exercises."),
    code(
        """
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
by_entity = tone(mentions, documents)
f"{len(documents)} documents, {len(by_entity)} entities with a tone"
"""
    ),
    md(
        """
### Exercise 1. Fool the lexicon

Write one sentence about the war that VADER scores *positive* although the news is bad, and one
it scores *negative* although the news is good. *Hint:* `explain_tone` shows which words moved
the score.
"""
    ),
    answer(
        "write your two sentences and score them",
        """
mine = [
    "Russia welcomed the successful strike that left the city without power.",
    "Ukraine's air defense destroyed all the drones before they could kill anyone.",
]
html_table(explain_tone(mine))
""",
    ),
    note(
        """
**What to notice.** "welcomed" and "successful" carry the first sentence; "destroyed" and "kill"
sink the second. Any sentence whose good news is expressed with violent words, or bad news with
positive ones, will do.
"""
    ),
    md(
        """
### Exercise 2. Thin evidence

Which entities' tone rests on fewer than 3 sentences? Show them with their score and
`n_sentences`.
"""
    ),
    answer(
        "keep the entities with fewer than 3 sentences",
        """
by_entity.loc[by_entity["n_sentences"] < 3, ["entity", "kind", "compound", "n_sentences"]]
""",
    ),
    note(
        """
**What to notice.** On the seeds most entities in the table rest on 1 or 2 sentences: their
"tone" is the score of one or two sentences. Such values belong in a footnote, if anywhere;
`plot_tone` draws them with their n so nobody reads them as more.
"""
    ),
    md(
        """
### Exercise 3. Russia's tone

Read the sentences behind Russia's tone. Is the negative score about Russia, or about the war in
general? *Hint:* `tone_sentences`.
"""
    ),
    answer(
        "list the sentences behind Russia's tone",
        """
html_table(
    tone_sentences(mentions, documents, "Russia"),
    columns=["date", "compound", "sentence"],
    limit=20,
)
""",
    ),
    note(
        """
**What to notice.** Most of Russia's negative sentences are negative because of "brutal air
assaults", "war objectives", "air strikes": words about the war itself. Some are about other
actors (NATO paying for weapons, which VADER finds negative because of *weapons*). A low tone
for Russia here means "sentences about attacks", not "hostile coverage of Russia".
"""
    ),
    md(
        """
### Exercise 4. Trump by month

Compute the tone per month (`freq="M"`) and keep the rows of Donald Trump. How many sentences is
each value based on? Would you report the change from July to August?
"""
    ),
    answer(
        "compute the monthly tone and keep Donald Trump's rows",
        """
by_month = tone(mentions, documents, freq="M")
by_month[by_month["entity"] == "Donald Trump"]
""",
    ),
    note(
        """
**What to notice.** July -0.23 on 4 sentences, August +0.24 on 6, and the undated article -0.06
on 10. The swing looks large, but it rests on one article per month and ten sentences in all,
and the biggest group cannot be placed in time. Not reportable as a change in coverage.
"""
    ),
]


# --- the files ----------------------------------------------------------------------------------

LESSONS = {L1: (LESSON_1, EXERCISES_1), L2: (LESSON_2, EXERCISES_2)}
LESSONS.update({L3: (LESSON_3, EXERCISES_3), L4: (LESSON_4, EXERCISES_4)})


def notebooks() -> dict[Path, nbformat.NotebookNode]:
    """Every teaching notebook, by its path."""
    out = {}
    for name, (lesson, exercises) in LESSONS.items():
        out[HERE / f"{name}.ipynb"] = notebook(lesson)
        out[HERE / "exercises" / f"{name}-exercises.ipynb"] = notebook(exercises, variant="exercise")
        out[HERE / "solutions" / f"{name}-solutions.ipynb"] = notebook(
            [solution_head(*_head(name)), *exercises[1:]], variant="solution"
        )
    return out


def _head(name: str) -> tuple[int, str, str]:
    titles = {L1: L1_TITLE, L2: L2_TITLE, L3: L3_TITLE, L4: L4_TITLE}
    return int(name[:2]), titles[name], name


def main() -> int:
    for path, nb in notebooks().items():
        nbformat.validate(nb)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        print(path.relative_to(HERE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
