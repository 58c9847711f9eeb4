"""News mentions: actors and weapons in news articles, over time, with the evidence.

The public API, re-exported here (imported lazily so that ``import analysis`` stays fast)::

    documents = load_corpus("seeds", metadata="seeds/metadata.csv")
    gazetteer = load_gazetteer()                      # the shipped actors and weapons
    mentions  = find_mentions(documents, gazetteer)   # one row per mention, with offsets
    series    = mentions_over_time(mentions, documents, freq="W", normalize="per_1k_words")
    kwic      = evidence(mentions, documents, entity="patriot")
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "load_corpus": "analysis.api",
    "unique_documents": "analysis.corpus",
    "summarize_corpus": "analysis.corpus",
    "load_gazetteer": "analysis.gazetteer",
    "Gazetteer": "analysis.gazetteer",
    "find_mentions": "analysis.api",
    "cached_mentions": "analysis.api",
    "get_client": "analysis.api",
    "extract": "analysis.mentions",
    "entity_totals": "analysis.mentions",
    "sentence_spans": "analysis.text.sentences",
    "corpus_over_time": "analysis.api",
    "mentions_over_time": "analysis.api",
    "evidence": "analysis.kwic",
    "cooccurrence": "analysis.pairs",
    "cooccurrence_summary": "analysis.pairs",
    "tone": "analysis.sentiment",
    "discover_candidates": "analysis.discovery",
    "near_misses": "analysis.discovery",
    "compare_terms": "analysis.discovery",
    "render_reports": "analysis.report",
    "report_context": "analysis.report",
    "load_registry": "analysis.report",
    "plot_mentions_over_time": "analysis.plots",
    "plot_timeline_with_corpus": "analysis.plots",
    "plot_corpus_size": "analysis.plots",
    "plot_heatmap": "analysis.plots",
    "plot_top_by_kind": "analysis.plots",
    "plot_top_entities": "analysis.plots",
    "plot_cooccurrence": "analysis.plots",
    "plot_tone": "analysis.plots",
    "plot_tone_over_time": "analysis.plots",
    "load_events": "analysis.plots",
    "use_style": "analysis.plots",
    "save_figure": "analysis.plots",
}

# No public name is also the name of a submodule: importing a submodule binds it as an
# attribute of the package, which would shadow the lazily imported function of that name.
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
