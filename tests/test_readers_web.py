"""Web pages, feeds and web archives (issue 13 items 1-3), on hand-made fixtures.

The pages in tests/fixtures/web are small news pages with the furniture of real ones (cookie
banners, navigation, adverts, share bars, related links, comments, footers, JSON-LD, og tags);
the furniture carries marker words in capitals (NAVSUBSCRIBE, FOOTERCOPYRIGHT ...) that must
never reach a document's text. The web archives are written in each test with warcio's writer.
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
import warnings
import zlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import load_corpus
from analysis.corpus.readers.base import Source
from analysis.corpus.readers.html import NotAnArticle, parse_page
from analysis.errors import InputError

WEB = Path(__file__).parent / "fixtures" / "web"
FURNITURE = (
    "ACCEPT-ALL-COOKIES", "NAVSUBSCRIBE", "WATCHSALE", "INLINEPROMO", "SHAREBAR",
    "RELATEDRECIPES", "COMMENTER99", "FOOTERCOPYRIGHT", "UA-TRACKER", "NAVLOGIN",
    "COOKIENOTICE", "FOOTERBALTIC", "TOPBARWEATHER", "SIDEBARSIGNUP", "FOOTERCONTACT",
    "NAVOPINION", "FOOTERVALLEY", "FEEDSCRIPT",
)  # fmt: skip


def _load(*paths) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(list(paths), metadata=False)


def _copy(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in names:
        shutil.copy(WEB / name, folder / name)
    return folder


def _reasons(documents: pd.DataFrame) -> dict[tuple[str, int | None], str]:
    return {(Path(e["path"]).name, e["row"]): e["reason"] for e in documents.attrs["excluded"]}


def _no_furniture(text: str) -> None:
    leaked = [marker for marker in FURNITURE if marker in text]
    assert not leaked, f"boilerplate in the body: {leaked}"


# --- web pages ---------------------------------------------------------------------------


def test_news_page_with_json_ld_and_og_tags():
    page = parse_page((WEB / "ledger_jsonld.html").read_bytes())
    assert page.title == "Kyiv power grid holds after overnight strikes"
    # datePublished 2024-10-29T23:59:00-04:00: the day in the outlet's own zone, not UTC's 30th
    assert page.date == "2024-10-29"
    assert (page.date_note, page.notes) == ("date from JSON-LD datePublished", [])
    assert page.outlet == "The Riverside Ledger"  # og:site_name before the JSON-LD publisher
    assert page.url == "https://www.riversideledger.example/world/kyiv-grid-holds"
    assert page.language == "en-GB"
    assert page.text.startswith("Engineers in Kyiv restored electricity to most districts")
    assert "the coldest weeks of the year, when demand for heating peaks." in page.text
    assert '"The grid held because we prepared for this winter' in page.text
    assert page.text.count("\n\n") == 4  # five paragraphs, the headline not repeated
    _no_furniture(page.text)


def test_declared_windows_1252_page_with_publisher_and_og_url():
    page = parse_page((WEB / "meta_cp1252.htm").read_bytes())
    assert page.title == "Caf\u00e9 owners in Riga count the cost of energy prices"
    assert page.date == "2023-02-14"
    assert page.date_note == "date from the meta tag 'article:published_time'"
    assert page.outlet == "Baltic Wire"  # JSON-LD publisher inside @graph
    assert page.url == "https://balticwire.example/economy/riga-cafes"
    assert "\u201cWe switch the ovens off at three now,\u201d said the owner" in page.text
    assert "Caf\u00e9 owners in the Latvian capital" in page.text
    _no_furniture(page.text)


def test_date_from_the_url_and_outlet_from_the_host():
    page = parse_page((WEB / "url_date.html").read_bytes())
    assert (page.title, page.date) == (
        "Harbour authority approves new grain terminal",
        "2023-05-17",
    )
    assert page.date_note == "date from the URL path"
    assert page.outlet == "news.portcity.example"
    assert page.url == "https://news.portcity.example/2023/05/17/harbour-grain-terminal/"
    assert "Construction is due to start in the autumn" in page.text
    _no_furniture(page.text)


def test_date_from_a_time_element_and_title_without_the_outlet():
    page = parse_page((WEB / "time_only.html").read_bytes())
    assert page.title == "Volunteers reopen flooded library"
    assert (page.date, page.date_note) == ("2022-03-01", "date from a <time> element")
    assert (page.outlet, page.url, page.language) == ("Valley Courier", "", "en-US")
    _no_furniture(page.text)


def test_pages_that_give_no_document():
    with pytest.raises(NotAnArticle, match="no article text"):
        parse_page((WEB / "no_article.html").read_bytes())
    with pytest.raises(NotAnArticle, match="binary"):
        parse_page((WEB / "broken_image.html").read_bytes())
    with pytest.raises(NotAnArticle, match="not HTML"):
        parse_page(b"just some words, no markup at all")


def test_charset_from_the_http_header_wins_and_a_false_one_is_noted():
    body = (
        "<p>Z\u00fcrich gr\u00fc\u00dft \u201cdie Welt\u201d, sagte die Stadtpr\u00e4sidentin "
        "am Montag.</p>"
    )
    html = f"<html><head><title>Z\u00fcrich</title></head><body><article>{body * 3}</article>"
    page = parse_page(html.encode("cp1252"), charset="windows-1252")
    assert "Z\u00fcrich gr\u00fc\u00dft \u201cdie Welt\u201d" in page.text and page.notes == []
    # Declared UTF-8 but the bytes are Windows-1252: decoded by detection, with a note.
    page = parse_page(html.encode("cp1252"), charset="utf-8")
    assert "Z\u00fcrich gr\u00fc\u00dft" in page.text
    assert page.notes and page.notes[0] == "not valid utf-8 as declared: decoded by detection"


def test_a_folder_of_pages_loads_with_dates_outlets_and_exclusions(tmp_path):
    folder = _copy(
        tmp_path, "ledger_jsonld.html", "meta_cp1252.htm", "url_date_gz.html.gz",
        "time_only.html", "no_article.html", "broken_image.html",
    )  # fmt: skip
    documents = _load(folder)
    by_id = documents.set_index("doc_id")
    assert list(by_id.index) == ["time_only", "meta_cp1252", "url_date_gz", "ledger_jsonld"]
    assert by_id.loc["url_date_gz", "date"] == pd.Timestamp("2023-05-17")  # gzipped page
    assert set(documents["date_source"]) == {"html"}
    assert by_id.loc["ledger_jsonld", "source"] == "The Riverside Ledger"
    assert by_id.loc["ledger_jsonld", "date_note"] == "date from JSON-LD datePublished"
    assert set(documents["warnings"]) == {""}  # a clue is not a warning
    assert _reasons(documents) == {
        ("no_article.html", None): "no article text",
        ("broken_image.html", None): "binary content, not a web page",
    }


# --- feeds -------------------------------------------------------------------------------


def test_rss_2_with_content_encoded(tmp_path):
    documents = _load(_copy(tmp_path, "ledger_world.rss"))
    rows = documents.set_index("doc_id")
    first, second = rows.loc["ledger_world:1"], rows.loc["ledger_world:2"]
    assert first["title"] == "Kyiv power grid holds after overnight strikes"
    assert first["date"] == pd.Timestamp("2024-10-29")  # -0400: the feed's own day
    assert first["source"] == "The Riverside Ledger - World"
    assert first["url"] == "https://www.riversideledger.example/world/kyiv-grid-holds"
    assert first["text"].startswith("Engineers in Kyiv restored electricity")
    assert "SUMMARYONLY" not in first["text"]  # content:encoded wins over the description
    _no_furniture(first["text"])
    assert second["title"] == "Grain corridor ships leave Odesa & Chornomorsk"
    assert second["text"] == (
        "Three bulk carriers loaded with maize left the ports of Odesa and Chornomorsk on "
        "Wednesday."
    )
    assert set(documents["date_source"]) == {"field"}
    assert _reasons(documents) == {("ledger_world.rss", 3): "no article text"}


def test_rss_1_rdf_with_dublin_core_dates(tmp_path):
    documents = _load(_copy(tmp_path, "wire_rdf.rss"))
    assert documents["title"].tolist() == [
        "Caf\u00e9 owners in Riga count the cost of energy prices",
        "Tallinn council delays budget vote",
    ]
    assert documents["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-02-14", "2023-02-15"]
    assert set(documents["source"]) == {"Baltic Wire"}
    assert documents["url"].tolist()[1] == "https://balticwire.example/politics/tallinn-vote"


def test_atom_published_then_updated_in_the_entry_zone(tmp_path):
    documents = _load(_copy(tmp_path, "courier.atom")).set_index("doc_id")
    library, bridge = documents.loc["courier:1"], documents.loc["courier:2"]
    assert library["date"] == pd.Timestamp("2022-03-01")  # published, not updated (03-02)
    assert library["text"] == (
        "More than two hundred volunteers spent the weekend drying books so that the town "
        "library could reopen on Monday.\n\nAbout four thousand books were lost, most of them "
        "from the children's section."
    )
    assert library["url"] == "https://valleycourier.example/local/library-reopens"
    assert bridge["title"] == "Bridge repairs finish early"  # type="html" title, tags removed
    assert bridge["date"] == pd.Timestamp("2022-03-01")  # 23:30 -08:00, the 2nd in UTC
    assert bridge["date_note"] == "the item's updated date (none published)"
    assert set(documents["source"]) == {"Valley Courier"}


def test_xml_is_read_when_it_is_a_feed_and_excluded_when_not(tmp_path):
    documents = _load(_copy(tmp_path, "headlines_091.xml", "sitemap.xml"))
    assert documents["title"].tolist() == ["Harbour authority approves new grain terminal"]
    assert documents["source"].tolist() == ["Port City News"]
    assert documents["date_source"].tolist() == ["missing"]  # RSS 0.91 items have no date
    assert _reasons(documents) == {
        ("sitemap.xml", None): "not an RSS or Atom feed (root element <urlset>)"
    }
    with pytest.raises(InputError, match=r"sitemap\.xml: not an RSS or Atom feed"):
        _load(WEB / "sitemap.xml")


# --- web archives ------------------------------------------------------------------------

LEDGER_URI = "https://www.riversideledger.example/world/kyiv-grid-holds"
ZURICH_URI = "https://zeitung.example/zuerich/stadt-gruesst"
ZURICH_PAGE = (
    "<!DOCTYPE html><html lang='de-CH'><head><title>Z\u00fcrich gr\u00fc\u00dft</title>"
    "<meta property='og:site_name' content='Zeitung am See'></head><body>"
    "<nav><a href='/'>Start</a> <a href='/abo'>Abo NAVLOGIN</a></nav><article>"
    "<h1>Z\u00fcrich gr\u00fc\u00dft die Welt</h1>"
    "<p>Die Stadtpr\u00e4sidentin er\u00f6ffnete am Montag das Fest am Seeufer vor "
    "zw\u00f6lftausend G\u00e4sten, die trotz Regen gekommen waren.</p>"
    "<p>\u201eWir sind eine offene Stadt\u201c, sagte sie, und dankte den Freiwilligen, die "
    "seit Wochen B\u00fchnen und St\u00e4nde aufgebaut hatten.</p>"
    "<p>Das Fest dauert bis Sonntag; der Eintritt ist f\u00fcr alle frei.</p>"
    "</article><footer>Zeitung am See FOOTERCONTACT</footer></body></html>"
).encode("cp1252")  # no <meta charset>: only the HTTP header says windows-1252
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _write_warc(path: Path, *, gzipped: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def http(content_type: str, status: str = "200 OK") -> StatusAndHeaders:
        return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders(
            "GET /world/kyiv-grid-holds HTTP/1.1",
            [("Host", "www.riversideledger.example")],
            is_http_request=True,
        )
        records = [
            (LEDGER_URI, "request", None, None, request, "2024-11-02T10:00:00Z"),
            (
                LEDGER_URI, "response", (WEB / "ledger_jsonld.html").read_bytes(), None,
                http("text/html; charset=utf-8"), "2024-11-02T10:00:01Z",
            ),
            (LEDGER_URI, "metadata", b"outlink: /world\n", "text/plain", None,
             "2024-11-02T10:00:01Z"),
            ("https://www.riversideledger.example/logo.png", "response", PNG, None,
             http("image/png"), "2024-11-02T10:00:02Z"),
            (ZURICH_URI, "response", ZURICH_PAGE, None, http("text/html; charset=windows-1252"),
             "2025-06-30T23:10:00Z"),
            ("https://zeitung.example/gone", "response", b"<html>gone</html>", None,
             http("text/html", "404 Not Found"), "2025-06-30T23:11:00Z"),
        ]  # fmt: skip
        for uri, kind, payload, content_type, headers, date in records:
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    kind,
                    payload=io.BytesIO(payload) if payload is not None else None,
                    http_headers=headers,
                    warc_content_type=content_type,
                    warc_headers_dict={"WARC-Date": date},
                )
            )


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_documents(tmp_path, name):
    archive = tmp_path / name
    _write_warc(archive, gzipped=name.endswith(".gz"))
    if name.endswith(".gz"):
        assert archive.read_bytes()[:2] == b"\x1f\x8b"
    documents = _load(archive).set_index("doc_id")
    assert list(documents.index) == ["crawl:3", "crawl:6"]  # records 3 and 6 of 7
    ledger, zurich = documents.loc["crawl:3"], documents.loc["crawl:6"]
    assert ledger["title"] == "Kyiv power grid holds after overnight strikes"
    assert ledger["date"] == pd.Timestamp("2024-10-29")  # the page's date, not the capture's
    assert (ledger["source"], ledger["url"]) == ("The Riverside Ledger", LEDGER_URI)
    assert zurich["title"] == "Z\u00fcrich gr\u00fc\u00dft die Welt"  # the one <h1>
    assert zurich["date"] == pd.Timestamp("2025-06-30")  # WARC-Date: no date in the page
    assert zurich["date_note"] == "no date in the page: the capture date was used"
    assert zurich["date_source"] == "html"
    assert (zurich["source"], zurich["url"]) == ("Zeitung am See", ZURICH_URI)
    assert "\u201eWir sind eine offene Stadt\u201c, sagte sie" in zurich["text"]
    _no_furniture(zurich["text"] + ledger["text"])
    assert _reasons(documents) == {
        (name, 5): "not an HTML page (image/png) at https://www.riversideledger.example/logo.png",
        (name, 7): "HTTP 404 response for https://zeitung.example/gone",
    }


PNG_EXCLUDED = "not an HTML page (image/png) at https://www.riversideledger.example/logo.png"


def _plain_warc(tmp_path: Path) -> bytes:
    plain = tmp_path / "plain.warc"
    _write_warc(plain, gzipped=False)
    return plain.read_bytes()


def test_a_warc_gzipped_as_one_whole_file_is_read(tmp_path):
    """``gzip crawl.warc`` (one gzip member for the whole archive, which warcio refuses) gives
    the same documents and exclusions as the archive gzipped record by record."""
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(gzip.compress(_plain_warc(tmp_path)))
    documents = _load(archive).set_index("doc_id")
    assert list(documents.index) == ["crawl:3", "crawl:6"]  # records 3 and 6 of 7
    assert documents.loc["crawl:3", "title"] == "Kyiv power grid holds after overnight strikes"
    assert documents.loc["crawl:6", "url"] == ZURICH_URI
    assert documents.loc["crawl:6", "date"] == pd.Timestamp("2025-06-30")  # the WARC-Date
    assert _reasons(documents) == {
        ("crawl.warc.gz", 5): PNG_EXCLUDED,
        ("crawl.warc.gz", 7): "HTTP 404 response for https://zeitung.example/gone",
    }


@pytest.mark.parametrize("read_bytes", [1 << 16, 1], ids=["64kB-reads", "1-byte-reads"])
def test_whole_file_gzips_joined_one_after_another_are_read(tmp_path, monkeypatch, read_bytes):
    """``cat part1.warc.gz part2.warc.gz``: two members, each holding several records; read
    1 byte at a time too, so that a member's end and the next one's header fall between reads."""
    from analysis.corpus.readers import warc

    monkeypatch.setattr(warc._WholeGzip, "_IN", read_bytes)
    data = _plain_warc(tmp_path)
    png = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", data)][4]  # record 5
    archive = tmp_path / "joined.warc.gz"
    archive.write_bytes(gzip.compress(data[:png]) + gzip.compress(data[png:]))
    documents = _load(archive)
    assert documents["doc_id"].tolist() == ["joined:3", "joined:6"]
    assert _reasons(documents) == {
        ("joined.warc.gz", 5): PNG_EXCLUDED,
        ("joined.warc.gz", 7): "HTTP 404 response for https://zeitung.example/gone",
    }


def test_a_whole_file_gzip_cut_short_keeps_what_it_read_and_says_so(tmp_path):
    data = _plain_warc(tmp_path)
    zurich = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", data)][5]  # record 6
    compressor = zlib.compressobj(wbits=31)  # a gzip stream with no end: cut inside record 6
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(compressor.compress(data[: zurich + 300]) + compressor.flush(zlib.Z_SYNC_FLUSH))
    documents = _load(cut)
    assert documents["doc_id"].tolist() == ["cut:3"]
    assert _reasons(documents) == {
        ("cut.warc.gz", 5): PNG_EXCLUDED,
        ("cut.warc.gz", 6): "archive unreadable after record 5: the gzip stream ends early",
    }


def test_a_truncated_archive_keeps_what_it_read_and_says_where_it_stopped(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    _write_warc(whole, gzipped=True)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.8)])  # inside the Zurich page's record
    documents = _load(cut)
    assert documents["doc_id"].tolist() == ["cut:3"]
    reasons = [e["reason"] for e in documents.attrs["excluded"]]
    assert any(r.startswith("archive unreadable after record") for r in reasons), reasons


def test_a_file_that_is_no_archive_is_an_error_when_named(tmp_path):
    fake = tmp_path / "fake.warc"
    fake.write_text("this is not a web archive\n")
    with pytest.raises(InputError, match=r"fake\.warc: not a WARC or ARC archive"):
        _load(fake)


@pytest.mark.parametrize("whole", [False, True], ids=["per-record-gzip", "whole-file-gzip"])
def test_arc_files_are_read_too(tmp_path, whole):
    """An ARC v1 file (the Internet Archive's older format), written here by hand."""
    page = (WEB / "time_only.html").read_bytes()
    response = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    header = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = b"filedesc://test.arc 0.0.0.0 20220305120000 text/plain %d\n" % len(header)
    url = b"https://valleycourier.example/local/library-reopens"
    record = b"%s 192.0.2.1 20220305120000 text/html %d\n" % (url, len(response))
    arc = tmp_path / "old.arc.gz"  # one gzip member per record, as archives are written
    arc.write_bytes(
        gzip.compress(filedesc + header + b"\n" + record + response + b"\n")
        if whole
        else gzip.compress(filedesc + header + b"\n") + gzip.compress(record + response + b"\n")
    )
    documents = _load(arc)
    assert documents["title"].tolist() == ["Volunteers reopen flooded library"]
    assert documents["date"].tolist() == [pd.Timestamp("2022-03-01")]  # <time>, not capture
    assert documents["url"].tolist() == [url.decode()]


def test_the_reader_streams_records_lazily(tmp_path):
    """The WARC reader hands documents on one by one (a generator), not as one list."""
    from analysis.corpus.readers.warc import read_warc

    archive = tmp_path / "lazy.warc"
    _write_warc(archive, gzipped=False)
    excluded = []
    documents = read_warc(Source(archive, str(archive), {}, lambda *e: excluded.append(e)))
    assert not isinstance(documents, list)
    first = next(documents)
    assert first["row"] == 3 and excluded == []  # nothing past the first page read yet
    assert [d["row"] for d in documents] == [6] and len(excluded) == 2


# --- the language a page, feed or archive declares ---------------------------------------


@pytest.mark.parametrize(
    ("declared", "code"),
    [
        ("en-GB", "en"), ("en_US", "en"), ("DE", "de"), ("zh-Hant-TW", "zh"), ("eng", "en"),
        ("English", "en"), ("  french ", "fr"), ("iw", "he"), ("en, fr", "en"), ("x-default", ""),
        ("und", ""), ("mul", ""), ("", ""), ("12", ""), (None, ""), ("Klingon", ""),
    ],
)  # fmt: skip
def test_language_code_spellings(declared, code):
    from analysis.corpus.languages import language_code

    assert language_code(declared) == code


_UK_PAGE = (
    "<!DOCTYPE html><html><head><meta property='og:locale' content='uk_UA'>"
    "<meta property='og:site_name' content='Kyiv Herald'><title>Kyiv</title></head><body>"
    "<article><h1>Kyiv after the storm</h1><p>Crews in Kyiv cleared the fallen trees from the "
    "avenues overnight, and trams were running again by seven in the morning.</p><p>The city "
    "council said that every district had power and water again by the afternoon.</p>"
    "</article></body></html>"
)


def test_pages_language_from_html_lang_or_og_locale_and_empty_when_undeclared(tmp_path):
    folder = _copy(tmp_path, "ledger_jsonld.html", "url_date.html", "meta_cp1252.htm")
    (folder / "herald.html").write_text(_UK_PAGE, encoding="utf-8")
    documents = _load(folder).set_index("doc_id")
    assert documents["language"].to_dict() == {
        "ledger_jsonld": "en",  # <html lang="en-GB">
        "url_date": "",  # no lang attribute, no og:locale: never guessed from the English text
        "meta_cp1252": "en",  # <html lang="en">
        "herald": "uk",  # og:locale uk_UA, no lang attribute
    }


_FEED_LANGUAGES_RSS = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kyiv Wire'
    "</title><link>https://wire.example/</link><description>News</description>"
    "<language>uk-UA</language><item><title>Mist</title><link>https://wire.example/1</link>"
    "<description>Kyiv city council met on Monday to discuss the repairs to the bridge."
    "</description>"
    "</item></channel></rss>"
)
_FEED_LANGUAGES_ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
    'xml:lang="de"><title>Seeblatt</title><id>tag:seeblatt.example,2024:feed</id>'
    "<updated>2024-05-02T10:00:00Z</updated>"
    "<entry><title>Markt</title><id>tag:seeblatt.example,2024:1</id>"
    '<link href="https://seeblatt.example/1"/><updated>2024-05-01T10:00:00Z</updated>'
    "<summary>Der Wochenmarkt zieht an den Hafen um, sagte die Stadt am Mittwoch.</summary>"
    '</entry><entry xml:lang="fr"><title>March\u00e9</title><id>tag:seeblatt.example,2024:2'
    '</id><link href="https://seeblatt.example/2"/><updated>2024-05-01T11:00:00Z</updated>'
    "<summary>Le march\u00e9 hebdomadaire d\u00e9m\u00e9nage au port, a dit la ville.</summary>"
    "</entry></feed>"
)


def test_feed_items_take_their_own_language_else_the_feeds(tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "wire.rss").write_text(_FEED_LANGUAGES_RSS, encoding="utf-8")
    (folder / "seeblatt.atom").write_text(_FEED_LANGUAGES_ATOM, encoding="utf-8")
    shutil.copy(WEB / "courier.atom", folder / "courier.atom")  # declares no language
    documents = _load(folder).set_index("doc_id")
    languages = documents["language"].to_dict()
    assert {k: v for k, v in languages.items() if not k.startswith("courier")} == {
        "wire:1": "uk",  # the channel's <language>uk-UA</language>
        "seeblatt:1": "de",  # the feed's xml:lang
        "seeblatt:2": "fr",  # the entry's own xml:lang
    }
    assert {v for k, v in languages.items() if k.startswith("courier")} == {""}


def test_warc_pages_keep_their_declared_language(tmp_path):
    archive = tmp_path / "crawl.warc"
    _write_warc(archive, gzipped=False)
    documents = _load(archive).set_index("doc_id")
    assert documents["language"].to_dict() == {"crawl:3": "en", "crawl:6": "de"}  # en-GB, de-CH


def test_a_paragraph_written_over_source_lines_stays_one_paragraph():
    # A blog editor's markup: text wrapped over several source lines inside <span>s and
    # <div>s, no <p>; a <br> and a new <div> do break; <pre> keeps its own lines.
    page = (
        b"<html><head><title>Henshaw</title></head><body><div class='post-body'>"
        b"<div><span>Photos\n which were released online are making the rounds,\n"
        b"show the actress looking stunning in new\nmake-up photos.<br>\n</span></div>"
        b"<div><span>She flaunted a hand bag in the colours of the Nigerian\nflag, and the "
        b"guests at the event in Lagos applauded her for it.</span></div>"
        b"<pre>line one\nline two</pre>"
        b"<div>The 47 year old was one of the guests invited to an event by a media\r\nmogul."
        b"</div></div></body></html>"
    )
    text = parse_page(page).text
    assert text.split("\n\n")[:2] == [
        "Photos which were released online are making the rounds, show the actress looking "
        "stunning in new make-up photos.",
        "She flaunted a hand bag in the colours of the Nigerian flag, and the guests at the "
        "event in Lagos applauded her for it.",
    ]
    assert "line one\nline two" in text or "line one\n\nline two" in text
    assert "an event by a media mogul." in text


def test_characters_that_xml_forbids_are_dropped_and_the_page_still_reads():
    """Control characters (a vertical tab, U+0001) and the non-characters U+FFFE/U+FFFF,
    which libxml2 refuses, are deleted; the rest of the text and the JSON-LD stay."""
    page = (
        "<html><head><title>Ferry</title><script type='application/ld+json'>\n"
        '{"@type": "NewsArticle", "datePublished": "2024-04-02T08:00:00Z"}</script></head>'
        "<body><article><p>The ferry\x0b to the island ran again on Tuesday after the storm "
        "had\x01 kept it in port for three days, the operator\ufffe said in a statement.</p>"
        "<p>Passengers who had booked for the weekend can change their tickets at no "
        "cost\uffff until the end of the month.</p></article></body></html>"
    ).encode("utf-8")
    found = parse_page(page)
    assert found.text == (
        "The ferry to the island ran again on Tuesday after the storm had kept it in port "
        "for three days, the operator said in a statement.\n\nPassengers who had booked for "
        "the weekend can change their tickets at no cost until the end of the month."
    )
    assert (found.date, found.date_note) == ("2024-04-02", "date from JSON-LD datePublished")


def _page(head: str, body: str = "") -> bytes:
    paragraph = (
        "<p>The council met on Monday evening and voted to reopen the bridge to traffic once "
        "the engineers have finished their last inspection of the repaired piers.</p>"
    )
    body = f"<body><article>{body}{paragraph * 3}</article></body>"
    return f"<html><head>{head}</head>{body}</html>".encode()


@pytest.mark.parametrize(
    ("title", "outlet", "expected"),
    [
        ("Bridge reopens | CNN Politics", "CNN", "Bridge reopens"),  # the outlet and a section
        ("Bridge reopens - CNN.com", "CNN", "Bridge reopens"),  # its domain
        ("Bridge reopens -- Sott.net", "Sott.net", "Bridge reopens"),
        ("Bridge reopens - CNN anchor says", "CNN", "Bridge reopens - CNN anchor says"),  # no
        ("Bridge reopens | Politics", "CNN", "Bridge reopens | Politics"),  # not the outlet
    ],
)
def test_title_without_the_outlets_suffix(title, outlet, expected):
    head = f"<title>{title}</title><meta property='og:site_name' content='{outlet}'>"
    assert parse_page(_page(head)).title == expected


def test_json_ld_date_published_in_iso_basic_form_wins_over_other_stories_dates():
    # Nikkei's markup: datePublished 20180619T055000+0900 (which htmldate does not read), and
    # a related story's time "2018/6/18 14:10" in the page, which htmldate took instead.
    head = (
        '<title>Summit</title><script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Summit", "datePublished": "20180619T055000+0900"}</script>'
    )
    body = '<span class="cmnc-time">(2018/6/18 14:10)</span>'
    page = parse_page(_page(head, body))
    assert (page.date, page.date_note) == ("2018-06-19", "date from JSON-LD datePublished")


_LEAD = (
    "Rescuers found a fifth victim four days after the landslide buried several houses in "
    "the village of Ask; five people, two of them children, are still missing."
)


@pytest.mark.parametrize(
    ("description", "shown", "kept"),
    [
        (_LEAD, True, True),  # lsm.lv's shape: the lead in its own div before the body
        (_LEAD, False, False),  # in the meta tag only: not a paragraph of the page
        (_LEAD[:90] + "...", True, False),  # a description cut short is not the lead
        ("Rescuers found a fifth victim.", True, False),  # too short to be a lead paragraph
    ],
)
def test_a_lead_set_apart_from_the_body_is_kept_once(description, shown, kept):
    head = f"<title>Ask</title><meta property='og:description' content='{description}'>"
    lead = f"<div class='article__lead'>\n  {description}  </div>" if shown else ""
    html = _page(head).decode().replace("<article>", f"{lead}<article>")
    text = parse_page(html.encode()).text
    assert text.startswith(_LEAD + "\n\n") is kept
    assert text.count("fifth victim") == (1 if kept else 0)  # once, or not at all
    assert text.endswith("finished their last inspection of the repaired piers.")
