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
# # Lesson 1 · From words to mentions
#
# *Media coverage of the war: a 90-minute session in four lessons. This is lesson 1 of 4,
# about 25 minutes with its exercises.*
#
# **Learning goals.** By the end of this lesson you can:
#
# - say why counting the word *Trump* is not the same as counting mentions of Donald Trump;
# - read a gazetteer entry: one entity, its kind, category and aliases;
# - predict what the matcher counts: longest match, possessives, plurals, case, exclusions such as
#   *Patriot Act*;
# - decide whether to count metonyms (*Washington* for the United States) and say so.
#
# **How to use this notebook.** Run the cells from top to bottom (Shift+Enter). Cells marked
# `# CHANGE THIS` are yours: edit them and run them again. It works offline on the three seed
# articles; to work on about 840 White House briefings from the weeks around Russia's full-scale
# invasion (February to April 2022), set `corpus = "whitehouse"` in the parameters cell (when that
# corpus is on your machine; see the teacher's guide, `README.md`).
#
# Exercises: `exercises/01-from-words-to-mentions-exercises.ipynb` (solutions in `solutions/`, to
# open after trying).

# %%
from analysis import evidence
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

# %% tags=["parameters"]
corpus: str = ""  # empty: the three seed articles; "whitehouse": White House briefings, Feb-Apr 2022 (optional); or a folder of your own
start: str = ""  # first day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice starts 2022-02-01)
end: str = ""  # last day kept, YYYY-MM-DD; empty: no limit (the whitehouse slice ends 2022-04-30)

# %% [markdown]
# ## 1. The documents
#
# Everything starts from a *documents* frame: one row per article, with its date, where the date
# came from, title, text and number of words. Nothing is dropped: an article without a date stays
# in, with an empty date.
#
# Load the lesson's corpus (the seed articles unless `corpus` says otherwise) and look at one row
# per article.

# %%
documents = lesson_corpus(corpus, start=start, end=end)
documents[["doc_id", "date", "date_source", "title", "source", "n_words"]]

# %% [markdown]
# **What to notice.** With the seeds: three articles from summer 2025 about US weapons, NATO and
# air defence for Ukraine. Two have a date read from their header line; `001` states none (only
# "on Friday", "this week"), so its date is empty (`NaT`) and `date_source` says `missing`.
# Lesson 2 shows why it is kept apart rather than given a date.

# %% [markdown]
# ## 2. What a word counter sees: tokens
#
# A computer does not see words but *tokens*: runs of letters and runs of punctuation. Most word
# counts, word clouds and frequency lists are counts of tokens.
#
# Split one sentence into tokens to see what a word counter works with.

# %%
# CHANGE THIS: try a sentence of your own
sentence = "President [Donald] Trump's envoy met Zelenskyy in Kyiv about U.S. Patriot systems."
tokens(sentence)

# %% [markdown]
# **What to notice.** `Trump's` is three tokens (`Trump`, `'`, `s`), `U.S.` is four, and the
# brackets of `[Donald]` (an editor's insertion) are tokens too. "President Donald Trump" is three
# separate tokens: nothing says they name one person.

# %% [markdown]
# Count a few words the naive way, as a word-frequency tool would: exactly as written, and in any
# case.

# %%
# CHANGE THIS: add or remove words and phrases
words = ["Trump", "Zelensky", "Zelenskyy", "US", "air defense", "Patriot"]
token_counts(documents, words)

# %% [markdown]
# **What to notice.** On the seeds:
#
# - `Zelensky` and `Zelenskyy` are counted apart, though they are one person spelled two ways.
# - `US` in *any case* is one more than `US` as written: the extra one is the pronoun *us* ("It
#   helps us protect lives"). Lower-casing everything, a common first step, turns a pronoun into a
#   country.
# - `Trump` counts 21 tokens; keep that number for section 3.

# %% [markdown]
# ## 3. From words to mentions: the gazetteer
#
# A *gazetteer* is a list of entities. Each has an id, a display name, a kind (`actor` or
# `weapon`), a category (person, state, alliance ...; air-defence system, anti-tank missile ...)
# and the *aliases* it is written as. A *mention* is one place in one article where one of those
# aliases occurs.
#
# Load the gazetteer shipped with the package and look at the aliases of one entity.

# %%
gazetteer = load_gazetteer()
gazetteer.entity("donald-trump")["aliases"]

# %% [markdown]
# Find every mention in the corpus: one row per mention, with where it is (`start`, `end` are
# character offsets into the text) and the exact characters matched (`surface`).

# %%
mentions = find_mentions(documents, gazetteer)
mentions[["doc_id", "field", "sentence_id", "start", "end", "surface", "entity", "kind"]].head(15)

# %% [markdown]
# Group the mentions of one entity by the way it is written: every one of these forms counts
# for the same actor.

# %%
entity_id = "donald-trump"  # CHANGE THIS: try "zelensky", "united-states" or "air-defence"
mentions.loc[mentions["entity_id"] == entity_id, "surface"].value_counts()

# %% [markdown]
# **What to notice.** On the seeds, Donald Trump has 20 mentions written four ways: `Trump`,
# `President Donald Trump`, `President [Donald] Trump` and `President Trump`. The naive count of
# the token `Trump` was 21: the extra one is inside "Trump administration", which the gazetteer
# treats as a different actor (the administration, not the man). Two lessons in one: aliases join
# different spellings into one actor, and one word can belong to a longer name.

# %% [markdown]
# ## 4. The longest match wins
#
# When aliases overlap, the matcher keeps the longest one that starts first: "President Donald
# Trump" is *one* mention of Trump, not three (President Donald Trump, Donald Trump, Trump).
# Possessives (`Russia's`, with a straight or a curly apostrophe) count for the entity without the
# `'s`; weapons also match in the plural (`Javelins`, `F-16s`); "F-16", "F16" and "F 16" are one
# alias.
#
# Match a few sentences you can edit, and mark exactly what was counted (actors in blue, weapons in
# orange, each followed by its entity id).

# %%
# CHANGE THIS: edit these sentences or add your own
examples = example_documents(
    [
        "President Donald Trump spoke to Ukrainian President Volodymyr Zelenskyy.",
        "The Trump administration paused a shipment of Patriot missiles.",
        "Russia's and Russia’s drones; FGM-148 Javelins and a Javelin; F-16s and F16 jets.",
    ]
)
highlight(examples, find_mentions(examples, gazetteer))

# %% [markdown]
# **What to notice.** "Ukrainian President Volodymyr Zelenskyy" is one mark, as is "Trump
# administration" (an entity of its own) and "Patriot missiles" (an alias of the Patriot system).
# Both possessives are Russia, without the `'s`. Plurals and model numbers are absorbed into the
# weapon: `FGM-148 Javelins`, `F-16s`.

# %% [markdown]
# Now the same marks on a real article (its title in bold, then its text), to see the rules at
# work in running prose.

# %%
doc_id = documents["doc_id"].iloc[0]  # CHANGE THIS: another doc_id from section 1
highlight(documents, mentions, doc_id)

# %% [markdown]
# **What to notice.** In the first seed, "Trump's endorsement" in the title is Trump, "President
# [Donald] Trump" (an editor's brackets) is one mention, and "FGM-148 Javelins" is the Javelin.
# "Ukrainian servicemen" is marked as the Armed Forces of Ukraine because the gazetteer lists that
# phrase as an alias, while an adjective alone ("Russian attacks" in the other seeds) is not a
# mention of the state. What counts is always what the gazetteer says: read it.

# %% [markdown]
# ## 5. Case and exclusions
#
# Proper names are matched with their case when the alias is capitalised: *Patriot* the system,
# not *patriotic*; *US*, not *us*. An alias written in capitals (*PATRIOT*) still counts.
#
# Some phrases contain an alias but name something else: the *Patriot Act* (a law), the *New
# England Patriots* (a team), *Patriot Day* (11 September). The gazetteer lists them as
# *exclusions*. An excluded candidate is not counted, and it is not silently dropped either: it is
# listed, so that counted in = counted out + listed exclusions.
#
# Run the extraction that also returns the excluded candidates, and mark both (excluded ones are
# struck through).

# %%
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

# %% [markdown]
# List the excluded candidates with the phrase that excluded each one.

# %%
result.excluded[["doc_id", "surface", "entity_id", "excluded_by"]]

# %% [markdown]
# **What to notice.** Three Patriot candidates were excluded, each by a named phrase; *patriotic*
# was never a candidate (not a whole word), and *us* is not the US. An exclusion list is part of
# the gazetteer you publish with your numbers: readers can check what you left out.

# %% [markdown]
# ## 6. Metonyms: a switch, not a default
#
# Journalists write "Washington" for the US government, "Kyiv" for Ukraine's, "the Kremlin" for
# Russia's. Counting these is a choice: "Washington" is also a city, a state and a newspaper, and
# "Kyiv" is also a place where things happen. The package counts them only when asked
# (`metonyms=True`), and marks such rows (`metonym` is True) so a report can say so.
#
# Count the mentions with metonyms off and on, and compare per entity.

# %%
with_metonyms = find_mentions(documents, gazetteer, metonyms=True)
compare_counts(mentions, with_metonyms, labels=("metonyms off", "metonyms on"))

# %% [markdown]
# Read the sentences of the new mentions (a first look at lesson 3's keyword-in-context table)
# to judge whether each one really stands for the government.

# %%
kwic_table(evidence(with_metonyms[with_metonyms["metonym"]], documents, width=50), limit=30)

# %% [markdown]
# **What to notice.** On the seeds, four "Washington" become United States and two "Kyiv" become
# Ukraine. One of them is "Kyiv's airport Boryspil": a place, not a government. Whichever you
# choose, say it next to the numbers.
#
# ## Summary
#
# - A token count is not a mention count: spelling variants, titles, possessives and plurals are
#   joined into one entity by its aliases; longer names win over the words inside them.
# - Case and exclusions keep *us*, *patriotic* and the *Patriot Act* out, and the exclusions are
#   listed, not hidden.
# - Metonyms are a choice you make and report.
#
# Next: the exercises in `exercises/01-from-words-to-mentions-exercises.ipynb`, then lesson 2.
