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

# %% [markdown]
# # Lesson 4 · Tone and its limits
#
# *Media coverage of the war: a 90-minute session in four lessons. This is lesson 4 of 4,
# about 15 minutes with its exercises.*
#
# **Learning goals.** By the end of this lesson you can:
#
# - say what VADER measures: the polarity of words in a sentence, not an opinion about an entity;
# - read a tone chart with the number of sentences behind each value;
# - find sentences that VADER gets wrong: war vocabulary, negation, sarcasm, quotes;
# - decide when a tone figure is worth reporting, and when it is not.
#
# **How to use this notebook.** Run the cells from top to bottom (Shift+Enter). Cells marked
# `# CHANGE THIS` are yours: edit them and run them again. It works offline on the three seed
# articles; to work on about 840 White House briefings from the weeks around Russia's full-scale
# invasion (February to April 2022), set `corpus = "whitehouse"` in the parameters cell (when that
# corpus is on your machine; see the teacher's guide, `README.md`).
#
# Exercises: `exercises/04-tone-and-its-limits-exercises.ipynb` (solutions in `solutions/`, to open
# after trying).

# %%
from analysis import tone
from analysis.mentions import find_mentions
from analysis.plots import plot_tone, show
from analysis.report import html_table
from analysis.teaching import explain_tone, lesson_corpus, tone_sentences

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)
freq: str = "M"  # period length: D (day), W (week from Monday) or M (month)

# %% [markdown]
# ## 1. What VADER does
#
# VADER (Hutto and Gilbert, 2014) scores a sentence from a lexicon of about 7,500 words, each
# rated from -4 (very negative) to +4 (very positive) by human raters, plus rules for negation
# ("not happy"), "but", intensifiers and capitals. The *compound* score runs from -1 to +1; above
# 0.05 is called positive, below -0.05 negative. It was built for social-media English.
#
# Score a few sentences and list the lexicon words that moved each score.

# %%
# CHANGE THIS: write sentences of your own
sentences = [
    "Ukraine welcomed the new air defense systems.",
    "NATO will send weapons to Ukraine.",
    "Patriot systems shot down ten missiles.",
    "Ukraine's air defense destroyed all the drones before they could kill anyone.",
]
html_table(explain_tone(sentences))

# %% [markdown]
# **What to notice.** *weapons* is a negative word in VADER's lexicon (-1.9), so "NATO will send
# weapons to Ukraine" is negative, and so will be almost every sentence of this session's topic.
# "Shot down ten missiles" has no lexicon word: neutral. A successful defence that "destroyed all
# the drones before they could kill anyone" is strongly negative. VADER scores words, not events,
# and not whose side they are good for.

# %% [markdown]
# ## 2. Tone per entity, with the n behind it
#
# The package scores every sentence that contains a mention once. An entity's tone is the mean
# score of the distinct sentences that mention it, and `n_sentences` says how many there are.
#
# Load the corpus, find the mentions, and compute the tone per entity.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
mentions = find_mentions(documents)
by_entity = tone(mentions, documents)
by_entity.head(12)

# %% [markdown]
# Draw it: each bar is labelled with its mean and with the number of sentences behind it.

# %%
show(plot_tone(by_entity, top_n=10))

# %% [markdown]
# **What to notice.** Look at the `n=` on the right before the bars. On the seeds, Zelensky's
# +0.38 rests on 7 sentences and Putin's -0.44 on 5: a single sentence more could move either a
# lot. With a few sentences per entity, differences of 0.1 or 0.2 are noise.

# %% [markdown]
# ## 3. The sentences behind a tone value
#
# A tone value is a mean over sentences you can read, like any other number in this session.
#
# List the sentences behind one entity's tone, most negative first.

# %%
entity = "Vladimir Putin"  # CHANGE THIS: an entity id or name
behind = tone_sentences(mentions, documents, entity)
html_table(behind, columns=["date", "compound", "sentence"], limit=15)

# %% [markdown]
# **What to notice.** Putin's most negative sentences are about the war ("will not give up on its
# war objectives") and about *Trump's* disappointment ("I am very disappointed with the
# conversation I had with Putin"), a quote by someone else. The tone "of Putin" is the tone of
# sentences that mention him, whoever speaks and about what.

# %% [markdown]
# ## 4. Tone over time
#
# Tone per period is drawn only where a mean rests on at least 5 sentences; the other points are
# left out, and a note says how many.
#
# Compute the tone per period and draw it for the entities with the most sentences.

# %%
show(plot_tone(tone(mentions, documents, freq=freq), top_n=5))

# %% [markdown]
# **What to notice.** On the seeds the United States and Ukraine swing from negative in July to
# positive in August. Each point is one article: the "change in tone" is the difference between
# two articles. Points on fewer than 5 sentences are left out (the note says how many), and the
# undated article is not on the axis at all: the n in the legend counts dated sentences only. On
# the White House slice each month rests on hundreds of sentences, and the lines mean more.

# %% [markdown]
# ## 5. Where a word lexicon goes wrong
#
# Four failures to know before you report tone: negation (VADER handles "not" near the word),
# sarcasm (it does not), quotes (the tone belongs to the speaker, not to the entity named), and the
# vocabulary of war (*attack*, *strike*, *killed*, *weapons* are negative whoever is hit).
#
# Score sentences that differ by one of these, and compare.

# %%
# CHANGE THIS: add your own tricky sentences
tricky = [
    "Ukraine is happy with the delay.",
    "Ukraine is not happy with the delay.",
    "Oh great, the weapons are delayed again. Just what Ukraine needed.",
    "Zelensky said Russia's attacks were 'terrible'.",
    "The strike destroyed the launcher that had been shelling Kharkiv.",
]
html_table(explain_tone(tricky))

# %% [markdown]
# **What to notice.** The negation flips the score, as it should. The sarcastic sentence comes out
# *positive* ("great" outweighs "delayed"). The quote is scored as the sentence's tone, and it
# counts for Zelensky *and* Russia alike. The strike on a launcher is negative, whatever you think
# of it.

# %% [markdown]
# One sentence gives its score to every entity it mentions. List the sentences that count for both
# Ukraine and Russia.

# %%
both = tone_sentences(mentions, documents, ["Ukraine", "Russia"])
shared = both[both.duplicated("sentence", keep=False)].sort_values(["sentence", "entity"])
html_table(shared, columns=["entity", "compound", "sentence"], limit=12)

# %% [markdown]
# **What to notice.** "Russia escalated its air strikes on Ukraine" lowers the tone of Russia *and*
# of Ukraine by the same amount. Tone by entity cannot say who the sentence is bad for.
#
# ## 6. When to report tone
#
# - Report it, if at all, as "the tone of sentences that mention X", with the n beside it.
# - Compare entities or periods *within* one corpus; never read an absolute value ("-0.3 means
#   hostile").
# - Read the most positive and most negative sentences before you write a word about tone.
# - On war coverage, the topic's own vocabulary dominates: tone usually tells you more about the
#   subject of a sentence than about the attitude of the writer.
#
# That is the end of the session: the exercises in
# `exercises/04-tone-and-its-limits-exercises.ipynb` close it.
