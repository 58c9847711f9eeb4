"""Tests of analysis.corpus: sources, formats, hygiene, dates, ids, metadata and duplicates.

Expectations are counted by hand from the fixtures: tests/fixtures/corpus/mixed (committed,
small, readable) and files written to tmp_path by the tests themselves (binary, legacy
encodings, byte-order marks, a 50 MB document, Parquet).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import config
from analysis.__main__ import main as cli
from analysis.corpus import (
    CorpusWarning,
    load_corpus,
    reader_for,
    register_reader,
    summarize_corpus,
    unique_documents,
)
from analysis.errors import InputError
from analysis.schema import DATE_SOURCES, DOCUMENT_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
MIXED = FIXTURES / "mixed"


def load(source, **kwargs) -> pd.DataFrame:
    """load_corpus without its summary warning (tests that check the warning use pytest.warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return load_corpus(source, **kwargs)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def row(documents: pd.DataFrame, doc_id: str) -> pd.Series:
    return documents.set_index("doc_id").loc[doc_id]


def check_contract(documents: pd.DataFrame) -> None:
    assert list(documents.columns) == DOCUMENT_COLUMNS
    assert documents["doc_id"].is_unique
    assert documents["date"].dtype == "datetime64[ns]"
    assert documents["n_words"].dtype == np.int64
    assert set(documents["date_source"]) <= set(DATE_SOURCES)
    assert (documents["date"].isna() == (documents["date_source"] == "missing")).all()
    assert documents.index.equals(pd.RangeIndex(len(documents)))
    for column in ("doc_id", "date_source", "title", "text", "source", "url", "path"):
        assert documents[column].dtype == "str", column
        assert documents[column].notna().all(), column
    # Sorted by date (undated last), then doc_id.
    key = documents.assign(undated=documents["date"].isna())
    resorted = key.sort_values(["undated", "date", "doc_id"]).index
    assert resorted.equals(documents.index)
    # n_words is what str.split() counts (checked on a sample: splitting 134 MB takes seconds).
    sample = documents.sample(min(len(documents), 300), random_state=0)
    pairs = zip(sample["title"], sample["text"], strict=True)
    words = [len(title.split()) + len(text.split()) for title, text in pairs]
    assert sample["n_words"].tolist() == words


# --------------------------------------------------------------------------------------------
# The seeds


def test_seeds_load_into_three_documents_two_dated():
    documents = load(config.SEEDS_DIR)
    check_contract(documents)
    assert documents["doc_id"].tolist() == [
        "000_aea3efb0dba7ff8e",
        "002_b5b864fe14bd4250",
        "001_d3b8822e1668d5c1",
    ]
    assert documents["date"].tolist()[:2] == [
        pd.Timestamp("2025-07-11"),
        pd.Timestamp("2025-08-21"),
    ]
    assert pd.isna(documents["date"].iloc[2])
    assert documents["date_source"].tolist() == ["header", "header", "missing"]
    # The sidecar seeds/metadata.csv is used by default: it names 000's outlet, nothing else.
    assert documents["source"].tolist() == ["ABC News", "", ""]
    assert documents.attrs["metadata"].endswith("metadata.csv")
    assert documents.attrs["metadata_unmatched"] == []
    first = row(documents, "000_aea3efb0dba7ff8e")
    assert first["title"].startswith("Discussions followed after Trump's endorsement")
    assert first["text"].startswith("United States military and NATO officials")
    second = row(documents, "002_b5b864fe14bd4250")
    assert second["text"].startswith("Bulgaria: Trump Signals Possible US Air Role")
    damaged = row(documents, "001_d3b8822e1668d5c1")
    assert damaged["title"] == (
        "Trump tells Zelensky he wants to help Ukraine with air defense, sources say"
    )
    assert "mojibake" in damaged["warnings"] and "Ukraine β launching" in damaged["warnings"]
    assert "Ukraine β launching" in damaged["text"]  # flagged, never rewritten
    assert documents.loc[documents["doc_id"] != "001_d3b8822e1668d5c1", "warnings"].eq("").all()
    assert documents["duplicate_of"].eq("").all()
    assert documents.attrs["excluded"] == []


def test_seed_metadata_leaves_001_and_002_without_outlet_and_says_why():
    sidecar = pd.read_csv(config.SEEDS_METADATA, dtype=str, keep_default_na=False)
    assert list(sidecar.columns) == ["doc_id", "date", "source", "url", "title", "note"]
    by_id = sidecar.set_index("doc_id")
    assert by_id.loc["000_aea3efb0dba7ff8e", "source"] == "ABC News"
    for doc_id in ("001_d3b8822e1668d5c1", "002_b5b864fe14bd4250"):
        assert by_id.loc[doc_id, "source"] == "" and by_id.loc[doc_id, "date"] == ""
        assert by_id.loc[doc_id, "note"]
    assert "Bloomberg" in by_id.loc["002_b5b864fe14bd4250", "note"]


# --------------------------------------------------------------------------------------------
# Every source format, column detection and the metadata sidecar (fixture: mixed/)

MIXED_EXPECTED = [
    # doc_id, date, date_source, title, source, url, n_words (title + text words)
    ("epsilon", "2025-01-15", "header", "Deep file", "", "", 2 + 5),
    ("rows:1", "2025-02-10", "field", "Thanks", "", "", 1 + 5),
    ("alpha", "2025-03-01", "header", "Patriot batteries reach Kyiv", "",
     "https://example.org/alpha", 4 + 12),
    ("beta", "2025-04-02", "metadata", "Drones over Odesa", "Sidecar News", "", 3 + 8),
    ("2025-05-05-remarks", "2025-05-05", "field", "Remarks", "", "", 1 + 6),
    ("gamma", "2025-06-24", "header", "NATO summit: air defence pledges", "Example Wire",
     "https://example.org/nato-summit", 5 + 8),
    ("j1", "2025-07-04", "field", "JSON list", "", "", 2 + 6),
    ("c1", "2025-08-01", "metadata", "F-16 jets arrive", "Example Times",
     "https://example.org/f16", 3 + 7),
    ("c2", None, "missing", "Undated row", "", "https://example.org/undated", 2 + 5),
    ("delta", None, "missing", "Javelin deliveries resume", "", "", 3 + 7),
    ("items:2", None, "missing", "No path here", "", "", 3 + 5),
    ("rows:2", None, "missing", "Second", "", "", 1 + 4),
]  # fmt: skip


def test_mixed_folder_every_format_in_one_sorted_frame():
    with pytest.warns(CorpusWarning) as record:
        documents = load_corpus(MIXED)
    assert any("1 doc_id(s) match no document: ghost" in str(w.message) for w in record)
    # Attributed to the line that called load_corpus, so a user's filter by module works.
    assert {w.filename for w in record} == {__file__}
    check_contract(documents)
    got = [
        (r.doc_id, None if pd.isna(r.date) else f"{r.date:%Y-%m-%d}", r.date_source, r.title,
         r.source, r.url, r.n_words)
        for r in documents.itertuples()
    ]  # fmt: skip
    assert got == MIXED_EXPECTED


def test_mixed_folder_texts_paths_and_warnings():
    documents = load(MIXED)
    alpha = row(documents, "alpha")
    assert alpha["text"] == (
        "Two Patriot batteries arrived in Kyiv on Saturday.\nOfficials confirmed the delivery."
    )
    assert row(documents, "beta")["text"] == "Air defence units shot down twelve drones overnight."
    assert row(documents, "gamma")["text"] == "Allies pledged more air defence systems for Ukraine."
    assert row(documents, "delta")["title"] == "Javelin deliveries resume"  # "#" removed
    assert row(documents, "epsilon")["path"] == str(MIXED / "nested" / "deep" / "epsilon.txt")
    # A table's own path column is the document's path and, without an id column, its id.
    assert row(documents, "2025-05-05-remarks")["path"] == "briefings/2025-05/2025-05-05-remarks.md"
    assert row(documents, "c1")["path"] == str(MIXED / "table.csv")
    bad_date = row(documents, "rows:2")["warnings"]
    assert "'not a date'" in bad_date and "rows.tsv row 2" in bad_date
    assert (documents["warnings"] != "").sum() == 1
    assert "Hidden file" not in documents["title"].tolist()


def test_mixed_folder_exclusions_are_listed_with_reasons():
    excluded = load(MIXED).attrs["excluded"]
    got = sorted((Path(e["path"]).name, e["row"], e["reason"].split(" (")[0]) for e in excluded)
    assert got == [
        ("items.json", 2, "not a JSON object"),
        ("items.jsonl", 3, "not valid JSON"),
        ("items.jsonl", 4, "not a JSON object"),
        ("notes.odt", None, "unsupported file type '.odt'"),
    ]


def test_counted_in_equals_counted_out_plus_exclusions():
    documents = load(MIXED)
    # Inputs by hand: 5 text files + 2 CSV + 2 TSV + 4 JSONL + 2 JSON items + 1 .odt = 16.
    assert len(documents) + len(documents.attrs["excluded"]) == 16


def test_each_source_kind_alone(tmp_path):
    assert load(MIXED / "alpha.txt")["doc_id"].tolist() == ["alpha"]
    assert load(MIXED / "gamma.md")["source"].tolist() == ["Example Wire"]
    assert load(MIXED / "table.csv")["doc_id"].tolist() == ["c1", "c2"]
    assert load(MIXED / "rows.tsv")["doc_id"].tolist() == ["rows:1", "rows:2"]
    assert load(MIXED / "items.jsonl")["doc_id"].tolist() == ["2025-05-05-remarks", "items:2"]
    assert load(MIXED / "items.json")["doc_id"].tolist() == ["j1"]
    # Without the folder, the sidecar is not found: c1 keeps the table's own date (local day).
    c1 = load(MIXED / "table.csv").iloc[0]
    assert c1["date"] == pd.Timestamp("2025-07-31") and c1["date_source"] == "field"
    listed = load([MIXED / "alpha.txt", MIXED / "nested"])
    assert listed["doc_id"].tolist() == ["epsilon", "alpha"]


def test_a_new_format_is_one_reader_and_one_registration(tmp_path, monkeypatch):
    from analysis.corpus.readers import base

    monkeypatch.setattr(base, "_READERS", dict(base._READERS))  # registered for this test only

    def read_lines(source):  # one document per line
        lines = source.path.read_text().splitlines()
        return [
            {"base_id": f"{source.path.stem}:{i}", "path": source.display, "row": i, "title": "",
             "text": line, "date_raw": "", "date_origin": "", "source": "", "url": "", "notes": []}
            for i, line in enumerate(lines, start=1)
        ]  # fmt: skip

    register_reader([".lines"], read_lines)
    assert reader_for(Path("export.LINES.gz")) is read_lines
    write(tmp_path / "corpus" / "a.lines", "first line here\nsecond one\n")
    write(tmp_path / "corpus" / "b.txt", "Title\nBody\n")
    documents = load(tmp_path / "corpus")
    check_contract(documents)
    assert documents["doc_id"].tolist() == ["a:1", "a:2", "b"]
    assert documents["n_words"].tolist() == [3, 2, 2]
    with pytest.raises(InputError, match=r"\.parquet, .*\.lines, optionally gzipped"):
        load(write(tmp_path / "page.xyz", "<a/>"))


def test_metadata_fills_and_overrides(tmp_path):
    write(tmp_path / "docs" / "a.txt", " date 2025-01-02 Own title\nOwn text here.\n")
    write(tmp_path / "docs" / "b.txt", "B title\nB text.\n")
    sidecar = write(
        tmp_path / "side.csv",
        "doc_id,title,url,Outlet,date,note\n"
        "a,New title,https://example.org/a,Wire,2025-02-03,replaces the header date\n"
        "b,,,,2025-13-45,a bad date is reported and ignored\n",
    )
    documents = load(tmp_path / "docs", metadata=sidecar)
    a, b = row(documents, "a"), row(documents, "b")
    assert (a["title"], a["url"], a["source"]) == ("New title", "https://example.org/a", "Wire")
    assert a["date"] == pd.Timestamp("2025-02-03") and a["date_source"] == "metadata"
    assert b["title"] == "B title" and pd.isna(b["date"]) and b["date_source"] == "missing"
    assert "metadata date '2025-13-45' in side.csv line 3" in b["warnings"]
    assert documents.attrs["metadata"] == str(sidecar)


def test_metadata_unknown_ids_are_a_warning_not_an_error(tmp_path):
    write(tmp_path / "a.txt", "Title\nText.\n")
    sidecar = write(tmp_path / "meta.csv", "doc_id,source\na,Wire\nzzz,Nobody\nyyy,Nobody\n")
    with pytest.warns(CorpusWarning, match=r"2 doc_id\(s\) match no document: yyy, zzz"):
        documents = load_corpus(tmp_path / "a.txt", metadata=sidecar)
    assert documents.attrs["metadata_unmatched"] == ["yyy", "zzz"]
    assert documents["source"].tolist() == ["Wire"]
    assert "unmatched doc_ids: yyy, zzz" in summarize_corpus(documents)


def test_metadata_problems_are_one_line_input_errors(tmp_path):
    write(tmp_path / "a.txt", "Title\nText.\n")
    no_id = write(tmp_path / "no_id.csv", "name,source\na,Wire\n")
    with pytest.raises(InputError, match=r"no_id.csv: metadata needs a doc_id column; columns: "):
        load(tmp_path / "a.txt", metadata=no_id)
    twice = write(tmp_path / "twice.csv", "doc_id,source\na,Wire\na,Other\n")
    with pytest.raises(InputError, match=r"twice.csv line 3: doc_id 'a' appears more than once"):
        load(tmp_path / "a.txt", metadata=twice)
    with pytest.raises(InputError, match="no such metadata file"):
        load(tmp_path / "a.txt", metadata=tmp_path / "absent.csv")


def test_metadata_false_ignores_the_folder_sidecar():
    documents = load(MIXED, metadata=False)
    assert row(documents, "beta")["date_source"] == "missing"
    assert documents.attrs["metadata"] == ""


def test_column_detection_and_overrides(tmp_path):
    table = write(
        tmp_path / "export.csv",
        "Story,Summary,When,Updated,Publisher\n"
        "The full story text.,Short,2025-03-04,2025-03-09,Wire\n",
    )
    with pytest.raises(InputError) as error:
        load(table)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{table}: no text column")
    assert "columns: Story, Summary, When, Updated, Publisher" in message
    documents = load(table, text_column="story", title_column="Summary", date_column="Updated")
    assert documents["text"].tolist() == ["The full story text."]
    assert documents["title"].tolist() == ["Short"]
    assert documents["date"].tolist() == [pd.Timestamp("2025-03-09")]
    assert documents["source"].tolist() == ["Wire"]  # "publisher" is detected
    with pytest.raises(InputError, match=r"export.csv: date_column 'Nope' not found; columns: "):
        load(table, text_column="Story", date_column="Nope")


def test_dataframe_source():
    frame = pd.DataFrame(
        {
            "Headline": ["First", "Second"],
            "BODY": ["One two three.", "Four five."],
            "published_at": pd.to_datetime(["2025-01-02 23:30", "2025-01-01 08:00"]).tz_localize(
                "America/New_York"
            ),
        }
    )
    documents = load(frame)
    check_contract(documents)
    # The local calendar day is kept (23:30 in New York is the next day in UTC).
    assert documents["doc_id"].tolist() == ["frame:2", "frame:1"]
    assert documents["date"].tolist() == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-02")]
    assert documents["path"].tolist() == ["", ""]
    assert documents["date_source"].tolist() == ["field", "field"]


def test_jsonl_gz_read_fast_keeps_local_dates_and_path_stems(tmp_path):
    records = [
        {"path": "press/2024-10/2024-10-29-remarks.md", "date": "", "text": "Late remarks.",
         "published_time": "2024-10-29 23:59:00-04:00", "title": "Remarks", "tags": ["a"]},
        {"path": "speeches/2024-10/2024-10-29-remarks.md", "date": "",
         "published_time": "2024-10-29 10:00:00-04:00", "title": "Remarks", "text": "Copy."},
        {"title": "Third", "text": "No path, no date."},
    ]  # fmt: skip
    source = tmp_path / "export.jsonl.gz"
    source.write_bytes(gzip.compress("\n".join(map(json.dumps, records)).encode()))
    documents = load(source)
    by_id = documents.set_index("doc_id")
    # Colliding stems: the first by path keeps the id; the other gets "~2" and a warning.
    assert by_id.loc["2024-10-29-remarks", "path"] == "press/2024-10/2024-10-29-remarks.md"
    assert by_id.loc["2024-10-29-remarks~2", "path"] == "speeches/2024-10/2024-10-29-remarks.md"
    assert "already taken by press/2024-10" in by_id.loc["2024-10-29-remarks~2", "warnings"]
    assert by_id.loc["2024-10-29-remarks", "date"] == pd.Timestamp("2024-10-29")
    assert "export:3" in by_id.index


def test_jsonl_rows_count_records_and_numeric_ids(tmp_path):
    source = write(
        tmp_path / "rows.jsonl",
        '{"id": 7, "body": "Seven."}\n\n{"id": 8.5, "body": "Eight and a half."}\n'
        '{"body": "No id."}\nnot json\n',
    )
    documents = load(source)
    assert sorted(documents["doc_id"]) == ["7", "8.5", "rows:3"]
    assert documents.attrs["excluded"][0]["row"] == 4  # the 4th record: blank lines skipped


def test_parquet_file_and_dataset_folder(tmp_path):
    original = load(MIXED, metadata=False)
    original.to_parquet(tmp_path / "documents.parquet")
    reloaded = load(tmp_path / "documents.parquet")
    # doc_id, title, text, date, url, source and path columns all round-trip.
    key = ["doc_id", "title", "text", "url", "source", "path", "date"]
    assert reloaded[key].equals(original[key])
    assert set(reloaded.loc[reloaded["date"].notna(), "date_source"]) == {"field"}
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    parts = pd.DataFrame({"content": ["One.", "Two.", "Three."], "title": ["a", "b", "c"]})
    parts.iloc[:2].to_parquet(dataset / "part-0.parquet")
    parts.iloc[2:].to_parquet(dataset / "part-1.parquet")
    assert load(dataset)["doc_id"].tolist() == ["part-0:1", "part-0:2", "part-1:1"]


# --------------------------------------------------------------------------------------------
# Bad input


def test_missing_path_names_it():
    with pytest.raises(InputError, match=r"nowhere/at/all: no such file or folder"):
        load("nowhere/at/all")


def test_sources_that_are_not_paths():
    with pytest.raises(InputError, match="cannot load a int"):
        load(42)
    with pytest.raises(InputError, match="no sources given"):
        load([])


def test_empty_folder(tmp_path):
    with pytest.raises(InputError, match=f"{tmp_path}: no files to load"):
        load(tmp_path)
    write(tmp_path / ".hidden.txt", "Only hidden\nfiles here.\n")
    with pytest.raises(InputError, match="no files to load"):
        load(tmp_path)


def test_unsupported_file_given_by_name(tmp_path):
    doc = write(tmp_path / "report.odt", "not really an OpenDocument file")
    with pytest.raises(InputError, match=r"report.odt: unsupported file type '.odt'"):
        load(doc)


def test_binary_file_among_texts_is_excluded_with_reason(tmp_path):
    write(tmp_path / "good.txt", "Good title\nGood text.\n")
    write(tmp_path / "scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    documents = load(tmp_path)
    assert documents["doc_id"].tolist() == ["good"]
    assert documents.attrs["excluded"] == [
        {"path": str(tmp_path / "scan.txt"), "row": None,
         "reason": "binary file (contains NUL bytes)"}
    ]  # fmt: skip


def test_cp1252_text_is_decoded_with_a_warning(tmp_path):
    write(
        tmp_path / "legacy.txt",
        b" date 2025-05-01 Kyiv\x92s plea\n\nPresident Zelensky\x92s \x93air defence\x94 "
        b"request \x96 the caf\xe9 owners called it na\xefve.\n",
    )
    document = load(tmp_path).iloc[0]
    assert document["title"] == "Kyiv’s plea"
    assert document["text"] == (
        "President Zelensky’s “air defence” request – the café owners called it naïve."
    )
    assert document["warnings"] == "not UTF-8: decoded as cp1252"
    assert document["date"] == pd.Timestamp("2025-05-01")


def test_byte_order_marks_are_stripped(tmp_path):
    write(tmp_path / "bom8.txt", b"\xef\xbb\xbf date 2025-02-01 With BOM\nText.\n")
    write(tmp_path / "bom16.txt", " date 2025-02-02 UTF-16\nText.\n".encode("utf-16"))
    write(tmp_path / "table.csv", b"\xef\xbb\xbftext,title\nCSV text.,CSV\n")
    documents = load(tmp_path)
    assert documents["title"].tolist() == ["With BOM", "UTF-16", "CSV"]
    assert documents["date_source"].tolist() == ["header", "header", "missing"]
    assert documents["warnings"].eq("").all()
    assert not documents["text"].str.contains("\ufeff").any()


def test_malformed_date_line(tmp_path):
    write(tmp_path / "bad_date.txt", " date 2025-13-45 Title after a bad date\n\nBody.\n")
    with pytest.warns(CorpusWarning, match="1 with warnings"):
        document = load_corpus(tmp_path).iloc[0]
    assert pd.isna(document["date"]) and document["date_source"] == "missing"
    assert document["title"] == "Title after a bad date"
    assert document["text"] == "Body."
    assert "'2025-13-45'" in document["warnings"] and "bad_date.txt" in document["warnings"]


def test_far_future_date_is_undated_with_a_warning(tmp_path):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    write(tmp_path / "future.txt", " date 2099-01-01 From the future\nText.\n")
    write(tmp_path / "tomorrow.txt", f" date {tomorrow:%Y-%m-%d} Time zones\nText.\n")
    documents = load(tmp_path)
    future = row(documents, "future")
    assert pd.isna(future["date"]) and future["date_source"] == "missing"
    assert "2099-01-01 in future.txt is in the future" in future["warnings"]
    assert row(documents, "tomorrow")["date"] == pd.Timestamp(tomorrow)  # one day of slack


def test_other_date_spellings(tmp_path):
    write(tmp_path / "dates.csv", "text,date\na.,July 4 2025\nb.,2025-7-5\nc.,2025\nd.,\n")
    documents = load(tmp_path / "dates.csv").set_index("text")
    assert documents.loc["a.", "date"] == pd.Timestamp("2025-07-04")
    assert documents.loc["b.", "date"] == pd.Timestamp("2025-07-05")
    assert pd.isna(documents.loc["c.", "date"]) and "'2025'" in documents.loc["c.", "warnings"]
    assert pd.isna(documents.loc["d.", "date"]) and documents.loc["d.", "warnings"] == ""


def test_duplicate_doc_ids_get_a_suffix_whatever_the_load_order(tmp_path):
    write(tmp_path / "a" / "same.txt", "From folder a\nText a.\n")
    write(tmp_path / "b" / "same.txt", "From folder b\nText b.\n")
    for order in ([tmp_path / "a", tmp_path / "b"], [tmp_path / "b", tmp_path / "a"]):
        documents = load(order)
        assert row(documents, "same")["title"] == "From folder a"
        renamed = row(documents, "same~2")
        assert renamed["title"] == "From folder b"
        assert f"already taken by {tmp_path / 'a' / 'same.txt'}" in renamed["warnings"]
    table = write(tmp_path / "ids.csv", "id,text\nx,one\nx,two\nx~2,three\n")
    assert sorted(load(table)["doc_id"]) == ["x", "x~2", "x~3"]


def test_empty_texts_are_kept_with_a_warning(tmp_path):
    write(tmp_path / "title_only.txt", " date 2025-01-01 Just a title\n")
    write(tmp_path / "nothing.txt", b"")
    documents = load(tmp_path)
    assert documents["doc_id"].tolist() == ["title_only", "nothing"]
    assert documents["text"].tolist() == ["", ""]
    assert documents["warnings"].tolist() == ["empty text", "empty text"]
    assert documents["n_words"].tolist() == [3, 0]
    assert documents["duplicate_of"].tolist() == ["", ""]  # two empty texts are not copies


def test_fifty_megabyte_document(tmp_path):
    block = " ".join(f"word{i % 997} filler{i % 31}" for i in range(5000)) + "\n"
    body = block * (50_000_000 // len(block) + 1)
    write(tmp_path / "huge.txt", " date 2025-03-03 A huge document\n\n" + body)
    document = load(tmp_path).iloc[0]
    assert len(document["text"]) >= 50_000_000
    assert document["n_words"] == 3 + 10_000 * (50_000_000 // len(block) + 1)
    assert document["warnings"] == ""


def test_text_hygiene_spaces_newlines_nfc_and_what_is_kept(tmp_path):
    text = (
        "Title\u00a0with\u2009spaces\r\n"
        "Caf\u0065\u0301 \u201cquoted\u201d \u2014 dash\u202fand\u00a0more.\r\nSecond line.\r"
    )
    write(tmp_path / "spaces.txt", text)
    document = load(tmp_path).iloc[0]
    assert document["title"] == "Title with spaces"
    assert document["text"] == "Café “quoted” — dash and more.\nSecond line."
    assert "\u0301" not in document["text"]  # composed (NFC)
    assert document["warnings"] == ""


def test_markdown_front_matter_edge_cases(tmp_path):
    write(tmp_path / "bad_yaml.md", "---\ntitle: [unclosed\n---\n# Heading title\nBody text.\n")
    write(tmp_path / "no_close.md", "---\ntitle: Never closed\nBody text.\n")
    write(
        tmp_path / "published.md", "---\nheadline: Via alias\npublished: 2025-05-06\n---\nText.\n"
    )
    write(tmp_path / "crlf.txt", " date 2025-05-07 Windows lines\r\n\r\nFirst.\r\nSecond.\r\n")
    documents = load(tmp_path).set_index("doc_id")
    bad = documents.loc["bad_yaml"]
    assert (bad["title"], bad["text"]) == ("Heading title", "Body text.")
    assert bad["warnings"].startswith("front matter ignored: not valid YAML")
    unclosed = documents.loc["no_close"]
    assert unclosed["title"] == "---" and "no closing '---'" in unclosed["warnings"]
    alias = documents.loc["published"]
    assert alias["title"] == "Via alias" and alias["date"] == pd.Timestamp("2025-05-06")
    assert alias["date_source"] == "header"
    assert documents.loc["crlf", "text"] == "First.\nSecond."


def test_mojibake_is_flagged_never_rewritten(tmp_path):
    write(tmp_path / "moji.txt", "Zelenskyyâ€™s visit\nHe said itâ€™s time.\n")
    write(tmp_path / "clean.txt", "Zelensky’s visit\nCafé, naïve, Kyiv — fine.\n")
    documents = load(tmp_path)
    moji, clean = row(documents, "moji"), row(documents, "clean")
    assert moji["text"] == "He said itâ€™s time."
    assert moji["warnings"].startswith("possible mojibake")
    assert "; title: possible mojibake" in moji["warnings"]
    assert clean["warnings"] == ""


# --------------------------------------------------------------------------------------------
# Duplicates

WORDS = [f"w{i}" for i in range(1000)]


def article(seed: int, n: int = 200) -> str:
    """A text of n words drawn from WORDS; different seeds share almost no 5-word shingle."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def duplicate_frame() -> pd.DataFrame:
    base = article(1)
    words = base.split()
    near = " ".join(words[:-1] + ["changed"])  # 195 of 197 shingles shared: Jaccard 0.99
    far = " ".join(w if i % 10 else "x" for i, w in enumerate(words))  # every 10th word
    return pd.DataFrame(
        {
            "id": ["late", "early", "shout", "tie-b", "tie-a", "near", "far", "other", "tiny1",
                   "tiny2", "empty1", "empty2"],
            "date": ["2025-03-01", "2025-01-01", "2025-02-01", "", "", "2025-04-01",
                     "2025-01-15", "2025-01-01", "", "", "", ""],
            "text": [base, base, "  " + base.upper().replace(" ", "\n  ") + " ", article(2),
                     article(2), near, far, article(3), "Too short.", "too   SHORT.", "", ""],
        }
    )  # fmt: skip


def test_exact_and_near_duplicates_point_to_the_canonical_copy():
    documents = load(duplicate_frame())
    duplicate_of = documents.set_index("doc_id")["duplicate_of"].to_dict()
    assert duplicate_of == {
        "early": "",  # the earliest copy of base is canonical
        "late": "early",
        "shout": "early",  # same words, other case and whitespace: an exact copy
        "near": "early",  # Jaccard 0.99
        "far": "",  # Jaccard ~0.35: not a near-duplicate
        "other": "",
        "tie-a": "",  # undated copies: the smaller doc_id is canonical
        "tie-b": "tie-a",
        "tiny1": "",
        "tiny2": "tiny1",  # short texts match exactly, casefolded
        "empty1": "",
        "empty2": "",
    }
    assert documents.attrs["duplicates"] == {"exact": 4, "near": 1}
    assert unique_documents(documents)["doc_id"].tolist() == [
        "early", "other", "far", "empty1", "empty2", "tie-a", "tiny1",
    ]  # fmt: skip


def test_duplicates_do_not_depend_on_load_order():
    frame = duplicate_frame()
    first = load(frame)
    for seed in range(3):
        shuffled = frame.sample(frac=1, random_state=seed).reset_index(drop=True)
        again = load(shuffled)
        pd.testing.assert_frame_equal(first, again)


def test_near_duplicates_can_be_switched_off():
    documents = load(duplicate_frame(), near_duplicates=False)
    assert row(documents, "near")["duplicate_of"] == ""
    assert row(documents, "shout")["duplicate_of"] == "early"
    assert documents.attrs["duplicates"] == {"exact": 4, "near": 0}


def test_near_duplicate_threshold_is_verified_exactly():
    words = article(5, n=105).split()  # 101 shingles
    # Replacing the middle word replaces 5 shingles: 96 shared of 106 -> Jaccard 0.906.
    just_above = words[:52] + ["new"] + words[53:]
    # Replacing two distant words: 91 shared of 111 -> 0.82, below 0.9.
    below = words[:20] + ["new"] + words[21:80] + ["other"] + words[81:]
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "text": [" ".join(words), " ".join(just_above), " ".join(below)],
        }
    )
    duplicate_of = load(frame).set_index("doc_id")["duplicate_of"]
    assert duplicate_of.to_dict() == {"a": "", "b": "a", "c": ""}


def test_near_duplicates_of_near_duplicates_join_one_group():
    words = article(6, n=105).split()  # 101 shingles
    b = words[:30] + ["new"] + words[31:]  # a ~ b: Jaccard 0.906
    c = b[:70] + ["other"] + b[71:]  # b ~ c: 0.906, but a ~ c: 0.82
    # Six copies of d, each with one different final word: every pair is a near-duplicate, and
    # once they are joined the remaining pairs need no check (the group is the same).
    d = article(7, n=105).split()
    texts = [" ".join(t) for t in (words, b, c)] + [" ".join(d[:-1] + [f"x{k}"]) for k in range(6)]
    frame = pd.DataFrame({"id": ["a", "b", "c", "d0", "d1", "d2", "d3", "d4", "d5"], "text": texts})
    duplicate_of = load(frame).set_index("doc_id")["duplicate_of"].to_dict()
    assert duplicate_of == {
        "a": "", "b": "a", "c": "a", "d0": "", "d1": "d0", "d2": "d0", "d3": "d0", "d4": "d0",
        "d5": "d0",
    }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Summary, unique documents, warnings and the command line


def test_summary_warning_counts_warnings_and_exclusions(tmp_path):
    write(tmp_path / "ok.txt", "Fine\nText.\n")
    write(tmp_path / "empty.txt", "Empty\n")
    write(tmp_path / "blob.txt", b"\x00\x01")
    with pytest.warns(CorpusWarning) as record:
        load_corpus(tmp_path)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1
    assert "2 documents loaded: 1 with warnings" in messages[0]
    assert "1 inputs excluded" in messages[0] and "blob.txt" in messages[0]


def test_no_warning_when_all_is_clean(tmp_path):
    write(tmp_path / "ok.txt", "Fine\nText.\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        load_corpus(tmp_path)


def test_summarize_corpus_on_the_mixed_fixture():
    summary = summarize_corpus(load(MIXED))
    lines = summary.splitlines()
    assert lines[0].startswith("documents: 12 (12 unique), 108 words")
    assert "dates: 2025-01-15 to 2025-08-01 (8 dated: header 3, field 3, metadata 2)" in lines
    assert "undated: 4 (c2, delta, items:2, rows:2)" in lines
    assert "documents with warnings: 1 (bad date 1)" in lines
    assert "excluded inputs: 4" in lines
    assert any("unsupported file type '.odt'" in line for line in lines)
    assert len(lines) <= 25


def test_summarize_corpus_counts_duplicates():
    summary = summarize_corpus(load(duplicate_frame()))
    assert "duplicates: 5 copies of 3 documents (4 exact, 1 near)" in summary


def test_cli_prints_summary_and_writes_csv_and_parquet(tmp_path, capsys):
    out_csv = tmp_path / "out" / "documents.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        assert cli(["corpus", str(MIXED), "-o", str(out_csv)]) == 0
        assert cli(["corpus", str(MIXED), "--metadata", str(MIXED / "metadata.csv"),
                    "-o", str(tmp_path / "documents.parquet")]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert printed.count("documents: 12 (12 unique)") == 2
    written = pd.read_csv(out_csv, keep_default_na=False)
    assert list(written.columns) == DOCUMENT_COLUMNS
    assert written["doc_id"].tolist() == [r[0] for r in MIXED_EXPECTED]
    assert pd.read_parquet(tmp_path / "documents.parquet")["doc_id"].is_unique
    assert not list(tmp_path.glob("**/*.tmp"))  # the atomic write left no temporary file


def test_cli_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys):
    assert cli(["corpus", str(tmp_path / "absent")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and error.count("\n") == 1
    assert cli(["corpus", str(MIXED), "-o", str(tmp_path / "out.xlsx")]) == 2


# --------------------------------------------------------------------------------------------
# The real corpus (skipped where it is absent)


@pytest.fixture(scope="module")
def whitehouse(whitehouse_path) -> pd.DataFrame:
    return load(whitehouse_path)


@pytest.mark.corpus
def test_whitehouse_corpus_loads_every_document(whitehouse):
    documents = whitehouse
    check_contract(documents)
    assert len(documents) == 14_396  # no document lost
    assert documents.attrs["excluded"] == []
    assert documents["date"].notna().all() and set(documents["date_source"]) == {"field"}
    assert documents["date"].min() == pd.Timestamp("2021-01-15")
    assert documents["date"].max() == pd.Timestamp("2026-08-21")
    assert not documents["text"].str.contains("\u00a0").any()  # no-break spaces made plain


@pytest.mark.corpus
def test_whitehouse_duplicates(whitehouse):
    documents = whitehouse
    counts = documents.attrs["duplicates"]
    # The README's ~118 texts saved twice, plus 20 that differ only in case or whitespace.
    assert counts["exact"] == 138
    assert documents["text"].duplicated().sum() >= 118
    assert documents.loc[documents["text"].duplicated(), "duplicate_of"].ne("").all()
    assert 100 <= counts["near"] <= 400
    canonical = set(documents["duplicate_of"]) - {""}
    assert documents.set_index("doc_id").loc[sorted(canonical), "duplicate_of"].eq("").all()


def test_clean_array_rewrites_bytes_within_each_text():
    import pyarrow as pa

    from analysis.text.clean import clean_array

    cleaned = clean_array(
        pa.array(["a\r", "\nb\r\nc\u00a0d", None, "e\u2009\u202ff\rg", "Cafe\u0301"])
    )
    # "a\r" then "\nb": a CR ending one text and a LF starting the next are not one CRLF.
    assert cleaned.values.to_pylist() == ["a\n", "\nb\nc d", "", "e  f\ng", "Café"]
    assert cleaned.suspect_texts.tolist() == [4]  # only the text with an accent


def test_bulk_work_leaves_arrows_default_allocator_as_it_was():
    import pyarrow as pa

    from analysis.memory import bulk_memory

    before = pa.default_memory_pool().backend_name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        load_corpus(config.SEEDS_DIR)
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(RuntimeError), bulk_memory():
        assert pa.default_memory_pool().backend_name == "system"
        raise RuntimeError("restored even when the work fails")
    assert pa.default_memory_pool().backend_name == before


def test_surrogate_escapes_are_joined_or_flagged_never_a_crash(tmp_path):
    # JSON-style escapes spell an emoji as two halves; PyYAML keeps them apart, json keeps an
    # unpaired half: neither can become UTF-8. Pairs become the character, lone halves U+FFFD.
    write(tmp_path / "a.md", '---\ntitle: "Pair \\ud83d\\ude00 and lone \\ud83d"\n---\n\nNATO.\n')
    b = '[{"id": "b", "title": "Pair \\ud83d\\ude00", "text": "Lone \\udc00 NATO"}]'
    write(tmp_path / "b.json", b)
    c = '{"id": "c", "text": "Lone \\ud83d here"}\n{"id": "d", "text": "fine"}\n'
    write(tmp_path / "c.jsonl", c)
    with pytest.warns(CorpusWarning, match="3 with warnings"):
        documents = load_corpus(tmp_path).set_index("doc_id")
    assert documents.loc["a", "title"] == "Pair \U0001f600 and lone \ufffd"
    assert documents.loc["b", "title"] == "Pair \U0001f600"
    assert documents.loc["b", "text"] == "Lone \ufffd NATO"
    assert documents.loc["c", "text"] == "Lone \ufffd here"
    for doc_id in ("a", "b", "c"):
        assert "replacement character U+FFFD" in documents.loc[doc_id, "warnings"]
    assert documents.loc["d", "warnings"] == ""
    assert "replacement character 3" in summarize_corpus(documents.reset_index())


def test_a_csv_cell_longer_than_the_csv_modules_default_limit_loads(tmp_path):
    # The Kremlin releases hold articles of more than 128 KB in one cell.
    body = "Zelensky met NATO. " * 10_000  # 190,000 characters
    (tmp_path / "long.csv").write_text(f"id,date,text\nk1,2022-03-01,{body}\n", encoding="utf-8")
    documents = load(tmp_path / "long.csv")
    assert documents["doc_id"].tolist() == ["k1"]
    assert documents["text"].iloc[0] == body
