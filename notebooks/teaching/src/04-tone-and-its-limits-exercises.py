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
# # Exercises · Lesson 4 · Tone and its limits
#
# Work through lesson 4 (`../04-tone-and-its-limits.ipynb`) first. Each exercise has a cell marked
# `# CHANGE THIS` with `...` where your code goes: replace the `...`, run the cell, and read the
# result before you move on. The answers, with what to notice, are in
# `../solutions/04-tone-and-its-limits-solutions.ipynb`: try first, then compare.

# %% [markdown] tags=["solution"]
# # Solutions · Lesson 4 · Tone and its limits
#
# One possible answer to each exercise of `../exercises/04-tone-and-its-limits-exercises.ipynb`,
# followed by what to notice. Other code that gives the same table is just as right. The remarks are
# written for the seed articles; on another corpus the numbers differ but the questions stay the
# same.

# %%
from analysis import tone
from analysis.mentions import find_mentions
from analysis.report import html_table
from analysis.teaching import explain_tone, lesson_corpus, tone_sentences

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)

# %% [markdown]
# Load the corpus, the mentions and the tone per entity once for all the exercises.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
by_entity = tone(mentions, documents)
f"{len(documents)} documents, {len(by_entity)} entities with a tone"

# %% [markdown]
# ### Exercise 1. Fool the lexicon
#
# Write one sentence about the war that VADER scores *positive* although the news is bad, and one
# it scores *negative* although the news is good.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `explain_tone([...])` takes a list of sentences and shows, for each, the score and the words of
# the lexicon that moved it; show it with `html_table`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: write your two sentences and score them
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# mine = ["___", "___"]
# html_table(explain_tone(mine))
...

# %% tags=["solution", "answer"]
mine = [
    "Russia welcomed the successful strike that left the city without power.",
    "Ukraine's air defense destroyed all the drones before they could kill anyone.",
]
html_table(explain_tone(mine))

# %% [markdown] tags=["solution"]
# **What to notice.** "welcomed" and "successful" carry the first sentence; "destroyed" and "kill"
# sink the second. Any sentence whose good news is expressed with violent words, or bad news with
# positive ones, will do.

# %% [markdown]
# ### Exercise 2. Thin evidence
#
# Which entities' tone rests on fewer than 3 sentences? Show them with their score and
# `n_sentences`.

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# Keep the rows of `by_entity` where `n_sentences` is below 3 (`frame.loc[condition, [columns]]`).
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: keep the entities with fewer than 3 sentences
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# by_entity.loc[by_entity[___] < ___, ["entity", "kind", "compound", "n_sentences"]]
...

# %% tags=["solution", "answer"]
by_entity.loc[by_entity["n_sentences"] < 3, ["entity", "kind", "compound", "n_sentences"]]

# %% [markdown] tags=["solution"]
# **What to notice.** On the seeds most entities in the table rest on 1 or 2 sentences: their
# "tone" is the score of one or two sentences. Such values belong in a footnote, if anywhere;
# `plot_tone` draws them with their n so nobody reads them as more.

# %% [markdown]
# ### Exercise 3. Russia's tone
#
# Read the sentences behind Russia's tone. Is the negative score about Russia, or about the war in
# general?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `tone_sentences(mentions, documents, "Russia")` lists the sentences and their scores;
# `html_table(rows, columns=["date", "compound", "sentence"], limit=20)` shows them.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: list the sentences behind Russia's tone
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# html_table(
#     tone_sentences(mentions, documents, ___),
#     columns=["date", "compound", "sentence"],
#     limit=20,
# )
...

# %% tags=["solution", "answer"]
html_table(
    tone_sentences(mentions, documents, "Russia"),
    columns=["date", "compound", "sentence"],
    limit=20,
)

# %% [markdown] tags=["solution"]
# **What to notice.** Most of Russia's negative sentences are negative because of "brutal air
# assaults", "war objectives", "air strikes": words about the war itself. Some are about other
# actors (NATO paying for weapons, which VADER finds negative because of *weapons*). A low tone
# for Russia here means "sentences about attacks", not "hostile coverage of Russia".

# %% [markdown]
# ### Exercise 4. Trump by month
#
# Compute the tone per month (`freq="M"`) and keep the rows of Donald Trump. How many sentences is
# each value based on? Would you report the change from July to August?

# %% [markdown] tags=["hint"]
# <details><summary><b>Hint</b> (click to open)</summary>
#
# `tone(mentions, documents, freq="M")` gives one row per entity and month; keep Donald Trump's rows
# with `frame[frame["entity"] == "Donald Trump"]` and read `n_sentences`.
#
# </details>

# %% tags=["exercise", "answer"]
# CHANGE THIS: compute the monthly tone and keep Donald Trump's rows
# Skeleton: fill in each ___, remove the "# " at the start of its lines (select them and
# press Ctrl+/), and delete the ... at the end.
# by_month = tone(mentions, documents, freq=___)
# by_month[by_month[___] == "Donald Trump"]
...

# %% tags=["solution", "answer"]
by_month = tone(mentions, documents, freq="M")
by_month[by_month["entity"] == "Donald Trump"]

# %% [markdown] tags=["solution"]
# **What to notice.** July -0.23 on 4 sentences, August +0.24 on 6, and the undated article -0.06
# on 10. The swing looks large, but it rests on one article per month and ten sentences in all,
# and the biggest group cannot be placed in time. Not reportable as a change in coverage.
