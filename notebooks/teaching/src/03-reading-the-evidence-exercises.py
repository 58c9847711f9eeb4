# ---
# ruff: noqa: E501, F401
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
# # Exercises · Lesson 3 · Reading the evidence
#
# Work through lesson 3 (`../03-reading-the-evidence.ipynb`) first. Each exercise has a cell marked
# `# CHANGE THIS` with `...` where your code goes: replace the `...`, run the cell, and read the
# result before you move on. The answers, with what to notice, are in
# `../solutions/03-reading-the-evidence-solutions.ipynb`: try first, then compare.

# %% [markdown] tags=["solution"]
# # Solutions · Lesson 3 · Reading the evidence
#
# One possible answer to each exercise of `../exercises/03-reading-the-evidence-exercises.ipynb`,
# followed by what to notice. Other code that gives the same table is just as right. The remarks are
# written for the seed articles; on another corpus the numbers differ but the questions stay the
# same.

# %%
from analysis import cooccurrence, cooccurrence_summary, evidence
from analysis.mentions import find_mentions
from analysis.report import html_table, kwic_table
from analysis.teaching import lesson_corpus, value_at
from analysis.timeline import mentions_over_time

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)

# %% [markdown]
# Load the corpus, the mentions, the monthly counts and the pairs once for all the exercises.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
series = mentions_over_time(mentions, documents, freq=freq, normalize="count")
pairs = cooccurrence(mentions, documents)
f"{len(documents)} documents, {len(mentions)} mentions, {len(pairs)} actor-weapon pairs"

# %% [markdown]
# ### Exercise 1. Where is the Javelin?
#
# Show the KWIC rows of the Javelin (entity id `javelin`) with 30 characters of context, then read
# the whole sentence. In what role does the Javelin appear: delivered, used, or something else?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `evidence(mentions, documents, entity="javelin", width=30)` gives the rows; `html_table(rows,
# columns=[...])` shows the columns you name, `"sentence"` among them.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: show the Javelin's evidence with its sentences
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# javelin = evidence(mentions, documents, entity="javelin", width=___)
# html_table(javelin, columns=["date", "left", "keyword", "right", ___])
...

# %% tags=["solution", "answer"]
javelin = evidence(mentions, documents, entity="javelin", width=30)
html_table(javelin, columns=["date", "left", "keyword", "right", "sentence"])

# %% [markdown] tags=["solution"]
# **What to notice.** The one Javelin mention of the seeds is in a *photo caption* from February
# 2022 ("Ukrainian servicemen are at work to receive the delivery of FGM-148 Javelins ... Feb. 11,
# 2022"), printed inside an article of July 2025. It is counted in July 2025. Captions, quotes of
# old statements and "related stories" blocks are common sources of mentions out of their time.

# %% [markdown]
# ### Exercise 2. Check the number
#
# How many mentions does Donald Trump have in the last month of the monthly chart (August 2025 for
# the seeds)? List the rows behind that value and check that there are as many.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# The last month is `series["period"].max()`; `value_at(series, "Donald Trump", last)` gives its row
# on the chart, and `evidence(..., period=last, freq=freq)` the rows behind it; `len(rows)` counts
# them. Put the two numbers side by side in a dictionary.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: compare the value on the chart with the number of evidence rows
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# last = series["period"].___()
# checked = evidence(mentions, documents, entity="Donald Trump", period=___, freq=freq)
# value = value_at(series, "Donald Trump", last)[___].iloc[0]
# {"month": f"{last:%Y-%m}", "on the chart": int(value), "evidence rows": len(___)}
...

# %% tags=["solution", "answer"]
last = series["period"].max()
checked = evidence(mentions, documents, entity="Donald Trump", period=last, freq=freq)
value = value_at(series, "Donald Trump", last)["mentions"].iloc[0]
{"month": f"{last:%Y-%m}", "on the chart": int(value), "evidence rows": len(checked)}

# %% [markdown] tags=["solution"]
# **What to notice.** 6 and 6. Two of them are the same headline: the title of `002` and its
# first line ("Bulgaria: Trump Signals ..."). They are honest mentions, but a reader may count one
# story where the chart counts two mentions: the share of documents (1 of 1) says it better.

# %% [markdown]
# ### Exercise 3. Who buys, who sells?
#
# Show the pairs whose action class is `buy/sell`, with their sentences. In each, who buys and who
# sells?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# Keep the rows of `pairs` whose column `action_class` equals `"buy/sell"` (`pairs[pairs[column] ==
# value]`), then show them with `html_table` and the column `sentence`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: show the buy/sell pairs with their sentences
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# html_table(pairs[pairs[___] == "buy/sell"], columns=["actor", "weapon", "verb", ___])
...

# %% tags=["solution", "answer"]
html_table(
    pairs[pairs["action_class"] == "buy/sell"],
    columns=["actor", "weapon", "verb", "sentence"],
)

# %% [markdown] tags=["solution"]
# **What to notice.** NATO *buys*, the United States *sells*, Trump *endorses selling*, and all
# are labelled `buy/sell`; in "NATO buying weapons from the U.S." the United States even gets the
# verb "buying". One row pairs Ukraine with "sell", in a sentence where the US might sell to
# European allies "an approach that would help Ukraine". The label is the verb class; who buys
# and who sells is only in the sentence.

# %% [markdown]
# ### Exercise 4. How many pairs have no action?
#
# Count the pairs per action class with `cooccurrence_summary(pairs, by=["action_class"])`. What
# share of pairs has no action word (`none`)?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# Run `cooccurrence_summary(pairs, by=["action_class"])` as it is written in the task; the share of
# `none` is its count divided by the number of pairs, `len(pairs)`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: count the pairs per action class
...

# %% tags=["solution", "answer"]
cooccurrence_summary(pairs, by=["action_class"])

# %% [markdown] tags=["solution"]
# **What to notice.** On the seeds, 34 of 78 pairs (44%) have no action word. Nearly half of the
# co-occurrence chart is "named together", nothing more.

# %% [markdown]
# ### Exercise 5 (stretch). A wrong verb
#
# Find a pair whose verb is not the actor's action at all. Look at Ukraine's pairs, or pick your
# own actor. Which rule of the verb linking failed?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# Keep one actor's rows (`pairs[pairs["actor"] == "Ukraine"]`) and show the columns weapon, verb,
# action_class and sentence; read each verb against its sentence: who does it?
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: list one actor's pairs with verb and sentence
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# html_table(
#     pairs[pairs[___] == ___],
#     columns=["weapon", "verb", "action_class", "sentence"],
#     limit=30,
# )
...

# %% tags=["solution", "answer"]
html_table(
    pairs[pairs["actor"] == "Ukraine"],
    columns=["weapon", "verb", "action_class", "sentence"],
    limit=30,
)

# %% [markdown] tags=["solution"]
# **What to notice.** In "if the U.S. plans to pull weapons systems from its own military stocks
# to sell to European allies – an approach that would help Ukraine", Ukraine gets "sell". The
# rule "a verb standing between the actor and the weapon links them" picked it, because "sell"
# lies between "weapons systems" and "Ukraine"; the one who sells, the U.S., comes before both
# names, where that rule does not look. Verb linking is a heuristic over word positions, not a
# parse of who does what to whom: that is why the sentence is always shown beside the label.
