"""Fixtures shared by the test modules: the seeds, the hand-made fixture corpora, the small
gazetteer, and the shared real corpora (skipped with a message when absent); and
``run_texts``/``counted`` for tests that count mentions in hand-written sentences."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import config

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOK_CORPUS = FIXTURES / "notebook_corpus"
"""A small dated corpus for the notebooks and reports (tests/fixtures/notebook_corpus)."""
SMALL_GAZETTEER = FIXTURES / "gazetteer_small.yml"
"""A hand-written gazetteer whose every alias the tests count by hand."""


@pytest.fixture(scope="session")
def notebook_corpus() -> Path:
    return NOTEBOOK_CORPUS


@pytest.fixture(scope="session")
def small_gazetteer():
    from analysis.gazetteer import load_gazetteer

    return load_gazetteer(SMALL_GAZETTEER)


@pytest.fixture(scope="session")
def seed_documents() -> pd.DataFrame:
    """The seeds, loaded once per test session (do not change it: use ``seeds``)."""
    from analysis.api import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loader's warnings are tested in test_corpus
        return load_corpus(config.SEEDS_DIR, metadata=config.SEEDS_METADATA)


@pytest.fixture
def seeds(seed_documents) -> pd.DataFrame:
    """The three seed articles with their metadata: a fresh copy (attrs too) for each test."""
    return seed_documents.copy(deep=True)


@pytest.fixture(scope="session")
def whitehouse_path() -> Path:
    """The shared White House corpus; tests that need it skip, saying where it was looked for."""
    if not config.WHITEHOUSE_CORPUS.exists():
        pytest.skip(f"the White House corpus is not at {config.WHITEHOUSE_CORPUS}")
    return config.WHITEHOUSE_CORPUS


def run_texts(gazetteer, *texts: str, url: str = ""):
    """The extraction of hand-written texts, one document each (all from ``url``)."""
    from analysis.mentions import extract

    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(texts))],
            "date": pd.to_datetime(["2025-07-01"] * len(texts)),
            "title": [""] * len(texts),
            "text": list(texts),
            "url": [url] * len(texts),
            "duplicate_of": [""] * len(texts),
        }
    )
    return extract(docs, gazetteer)


def counted(result) -> list[tuple[str, str]]:
    """(surface, entity id) of the counted mentions, in document and text order."""
    m = result.mentions.sort_values(["doc_id", "start"], kind="stable")
    return list(zip(m["surface"], m["entity_id"], strict=True))
