"""Web pages, feeds and web archives: article-body F1, pages/s, feed items/s, WARC MB/s and memory.

Targets (issue 13): article-body F1 >= 0.96 beside trafilatura's defaults alone, measured the
way scrapinghub's article-extraction-benchmark scores (shingles of 4 word tokens, precision and
recall per page averaged over the pages, F1 of the two means); >= 30 HTML pages/s per core (CPU
time of one process); a WARC archive of >= 1 GB read in bounded memory.

Real pages first: the 23 news pages with curated article text that newspaper4k ships in its
source distribution, fetched from PyPI into the cache at bench time (see ``web_gold``), scored
word by word, on all pages and on the English ones, beside trafilatura's defaults; with the
title and day against their metadata. Only the package registry is reachable here (no
scrapinghub or trafilatura evaluation pages), so a larger second sample is synthetic: the shared
White House corpus's articles rendered into six hand-written news-site templates (broadsheet,
wire service, blog, government press release, magazine, tabloid) with the furniture of real
sites (cookie banners, mega-menus, adverts and newsletter boxes inside the body, related links,
share bars, comments, sidebars, footers, JSON-LD, scripts; and inside the body "Read more:"
links, a pull quote repeating a sentence, an image credit, "Reporting by ...; Editing by ..."
and "Follow us" lines, which real sites have and extractors keep), scored by shingles as above.
The ground truth is the article's paragraphs; the comparison with trafilatura's defaults on the
same pages is the fair part.

The archive is built at bench time from the same corpus rendered as pages (with request
records and image responses between them), ``BENCH_WEB_WARC_MB`` megabytes (default 1024), in a
temporary folder deleted afterwards; it is read in a fresh process so that its peak resident
memory is its own, then gzipped as one whole file and read again. Run with
``python -m benchmarks bench_web``.
"""

from __future__ import annotations

import gzip
import html
import io
import itertools
import json
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from analysis import config
from benchmarks import web_gold
from benchmarks.common import corpus_available, peak_mb, reset_peak, rss_mb

F1_TARGET, PAGES_TARGET = 0.96, 30.0
F1_PAGES = int(os.environ.get("BENCH_WEB_PAGES", "300"))
FEED_ITEMS = 2000
WARC_MB = float(os.environ.get("BENCH_WEB_WARC_MB", "1024"))
_TOKEN = re.compile(r"\w+")


# --- pages from the corpus ---------------------------------------------------------------


def corpus_articles(limit: int | None = None, *, seed: int = 13):
    """(title, date, url, paragraphs) of White House articles with 3+ paragraphs, shuffled."""
    rows = []
    with gzip.open(config.WHITEHOUSE_CORPUS, "rt", encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            paragraphs = [_plain(p) for p in (record.get("text") or "").split("\n\n")]
            paragraphs = [p for p in paragraphs if len(p) > 1]
            if len(paragraphs) >= 3:
                rows.append((record["title"], record["date"], record["url"], paragraphs))
    random.Random(seed).shuffle(rows)
    return rows[:limit] if limit else rows


def _plain(paragraph: str) -> str:
    """A corpus paragraph as a reader sees it: Markdown links, emphasis and tags removed."""
    paragraph = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", paragraph)
    paragraph = re.sub(r"<[^>]+>", " ", paragraph)
    paragraph = re.sub(r"^[#>*\-\s]+|[*_]{2,}", "", paragraph)
    return " ".join(paragraph.split())


_MENU = " ".join(
    f'<li><a href="/section/{i}">{w}</a></li>'
    for i, w in enumerate(
        "World Politics Business Markets Technology Science Climate Health Sport Football "
        "Tennis Culture Books Film Music Travel Food Style Opinion Editorials Letters "
        "Podcasts Video Photography Puzzles Crosswords Obituaries Weather Local Jobs".split()
        * 5
    )
)
_SCRIPT = (
    "<script>window.__STATE__=" + json.dumps({"ads": [{"slot": i, "size": [300, 250]} for i in
    range(120)], "user": {"consent": False}}) + ";(function(){var s=document.createElement('sc"
    "ript');s.src='https://ads.example/tag.js';document.head.appendChild(s)})();</script>"
)  # fmt: skip
_STYLE = (
    "<style>" + "".join(f".c{i}{{margin:{i}px;color:#{i:03x}}}" for i in range(400)) + "</style>"
)
_COOKIES = (
    '<div class="cookie-consent" role="dialog"><p>We and our 842 partners store and access '
    "information on your device to personalise ads and content, measure their performance and "
    "develop our products.</p><button>Accept all</button><button>Reject</button></div>"
)
_FOOTER = (
    '<footer class="site-footer"><div class="footer-links">'
    + " ".join(f'<a href="/f/{i}">Footer link {i}</a>' for i in range(80))
    + "</div><p>&copy; 2025 Example Media Ltd. All rights reserved. Registered in England.</p>"
    "<p>Terms of use | Privacy policy | Cookie settings | Accessibility | Contact us</p></footer>"
)
_COMMENTS = (
    '<section id="comments" class="comments"><h3>Comments (3)</h3>'
    '<div class="comment"><p class="comment-author">patriot1776</p><p>This is exactly what '
    "the administration should have done months ago, and everybody knows it.</p></div>"
    '<div class="comment"><p class="comment-author">Skeptic</p><p>I will believe it when I '
    "see it. They said the same thing last year and nothing changed at all.</p></div>"
    '<div class="comment"><p class="comment-author">M. R.</p><p>Great reporting as always, '
    "thank you for explaining the background so clearly.</p></div></section>"
)
_RELATED = (
    '<aside class="related"><h3>Most read</h3><ul><li><a href="/a">Ten things we learned '
    'from the weekend</a></li><li><a href="/b">Markets slide as investors weigh rate path'
    '</a></li><li><a href="/c">The best gadgets of the year, reviewed</a></li></ul></aside>'
)
_INLINE_AD = (
    '<div class="ad-slot" data-slot="mpu"><span>Advertisement</span><p>Save 50% on your first '
    "three months of unlimited digital access.</p></div>"
)
_NEWSLETTER = (
    '<div class="newsletter-signup"><h4>Sign up for the Morning Briefing</h4><p>Get the day\'s '
    "top stories in your inbox every weekday morning.</p><form><input type=email>"
    "<button>Sign up</button></form></div>"
)
_SHARE = (
    '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
    '<a href="#">Email</a> <a href="#">Copy link</a></div>'
)


def _head(title: str, date: str, url: str, outlet: str) -> str:
    ld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
         "datePublished": f"{date}T09:00:00-05:00", "publisher": {"@type": "Organization",
         "name": outlet}, "mainEntityOfPage": url}
    )  # fmt: skip
    t = html.escape(title)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t} | {outlet}'
        f'</title><meta property="og:title" content="{t}"><meta property="og:site_name" '
        f'content="{outlet}"><link rel="canonical" href="{html.escape(url)}">'
        f'<script type="application/ld+json">{ld}</script>{_STYLE}{_SCRIPT}</head>'
    )


def _body(paragraphs: list[str], *, inserts: dict[int, str], tag: str = "p") -> str:
    parts = []
    for number, paragraph in enumerate(paragraphs):
        parts.append(f"<{tag}>{html.escape(paragraph)}</{tag}>")
        if number + 1 in inserts:
            parts.append(inserts[number + 1])
    return "".join(parts)


def render(article, template: int) -> str:
    """One article in one of six site templates; the ground truth is its paragraphs."""
    title, date, url, paragraphs = article
    t = html.escape(title)
    if template == 0:  # broadsheet
        head = _head(title, date, url, "The Daily Ledger")
        read_more = (
            '<p><strong>Read more:</strong> <a href="/r">Markets slide as investors weigh the '
            "rate path</a></p>"
        )
        body = _body(paragraphs, inserts={2: read_more, 3: _INLINE_AD, 6: _RELATED})
        page = (
            f'<body>{_COOKIES}<header><a class="logo" href="/">The Daily Ledger</a><nav><ul>'
            f'{_MENU}</ul></nav></header><div class="ad-leaderboard">{_INLINE_AD}</div><main>'
            f'<article><h1>{t}</h1><p class="byline">By Staff Reporter | <time datetime="{date}">'
            f'{date}</time></p><div class="article-body">{body}</div>{_SHARE}</article>'
            f"{_RELATED}{_COMMENTS}</main>{_FOOTER}</body></html>"
        )
    elif template == 1:  # wire service, div soup
        head = _head(title, date, url, "Global Wire")
        body = _body(paragraphs, inserts={2: _NEWSLETTER, 5: _RELATED}, tag="p")
        body += "<p>Reporting by Jane Doe in Washington; Editing by John Roe</p>"
        page = (
            f'<body><div id="top"><div class="nav">{_MENU}</div></div><div class="wrap"><div '
            f'class="col-8"><div class="headline"><h1>{t}</h1></div><div class="dateline">'
            f'{date}</div><div class="story-body">{body}</div><div class="trust">Our Standards: '
            f'The Trust Principles.</div></div><div class="col-4">{_RELATED}{_INLINE_AD}</div>'
            f"</div>{_FOOTER}</body></html>"
        )
    elif template == 2:  # blog
        head = _head(title, date, url, "Policy Notes")
        body = _body(paragraphs, inserts={4: _SHARE})
        widgets = "".join(
            f'<section class="widget"><h2>{name}</h2><ul>'
            + "".join(f'<li><a href="/{name}/{i}">{name} item {i}</a></li>' for i in range(12))
            + "</ul></section>"
            for name in ("Archives", "Categories", "Recent Posts")
        )
        page = (
            f'<body class="single-post"><div id="page"><header id="masthead"><p class="site-title">'
            f'Policy Notes</p><nav id="site-navigation"><ul>{_MENU}</ul></nav></header><div '
            f'id="content"><div id="primary"><article class="post"><header class="entry-header">'
            f'<h1 class="entry-title">{t}</h1><span class="posted-on">{date}</span></header><div '
            f'class="entry-content">{body}<div class="sharedaddy"><h3>Share this:</h3>{_SHARE}'
            f'</div><div class="jp-relatedposts"><h3>Like this:</h3><p>Like Loading...</p></div>'
            f'</div></article><div class="author-box">About the author: a policy writer.</div>'
            f'{_COMMENTS}</div><aside id="secondary">{widgets}</aside></div>{_FOOTER}</div>'
            "</body></html>"
        )
    elif template == 3:  # government press release
        head = _head(title, date, url, "The Briefing Room")
        body = _body(paragraphs, inserts={})
        page = (
            f'<body>{_COOKIES}<a class="skip" href="#main">Skip to content</a><header><nav>'
            f'<ul>{_MENU}</ul></nav></header><nav class="breadcrumb"><a href="/">Home</a> / <a '
            f'href="/briefings">Briefing Room</a> / Statements and Releases</nav><main id="main">'
            f'<h1 class="page-title">{t}</h1><div class="meta"><time>{date}</time></div><section '
            f'class="body-content">{body}<p class="end">###</p></section></main><section '
            f'class="signup"><h2>Stay Connected</h2>{_NEWSLETTER}</section>{_FOOTER}</body></html>'
        )
    elif template == 4:  # magazine with figures
        head = _head(title, date, url, "The Monthly Review")
        figure = (
            '<figure><img src="/photo.jpg" alt="A podium"><figcaption>Photograph: Agency '
            "Images</figcaption></figure>"
        )
        quote = (
            f'<blockquote class="pullquote"><p>{html.escape(paragraphs[1][:120])}</p></blockquote>'
        )
        body = _body(paragraphs, inserts={1: figure, 2: quote, 4: _INLINE_AD, 7: _NEWSLETTER})
        page = (
            f"<body><header><nav><ul>{_MENU}</ul></nav></header><main><article "
            f'class="longform"><header><p class="kicker">Analysis</p><h1>{t}</h1><p '
            f'class="standfirst">A closer reading.</p><p class="byline">By A. Writer, '
            f'{date}</p></header><section class="content">{body}</section><footer '
            f'class="tags">Topics: Politics, Policy</footer></article>{_RELATED}</main>'
            f"{_FOOTER}</body></html>"
        )
    else:  # tabloid: adverts and teasers between every few paragraphs
        head = _head(title, date, url, "The Daily Flash")
        teaser = '<div class="teaser"><a href="/t">WATCH: Celebrity spotted at airport</a></div>'
        inserts = {i: (_INLINE_AD if i % 4 == 2 else teaser) for i in range(2, 60, 2)}
        body = _body(paragraphs, inserts=inserts)
        body += "<p>Follow The Daily Flash on Facebook, Instagram and TikTok for more stories.</p>"
        page = (
            f'<body>{_COOKIES}<div class="trending">Trending: ' + " | ".join(
                f'<a href="/x{i}">Story {i}</a>' for i in range(15)) + "</div><header><nav><ul>"
            f'{_MENU}</ul></nav></header><div class="video-player">Autoplay video: Top '
            f'stories</div><article><h1>{t}</h1><div class="article-text">{body}</div>'
            f"{_SHARE}</article>{_COMMENTS}{_FOOTER}</body></html>"
        )  # fmt: skip
    return head + page


# --- scoring (scrapinghub's method: shingles of 4 tokens) ----------------------------------


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def _page_scores(truth: str, predicted: str) -> tuple[float | None, float | None]:
    """Per-page (precision, recall); None where undefined (nothing predicted / nothing true)."""
    true, pred = _shingles(truth), _shingles(predicted)
    true = Counter({k: v for k, v in true.items() if k})
    pred = Counter({k: v for k, v in pred.items() if k})
    tp = sum((true & pred).values())
    fp, fn = sum(pred.values()) - tp, sum(true.values()) - tp
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def score(pairs) -> dict:
    precisions, recalls = [], []
    for truth, predicted in pairs:
        precision, recall = _page_scores(truth, predicted)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _ours(page: bytes) -> str:
    from analysis.corpus.readers.html import NotAnArticle, parse_page

    try:
        return parse_page(page).text
    except NotAnArticle:
        return ""


def _trafilatura_defaults(page: bytes) -> str:
    import trafilatura

    return trafilatura.extract(page) or ""


def _trafilatura_precision(page: bytes) -> str:
    import trafilatura

    return trafilatura.extract(page, favor_precision=True, include_comments=False) or ""


def _run(extractor, pages: list[bytes]) -> tuple[list[str], float]:
    started = time.process_time()
    outputs = [extractor(page) for page in pages]
    return outputs, time.process_time() - started


def bench_pages() -> None:
    articles = corpus_articles(F1_PAGES)
    pages = [render(a, n % 6).encode("utf-8") for n, a in enumerate(articles)]
    truths = ["\n\n".join(a[3]) for a in articles]
    size = sum(map(len, pages)) / len(pages) / 1e3
    print(
        f"SUBSTITUTE DATA (not a public benchmark of real pages): {len(pages)} synthetic pages, "
        f"White House articles in 6 site templates, {size:.0f} kB a page on average"
    )
    _run(_ours, pages[:5])  # imports and first-call setup outside the timing
    _run(_trafilatura_defaults, pages[:5])
    results = {}
    for label, extractor in (
        ("ours (parse_page: precision settings, no comments)", _ours),
        ("baseline: trafilatura.extract() defaults", _trafilatura_defaults),
        ("trafilatura.extract(favor_precision, no comments)", _trafilatura_precision),
    ):
        outputs, seconds = _run(extractor, pages)
        results[label] = scores = score(zip(truths, outputs, strict=True))
        per_template = [
            score(zip(truths[t::6], outputs[t::6], strict=True))["f1"] for t in range(6)
        ]
        print(
            f"  {label}\n    F1 {scores['f1']:.3f} (precision {scores['precision']:.3f}, "
            f"recall {scores['recall']:.3f}); per template "
            + " ".join(f"{f:.3f}" for f in per_template)
            + f"; {len(pages) / seconds:.1f} pages/s per core (CPU), "
            f"{sum(not o for o in outputs)} pages with no text"
        )
        if label.startswith("ours"):
            ours_f1, ours_rate = scores["f1"], len(pages) / seconds
    base_f1 = results["baseline: trafilatura.extract() defaults"]["f1"]
    print(
        f"  target F1 >= {F1_TARGET} (on substitute pages): "
        f"{'MET' if ours_f1 >= F1_TARGET else 'NOT MET'} ({ours_f1:.3f} vs defaults {base_f1:.3f})"
    )
    print(
        f"  target >= {PAGES_TARGET:.0f} pages/s per core: "
        f"{'MET' if ours_rate >= PAGES_TARGET else 'NOT MET'} ({ours_rate:.1f})"
    )


# --- feeds -------------------------------------------------------------------------------


def write_feed(path: Path, articles) -> None:
    items = []
    for n, (title, date, url, paragraphs) in enumerate(articles):
        content = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        day = time.strftime("%a, %d %b %Y", time.strptime(date, "%Y-%m-%d"))
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{html.escape(url)}</link>"
            f"<guid>item-{n}</guid><pubDate>{day} 09:00:00 -0500</pubDate><description>"
            f"{html.escape(paragraphs[0])}</description><content:encoded><![CDATA[{content}]]>"
            "</content:encoded></item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content='
        '"http://purl.org/rss/1.0/modules/content/"><channel><title>Briefing Room</title>'
        "<link>https://example.gov/</link><description>All releases</description>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )


def bench_feed() -> None:
    import feedparser

    from analysis.corpus.readers.base import Source
    from analysis.corpus.readers.feeds import read_feed

    with tempfile.TemporaryDirectory(prefix="bench-web-feed-") as folder:
        path = Path(folder) / "briefings.rss"
        write_feed(path, corpus_articles(FEED_ITEMS, seed=7))
        excluded = []
        started = time.process_time()
        records = read_feed(Source(path, path.name, {}, lambda *e: excluded.append(e)))
        ours = time.process_time() - started
        started = time.process_time()
        parsed = feedparser.parse(path.read_bytes())
        alone = time.process_time() - started
    print(
        f"RSS 2.0 feed of {len(records):,} items ({path.name}, content:encoded), "
        f"{len(excluded)} excluded:\n"
        f"  read_feed: {len(records) / ours:,.0f} items/s per core (CPU)\n"
        f"  baseline feedparser.parse alone (no text extraction): "
        f"{len(parsed.entries) / alone:,.0f} items/s"
    )


# --- web archive -------------------------------------------------------------------------


def write_warc(path: Path, megabytes: float) -> dict:
    """An uncompressed WARC of corpus pages (with requests and PNG responses) of >= the size."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    target, counts = megabytes * 1e6, Counter()
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(20_000)
    articles = corpus_articles()
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        for n, article in enumerate(itertools.cycle(articles)):
            if out.tell() >= target:
                break
            url = f"{article[2]}?copy={n // len(articles)}"
            stamp = f"{article[1]}T12:00:00Z"
            if n % 10 == 0:
                request = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "example.gov")], is_http_request=True
                )
                writer.write_record(
                    writer.create_warc_record(
                        url, "request", http_headers=request, warc_headers_dict={"WARC-Date": stamp}
                    )
                )
                image = StatusAndHeaders(
                    "200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"
                )
                writer.write_record(
                    writer.create_warc_record(
                        url + "&logo.png",
                        "response",
                        payload=io.BytesIO(png),
                        http_headers=image,
                        warc_headers_dict={"WARC-Date": stamp},
                    )
                )
                counts["png"] += 1
            page = render(article, n % 6).encode("utf-8")
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(page),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": stamp},
                )
            )
            counts["html"] += 1
    return dict(counts)  # fmt: skip


def _read_archive(path: str) -> dict:
    """Read the archive with the WARC reader in this (fresh) process: speed and peak memory."""
    from analysis.corpus.readers.base import Source
    from analysis.corpus.readers.warc import read_warc

    before = rss_mb()
    reset_peak()
    excluded, documents, text_chars = [], 0, 0
    started, cpu = time.perf_counter(), time.process_time()
    for record in read_warc(Source(Path(path), path, {}, lambda *e: excluded.append(e))):
        documents += 1
        text_chars += len(record["text"])  # the documents are counted, then let go
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "documents": documents,
        "excluded": len(excluded),
        "text_mb": text_chars / 1e6,
        "peak_mb": peak_mb(),
        "imports_mb": before,
    }


def bench_warc() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-web-warc-") as folder:
        path = Path(folder) / "crawl.warc"
        started = time.perf_counter()
        counts = write_warc(path, WARC_MB)
        size = path.stat().st_size / 1e6
        print(
            f"WARC archive built in {time.perf_counter() - started:.0f} s: {size:,.0f} MB, "
            f"{counts['html']:,} HTML responses, {counts['png']:,} PNG responses and as many "
            f"requests (BENCH_WEB_WARC_MB={WARC_MB:g})"
        )
        result = _read_in_fresh_process(path)
        _print_archive_read("read_warc", size, result)
        ok = size >= 1000 and result["documents"] == counts["html"]
        print(f"  archive >= 1 GB read in full: {'MET' if ok else 'NOT MET (smaller run)'}")
        # The same archive gzipped as one whole file (`gzip crawl.warc`), which warcio alone
        # refuses: read through the reader's streaming gzip, in bounded memory too.
        whole = Path(folder) / "crawl-whole.warc.gz"
        with open(path, "rb") as plain, gzip.open(whole, "wb", compresslevel=1) as packed:
            shutil.copyfileobj(plain, packed, 1 << 20)
        path.unlink()
        result = _read_in_fresh_process(whole)
        _print_archive_read(
            f"whole-file gzip ({whole.stat().st_size / 1e6:,.0f} MB gzipped)", size, result
        )
        ok = size >= 1000 and result["documents"] == counts["html"]
        print(f"  whole-file gzip of >= 1 GB read in full: {'MET' if ok else 'NOT MET'}")


def _read_in_fresh_process(path: Path) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_read_archive, str(path)).result()


def _print_archive_read(label: str, size: float, result: dict) -> None:
    print(
        f"  {label}: {size / result['seconds']:.1f} MB/s of archive wall-clock, "
        f"{size / result['cpu_seconds']:.1f} MB/s per core (CPU) "
        f"({result['documents'] / result['seconds']:.1f} pages/s, cpu {result['cpu_seconds']:.0f} s"
        f" of {result['seconds']:.0f} s); {result['documents']:,} documents, "
        f"{result['excluded']:,} exclusions (the PNGs)\n"
        f"  peak RSS {result['peak_mb']:.0f} MB, {result['peak_mb'] - result['imports_mb']:.0f} MB "
        f"over imports, for a {size:,.0f} MB archive (records read one at a time)"
    )


# --- real pages: newspaper4k's test pages and expected texts (benchmarks/web_gold.py) ------


def bench_real_pages(rounds: int = 5) -> None:
    from analysis.corpus.readers.html import NotAnArticle, parse_page

    archive, how = web_gold.fetch_sdist()
    if archive is None:
        print(f"SKIPPED real pages: {how} (the package registry is unreachable?)")
        return
    pages = web_gold.gold_pages(archive)
    languages = Counter(page.language or "?" for page in pages)
    print(
        f"REAL PAGES: {len(pages)} news pages with expected article text from the {web_gold.SDIST}"
        f" sdist (MIT; {how}); languages "
        + ", ".join(f"{code} {n}" for code, n in languages.most_common())
    )

    def ours(page: bytes):
        try:
            return parse_page(page)
        except NotAnArticle:
            return None

    def defaults(page: bytes) -> str:
        import trafilatura

        return trafilatura.extract(page) or ""

    htmls = [page.html for page in pages]
    for page in htmls:  # imports and one-time setup (jusText's stop lists ...) untimed
        ours(page), defaults(page)
    # Rounds taken in turn, the fastest of each kept (as timeit does): other work on a shared
    # machine only ever slows a round down, and it slows both alike.
    ours_seconds = base_seconds = float("inf")
    for _ in range(rounds):
        found, seconds = _run(ours, htmls)
        ours_seconds = min(ours_seconds, seconds)
        texts, seconds = _run(defaults, htmls)
        base_seconds = min(base_seconds, seconds)
    ours_texts = [page.text if page else "" for page in found]
    english = [n for n, page in enumerate(pages) if page.language == "en"]
    truths = [page.text for page in pages]
    results = {}
    for label, outputs, seconds in (
        ("ours (parse_page)", ours_texts, ours_seconds),
        ("baseline: trafilatura.extract() defaults", texts, base_seconds),
    ):
        every = web_gold.overall(truths, outputs)
        only_en = web_gold.overall([truths[n] for n in english], [outputs[n] for n in english])
        results[label] = (every, only_en, len(htmls) / seconds)
        print(
            f"  {label}: word F1 {every['f1']:.3f} (P {every['precision']:.3f}, "
            f"R {every['recall']:.3f}; pooled {every['micro_f1']:.3f}) on all {len(pages)}; "
            f"English only ({len(english)}): {only_en['f1']:.3f} (P {only_en['precision']:.3f}, "
            f"R {only_en['recall']:.3f}); {results[label][2]:.1f} pages/s per core (CPU), "
            f"{sum(not o for o in outputs)} pages with no text"
        )
    print("  per page F1, ours / defaults (P/R ours):")
    ours_pages = results["ours (parse_page)"][0]["pages"]
    base_pages = results["baseline: trafilatura.extract() defaults"][0]["pages"]
    for page, (p, r), (bp, br) in zip(pages, ours_pages, base_pages, strict=True):
        print(
            f"    {page.name:22} {page.language or '?':3} {web_gold._f1(p, r):.3f} / "
            f"{web_gold._f1(bp, br):.3f}  ({p:.2f}/{r:.2f})"
        )
    _real_page_metadata(pages, found)
    every, only_en, rate = results["ours (parse_page)"]
    base = results["baseline: trafilatura.extract() defaults"]
    for scope, f1, base_f1 in (("all pages", every["f1"], base[0]["f1"]),
                               ("English pages", only_en["f1"], base[1]["f1"])):  # fmt: skip
        verdict = "MET" if f1 >= F1_TARGET else "NOT MET"
        print(
            f"  target word F1 >= {F1_TARGET} on real pages ({scope}): {verdict} ({f1:.3f}; "
            f"trafilatura defaults {base_f1:.3f})"
        )
    print(
        f"  target >= {PAGES_TARGET:.0f} pages/s per core on real pages: "
        f"{'MET' if rate >= PAGES_TARGET else 'NOT MET'} ({rate:.1f}; defaults {base[2]:.1f})"
    )


def _real_page_metadata(pages, found) -> None:
    """Titles and days against the metadata json, for parse_page and trafilatura's metadata."""
    import trafilatura

    dated = [n for n, page in enumerate(pages) if page.date]
    titled = [n for n, page in enumerate(pages) if page.title]
    base = [trafilatura.extract_metadata(page.html) for page in pages]
    for label, days, titles in (
        ("ours (parse_page)", [f.date if f else "" for f in found],
         [f.title if f else "" for f in found]),
        ("trafilatura.extract_metadata defaults", [(b.date or "")[:10] if b else "" for b in base],
         [b.title or "" if b else "" for b in base]),
    ):  # fmt: skip
        right_days = sum(days[n] == pages[n].date for n in dated)
        right_titles = sum(web_gold.same_title(pages[n].title, titles[n]) for n in titled)
        wrong = [pages[n].name for n in dated if days[n] != pages[n].date]
        print(
            f"  {label}: date right on {right_days}/{len(dated)} dated pages"
            f" (wrong or missing: {', '.join(wrong) or 'none'}); title identical on "
            f"{right_titles}/{len(titled)}"
        )


def main() -> None:
    bench_real_pages()
    if not corpus_available():
        return
    bench_pages()
    bench_feed()
    bench_warc()


if __name__ == "__main__":
    main()
