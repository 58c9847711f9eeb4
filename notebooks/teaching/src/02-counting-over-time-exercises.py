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
# # Exercises · Lesson 2 · Counting over time, honestly
#
# Work through lesson 2 (`../02-counting-over-time.ipynb`) first. Each exercise has a cell marked
# `# CHANGE THIS` with `...` where your code goes: replace the `...`, run the cell, and read the
# result before you move on. The answers, with what to notice, are in
# `../solutions/02-counting-over-time-solutions.ipynb`: try first, then compare.

# %% [markdown] tags=["solution"]
# # Solutions · Lesson 2 · Counting over time, honestly
#
# One possible answer to each exercise of `../exercises/02-counting-over-time-exercises.ipynb`,
# followed by what to notice. Other code that gives the same table is just as right. The remarks are
# written for the seed articles; on another corpus the numbers differ but the questions stay the
# same.

# %%
from analysis.mentions import find_mentions
from analysis.teaching import lesson_corpus, normalisation_table, pretend_dated
from analysis.timeline import corpus_over_time, mentions_over_time

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)

# %% [markdown]
# Load the corpus and the mentions once for all the exercises.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
f"{len(documents)} documents, {len(mentions)} mentions"

# %% [markdown]
# ### Exercise 1. Empty weeks
#
# Make the corpus-size table by week (`freq="W"`). How many weeks between the first and the last
# dated article have no documents at all?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `corpus_over_time(documents, freq="W")` gives one row per week; `table["documents"] == 0` is True
# for the empty weeks, and `.sum()` counts the True values.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: build the weekly table and count the weeks without documents
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# weekly = corpus_over_time(documents, freq=___)
# int((weekly[___] == 0).sum())
...

# %% tags=["solution", "answer"]
weekly = corpus_over_time(documents, freq="W")
int((weekly["documents"] == 0).sum())

# %% [markdown] tags=["solution"]
# **What to notice.** Five of the seven weeks from 7 July to 18 August 2025 have no document. A
# weekly chart of the seeds is mostly gaps: a monthly one is the honest choice here.

# %% [markdown]
# ### Exercise 2. NATO, three ways
#
# Show NATO's monthly values under the three normalisations. In which month is NATO more
# prominent per 1,000 words, and by how much? What does the share of documents tell you?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `normalisation_table` shows the three normalisations of one entity side by side (lesson 2 uses
# it); give it the mentions, the documents, the entity's name and `freq`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: show the three normalisations for NATO by month
...

# %% tags=["solution", "answer"]
normalisation_table(mentions, documents, "NATO", freq="M")

# %% [markdown] tags=["solution"]
# **What to notice.** July: 12 mentions, 25.6 per 1,000 words; August: 3 mentions, 6.3 per 1,000
# words, four times less. The share of documents is 100% in both months: NATO is in the one
# article of each month. Density changed, reach did not; with one article a month, neither says
# much about "the media".

# %% [markdown]
# ### Exercise 3. What is in the undated group?
#
# Which entities are mentioned in the undated article, and how often?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `mentions_over_time(mentions, documents, freq="M")`, then keep the rows where `undated` is True
# and `mentions` is above 0: two conditions joined with `&`, each in brackets.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: list the entities of the undated group with their mentions
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# series = mentions_over_time(mentions, documents, freq="M")
# series.loc[series[___] & (series[___] > 0), ["entity", "kind", "mentions"]]
...

# %% tags=["solution", "answer"]
series = mentions_over_time(mentions, documents, freq="M")
series.loc[series["undated"] & (series["mentions"] > 0), ["entity", "kind", "mentions"]]

# %% [markdown] tags=["solution"]
# **What to notice.** The undated article holds 10 of Trump's 20 mentions and 10 of Ukraine's
# 25: half of the story about Trump cannot be placed in time. A chart that silently dropped it
# would hide half the evidence; one that gave it a date would move it. It is kept and shown apart.

# %% [markdown]
# ### Exercise 4. A false spike
#
# Pretend the undated article was published on 2025-07-11, the day of the first article. Show
# Donald Trump's monthly values under the three normalisations. Which month changes, and why is
# the result wrong?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `pretend_dated(documents, "2025-07-11")` gives the documents with the undated one dated; pass that
# to `normalisation_table` instead of `documents`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: date the undated article and show Trump's three normalisations
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# normalisation_table(mentions, pretend_dated(documents, ___), "Donald Trump", freq="M")
...

# %% tags=["solution", "answer"]
normalisation_table(mentions, pretend_dated(documents, "2025-07-11"), "Donald Trump", freq="M")

# %% [markdown] tags=["solution"]
# **What to notice.** July goes from 4 to 14 mentions (8.5 to 16.3 per 1,000 words) and now rests
# on 2 documents. The extra mentions come from an article whose date nobody knows: the "rise" in
# July is an artefact of the guess.

# %% [markdown]
# ### Exercise 5. Moving the low-volume threshold
#
# Recompute the monthly corpus size with `min_documents=1`. Which periods are still flagged? Is
# the chart more trustworthy now?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `min_documents` is a keyword of `corpus_over_time`, as `freq` is; then look at the `low_volume`
# column.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: recompute the monthly corpus size with min_documents=1
...

# %% tags=["solution", "answer"]
corpus_over_time(documents, freq="M", min_documents=1)

# %% [markdown] tags=["solution"]
# **What to notice.** No period is flagged any more, and nothing else has changed: there is still
# one article per month. A threshold is a warning for the reader; lowering it removes the warning,
# not the problem.
