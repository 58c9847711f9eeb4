# ---
# ruff: noqa: E501, B018
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

# %% [markdown]
# # Lesson 3 · Reading the evidence
#
# *Media coverage of the war: a 90-minute session in four lessons. This is lesson 3 of 4,
# about 20 minutes with its exercises.*
#
# **Learning goals.** By the end of this lesson you can:
#
# - read a keyword-in-context (KWIC) table and the sentences behind a count;
# - check a number on a chart against the rows that make it up;
# - read actor x weapon co-occurrence with its action verbs, and say what it does not prove.
#
# **How to use this notebook.** Run the cells from top to bottom (Shift+Enter). Cells marked
# `# CHANGE THIS` are yours: edit them and run them again. It works offline on the three seed
# articles; to work on about 840 White House briefings from the weeks around Russia's full-scale
# invasion (February to April 2022), set `corpus = "whitehouse"` in the parameters cell (when that
# corpus is on your machine; see the teacher's guide, `README.md`).
#
# Exercises: `exercises/03-reading-the-evidence-exercises.ipynb` (solutions in `solutions/`, to open
# after trying).

# %%
from analysis import cooccurrence, cooccurrence_summary, evidence
from analysis.mentions import find_mentions
from analysis.plots import plot_cooccurrence, show
from analysis.report import html_table, kwic_table
from analysis.teaching import lesson_corpus, peak, value_at
from analysis.timeline import mentions_over_time

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)

# %% [markdown]
# ## 1. Documents and mentions
#
# Load the corpus and find the mentions once; every table below reads its text back through the
# mentions' offsets.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
f"{len(documents)} documents, {len(mentions)} mentions"

# %% [markdown]
# ## 2. Keyword in context
#
# A keyword-in-context (KWIC) table, or concordance, shows each mention with the words before and
# after it, one line per mention. It is the quickest way to see *how* something is talked about.
#
# Show the mentions of one entity with 50 characters on each side.

# %%
entity = "air defence"  # CHANGE THIS: an entity id, name or alias
rows = evidence(mentions, documents, entity=entity, width=50)
kwic_table(rows, limit=20, caption=f"{len(rows)} mentions of {entity}")

# %% [markdown]
# **What to notice.** On the seeds, "air defense", "air defenses", "aerial defense" and "air
# defense systems" are all this entity. The contexts are about *wanting* and *needing* air
# defence ("wants to help Ukraine with air defense"), much less about delivering it.

# %% [markdown]
# When a window of words is not enough, read the whole sentence.

# %%
html_table(rows, columns=["date", "doc_id", "keyword", "sentence"], limit=10)

# %% [markdown]
# ## 3. Check a number against its sentences
#
# Every point of a timeline is a count of rows you can read. Before you quote a number, list the
# rows behind it and read them. Start with the number a reader will look at first: the highest
# point of the chart.
#
# Count mentions per period, and pick the entity and period with the highest value.

# %%
series = mentions_over_time(mentions, documents, freq=freq, normalize="count")
top = peak(series)
top

# %% [markdown]
# List the mentions behind that point: the number of rows must equal the value on the chart.

# %%
checked = evidence(
    mentions, documents, entity=top["entity"].iloc[0], period=top["period"].iloc[0], freq=freq
)
caption = f"{len(checked)} rows behind a value of {top['mentions'].iloc[0]}"
kwic_table(checked, limit=50, caption=caption)

# %% [markdown]
# **What to notice.** On the seeds the peak is the United States in July 2025: 12 mentions, and
# 12 rows, all from one article. Reading them shows what the count stands for: "U.S. weapons",
# "buying weapons from the U.S.", but also "a second U.S. official" and "a U.S. official", where
# the US is only the nationality of a source. Is that a mention you want to count? And a peak
# resting on a single article is a fact about that article, not about the coverage.

# %% [markdown]
# Check a number you choose in the same way: first the value, then its rows.

# %%
# CHANGE THIS: an entity, and a date inside the period you want, e.g. "2025-08"
chosen_entity, chosen_period = "Ukraine", top["period"].iloc[0]
value_at(series, chosen_entity, chosen_period)

# %% [markdown]
# List the rows behind it: there must be as many as the `mentions` above.

# %%
kwic_table(evidence(mentions, documents, entity=chosen_entity, period=chosen_period, freq=freq))

# %% [markdown]
# ## 4. Who does what with which weapon: co-occurrence
#
# When an actor and a weapon are mentioned in the same sentence, they form a *pair*. The package
# labels each pair with the action word that links them, by a small list of verbs: *deliver*
# (send, supply, provide ...), *buy/sell*, *pledge*, *pause*, *intercept*, *attack*, *request*,
# or *none* when no such word links them.
#
# Find the pairs, count them per actor, weapon and action, and draw the most frequent.

# %%
pairs = cooccurrence(mentions, documents)
summary = cooccurrence_summary(pairs)
show(plot_cooccurrence(summary, top_n=12))

# %% [markdown]
# **What to notice.** Grey (*no action word*) is the biggest single colour: being named in the
# same sentence is not doing something with the weapon. On the seeds, Trump and air defence share
# 7 sentences and Zelensky and air defence 6, all grey: "Trump said he wants to help with air
# defense" is a wish, not a delivery.

# %% [markdown]
# Read the sentences behind one actor and one action.

# %%
actor, action = "Ukraine", "deliver"  # CHANGE THIS: try "NATO" and "buy/sell"
chosen = pairs[(pairs["actor"] == actor) & (pairs["action_class"] == action)]
columns = ["date", "actor", "weapon", "verb", "action_class", "sentence"]
html_table(chosen, columns=columns, limit=15)

# %% [markdown]
# **What to notice.** Ukraine is the *receiver* in these sentences ("provide Ukraine with
# much-needed aerial defense weapons"), not the one delivering. The action class says which verb
# links the two names, not who does what to whom. Read the sentence before writing "X delivered
# Y".

# %% [markdown]
# ## 5. Sentence or document?
#
# With `scope="document"`, every actor and every weapon anywhere in the same article form a pair:
# many more pairs, and much weaker evidence that they have anything to do with each other.
#
# Count the pairs both ways.

# %%
by_document = cooccurrence(mentions, documents, scope="document")
{"pairs in one sentence": len(pairs), "pairs in one document": len(by_document)}

# %% [markdown]
# **What to notice.** On the seeds, 78 sentence pairs against 220 document pairs. Document scope
# finds links a sentence misses, and many that are not there; sentence scope is the default for
# that reason.
#
# ## 6. Before you quote a number
#
# 1. What is counted, and how is it normalised? (Lesson 2.)
# 2. How many documents is it resting on, in that period?
# 3. Read the rows behind it: do they all mean what the chart says? (Misspelt matches, photo
#    captions, a team called *Patriots*, a metonym that is a place.)
# 4. For a pair: who is doing what to whom, in the sentence itself?
#
# Next: `exercises/03-reading-the-evidence-exercises.ipynb`, then lesson 4.
