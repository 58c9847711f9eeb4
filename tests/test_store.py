"""The Parquet corpus store: exact round trips, month folders, atomic writes, mentions cache."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import analysis.store as store
from analysis import config
from analysis.api import cached_mentions
from analysis.corpus import load_corpus
from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer
from analysis.mentions import find_mentions
from analysis.schema import DOCUMENT_COLUMNS
from analysis.store import (
    corpus_hash,
    mentions_cache_dir,
    read_corpus_store,
    read_manifest,
    write_corpus_store,
)

pytestmark = pytest.mark.filterwarnings("ignore::analysis.corpus.CorpusWarning")

SMALL = load_gazetteer(Path(__file__).parent / "fixtures" / "gazetteer_small.yml")


def documents(texts: dict[str, tuple[str | None, str, str]]) -> pd.DataFrame:
    """A documents frame in load_corpus's order from {doc_id: (date, title, text)}."""
    frame = pd.DataFrame(
        {
            "doc_id": pd.array(list(texts), dtype="str"),
            "date": pd.to_datetime([d for d, _, _ in texts.values()]).astype("datetime64[ns]"),
            "date_source": pd.array(
                ["header" if d else "missing" for d, _, _ in texts.values()], dtype="str"
            ),
            "date_note": pd.array([""] * len(texts), dtype="str"),
            "title": pd.array([t for _, t, _ in texts.values()], dtype="str"),
            "text": pd.array([x for _, _, x in texts.values()], dtype="str"),
            "source": pd.array([""] * len(texts), dtype="str"),
            "url": pd.array([""] * len(texts), dtype="str"),
            "language": pd.array([""] * len(texts), dtype="str"),
            "path": pd.array([f"{k}.txt" for k in texts], dtype="str"),
            "n_words": [len(f"{t} {x}".split()) for _, t, x in texts.values()],
            "duplicate_of": pd.array([""] * len(texts), dtype="str"),
            "warnings": pd.array([""] * len(texts), dtype="str"),
        }
    )
    return store.canonical_order(frame)[DOCUMENT_COLUMNS]


MIXED = documents(
    {
        "kyiv": ("2025-07-02", "Zelenskyy’s visit", "Президент Zelensky met NATO in Kyiv."),
        "a-trump": ("2025-07-02", "President [Donald] Trump", "Trump’s Patriot plan — “soon”."),
        "jan": ("2024-01-05", "Russia", "Russia fired drones. Émigrés 🙂 watched."),
        "undated-1": (None, "No date", "NATO said nothing."),
        "undated-0": (None, "", ""),
    }
)


def test_round_trip_is_exact_with_undated_and_non_ascii(tmp_path):
    frame = MIXED.copy()
    frame.attrs = {"excluded": [{"path": "bad.bin", "row": 0, "reason": "binary"}]}
    write_corpus_store(frame, tmp_path / "store")
    back = read_corpus_store(tmp_path / "store")
    assert_frame_equal(back, frame)
    assert list(back.columns) == DOCUMENT_COLUMNS
    assert back.attrs == frame.attrs
    assert back["date"].isna().sum() == 2  # undated documents kept, last
    assert back["doc_id"].tolist()[-2:] == ["undated-0", "undated-1"]


def test_round_trip_of_the_seeds(tmp_path):
    seeds = load_corpus(config.SEEDS_DIR)
    write_corpus_store(seeds, tmp_path / "seeds")
    assert_frame_equal(read_corpus_store(tmp_path / "seeds"), seeds)


def test_rows_come_back_in_load_corpus_order_whatever_the_input_order(tmp_path):
    write_corpus_store(MIXED.iloc[::-1], tmp_path / "store")
    assert_frame_equal(read_corpus_store(tmp_path / "store"), MIXED)


def test_one_folder_per_month_and_undated(tmp_path):
    write_corpus_store(MIXED, tmp_path / "store")
    folders = sorted(p.name for p in (tmp_path / "store").iterdir() if p.is_dir())
    assert folders == ["month=2024-01", "month=2025-07", "month=undated"]
    # Hive partitioning: any Parquet reader sees the month column.
    plain = pd.read_parquet(tmp_path / "store")
    assert sorted(plain["month"].astype(str).unique()) == ["2024-01", "2025-07", "undated"]
    manifest = read_manifest(tmp_path / "store")
    assert manifest["rows"] == 5
    assert manifest["schema_version"] == store.SCHEMA_VERSION
    assert manifest["corpus_hash"] == corpus_hash(MIXED)
    assert manifest["created"].endswith("+00:00")
    assert [f["month"] for f in manifest["files"]] == ["2024-01", "2025-07", "undated"]


def test_a_month_is_split_into_files_of_bounded_size(tmp_path):
    many = documents(
        {f"d{i:02d}": ("2025-07-01", "t", "Trump " * 100) for i in range(20)}
        | {"late": ("2025-08-01", "t", "NATO")}
    )
    write_corpus_store(many, tmp_path / "store", file_bytes=1000)
    files = read_manifest(tmp_path / "store")["files"]
    july = [f for f in files if f["month"] == "2025-07"]
    assert len(july) == 20  # 601 characters each: two would not fit in 1000
    write_corpus_store(many, tmp_path / "store", file_bytes=2000)
    files = read_manifest(tmp_path / "store")["files"]
    july = [f for f in files if f["month"] == "2025-07"]
    assert [f["rows"] for f in july] == [3, 3, 3, 3, 3, 3, 2]
    assert all(f["text_chars"] <= 2000 for f in files)
    assert [f["path"] for f in july][:2] == [
        "month=2025-07/part-0000.parquet",
        "month=2025-07/part-0001.parquet",
    ]
    assert_frame_equal(read_corpus_store(tmp_path / "store"), many)


def test_read_some_columns(tmp_path):
    write_corpus_store(MIXED, tmp_path / "store")
    back = read_corpus_store(tmp_path / "store", columns=["doc_id", "n_words"])
    assert_frame_equal(back, MIXED[["doc_id", "n_words"]])
    with pytest.raises(InputError, match="no column"):
        read_corpus_store(tmp_path / "store", columns=["nope"])


def test_corpus_hash_follows_content_not_order_or_date_unit():
    base = corpus_hash(MIXED)
    assert corpus_hash(MIXED.iloc[::-1]) == base
    assert corpus_hash(MIXED.assign(date=MIXED["date"].astype("datetime64[us]"))) == base
    assert corpus_hash(MIXED.assign(text=MIXED["text"].str.replace("NATO", "Nato"))) != base
    assert corpus_hash(MIXED.assign(title=MIXED["title"] + "!")) != base
    assert corpus_hash(MIXED.assign(date=MIXED["date"] + pd.Timedelta(days=1))) != base
    # Field boundaries count: moving text from the title to the text changes the hash.
    one = documents({"x": ("2025-01-01", "ab", "c")})
    two = documents({"x": ("2025-01-01", "a", "bc")})
    assert corpus_hash(one) != corpus_hash(two)


def test_a_failed_write_leaves_the_old_store_intact(tmp_path, monkeypatch):
    target = tmp_path / "store"
    write_corpus_store(MIXED, target)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    calls = []

    def failing_write(table, path, **options):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(table, path, **options)

    original = store.pq.write_table
    monkeypatch.setattr(store.pq, "write_table", failing_write)
    changed = MIXED.assign(text=MIXED["text"] + " more")
    with pytest.raises(OSError, match="disk full"):
        write_corpus_store(changed, target)
    assert_frame_equal(read_corpus_store(target), MIXED)
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["store"]  # no temporary folder left


def test_replacing_a_store(tmp_path):
    target = tmp_path / "store"
    write_corpus_store(MIXED, target)
    smaller = MIXED[MIXED["date"].notna()].reset_index(drop=True)
    write_corpus_store(smaller, target)
    assert_frame_equal(read_corpus_store(target), smaller)
    assert not (target / "month=undated").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


def test_refuses_to_replace_a_folder_that_is_not_a_store(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not a corpus store"):
        write_corpus_store(MIXED, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    with pytest.raises(InputError, match="not a corpus store"):
        read_corpus_store(tmp_path / "mine")


def test_doc_ids_must_be_unique(tmp_path):
    with pytest.raises(InputError, match="not unique"):
        write_corpus_store(pd.concat([MIXED, MIXED.iloc[:1]]), tmp_path / "store")


def test_a_newer_schema_is_refused(tmp_path):
    write_corpus_store(MIXED, tmp_path / "store")
    path = tmp_path / "store" / store.MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps(manifest | {"schema_version": store.SCHEMA_VERSION + 1}))
    with pytest.raises(InputError, match="newer"):
        read_corpus_store(tmp_path / "store")


# --- mentions cache ----------------------------------------------------------------------------


@pytest.fixture
def count_extractions(monkeypatch):
    """Count calls of find_mentions made by the cache (a hit makes none)."""
    import analysis.mentions

    calls = []
    original = analysis.mentions.find_mentions

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(analysis.mentions, "find_mentions", counting)
    return calls


def cache_files(target: Path) -> list[str]:
    return sorted(p.name for p in mentions_cache_dir(target).glob("*.parquet"))


def test_mentions_cache_hits_and_misses(tmp_path, count_extractions):
    target = tmp_path / "store"
    write_corpus_store(MIXED, target)
    expected = find_mentions(MIXED, SMALL)
    assert len(expected) > 5

    first = cached_mentions(target, SMALL)
    assert_frame_equal(first, expected)
    assert len(count_extractions) == 1
    assert_frame_equal(cached_mentions(target, SMALL), expected)
    assert len(count_extractions) == 1  # hit: read from the cache, not recomputed
    (name,) = cache_files(target)
    assert name.startswith(f"mentions-{corpus_hash(MIXED)[:16]}-{SMALL.hash}-plain")

    # Metonyms are another key.
    assert_frame_equal(
        cached_mentions(target, SMALL, metonyms=True), find_mentions(MIXED, SMALL, metonyms=True)
    )
    assert len(count_extractions) == 2
    assert len(cache_files(target)) == 2


def test_mentions_cache_follows_the_gazetteer(tmp_path, count_extractions):
    target = tmp_path / "store"
    write_corpus_store(MIXED, target)
    cached_mentions(target, SMALL)
    extra = tmp_path / "extra.yml"
    extra.write_text(
        "entities:\n  - {id: emigres, name: Emigres, kind: actor, category: person, "
        "aliases: [Émigrés]}\n",
        encoding="utf-8",
    )
    bigger = load_gazetteer(Path(__file__).parent / "fixtures" / "gazetteer_small.yml", extra=extra)
    assert bigger.hash != SMALL.hash
    mentions = cached_mentions(target, bigger)
    assert len(count_extractions) == 2
    assert "Émigrés" in mentions["surface"].tolist()
    assert_frame_equal(mentions, find_mentions(MIXED, bigger))


def test_mentions_cache_follows_the_corpus(tmp_path, count_extractions):
    target = tmp_path / "store"
    write_corpus_store(MIXED, target)
    cached_mentions(target, SMALL)
    changed = MIXED.assign(text=MIXED["text"] + " Trump again.")
    write_corpus_store(changed, target)
    mentions = cached_mentions(target, SMALL)
    assert len(count_extractions) == 2
    assert_frame_equal(mentions, find_mentions(changed, SMALL))
    # The old corpus's cache can never hit again: it is removed.
    (name,) = cache_files(target)
    assert corpus_hash(changed)[:16] in name


def test_mentions_cache_with_no_mentions(tmp_path):
    quiet = documents({"q": ("2025-01-01", "Weather", "Rain in Lisbon.")})
    write_corpus_store(quiet, tmp_path / "store")
    expected = find_mentions(quiet, SMALL)
    assert len(expected) == 0
    assert_frame_equal(cached_mentions(tmp_path / "store", SMALL), expected)
    assert_frame_equal(cached_mentions(tmp_path / "store", SMALL), expected)


def test_corpus_command_writes_a_store(tmp_path, capsys):
    from analysis.__main__ import main

    target = tmp_path / "store"
    assert main(["corpus", str(config.SEEDS_DIR), "--to-parquet", str(target)]) == 0
    assert "wrote a Parquet corpus store of 3 documents" in capsys.readouterr().out
    pd.testing.assert_frame_equal(
        read_corpus_store(target), load_corpus(config.SEEDS_DIR, metadata=config.SEEDS_METADATA)
    )
