# ---
# ruff: noqa: E501
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (news-mentions)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["exercise"]
# # Exercises · Lesson 1 · From words to mentions
#
# Work through lesson 1 (`../01-from-words-to-mentions.ipynb`) first. Each exercise has a cell
# marked `# CHANGE THIS` with `...` where your code goes: replace the `...`, run the cell, and read
# the result before you move on. The answers, with what to notice, are in
# `../solutions/01-from-words-to-mentions-solutions.ipynb`: try first, then compare.

# %% [markdown] tags=["solution"]
# # Solutions · Lesson 1 · From words to mentions
#
# One possible answer to each exercise of `../exercises/01-from-words-to-mentions-exercises.ipynb`,
# followed by what to notice. Other code that gives the same table is just as right. The remarks are
# written for the seed articles; on another corpus the numbers differ but the questions stay the
# same.

# %%
from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract, find_mentions
from analysis.teaching import (
    compare_counts,
    example_documents,
    gazetteer_with,
    highlight,
    lesson_corpus,
)

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)

# %% [markdown]
# Load the corpus, the gazetteer and the mentions once for all the exercises.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
gazetteer = load_gazetteer()
mentions = find_mentions(documents, gazetteer)
f"{len(documents)} documents, {len(mentions)} mentions"

# %% [markdown]
# ### Exercise 1. Which written forms count as Zelensky?
#
# List the surface forms of the entity `zelensky` in the corpus and how often each occurs.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# Filter `mentions` on the column `entity_id`, keep the column `surface`, then count with
# `value_counts()`. `frame.loc[rows, column]` does both at once: the rows are a condition such as
# `frame["entity_id"] == "zelensky"`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: list the surface forms of zelensky with their counts
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# mentions.loc[mentions[___] == "zelensky", ___].value_counts()
...

# %% tags=["solution", "answer"]
mentions.loc[mentions["entity_id"] == "zelensky", "surface"].value_counts()

# %% [markdown] tags=["solution"]
# **What to notice.** On the seeds: `Zelensky` (5), `Ukrainian President Zelensky` (1) and
# `Ukrainian President Volodymyr Zelenskyy` (1): seven mentions of one actor. A word counter saw
# six `Zelensky` tokens and one `Zelenskyy`, as if they were two people, and would have counted
# "Ukrainian President" as words of their own.

# %% [markdown]
# ### Exercise 2. Predict, then check
#
# Write two sentences that mention Zelensky with two different spellings and the Patriot system
# once in the plural. Before running, write down how many mentions of each entity you expect; then
# find the mentions and highlight them.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `example_documents([...])` turns a list of sentences (strings in quotes) into documents;
# `find_mentions(mine, gazetteer)` finds their mentions; `highlight(mine, found)` marks them in the
# text.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: write your sentences, then find and highlight their mentions
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# mine = example_documents(["___", "___"])
# highlight(mine, find_mentions(mine, ___))
...

# %% tags=["solution", "answer"]
mine = example_documents(
    [
        "Zelenskyy thanked Germany for two Patriot batteries.",
        "President Zelensky asked for more Patriots.",
    ]
)
highlight(mine, find_mentions(mine, gazetteer))

# %% [markdown] tags=["solution"]
# **What to notice.** Two mentions of Zelensky (`Zelenskyy`, `President Zelensky`: the title is
# part of the longest alias), two of Patriot (`Patriot batteries` is an alias; `Patriots` is the
# plural) and one of Germany. If your prediction was off, find which rule of lesson 1 surprised
# you.

# %% [markdown]
# ### Exercise 3. A misspelling the gazetteer misses
#
# Seed `001` writes "ammunication" (sic), and no alias matches it. Add it as an alias of the
# entity `munitions` with `gazetteer_with`, find the mentions again, and compare the counts
# before and after with `compare_counts`.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# An addition is written as in a YAML file: `{"id": "munitions", "aliases": ["..."]}`.
# `gazetteer_with(addition)` gives a new gazetteer; pass it to `find_mentions(documents,
# new_gazetteer)`, then compare the old and the new mentions with `compare_counts(old, new)`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: add the alias, find the mentions again and compare the counts
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# fixed = gazetteer_with({"id": "munitions", "aliases": [___]})
# compare_counts(mentions, find_mentions(documents, ___))
...

# %% tags=["solution", "answer"]
fixed = gazetteer_with({"id": "munitions", "aliases": ["ammunication"]})
compare_counts(mentions, find_mentions(documents, fixed))

# %% [markdown] tags=["solution"]
# **What to notice.** Munitions goes from 1 to 2 mentions on the seeds, and nothing else changes.
# In a real project the same addition goes in your own `my_aliases.yml` (see the main README);
# `analysis.discovery.near_misses` lists misspellings like this one for you.

# %% [markdown]
# ### Exercise 4. Metonyms: which way?
#
# Switch metonyms on, and list the metonym mentions with their document, surface and entity.
# For each one, decide from the text whether it stands for a government.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `find_mentions(documents, gazetteer, metonyms=True)` switches them on. The `metonym` column is
# True on those rows, so it can select them by itself: `frame.loc[frame["metonym"], [columns]]`;
# `value_counts()` on a few columns counts their combinations.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: find the mentions with metonyms on and list the metonym rows
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# with_metonyms = find_mentions(documents, gazetteer, metonyms=___)
# with_metonyms.loc[with_metonyms[___], ["doc_id", "surface", ___]].value_counts()
...

# %% tags=["solution", "answer"]
with_metonyms = find_mentions(documents, gazetteer, metonyms=True)
with_metonyms.loc[with_metonyms["metonym"], ["doc_id", "surface", "entity"]].value_counts()

# %% [markdown] tags=["solution"]
# **What to notice.** On the seeds: "Washington" four times in `002` (each time the US
# government: "Washington may provide Ukraine with air support"), "Kyiv" once in `002` ("security
# guarantees for Kyiv": the government) and once in `000` ("Kyiv's airport Boryspil": the city).
# So metonyms-on is right five times out of six here; report the choice either way.

# %% [markdown]
# ### Exercise 5 (stretch). Break the exclusions
#
# Write sentences that put the words *Patriot* and *Patriots* in contexts the gazetteer does not
# exclude but that are not the weapon either (a sports team other than New England, a
# newspaper ...). Run `extract` and look at both `result.mentions` and `result.excluded`. What
# would you add to the gazetteer's exclusions?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# Make documents of your sentences with `example_documents`, then `result = extract(odd,
# gazetteer)`; `highlight(odd, result.mentions, excluded=result.excluded)` shows what was counted
# and what an exclusion removed.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: write your sentences and run extract on them
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# odd = example_documents(["___", "___"])
# result = extract(odd, gazetteer)
# highlight(odd, result.mentions, excluded=___)
...

# %% tags=["solution", "answer"]
odd = example_documents(
    [
        "The Patriots beat the Jets on Sunday.",
        "She reads the Patriot Ledger every morning.",
        "Patriot Day ceremonies were held in New York.",
    ]
)
result = extract(odd, gazetteer)
highlight(odd, result.mentions, excluded=result.excluded)

# %% [markdown] tags=["solution"]
# **What to notice.** "Patriot Day" is excluded, but "The Patriots beat the Jets" and "the
# Patriot Ledger" (a newspaper) are counted as the air-defence system. Exclusions only know the
# phrases they list: adding "Patriot Ledger" is easy; a team named only as "the Patriots" needs
# a human reading the evidence (lesson 3). The White House corpus has real cases of both.
