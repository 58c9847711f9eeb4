"""The Dask engine gives exactly the pandas engine's frames, attrs included (2-worker cluster)."""

from __future__ import annotations

import gzip
import itertools

import pandas as pd
import pytest
from conftest import SMALL_GAZETTEER
from pandas.testing import assert_frame_equal

from analysis.api import (
    cached_mentions,
    corpus_over_time,
    find_mentions,
    get_client,
    load_corpus,
    mentions_over_time,
)
from analysis.engines import check_engine
from analysis.engines.dask import corpus_over_time as corpus_over_time_dask
from analysis.engines.dask import find_mentions as find_mentions_dask
from analysis.engines.dask import load_store as load_corpus_dask
from analysis.engines.dask import mentions_over_time as mentions_over_time_dask
from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer
from analysis.store import read_corpus_store, write_corpus_store

pytestmark = pytest.mark.filterwarnings("ignore::analysis.corpus.CorpusWarning")


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows, columns, dtypes AND attrs: assert_frame_equal alone ignores attrs."""
    assert_frame_equal(got, expected)
    assert got.attrs == expected.attrs


SMALL = load_gazetteer(SMALL_GAZETTEER)
WHITEHOUSE_SLICE = 300


@pytest.fixture(scope="module")
def client():
    """One LocalCluster (2 worker processes, 1 thread each) for the whole module."""
    with get_client() as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def seeds_store(seed_documents, tmp_path_factory):
    # Tiny files so that even the three seeds make several partitions.
    folder = tmp_path_factory.mktemp("seeds")
    return write_corpus_store(seed_documents, folder / "store", file_bytes=2000)


def test_get_client_is_a_two_process_local_cluster(client):
    workers = client.scheduler_info(n_workers=-1)["workers"].values()
    assert len(workers) == 2
    assert all(worker["nthreads"] == 1 for worker in workers)


def test_a_client_to_a_scheduler_address(client):
    address = client.scheduler.address
    with get_client(address) as other:
        assert other.scheduler.address == address
        assert other.submit(sum, [1, 2]).result() == 3
    assert client.submit(sum, [3, 4]).result() == 7  # closing it left the cluster running


def test_dask_scheduler_address_setting_is_honoured(client, monkeypatch):
    import dask

    address = client.scheduler.address
    with dask.config.set({"scheduler-address": address}), get_client() as other:
        assert other.scheduler.address == address


@pytest.mark.parametrize("gazetteer", [None, SMALL], ids=["default", "small"])
@pytest.mark.parametrize("metonyms", [False, True])
def test_seed_mentions_are_identical(client, seeds, seeds_store, gazetteer, metonyms):
    expected = find_mentions(seeds, gazetteer, metonyms=metonyms)
    assert len(expected) > 0
    from_frame = find_mentions_dask(
        seeds, gazetteer, metonyms=metonyms, client=client, partition_bytes=2000
    )
    assert_same(from_frame, expected)
    from_store = find_mentions_dask(seeds_store, gazetteer, metonyms=metonyms, client=client)
    assert_same(from_store, expected)


def test_duplicates_and_no_mentions_are_identical(client, seeds):
    copy = seeds.iloc[[0]].assign(doc_id="zz-copy", duplicate_of=seeds["doc_id"].iloc[0])
    with_copy = pd.concat([seeds, copy], ignore_index=True)
    for include in (False, True):
        assert_same(
            find_mentions_dask(
                with_copy, SMALL, include_duplicates=include, client=client, partition_bytes=1
            ),
            find_mentions(with_copy, SMALL, include_duplicates=include),
        )
    quiet = seeds.assign(title="", text="Nothing to see.")
    assert_same(
        find_mentions_dask(quiet, SMALL, client=client, partition_bytes=1),
        find_mentions(quiet, SMALL),
    )


def test_load_corpus_from_the_store(client, seeds, seeds_store):
    assert_same(load_corpus_dask(seeds_store, client=client), seeds)
    assert load_corpus_dask(seeds_store, client=client).attrs == seeds.attrs
    assert_same(
        load_corpus_dask(seeds_store, columns=["doc_id", "date"], client=client),
        read_corpus_store(seeds_store, columns=["doc_id", "date"]),
    )


@pytest.mark.parametrize("freq", ["D", "W", "M", "Q", "Y"])
def test_seed_timelines_are_identical(client, seeds, seeds_store, freq):
    mentions = find_mentions(seeds)
    for normalize in ("count", "per_1k_words", "share_of_docs"):
        expected = mentions_over_time(mentions, seeds, freq=freq, normalize=normalize)
        for source in (seeds, seeds_store):
            got = mentions_over_time_dask(
                mentions, source, freq=freq, normalize=normalize, client=client, partition_bytes=1
            )
            assert_same(got, expected)
    assert_same(
        corpus_over_time_dask(seeds_store, freq=freq, client=client),
        corpus_over_time(seeds, freq=freq),
    )


def test_timeline_options_are_identical(client, seeds, seeds_store):
    mentions = find_mentions(seeds)
    top_two = mentions["entity_id"].value_counts().index[:2].tolist()
    for options in (
        {"entities": top_two},
        {"entities": mentions["surface"].iloc[0].upper()},  # a surface form, any case
        {"kinds": "weapon", "normalize": "share_of_docs"},
        {"start": "2025-07-10", "end": "2025-07-31", "freq": "D"},
        {"min_documents": 0, "freq": "M"},
    ):
        expected = mentions_over_time(mentions, seeds, **options)
        got = mentions_over_time_dask(mentions, seeds_store, client=client, **options)
        assert_same(got, expected)


def test_timeline_warnings_and_errors_are_the_pandas_ones(client, seeds):
    mentions = find_mentions(seeds)
    with pytest.warns(UserWarning, match="no mentions of 'nobody'"):
        expected = mentions_over_time(mentions, seeds, entities="nobody")
    with pytest.warns(UserWarning, match="no mentions of 'nobody'"):
        got = mentions_over_time_dask(mentions, seeds, entities="nobody", client=client)
    assert_same(got, expected)
    with pytest.raises(InputError, match="normalize"):
        mentions_over_time_dask(mentions, seeds, normalize="share", client=client)
    with pytest.raises(InputError, match="freq"):
        mentions_over_time_dask(mentions, seeds, freq="fortnight", client=client)


def test_cached_mentions_with_the_dask_engine(client, seeds, tmp_path):
    target = write_corpus_store(seeds, tmp_path / "store")
    got = cached_mentions(target, SMALL, engine="dask", client=client)
    assert_same(got, find_mentions(seeds, SMALL))
    assert_same(cached_mentions(target, SMALL), got)  # the pandas engine hits the cache


def test_the_engines_set_the_same_attrs(client, seeds, seeds_store):
    mentions = find_mentions(seeds)
    corpus = corpus_over_time_dask(seeds_store, freq="Q", min_documents=2, client=client)
    assert corpus.attrs == {"freq": "Q", "min_documents": 2}
    series = mentions_over_time_dask(mentions, seeds, freq="Y", normalize="per_1k_words",
                                     client=client)  # fmt: skip
    assert series.attrs == {"freq": "Y", "normalize": "per_1k_words", "min_documents": 5}
    assert load_corpus_dask(seeds_store, client=client).attrs == seeds.attrs


def test_pandas_engine_reads_a_store_too(seeds, seeds_store):
    assert_same(find_mentions(seeds_store), find_mentions(seeds))
    assert_same(corpus_over_time(seeds_store, freq="M"), corpus_over_time(seeds, freq="M"))


def test_engine_names_are_checked():
    assert check_engine("dask") == "dask"
    with pytest.raises(InputError, match="pandas, dask"):
        check_engine("spark")


# --- a slice of the real corpus ----------------------------------------------------------------


@pytest.fixture(scope="module")
def whitehouse(whitehouse_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whitehouse")
    with gzip.open(whitehouse_path, "rt", encoding="utf-8") as stream:
        lines = list(itertools.islice(stream, WHITEHOUSE_SLICE))
    (folder / "slice.jsonl").write_text("".join(lines), encoding="utf-8")
    documents = load_corpus(folder / "slice.jsonl")
    # 3.3 MB of text in 5 months, 400 kB files: about 10 partitions, several per month.
    target = write_corpus_store(documents, folder / "store", file_bytes=400_000)
    return documents, target


@pytest.mark.corpus
def test_whitehouse_slice_is_identical(client, whitehouse):
    documents, target = whitehouse
    gazetteer = load_gazetteer()
    assert len(documents) == WHITEHOUSE_SLICE
    assert_same(load_corpus_dask(target, client=client), documents)
    expected = find_mentions(documents, gazetteer)
    assert len(expected) > 1000
    assert_same(
        find_mentions_dask(documents, gazetteer, client=client, partition_bytes=200_000), expected
    )
    from_store = find_mentions_dask(target, gazetteer, client=client)
    assert_same(from_store, expected)
    for freq, normalize in (("W", "count"), ("M", "per_1k_words"), ("D", "share_of_docs")):
        assert_same(
            mentions_over_time_dask(
                from_store, target, freq=freq, normalize=normalize, client=client
            ),
            mentions_over_time(expected, documents, freq=freq, normalize=normalize),
        )


def test_engine_parameter_of_the_public_functions(client, seeds, seeds_store):
    # The same public calls with engine="dask" give the pandas results exactly.
    pandas_mentions = find_mentions(seeds)
    dask_mentions = find_mentions(seeds, engine="dask", client=client)
    assert_same(dask_mentions, pandas_mentions)
    assert_same(
        mentions_over_time(dask_mentions, seeds_store, freq="M", engine="dask", client=client),
        mentions_over_time(pandas_mentions, seeds, freq="M"),
    )
    assert_same(
        corpus_over_time(seeds_store, freq="W", engine="dask", client=client),
        corpus_over_time(seeds, freq="W"),
    )
    assert_same(load_corpus(seeds_store), seeds)
    assert_same(load_corpus(seeds_store, engine="dask", client=client), seeds)
    with pytest.raises(InputError, match="engine: unknown value 'spark'"):
        find_mentions(seeds, engine="spark")
