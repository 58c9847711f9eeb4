"""What makes a report batch cheap at 14k documents, on hand-made frames with hand-counted
results: tone scored once per report, the corpus split into words once for the gazetteer
audit, the letter-count bound of the near misses, a frame exported twice written once, a
batch's sentences scored beside the kernels, the full evidence built once for the reports of
one notebook, and large CSVs encoded in blocks with the bytes of one call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.discovery import _bag_distance, corpus_tokens, discover_candidates, near_misses
from analysis.schema import DOCUMENT_COLUMNS, ENTITY_COLUMNS
from analysis.sentiment import tone


def make_documents(texts, duplicates=None):
    duplicates = duplicates or {}
    rows = [
        {"doc_id": doc_id, "date": pd.Timestamp("2025-07-01"), "date_source": "header",
         "title": title, "text": text, "source": "", "url": "", "path": "",
         "n_words": len(text.split()), "duplicate_of": duplicates.get(doc_id, ""), "warnings": ""}
        for doc_id, (title, text) in texts.items()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)


class _Gazetteer:
    """Only ``.entities`` is read by the audit."""

    def __init__(self, rows):
        self.entities = pd.DataFrame(
            [
                {"id": entity_id, "name": aliases[0], "kind": kind, "category": "", "parent": "",
                 "aliases": tuple(aliases), "case": "auto", "exclusions": tuple(exclusions),
                 "metonyms": ()}
                for entity_id, kind, aliases, exclusions in rows
            ],
            columns=ENTITY_COLUMNS,
        )  # fmt: skip


GAZETTEER = _Gazetteer(
    [
        ("zelensky", "actor", ["Zelensky", "Zelenskyy"], ["Zelenska"]),
        ("ballistic-missile", "weapon", ["ballistic missiles"], []),
        ("munitions", "weapon", ["ammunition", "munitions"], []),
    ]
)
TEXTS = {
    "d1": ("Talks", "The talks included Boris Pistorius today. Later, officials said Boris "
           "Pistorius would visit. Russia fired cruise missiles and more cruise missiles. More "
           "ammunication was sent."),
    "d2": ("", "Kyiv said cruise missiles hit. Zelenskky spoke. Zelenska visited a school."),
    "d3": ("", "Zelenskyy thanked allies for ammunition, more ammunition and ammunition. "
           "Zelensky said so. Zelensky agreed."),
    "d4": ("", "Boris Pistorius visited. Boris Pistorius left."),  # a copy of d1: not counted
}  # fmt: skip


def _mentions(rows):
    """Mentions in the columns tone reads: (doc_id, field, sentence_id, start, entity_id)."""
    return pd.DataFrame(
        [
            {
                "doc_id": doc_id,
                "date": pd.NaT,
                "field": "text",
                "sentence_id": sentence,
                "start": start,
                "end": start + len(entity),
                "surface": entity.title(),
                "entity_id": entity,
                "entity": entity.title(),
                "kind": "actor",
            }
            for doc_id, sentence, start, entity in rows
        ]
    )


def _documents():
    texts = {"a": ("", "Nato helps. Nato and Russia talk."), "b": ("", "Russia waits.")}
    dates = [pd.Timestamp("2025-07-01"), pd.Timestamp("2025-07-09")]
    return make_documents(texts).assign(date=dates)


def test_tone_with_given_scores_averages_those_scores():
    # Nato: sentences a/0 and a/1; Russia: a/1 and b/0 (hand-chosen scores, not VADER's).
    mentions = _mentions([("a", 0, 0, "nato"), ("a", 1, 12, "nato"), ("a", 1, 21, "russia"),
                          ("b", 0, 0, "russia")])  # fmt: skip
    scores = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "field": "text",
            "sentence_id": [0, 1, 0],
            "compound": [0.6, -0.2, 0.0],
        }
    )
    result = tone(mentions, _documents(), scores=scores).set_index("entity_id")
    assert result.loc["nato", "compound"] == pytest.approx((0.6 - 0.2) / 2)
    assert result.loc["nato", ["positive", "negative", "n_sentences"]].tolist() == [0.5, 0.5, 2]
    assert result.loc["russia", "compound"] == pytest.approx(-0.1)
    assert result.loc["russia", ["positive", "negative"]].tolist() == [0.0, 0.5]
    weekly = tone(mentions, _documents(), freq="W", scores=scores)
    russia = weekly.loc[weekly["entity_id"] == "russia"]
    assert russia["period"].tolist() == [pd.Timestamp("2025-06-30"), pd.Timestamp("2025-07-07")]
    assert russia["compound"].tolist() == pytest.approx([-0.2, 0.0])


def test_tone_refuses_scores_without_their_columns():
    mentions = _mentions([("a", 0, 0, "nato")])
    with pytest.raises(Exception, match="compound"):
        tone(mentions, _documents(), scores=pd.DataFrame({"doc_id": ["a"]}))


def test_audit_split_once_gives_the_same_tables():
    documents = make_documents(TEXTS, duplicates={"d4": "d1"})
    tokens = corpus_tokens(documents)
    misses = near_misses(documents, GAZETTEER, tokens=tokens)
    assert set(misses["surface"]) == {"ammunication", "Zelenskky"}  # as test_discovery counts
    found = discover_candidates(documents, GAZETTEER, min_count=2, tokens=tokens)
    rows = {(r.candidate, r.pattern): r.count for r in found.itertuples(index=False)}
    assert rows[("Boris Pistorius", "name")] == 2
    assert rows[("cruise missiles", "collocation")] == 3


def test_tokens_of_other_documents_are_not_reused():
    documents = make_documents(TEXTS, duplicates={"d4": "d1"})
    other = make_documents({"x": ("", "Nothing near any alias here at all.")})
    misses = near_misses(documents, GAZETTEER, tokens=corpus_tokens(other))
    assert set(misses["surface"]) == {"ammunication", "Zelenskky"}
    # Same ids, another text: split again, not reused.
    edited = documents.assign(text=documents["text"].str.replace("ammunication", "ammunition"))
    assert set(near_misses(edited, GAZETTEER, tokens=corpus_tokens(documents))["surface"]) == {
        "Zelenskky"
    }


def test_tokens_number_words_by_first_use_across_slices(monkeypatch):
    from analysis import discovery

    monkeypatch.setattr(discovery, "_PIECE_BYTES", 8)  # one or two documents per slice
    documents = make_documents(
        {"a": ("Drone", "drone Drone tank"), "b": ("", "tank shell"), "c": ("", "Drone")}
    )
    tokens = corpus_tokens(documents)
    # Titles first (a, b, c), then texts: Drone | drone Drone tank | tank shell | Drone
    assert tokens.vocabulary.tolist() == ["Drone", "drone", "tank", "shell"]
    assert tokens.code.tolist() == [0, 1, 0, 2, 2, 3, 0]
    assert tokens.row.tolist() == [0, 0, 0, 0, 1, 1, 2]
    assert tokens.field.tolist() == [0, 1, 1, 1, 1, 1, 1]


def test_bag_distance_is_the_larger_count_of_missing_letters():
    # kitten -> sitting: k, e missing from sitting (2); s, i, g missing from kitten (3).
    # drone -> done: r missing (1), nothing missing the other way (0).
    words = pd.Series(["kitten", "drone", "abc"])
    others = pd.Series(["sitting", "done", "abc"])
    assert _bag_distance(words, others).tolist() == [3, 1, 0]
    assert _bag_distance(pd.Series([], dtype=object), pd.Series([], dtype=object)).size == 0
    assert isinstance(_bag_distance(words, others), np.ndarray)


# --- exports: a frame exported twice is encoded once ------------------------------------------


def test_a_large_frame_exported_twice_is_encoded_once_with_the_same_bytes(tmp_path, monkeypatch):
    from analysis.report import exports

    calls = []
    original = exports.csv_bytes
    monkeypatch.setattr(exports, "csv_bytes", lambda frame: calls.append(1) or original(frame))
    rows = exports.PARQUET_ROWS + 1
    frame = pd.DataFrame({"entity": ["=NATO"] * rows, "n": range(rows)})
    exports.export_frame(frame, "mentions", tmp_path / "a")
    exports.export_frame(frame, "mentions", tmp_path / "b")  # another report, the same frame
    assert len(calls) == 1
    first = (tmp_path / "a" / "mentions.csv").read_bytes()
    assert (tmp_path / "b" / "mentions.csv").read_bytes() == first
    assert first.startswith(b"entity,n\n'=NATO,0\n'=NATO,1\n")  # defused, numbers as numbers
    assert (tmp_path / "b" / "mentions.parquet").read_bytes() == (
        tmp_path / "a" / "mentions.parquet"
    ).read_bytes()
    # An equal frame that is another object is encoded again: identity, not content, is the key.
    exports.export_frame(frame.copy(), "mentions", tmp_path / "c")
    assert len(calls) == 2
    # Small frames are not kept at all.
    small = pd.DataFrame({"a": [1]})
    exports.export_frame(small, "small", tmp_path / "a")
    exports.export_frame(small, "small", tmp_path / "b")
    assert len(calls) == 4


def test_the_kept_bytes_go_with_their_frame():
    import gc

    from analysis.report import exports

    rows = exports.PARQUET_ROWS + 1
    frame = pd.DataFrame({"n": range(rows)})
    exports._encoded(frame, "csv", lambda f: b"x")
    assert id(frame) in exports._ENCODED
    key = id(frame)
    del frame
    gc.collect()
    assert key not in exports._ENCODED


# --- tone on two cores --------------------------------------------------------------------------


def test_tone_on_two_processes_gives_vaders_own_scores(monkeypatch):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis import sentiment

    monkeypatch.setattr(sentiment, "PARALLEL_SENTENCES", 2)
    monkeypatch.setattr(sentiment.os, "cpu_count", lambda: 2)
    sentences = [
        "The food was good, but the service was terrible.",
        "Russia launched drones at Kyiv overnight.",
        "A deadly attack killed civilians.",
        "NATO met.",
        "The food was good, but the service was terrible.",  # scored once
    ]
    library = SentimentIntensityAnalyzer()
    expected = [library.polarity_scores(s)["compound"] for s in sentences]
    assert sentiment.sentence_tone(sentences).tolist() == pytest.approx(expected)
    assert expected[3] == 0.0 and expected[2] < -0.5  # the reference itself, read by hand


def test_tone_falls_back_to_one_process_when_the_child_fails(monkeypatch):
    import subprocess

    from analysis import sentiment

    class Broken:
        def __init__(self, *args, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr(subprocess, "Popen", Broken)
    sentences = ["Good news.", "Bad news.", "News."]
    scores = sentiment._compounds_in_two(sentences)
    assert scores[0] > 0 > scores[1] and scores[2] == 0.0


# --- kernels started while the batch loads -----------------------------------------------------


def test_kernels_started_early_are_stopped_when_the_corpus_is_refused(tmp_path):
    from analysis.errors import InputError
    from analysis.report import kernels, render

    folder = tmp_path / "unloadable"
    folder.mkdir()
    (folder / "a.exe").write_bytes(b"\x00\x01binary")
    with pytest.raises(InputError, match="no loadable documents"):
        render.render_reports(folder, out=tmp_path / "out")
    assert not kernels._LIVE  # the kernel started for the batch did not outlive it


def test_a_frame_over_the_csv_limit_gets_its_first_rows_as_csv_and_all_as_parquet(
    tmp_path, monkeypatch
):
    from analysis.report import exports

    monkeypatch.setattr(exports, "CSV_ROWS", 3)
    frame = pd.DataFrame({"entity": ["NATO", "Russia", "=x", "Ukraine"], "n": [4, 3, 2, 1]})
    link = exports.export_frame(frame, "mentions", tmp_path / "report").markup
    assert (tmp_path / "report" / "mentions.csv").read_text() == (
        "entity,n\nNATO,4\nRussia,3\n'=x,2\n"
    )
    assert pd.read_parquet(tmp_path / "report" / "mentions.parquet")["n"].tolist() == [4, 3, 2, 1]
    assert link == (
        '<p class="nm-data">data: <a href="report/mentions.csv">mentions.csv</a> (first 3 rows)'
        ' · <a href="report/mentions.parquet">mentions.parquet</a> (all 4 rows)</p>'
    )


def test_sentences_found_a_block_of_documents_at_a_time_are_the_same(monkeypatch):
    from analysis import kwic

    texts = {
        "a": ("", "Nato met. Russia fired drones. Mr. Smith spoke."),
        "b": ("", "Ukraine asked for air defence. It came."),
        "c": ("", "One sentence only"),
    }
    documents = make_documents(texts)
    rows = pd.DataFrame(
        {"doc_id": ["a", "b", "a", "c", "b"], "field": "text", "start": [10, 31, 34, 4, 0]}
    )
    monkeypatch.setattr(kwic, "LOCATE_DOCUMENTS", 1)  # one document per pass
    starts, ends = kwic.SentenceTexts(documents).locate(rows)
    spans = [texts[d][1][s:e] for d, s, e in zip(rows["doc_id"], starts, ends, strict=True)]
    assert spans == [
        "Russia fired drones.",
        "It came.",
        "Mr. Smith spoke.",
        "One sentence only",
        "Ukraine asked for air defence.",
    ]


def test_by_default_every_frame_is_written_whole_as_csv(tmp_path):
    from analysis.report import exports

    assert exports.CSV_ROWS is None
    frame = pd.DataFrame({"n": range(60_001)})
    link = exports.export_frame(frame, "mentions", tmp_path / "report").markup
    lines = (tmp_path / "report" / "mentions.csv").read_text().splitlines()
    assert len(lines) == 60_002 and lines[-1] == "60000"
    assert len(pd.read_parquet(tmp_path / "report" / "mentions.parquet")) == 60_001
    assert "first" not in link and "(60,001 rows)" in link


# --- a batch's sentences scored beside the kernels -----------------------------------------------

SHARED_SENTENCES = [
    "The food was good, but the service was terrible.",  # "but" weighs the second half
    "Russia did not win the war.",  # negation
    "This is GREAT news for our allies!!!",  # caps and exclamation marks
    "I love this plan 😀",  # an emoji, read as its description
    "NATO met in Vilnius.",  # no word of the lexicon: 0
    "A deadly attack killed civilians.",
]


def _vader(sentences):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    library = SentimentIntensityAnalyzer()
    return [library.polarity_scores(sentence)["compound"] for sentence in sentences]


@pytest.fixture
def sharing(monkeypatch):
    from analysis import sentiment

    monkeypatch.setattr(sentiment, "PARALLEL_SENTENCES", 2)
    monkeypatch.setattr(sentiment, "SHARE_CHUNK", 2)  # three chunks of two sentences
    monkeypatch.setattr(sentiment.os, "cpu_count", lambda: 2)
    return sentiment


def test_shared_sentences_scored_by_the_report_alone_are_vaders_own(sharing, tmp_path):
    expected = _vader(SHARED_SENTENCES)
    assert expected[4] == 0.0 and expected[5] < -0.5 < 0.5 < expected[2]  # read by hand
    folder = sharing.share_sentences(SHARED_SENTENCES * 2, tmp_path / "tone")
    assert (folder / "claims").read_text() == "0 3"
    asked = [SHARED_SENTENCES[5], "Peace is good.", SHARED_SENTENCES[0]]  # one not shared
    # No scorer: the report claims every chunk, from the last.
    assert sharing.sentence_tone(asked, folder).tolist() == pytest.approx(_vader(asked))
    assert (folder / "claims").read_text() == "0 0"


def test_a_report_reads_the_chunks_the_scorer_wrote(sharing, tmp_path):
    import os
    import pickle

    folder = sharing.share_sentences(SHARED_SENTENCES, tmp_path / "tone")
    (folder / "scorer.pid").write_text(str(os.getpid()))  # "alive"
    assert sharing._claim(folder, last=False) == 0  # the scorer took the first chunk ...
    (folder / "part-00000.pkl").write_bytes(pickle.dumps([0.25, -0.75]))  # ... and wrote it
    scores = sharing.sentence_tone(SHARED_SENTENCES[:3], folder).tolist()
    # Chunk 0 as the scorer wrote it (hand-made values, to see they were read); chunk 1 here.
    assert scores == pytest.approx([0.25, -0.75, _vader(SHARED_SENTENCES[2:3])[0]])


def test_a_chunk_of_a_dead_scorer_is_scored_by_the_report(sharing, tmp_path):
    import subprocess
    import sys

    folder = sharing.share_sentences(SHARED_SENTENCES, tmp_path / "tone")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, timeout=60).stdout.strip()  # fmt: skip
    (folder / "scorer.pid").write_text(gone)
    assert sharing._claim(folder, last=False) == 0  # claimed, never written
    scores = sharing.sentence_tone(SHARED_SENTENCES, folder).tolist()
    assert scores == pytest.approx(_vader(SHARED_SENTENCES))


def test_the_scorer_process_gives_vaders_own_scores(sharing, tmp_path):
    import pickle

    folder = sharing.share_sentences(SHARED_SENTENCES, tmp_path / "tone")
    # The child reads SHARE_CHUNK from the module (5,000): one chunk, all six sentences.
    (folder / "claims").write_text("0 1")
    scorer = sharing.start_scorer(folder)
    assert scorer.wait(timeout=120) == 0
    written = pickle.loads((folder / "part-00000.pkl").read_bytes())
    assert written == pytest.approx(_vader(SHARED_SENTENCES))
    assert (folder / "claims").read_text() == "1 1"


def test_few_sentences_are_not_shared(tmp_path):
    from analysis import sentiment

    assert sentiment.share_sentences(SHARED_SENTENCES, tmp_path / "tone") is None
    assert not (tmp_path / "tone").exists()


# --- the batch's reports of one notebook run one after another ----------------------------------


def test_reports_of_one_notebook_run_one_after_another():
    from analysis.report.registry import ReportSpec
    from analysis.report.render import _by_notebook

    registry = [("overview", "01"), ("time", "02"), ("actions", "03"), ("audit", "04"),
                ("actors", "02"), ("weapons", "02")]  # fmt: skip
    specs = [ReportSpec(name=name, notebook=notebook, title=name) for name, notebook in registry]
    order = [spec.name for spec in _by_notebook(specs)]
    assert order == ["overview", "time", "actors", "weapons", "actions", "audit"]
    # The notebook that reads the batch's tone scorer last, while the scorer works.
    late = [spec.name for spec in _by_notebook(specs, frozenset({"03"}))]
    assert late == ["overview", "time", "actors", "weapons", "audit", "actions"]


def test_the_notebook_that_reads_the_tone_scorer_is_found_in_its_code(tmp_path):
    from analysis.report.registry import ReportSpec
    from analysis.report.render import _late_notebooks

    (tmp_path / "a.ipynb").write_text('{"cells": [{"source": ["tones = ctx.tone()"]}]}')
    (tmp_path / "b.ipynb").write_text('{"cells": [{"source": ["ctx.summary()"]}]}')
    specs = [ReportSpec(name=n, notebook=f"{n}.ipynb", title=n) for n in ("a", "b", "c")]
    located = {"a": tmp_path / "a.ipynb", "b": tmp_path / "b.ipynb", "c": tmp_path / "none"}
    assert _late_notebooks(located, specs) == frozenset({"a.ipynb"})


def test_csv_written_in_blocks_has_the_bytes_of_one_call(monkeypatch):
    import io

    from analysis.report import exports

    monkeypatch.setattr(exports, "CSV_BLOCK_CELLS", 1)  # blocks of pandas' own 50,000 rows
    rows = 100_001  # three blocks; only the last has a time of day
    dates = pd.Series(pd.Timestamp("2025-07-01"), index=range(rows))
    dates.iloc[-1] = pd.Timestamp("2025-07-02 10:30")
    frame = pd.DataFrame({"date": dates, "text": "=x"})
    written = exports.csv_bytes(frame)
    reference = io.StringIO()
    exports.spreadsheet_safe(frame).to_csv(reference, index=False, lineterminator="\n")
    assert written == reference.getvalue().encode("utf-8")
    lines = written.decode().splitlines()
    assert lines[:2] == ["date,text", "2025-07-01,'=x"] and len(lines) == rows + 1
    assert lines[-1] == "2025-07-02 10:30:00,'=x"


def test_the_full_evidence_of_the_same_mentions_is_built_once(monkeypatch):
    from analysis import kwic
    from analysis.report import context

    documents = _documents()
    mentions = _mentions([("a", 0, 0, "nato"), ("a", 1, 12, "nato"), ("a", 1, 21, "russia"),
                          ("b", 0, 0, "russia")])  # fmt: skip
    gazetteer = GAZETTEER
    calls = []
    original = kwic.evidence
    monkeypatch.setattr(kwic, "evidence", lambda *a, **k: calls.append(1) or original(*a, **k))

    def report(selected, **parameters):
        return context.ReportContext(parameters=parameters, source=Path("corpus"),
                                     documents=documents, gazetteer=gazetteer,
                                     all_mentions=selected, events=None,
                                     corpus_sha256="abc")  # fmt: skip

    context.forget_shared()
    everything = report(mentions).evidence("nato", limit=None)
    assert everything["sentence"].tolist() == ["Nato helps.", "Nato and Russia talk."]
    # Another report (the actors only: another frame) draws the same entity: built once.
    again = report(mentions[mentions["kind"] == "actor"].copy(), kinds=["actor"])
    assert again.evidence("nato", limit=None) is everything and len(calls) == 1
    assert report(mentions).evidence("russia", limit=None)["doc_id"].tolist() == ["a", "b"]
    assert len(calls) == 2
    context.forget_shared()
    assert report(mentions).evidence("russia", limit=None) is not everything
    assert len(calls) == 3


def test_only_a_large_or_remote_corpus_is_loaded_in_a_child_process(tmp_path, monkeypatch):
    from analysis.report import render

    monkeypatch.setattr(render, "SMALL_SOURCE_BYTES", 100)
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("x" * 60)
    assert not render._large(folder)  # 60 bytes
    (folder / "sub" / "b.txt").write_text("y" * 40)
    assert render._large(folder)  # 100 bytes, counted in subfolders too
    assert not render._large(folder / "a.txt") and render._large(tmp_path / "missing")
    assert render._large(Path("s3://bucket/corpus"))


def test_words_are_runs_of_letters_of_each_text_apart():
    from analysis import discovery

    # "ofUkraine" would be one run of bytes if the two texts were read as one: two words.
    # "é" and "ß" are letters; "1", "-", "’" and the emoji are not; "漢字" is one word.
    documents = make_documents(
        {"a": ("", "Use of"), "b": ("", "Ukraine's café-Straße 1 漢字😀x"), "c": ("", "")}
    )
    tokens = corpus_tokens(documents)
    words = tokens.vocabulary[tokens.code].tolist()
    assert words == ["Use", "of", "Ukraine", "s", "café", "Straße", "漢字", "x"]
    assert tokens.row.tolist() == [0, 0, 1, 1, 1, 1, 1, 1]
    assert discovery._are_letters(np.array([ord("é"), ord("1"), ord("漢"), 0x1F600])).tolist() == [
        True,
        False,
        True,
        False,
    ]


def test_csv_joined_by_pyarrow_has_the_bytes_of_pandas_to_csv():
    import io

    from analysis.report import exports

    frame = pd.DataFrame(
        {
            "text": ["plain", "a,b", 'say "hi"', "two\nlines", "", None],
            "count": [1, -2, 3, 0, 10, 7],
            "flag": [True, False, True, False, True, False],
            "share": [0.5, np.nan, 1e-05, 2.0, -0.25, 1 / 3],
            "mixed": pd.Series(["x", 3, 2.5, None, ("l", "t"), "y"], dtype=object),
            "date": pd.to_datetime(["2025-07-01", None, "2025-07-03", "2025-07-04", None, None]),
        }
    )
    written = exports.csv_bytes(frame)
    assert exports._joined_csv(exports.spreadsheet_safe(exports._flatten(frame)), 100, header=True)
    reference = io.StringIO()
    exports.spreadsheet_safe(exports._flatten(frame)).to_csv(
        reference, index=False, lineterminator="\n"
    )
    assert written == reference.getvalue().encode("utf-8")
    assert written.decode().split("\n")[:5] == [
        "text,count,flag,share,mixed,date",
        "plain,1,True,0.5,x,2025-07-01",
        '"a,b",-2,False,,3,',
        '"say ""hi""",3,True,1e-05,2.5,2025-07-03',
        '"two',
    ]


def test_a_carriage_return_or_a_single_column_is_left_to_pandas():
    from analysis.report import exports

    assert exports._joined_csv(pd.DataFrame({"a": ["x\ry"], "b": [1]}), 10, header=True) is None
    assert exports._joined_csv(pd.DataFrame({"a": [""]}), 10, header=True) is None
    assert exports.csv_bytes(pd.DataFrame({"a": ["", "x"]})) == b'a\n""\nx\n'


def test_the_unique_documents_of_one_frame_are_selected_once():
    from analysis.report import context

    documents = make_documents({"a": ("", "one"), "b": ("", "two")}, duplicates={"b": "a"})
    first = context._unique_documents(documents)
    assert first["doc_id"].tolist() == ["a"]
    assert context._unique_documents(documents) is first
    other = make_documents({"c": ("", "three")})
    assert context._unique_documents(other)["doc_id"].tolist() == ["c"]
    del documents, other
    assert not context._UNIQUE  # the entry goes with its frame


def test_sentences_of_a_batch_read_a_block_of_documents_at_a_time(monkeypatch):
    from analysis import sentiment

    documents = make_documents(
        {"a": ("", "Nato met. Russia fired drones."), "b": ("", "Patriot came. Then rain.")}
    )
    mentions = pd.DataFrame(
        {
            "doc_id": ["b", "a", "a"],
            "field": "text",
            "sentence_id": [0, 1, 0],
            "start": [0, 10, 0],
            "end": [7, 16, 4],
            "entity_id": ["patriot", "russia", "nato"],
            "entity": ["Patriot", "Russia", "NATO"],
            "kind": ["weapon", "actor", "actor"],
        }
    )
    monkeypatch.setattr(sentiment, "TEXT_BLOCK", 1)
    assert sentiment.scored_sentences(mentions, documents) == [
        "Patriot came.",
        "Russia fired drones.",
        "Nato met.",
    ]


# --- round 4: waits of a small batch ---------------------------------------------------------


def test_a_small_local_corpus_gets_two_kernels_by_default(tmp_path, monkeypatch):
    from analysis.report import render

    monkeypatch.setattr(render, "SMALL_SOURCE_BYTES", 100)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("x" * 60)
    monkeypatch.setattr(render.os, "cpu_count", lambda: 2)
    assert render.default_jobs(folder) == 2
    assert render.default_jobs(Path("s3://bucket/corpus")) == 1  # remote: loaded in a child
    (folder / "b.txt").write_text("y" * 40)
    assert render.default_jobs(folder) == 1  # 100 bytes: large, one kernel holds it
    monkeypatch.setattr(render.os, "cpu_count", lambda: 1)
    (folder / "b.txt").unlink()
    assert render.default_jobs(folder) == 1  # one core: a second kernel only waits


def test_the_batch_gazetteer_is_read_back_only_for_the_same_user_file(tmp_path):
    from analysis.store import read_batch_gazetteer, write_batch_gazetteer

    cache = tmp_path / "store.mentions" / "mentions-abc-def-plain.parquet"
    assert read_batch_gazetteer(cache, None) is None  # nothing kept yet
    write_batch_gazetteer(GAZETTEER, cache, "/data/extra.yml")
    assert (tmp_path / "store.mentions" / "mentions-abc-def-plain.gazetteer.pickle").is_file()
    kept = read_batch_gazetteer(cache, "/data/extra.yml")
    assert kept.entities["id"].tolist() == ["zelensky", "ballistic-missile", "munitions"]
    assert kept.entities.loc[0, "aliases"] == ("Zelensky", "Zelenskyy")
    assert read_batch_gazetteer(cache, None) is None  # another user file: loaded as usual
    assert read_batch_gazetteer(cache, "/data/other.yml") is None
    (tmp_path / "store.mentions" / "mentions-abc-def-plain.gazetteer.pickle").write_bytes(b"x")
    assert read_batch_gazetteer(cache, "/data/extra.yml") is None  # unreadable: loaded again
    write_batch_gazetteer(GAZETTEER, "s3://bucket/store.mentions/m.parquet", None)  # no-op
    assert read_batch_gazetteer("s3://bucket/store.mentions/m.parquet", None) is None


def test_a_report_of_a_batch_uses_the_batch_gazetteer_and_says_its_notes(tmp_path, monkeypatch):
    from analysis.gazetteer import Gazetteer, load_gazetteer
    from analysis.report import context

    real = load_gazetteer()
    noted = Gazetteer(real.entities.head(3).copy(), real.sources, real.hash, ("a note",))
    cache = tmp_path / "mentions-abc-def-plain.parquet"
    from analysis.store import write_batch_gazetteer

    write_batch_gazetteer(noted, cache, None)
    monkeypatch.setattr("analysis.gazetteer.load_gazetteer", lambda **_: pytest.fail("read"))
    with pytest.warns(UserWarning, match="a note"):
        kept = context._gazetteer("", str(cache))
    assert kept.entities["id"].tolist() == real.entities["id"].head(3).tolist()
    assert kept.hash == real.hash


@pytest.mark.notebooks
def test_a_kernel_client_is_ready_without_waiting_for_silence_and_gets_its_output():
    import asyncio

    from analysis.report import render

    manager = render.start_kernel(Path.cwd())
    try:

        async def twice() -> list[str]:
            said: list[str] = []
            for _ in range(2):  # a second client of the same kernel, as a batch's resets are
                client = manager.client()
                client.start_channels()
                try:
                    await client.wait_for_ready(timeout=60)
                    reply = await client.execute_interactive(
                        "print(6 * 7)",
                        timeout=60,
                        output_hook=lambda m: said.append(m["content"].get("text", "")),
                    )
                    assert reply["content"]["status"] == "ok"
                finally:
                    client.stop_channels()
            return said

        assert "".join(asyncio.run(twice())).split() == ["42", "42"]
        manager.kill_now()
        client = manager.client()
        client.start_channels()
        try:
            with pytest.raises(RuntimeError, match="died"):
                asyncio.run(client.wait_for_ready(timeout=30))
        finally:
            client.stop_channels()
    finally:
        render.stop_kernel(manager)


class _LiveKernel:
    """What ``render._worker`` asks of a kernel manager, without a kernel."""

    has_kernel = False

    async def is_alive(self) -> bool:
        return True


def test_a_report_is_exported_while_the_kernel_runs_the_next(monkeypatch):
    import queue
    import threading

    from analysis.report import render
    from analysis.report.registry import ReportSpec

    monkeypatch.setattr(render, "_reset_namespace", lambda manager, **_: None)
    specs = [ReportSpec(name=name, notebook=f"{name}.ipynb", title=name) for name in "abc"]
    executing = {name: threading.Event() for name in "abc"}
    seen: list[tuple[str, bool]] = []

    def run(spec, manager):
        executing[spec.name].set()

        def finish():
            if spec.name == "b":
                raise RuntimeError("export of b failed")
            following = {"a": "b", "c": None}[spec.name]
            # a's export waits for b to be executing: it can only be if they overlap
            seen.append((spec.name, following is None or executing[following].wait(10)))
            return spec.name

        return finish

    done: queue.Queue = queue.Queue()
    render._worker(specs, run, Path("."), threading.Event(), done, _LiveKernel())
    delivered = [done.get_nowait() for _ in range(3)]
    assert delivered[0] == "a" and delivered[2] == "c"  # in order, each once
    assert isinstance(delivered[1], RuntimeError) and "b failed" in str(delivered[1])
    assert seen == [("a", True), ("c", True)] and done.empty()
