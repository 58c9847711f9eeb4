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
# # Lesson 2 · Counting over time, honestly
#
# *Media coverage of the war: a 90-minute session in four lessons. This is lesson 2 of 4,
# about 20 minutes with its exercises.*
#
# **Learning goals.** By the end of this lesson you can:
#
# - read a timeline of mentions against the size of the corpus in each period;
# - choose between raw counts, mentions per 1,000 words and the share of documents, and say what
#   each one measures;
# - explain why an undated article is kept apart instead of being given a date;
# - recognise a low-volume period and say what it does to a chart.
#
# **How to use this notebook.** Run the cells from top to bottom (Shift+Enter). Cells marked
# `# CHANGE THIS` are yours: edit them and run them again. It works offline on the three seed
# articles; to work on about 840 White House briefings from the weeks around Russia's full-scale
# invasion (February to April 2022), set `corpus = "whitehouse"` in the parameters cell (when that
# corpus is on your machine; see the teacher's guide, `README.md`).
#
# Exercises: `exercises/02-counting-over-time-exercises.ipynb` (solutions in `solutions/`, to open
# after trying).

# %%
from analysis import evidence
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

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)

# %% [markdown]
# ## 1. Documents and mentions
#
# Load the corpus and find the mentions once; everything below is computed from these two
# frames.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
f"{len(documents)} documents, {len(mentions)} mentions"

# %% [markdown]
# ## 2. How big is the corpus in each period?
#
# A rise in mentions means little if twice as many articles were published. So before any chart of
# mentions, look at the denominator: documents and words per period. Periods are labelled by their
# first day.
#
# Count documents and words per period, with the undated documents in a row of their own.

# %%
corpus_size = corpus_over_time(documents, freq=freq)
corpus_size

# %% [markdown]
# Draw the same table as bars.

# %%
show(plot_corpus_size(corpus_size))

# %% [markdown]
# **What to notice.** With the seeds there is one article in July 2025, one in August, and one
# undated: it is not on the date axis but counted in the note under the chart. The bars are pale:
# every period has fewer than 5 documents (*low volume*, section 6).

# %% [markdown]
# ## 3. Raw counts
#
# Count mentions per period for a few entities and draw them above the corpus size, on the same
# date axis, with a few events marked for context.

# %%
entities = ["Ukraine", "Donald Trump", "NATO", "Air defence"]  # CHANGE THIS: entity ids or names
counts = mentions_over_time(mentions, documents, freq=freq, normalize="count", entities=entities)
show(plot_timeline_with_corpus(counts, corpus_size, events=lesson_events()))

# %% [markdown]
# **What to notice.** NATO falls from 12 mentions in July to 3 in August. Is that less attention
# to NATO, or just a different article? With one article per month, it is the article: the
# chart can only be read together with the panel below it. Each monthly point stands for the
# whole month and is drawn at its middle; the dotted event lines are context for reading, not
# causes.

# %% [markdown]
# ## 4. Three ways to normalise
#
# - **Raw count**: how many mentions. Grows with the size of the corpus.
# - **Per 1,000 words**: mentions divided by the words published in the period, times 1,000. How
#   much of the text is about the entity (attention density).
# - **Share of documents**: the share of the period's articles that mention the entity at least
#   once. How widely it is covered (reach), whatever the length of the articles; this is what
#   GDELT and QueryPic plot.
#
# Put the three values side by side for one entity, next to the corpus size they are divided by.

# %%
entity = "Ukraine"  # CHANGE THIS: an entity id or name
normalisation_table(mentions, documents, entity, freq=freq)

# %% [markdown]
# **What to notice.** On the seeds, Ukraine has 7 mentions in 468 words in July (15.0 per 1,000)
# and 8 in 480 words in August (16.7 per 1,000). The share of documents is 100% in every period:
# with one document per period a share can only be 0% or 100%, so it says nothing yet.

# %% [markdown]
# Draw the same entities under the three normalisations on one shared date axis, with the corpus
# size at the bottom.

# %%
show(plot_normalisations(mentions, documents, entities=entities, freq=freq))

# %% [markdown]
# **What to notice.** Counts and per 1,000 words look alike here because July and August have
# nearly the same number of words; with periods of different sizes they part ways. In the share
# panel the four lines lie on top of each other at 100%. The y axes mean different things, and
# the titles say which: choose the normalisation for your question ("how much was written about
# it?", "how many articles covered it?") before looking at the chart, not after.

# %% [markdown]
# ## 5. The undated article
#
# Seed `001` states no date. The package keeps it, with an empty date, and counts it in its own
# *undated* group: never on a made-up date. The mentions in that group are real; they just cannot
# be placed in time.
#
# Show the undated group of the raw counts.

# %%
counts.loc[counts["undated"], ["entity", "mentions", "period_documents", "period_words"]]

# %% [markdown]
# See what would happen if the undated article were stamped with the date of the last article,
# as a crawler stamps a story with the day it collected it (Media Cloud's false spikes).

# %%
guessed = pretend_dated(documents, "2025-08-21")  # CHANGE THIS: try another date
show(
    plot_timeline_with_corpus(
        mentions_over_time(mentions, guessed, freq=freq, normalize="count", entities=entities),
        corpus_over_time(guessed, freq=freq),
    )
)

# %% [markdown]
# **What to notice.** August jumps: Trump from 6 to 16 mentions, Ukraine from 8 to 18, and Air
# defence, which seemed to fade (5 in July, 1 in August), now rises to 7. A spike made by a
# guessed date, not by the news, and a reader cannot tell it from a real one. Keeping the undated
# article apart costs nothing and avoids it. (On the White House slice every document is dated and
# the chart does not change.)

# %% [markdown]
# The evidence of the undated group is one call away: its sentences, for one entity.

# %%
kwic_table(evidence(mentions, documents, entity=entity, period="undated"), limit=10)

# %% [markdown]
# ## 6. Low-volume periods and the length of a period
#
# A period with fewer than 5 documents is flagged `low_volume`: there one article more or less
# moves a share by 20 points or more. The flag does not hide the period; it tells the reader to
# be careful.
#
# List the periods that are flagged, with the documents they rest on.

# %%
corpus_size[corpus_size["low_volume"]]

# %% [markdown]
# Switch to another period length and draw mentions per 1,000 words: shorter periods show more
# detail and more empty periods.

# %%
other_freq = "W"  # CHANGE THIS: "D", "W" or "M"
show(
    plot_timeline_with_corpus(
        mentions_over_time(
            mentions, documents, freq=other_freq, normalize="per_1k_words", entities=entities
        ),
        corpus_over_time(documents, freq=other_freq),
    )
)

# %% [markdown]
# **What to notice.** By week, most weeks between the two seed articles have no documents at all:
# the lines have gaps there, because "no articles" is not "no attention". Drawing a line through
# them would invent a trend. Pick the period length for which most periods have enough documents.
#
# ## Summary
#
# - Always read a timeline beside the corpus size over the same periods.
# - Counts grow with the corpus; per 1,000 words measures density; share of documents measures
#   reach. Say which one a chart shows (the titles do).
# - Undated articles are counted apart, never given a convenient date.
# - Few documents in a period, or empty periods, are flagged and shown as such.
#
# Next: `exercises/02-counting-over-time-exercises.ipynb`, then lesson 3.
