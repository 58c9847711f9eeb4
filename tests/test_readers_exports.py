"""Exports users hold, recognised by their shape (Media Cloud, NewsAPI, GDELT, Nexis .docx/.rtf,
plain .docx/.rtf), dates with their notes, and the table/JSON classes of issue 15 (fields first
seen late in JSON Lines, ragged CSV rows, nested objects, NUL characters).

Every expectation below was read off the fixture files in tests/fixtures/exports/ by hand, and
every test checks that documents in == documents out + exclusions listed.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import load_corpus
from analysis.corpus.dates import date_notes, parse_dates
from analysis.errors import InputError
from analysis.schema import DOCUMENT_COLUMNS

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def load(source, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loader's summary warning is tested in test_corpus
        return load_corpus(source, near_duplicates=False, **options)


def by_id(documents: pd.DataFrame) -> pd.DataFrame:
    return documents.set_index("doc_id")


def day(documents: pd.DataFrame, doc_id: str) -> str:
    return str(by_id(documents).loc[doc_id, "date"])[:10]


def test_media_cloud_csv_keeps_outlet_id_url_and_excludes_only_the_ragged_row():
    documents = load(EXPORTS / "mediacloud.csv")
    assert list(documents.columns) == DOCUMENT_COLUMNS
    # 4 data rows in the file = 3 documents + 1 exclusion (line 4 has 7 cells)
    assert documents["doc_id"].tolist() == ["1001", "1002", "1004"]
    assert documents.attrs["excluded"] == [
        {
            "path": str(EXPORTS / "mediacloud.csv"),
            "row": 3,
            "reason": "line 4: 7 cells where the header has 6",
        }
    ]
    docs = by_id(documents)
    assert docs["source"].tolist() == ["The Daily Example", "Wire Service", "Local Herald"]
    assert docs.loc["1002", "url"] == "https://wire.example/b"
    assert docs.loc["1002", "text"] == "A Patriot battery arrived, officials said."
    # 23:30 at UTC-05:00 is 2025-03-02 there (2025-03-03 in UTC): the local day is kept
    assert day(documents, "1002") == "2025-03-02"
    assert docs.loc["1002", "date_note"] == (
        "time 23:30 at UTC-05:00: the day there is kept (2025-03-02; 2025-03-03 in UTC)"
    )
    assert day(documents, "1004") == "2025-03-04"
    assert docs.loc["1004", "date_note"].startswith("ambiguous '03/04/2025': read month first")
    assert docs.loc["1001", "date_note"] == ""
    assert set(docs["date_source"]) == {"field"}


def test_newsapi_envelope_and_bare_list_flatten_source_and_cut_the_truncation():
    envelope = by_id(load(EXPORTS / "newsapi_envelope.json"))
    assert envelope.index.tolist() == ["newsapi_envelope:1", "newsapi_envelope:2"]
    first = envelope.loc["newsapi_envelope:1"]
    assert first["source"] == "BBC News"  # source.name, never "{'id': 'bbc-news', ...}"
    assert first["url"] == "https://www.bbc.co.uk/news/1"
    assert first["title"] == "Zelensky visits Washington"
    assert first["text"] == (
        "Volodymyr Zelensky arrived in Washington on Saturday to meet lawmakers"
    )
    assert "text truncated by the export: 2481 more characters not included" in first["warnings"]
    assert str(first["date"])[:10] == "2025-03-01"
    assert "in UTC" in first["date_note"]
    assert envelope.loc["newsapi_envelope:2", "source"] == "Reuters"
    assert envelope.loc["newsapi_envelope:2", "warnings"] == ""

    bare = load(EXPORTS / "newsapi_list.json")
    docs = by_id(bare)
    assert docs["source"].tolist() == ["The Guardian", "AP"]
    # content null: the description is the text
    assert docs.loc["newsapi_list:1", "text"] == "Orders for Javelin missiles rose."
    assert docs.loc["newsapi_list:2", "text"] == (
        "Drones struck the city overnight, officials said"
    )
    # 01:00 at UTC+03:00 on March 4 is March 3 in UTC: March 4 is kept
    assert day(bare, "newsapi_list:2") == "2025-03-04"
    assert docs.loc["newsapi_list:2", "date_note"] == (
        "time 01:00 at UTC+03:00: the day there is kept (2025-03-04; 2025-03-03 in UTC)"
    )
    assert bare.attrs["excluded"] == []


def test_newsapi_error_envelope_is_a_clear_error(tmp_path):
    path = tmp_path / "error.json"
    path.write_text(json.dumps({"status": "error", "code": "apiKeyInvalid", "message": "Bad key"}))
    with pytest.raises(
        InputError, match=r"error\.json: the export is an error response \(Bad key\)"
    ):
        load(path)


@pytest.mark.parametrize("name", ["gdelt.json", "gdelt.csv"])
def test_gdelt_article_lists_are_titles_with_a_note(name):
    documents = load(EXPORTS / name)
    assert len(documents) == 2 and documents.attrs["excluded"] == []
    assert set(documents["text"]) == {""}
    for warning in documents["warnings"]:
        assert "GDELT export: no article text, only the title is searched" in warning
    for note in documents["date_note"]:
        assert note.startswith("seendate: the day GDELT first saw the article (UTC)")
    if name == "gdelt.json":
        assert documents["source"].tolist() == ["lemonde.fr", "dw.com"]
        assert documents["title"].tolist() == ["L'OTAN se réunit", "NATO summit ends"]
        assert [str(d)[:10] for d in documents["date"]] == ["2025-03-01", "2025-03-02"]
        assert documents["url"].tolist()[1] == "https://www.dw.com/en/article-2"
    else:
        # the second row has no domain: the url's host is the outlet
        assert documents["source"].tolist() == ["kyivpost.com", "spiegel.de"]
        assert [str(d)[:10] for d in documents["date"]] == ["2025-03-05", "2025-03-06"]


def _nexis_docx(path: Path) -> Path:
    """A Nexis Uni export of 3 articles after a cover page, as python-docx writes it."""
    from docx import Document

    document = Document()
    for line in ["User Name: Test", "Documents (3)", "1. NATO meets in Brussels",
                 "Client/Matter: -None-"]:  # fmt: skip
        document.add_paragraph(line)
    articles = [
        ("NATO meets in Brussels", "The Guardian", "March 1, 2025 Saturday", "120",
         ["NATO ministers met in Brussels.", "They discussed air defence."]),
        ("Patriot batteries for Kyiv", "The New York Times", "March 2, 2025 Sunday 10:15 AM EST",
         "9", ["A Patriot battery arrived in Kyiv, officials said."]),
        ("No dateline here", "Financial Times", "Copyright 2025", "5",
         ["Zelensky spoke to reporters."]),
    ]  # fmt: skip
    for headline, outlet, dateline, length, body in articles:
        document.add_paragraph(headline, style="Heading 1")
        for line in [outlet, dateline, "Copyright 2025 The Publisher", "Section: WORLD",
                     f"Length: {length} words", "Byline: A. Writer", "Body"]:  # fmt: skip
            document.add_paragraph(line)
        for line in body:
            document.add_paragraph(line)
        trailer = ["Language: ENGLISH"] if outlet == "The Guardian" else []
        for line in ["Load-Date: March 3, 2025", *trailer, "End of Document"]:
            document.add_paragraph(line)
    document.save(path)
    return path


def test_nexis_docx_is_split_into_its_articles(tmp_path):
    documents = by_id(load(_nexis_docx(tmp_path / "nexis.docx")))
    assert documents.index.tolist() == ["nexis:1", "nexis:2", "nexis:3"]
    assert documents["title"].tolist() == [
        "NATO meets in Brussels",
        "Patriot batteries for Kyiv",
        "No dateline here",
    ]
    assert documents["source"].tolist()[:2] == ["The Guardian", "The New York Times"]
    assert documents.loc["nexis:1", "text"] == (
        "NATO ministers met in Brussels.\n\nThey discussed air defence."
    )
    assert [str(d)[:10] for d in documents["date"][:2]] == ["2025-03-01", "2025-03-02"]
    assert documents.loc["nexis:1", "date_note"] == "Nexis dateline"
    assert documents.loc["nexis:3", "date_source"] == "missing"
    assert "no dateline found in the Nexis article header" in documents.loc["nexis:3", "warnings"]
    # Length: 120 words, but the body holds 9: noted; 9 words stated and 9 found: nothing
    assert (
        "body has 9 words, the export says 'Length: 120 words'"
        in (documents.loc["nexis:1", "warnings"])
    )
    assert "Length" not in documents.loc["nexis:2", "warnings"]


def test_nexis_article_without_body_is_an_exclusion(tmp_path):
    from docx import Document

    document = Document()
    for line in [
        "Headline",
        "Outlet",
        "March 1, 2025",
        "Body",
        "Text one.",
        "End of Document",
        "Second headline",
        "Outlet",
        "March 2, 2025",
        "No body marker",
        "End of Document",
    ]:
        document.add_paragraph(line)
    document.save(tmp_path / "two.docx")
    documents = load(tmp_path / "two.docx")
    assert documents["doc_id"].tolist() == ["two:1"]
    assert documents.attrs["excluded"] == [
        {
            "path": str(tmp_path / "two.docx"),
            "row": 2,
            "reason": "Nexis article without a 'Body' line",
        }
    ]


def test_plain_docx_and_rtf_are_one_document(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Air defence in the east", style="Heading 1")
    document.add_paragraph("Ukraine asked for more Patriot systems.")
    document.add_paragraph("")
    document.add_paragraph("Officials in Kyiv said deliveries were late.")
    document.save(tmp_path / "plain.docx")
    expected_text = (
        "Ukraine asked for more Patriot systems.\n\nOfficials in Kyiv said deliveries were late."
    )
    for path in (tmp_path / "plain.docx", EXPORTS / "plain.rtf"):
        documents = load(path)
        assert documents["doc_id"].tolist() == ["plain"]
        assert documents["title"].tolist() == ["Air defence in the east"]
        assert documents["text"].tolist() == [expected_text]
        assert documents["date_source"].tolist() == ["missing"]


def test_nexis_rtf_is_split_like_docx(tmp_path):
    lines = [
        "Kyiv talks", "Reuters", "4 March 2025", "Length: 4 words", "Body",
        "Talks in Kyiv continued.", "End of Document", "HIMARS news", "AP",
        "March 5, 2025 Wednesday", "Body", "HIMARS were delivered.", "End of Document",
    ]  # fmt: skip
    rtf = "{\\rtf1\\ansi " + "".join(f"\\pard {line}\\par\n" for line in lines) + "}"
    (tmp_path / "export.rtf").write_text(rtf)
    documents = by_id(load(tmp_path / "export.rtf"))
    assert documents.index.tolist() == ["export:1", "export:2"]
    assert documents["source"].tolist() == ["Reuters", "AP"]
    assert documents["text"].tolist() == ["Talks in Kyiv continued.", "HIMARS were delivered."]
    assert [str(d)[:10] for d in documents["date"]] == ["2025-03-04", "2025-03-05"]


def test_not_a_docx_or_rtf_is_an_error_named_and_an_exclusion_in_a_folder(tmp_path):
    (tmp_path / "fake.docx").write_bytes(b"not a zip file at all")
    (tmp_path / "fake.rtf").write_text("plain text, no RTF header")
    (tmp_path / "ok.txt").write_text("Title\n\nNATO.\n")
    with pytest.raises(InputError, match=r"fake\.docx: not a readable \.docx"):
        load(tmp_path / "fake.docx")
    with pytest.raises(InputError, match=r"fake\.rtf: not an RTF file"):
        load(tmp_path / "fake.rtf")
    documents = load(tmp_path)
    assert documents["doc_id"].tolist() == ["ok"]
    assert sorted(e["path"].rsplit("/", 1)[-1] for e in documents.attrs["excluded"]) == [
        "fake.docx",
        "fake.rtf",
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_json_lines_fields_first_seen_late_are_read(tmp_path, suffix):
    import gzip

    lines = [{"id": f"r{i}", "text": f"Row {i} NATO."} for i in range(1, 250)]
    lines += [
        {"id": "r250", "text": "Late.", "title": "Late title", "date": "2024-10-29 23:59:00-04:00"},
        {"id": "r251", "text": "Nested.", "source": {"name": "BBC News", "id": "bbc"}},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    path = tmp_path / f"late{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    documents = by_id(load(path))
    assert len(documents) == 251 and documents.attrs["excluded"] == []
    assert documents.loc["r250", "title"] == "Late title"
    # local day kept: 23:59 at UTC-04:00 on the 29th (the 30th in UTC)
    assert str(documents.loc["r250", "date"])[:10] == "2024-10-29"
    assert documents.loc["r251", "source"] == "BBC News"
    assert documents.loc["r1", "source"] == ""


def test_json_lines_nested_and_bad_lines_line_by_line(tmp_path):
    text = (
        '{"id": "a", "text": "One.", "source": "Plain outlet"}\n'
        '{"id": "b", "text": "Two.", "source": {"name": "Nested outlet"}, '
        '"authors": [{"name": "X"}, {"name": "Y"}]}\n'
        "not json\n"
        '{"id": "c", "text": "Three\\u0000 NUL.", "url": ["https://a.example", "https://b.example"]}\n'
    )
    (tmp_path / "mixed.jsonl").write_text(text)
    documents = load(tmp_path / "mixed.jsonl")
    # 4 lines = 3 documents + 1 exclusion
    assert documents["doc_id"].tolist() == ["a", "b", "c"]
    assert [e["row"] for e in documents.attrs["excluded"]] == [3]
    docs = by_id(documents)
    assert docs["source"].tolist() == ["Plain outlet", "Nested outlet", ""]
    assert not any("{" in value for value in docs["source"])
    assert docs.loc["c", "url"] == "https://a.example, https://b.example"
    assert docs.loc["c", "text"] == "Three NUL."
    assert "1 NUL character(s) removed from the text" in docs.loc["c", "warnings"]


def test_a_frame_with_dict_cells_is_flattened():
    frame = pd.DataFrame(
        {"text": ["A.", "B."], "source": [{"name": "BBC"}, {"name": "AP", "id": "ap"}]}
    )
    documents = load(frame)
    assert documents["source"].tolist() == ["BBC", "AP"]


def test_ragged_tsv_rows_each_an_exclusion(tmp_path):
    (tmp_path / "t.tsv").write_text("id\ttext\n1\tOne.\n2\n3\tThree.\textra\n4\tFour.\n")
    documents = load(tmp_path / "t.tsv")
    assert documents["doc_id"].tolist() == ["1", "4"]
    assert [(e["row"], e["reason"]) for e in documents.attrs["excluded"]] == [
        (2, "line 3: 1 cells where the header has 2"),
        (3, "line 4: 3 cells where the header has 2"),
    ]


@pytest.mark.parametrize(
    ("value", "expected_day", "note"),
    [
        ("2025-03-01", "2025-03-01", ""),
        ("13/04/2025", "2025-04-13", ""),  # 13 cannot be a month: not ambiguous
        ("04/04/2025", "2025-04-04", ""),  # the same either way
        ("03/04/2025", "2025-03-04",
         "ambiguous '03/04/2025': read month first as 2025-03-04 (day first would be 2025-04-03)"),
        ("Mar 4, 25", "2025-03-04", "two-digit year in 'Mar 4, 25': read as 2025"),
        ("Tue, 01 Mar 2025 23:00:00 -0500", "2025-03-01",
         "time 23:00 at UTC-05:00: the day there is kept (2025-03-01; 2025-03-02 in UTC)"),
        ("2025-03-01T10:00:00+02:00", "2025-03-01",
         "time 10:00 at UTC+02:00: the day there is kept (2025-03-01)"),
        ("20250301T101500Z", "2025-03-01",
         "time 10:15 in UTC: the day in UTC (2025-03-01); the outlet's zone not given"),
        ("not a date", "NaT", ""),
    ],
)  # fmt: skip
def test_date_notes(value, expected_day, note):
    values = pd.Series([value])
    dates, _ = parse_dates(values)
    assert str(dates[0])[:10] == expected_day
    assert date_notes(values, dates) == [note]


def test_sidecar_date_gets_its_own_note(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2025-03-01 Title\n\nNATO.\n")
    (tmp_path / "metadata.csv").write_text("doc_id,date\na,03/04/2025\n")
    documents = load(tmp_path)
    assert documents["date_source"].tolist() == ["metadata"]
    assert documents["date_note"].tolist()[0].startswith("ambiguous '03/04/2025'")


# --- the language an export, a file or the sidecar declares ------------------------------


def test_gdelt_language_names_become_codes_and_the_country_a_note():
    for name in ("gdelt.csv", "gdelt.json"):
        documents = load(EXPORTS / name)
        countries = [
            w.split("source country (GDELT sourcecountry): ")[1].split(";")[0]
            for w in documents["warnings"]
        ]
        if name == "gdelt.csv":
            assert documents["language"].tolist() == ["en", "de"]  # English, German
            assert countries == ["Ukraine", "Germany"]
        else:
            assert documents["language"].tolist() == ["fr", "en"]  # French, English
            assert countries == ["France", "Germany"]
        assert documents["source"].tolist()[0] in ("kyivpost.com", "lemonde.fr")  # not a country


def test_export_language_fields_and_none_where_undeclared(tmp_path):
    (tmp_path / "stories.csv").write_text(
        "stories_id,publish_date,media_name,url,title,text,language\n"
        "7,2025-03-01,Ukrainska Pravda,https://pravda.example/7,Kyiv,Kyiv met the mayors.,uk\n"
        "8,2025-03-01,Example Daily,https://daily.example/8,NATO,NATO met in Brussels.,\n",
        encoding="utf-8",
    )
    (tmp_path / "newsapi.json").write_text(
        '{"status": "ok", "articles": [{"source": {"name": "El País"}, "title": "OTAN", '
        '"publishedAt": "2025-03-02T10:00:00Z", "url": "https://elpais.example/1", '
        '"content": "La OTAN se reunió en Bruselas.", "language": "es"}]}',
        encoding="utf-8",
    )
    documents = by_id(load(tmp_path, metadata=False))
    assert documents["language"].to_dict() == {"7": "uk", "8": "", "newsapi:1": "es"}
    # newsapi_list.json has no language field at all
    assert set(load(EXPORTS / "newsapi_list.json")["language"]) == {""}


def test_front_matter_json_and_plain_text_languages(tmp_path):
    (tmp_path / "kyiv.md").write_text(
        "---\ntitle: Kyiv\ndate: 2025-03-01\nlang: pl-PL\n---\nMiasto Kyiv świętuje.\n",
        encoding="utf-8",
    )
    (tmp_path / "riga.json").write_text(
        '[{"id": "riga", "title": "Riga", "text": "Riga svin.", "language": "lav"}]',
        encoding="utf-8",
    )
    (tmp_path / "plain.txt").write_text("A title\n\nAn English text, declared nowhere.\n")
    documents = by_id(load(tmp_path, metadata=False))
    assert documents["language"].to_dict() == {"kyiv": "pl", "riga": "lv", "plain": ""}


def test_sidecar_language_overrides_and_nexis_trailer(tmp_path):
    _nexis_docx(tmp_path / "nexis.docx")
    (tmp_path / "metadata.csv").write_text(
        "doc_id,language\nnexis:2,English\nnexis:3,\n", encoding="utf-8"
    )
    documents = by_id(load(tmp_path))
    # article 1: "Language: ENGLISH" in its trailer; 2: from the sidecar; 3: declared nowhere
    assert documents["language"].to_dict() == {"nexis:1": "en", "nexis:2": "en", "nexis:3": ""}
