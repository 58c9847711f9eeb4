"""Real news pages with their expected article text, for ``bench_web``: newspaper4k's test set.

No public article-extraction benchmark can be downloaded here except through the package
registry, and one package on PyPI ships real pages with curated answers: newspaper4k (MIT
licence, Copyright (c) 2013 Lucas Ou-Yang; https://github.com/AndyTheFactory/newspaper4k). Its
source distribution holds ``tests/data/html/*.html``, pages saved from CNN, TIME, Wired, Fox 13,
cleveland.com, Yonhap, China Daily, Xinhua, Nikkei, AFPBB, BBC Burmese, CNN Arabic, lsm.lv,
prachatai, ultimahora.es and others, ``tests/data/txt/*.txt``, the article text its maintainers
expect from each, and ``tests/data/metadata/*.json`` (title, publish_date, language). The sdist
(``pip download``) is kept in the cache folder (``config.CACHE_DIR``, written atomically) and the
pages are read from inside the archive: they are never unpacked into, or committed to, the
project. The answers are one project's expectations (they keep some "related stories" headlines
and shop links, and drop one page's opening paragraph), so scores measure agreement with them.

Scoring is word level, a bag of tokens per page (precision = shared tokens / predicted tokens,
recall = shared / expected): ``\\w+`` words, and each character of the scripts written without
spaces (Chinese, Japanese kana, Thai, Burmese). Over pages, precision and recall are averaged
(macro, each page counts once) and F1 is their harmonic mean, as scrapinghub's
article-extraction-benchmark does; the pooled (micro) F1 is printed beside it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.corpus.languages import language_code

SDIST = "newspaper4k==0.9.6"
SDIST_FILE = "newspaper4k-0.9.6.tar.gz"
_DATA = "/tests/data/"
_WORD = re.compile(r"[\u0e00-\u0e7f\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]|\w+")
_HTML_LANG = re.compile(rb"<html[^>]*?\slang=[\"']?([A-Za-z_-]+)", re.I)


@dataclass(frozen=True)
class GoldPage:
    """One page and its expected values ("" where newspaper4k's test data gives none)."""

    name: str
    html: bytes
    text: str
    title: str
    date: str  # YYYY-MM-DD
    language: str  # ISO 639-1: the metadata's, else the page's own <html lang>


def fetch_sdist(cache: Path | None = None, *, timeout: float = 300) -> tuple[Path | None, str]:
    """The cached sdist (downloaded with pip the first time), or None and why it could not be."""
    cache = Path(cache or config.CACHE_DIR) / "bench-web"
    target = cache / SDIST_FILE
    if target.exists():
        return target, f"cached at {target}"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as folder:
        command = [sys.executable, "-m", "pip", "download", SDIST, "--no-binary", ":all:",
                   "--no-deps", "--quiet", "-d", folder]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"pip download {SDIST} took over {timeout:.0f} s"
        downloaded = Path(folder) / SDIST_FILE
        if done.returncode or not downloaded.exists():
            lines = (done.stderr or done.stdout or "no output").strip().splitlines()
            return None, f"pip download {SDIST} failed: {lines[-1] if lines else ''}"
        os.replace(downloaded, target)  # whole or not at all
    return target, f"downloaded from the package registry to {target}"


def gold_pages(archive: Path) -> list[GoldPage]:
    """Every page of the sdist that has an expected text, in name order."""
    with tarfile.open(archive) as tar:
        files = {
            m.name.split(_DATA, 1)[1]: m for m in tar.getmembers() if _DATA in m.name and m.isfile()
        }

        def read(name: str) -> bytes:
            return tar.extractfile(files[name]).read()

        names = sorted(
            n[len("html/") : -len(".html")]
            for n in files
            if n.startswith("html/") and n.endswith(".html")
            and f"txt/{n[len('html/') : -len('.html')]}.txt" in files
        )  # fmt: skip
        pages = []
        for name in names:
            html = read(f"html/{name}.html")
            meta_name = f"metadata/{name}.json"
            meta = json.loads(read(meta_name)) if meta_name in files else {}
            declared = _HTML_LANG.search(html[:20000])
            language = meta.get("language") or (declared.group(1).decode() if declared else "")
            pages.append(
                GoldPage(
                    name=name,
                    html=html,
                    text=read(f"txt/{name}.txt").decode("utf-8"),
                    title=meta.get("title") or "",
                    date=str(meta.get("publish_date") or "")[:10].replace("None", ""),
                    language=language_code(language),
                )
            )
    return pages


def tokens(text: str) -> Counter:
    return Counter(token.casefold() for token in _WORD.findall(text or ""))


def page_scores(expected: str, predicted: str) -> tuple[float, float]:
    """(precision, recall) of one page's bag of tokens; an empty prediction has precision 1
    and recall 0 (nothing wrong said, nothing found)."""
    truth, guess = tokens(expected), tokens(predicted)
    shared = sum((truth & guess).values())
    precision = shared / sum(guess.values()) if guess else 1.0
    recall = shared / sum(truth.values()) if truth else 1.0
    return precision, recall


def overall(expected: list[str], predicted: list[str]) -> dict:
    """Macro precision, recall and F1 (pages averaged), and the pooled (micro) F1."""
    scores = [page_scores(e, p) for e, p in zip(expected, predicted, strict=True)]
    p = sum(s[0] for s in scores) / len(scores) if scores else 0.0
    r = sum(s[1] for s in scores) / len(scores) if scores else 0.0
    shared = predicted_n = expected_n = 0
    for e, g in zip(expected, predicted, strict=True):
        truth, guess = tokens(e), tokens(g)
        shared += sum((truth & guess).values())
        predicted_n += sum(guess.values())
        expected_n += sum(truth.values())
    micro_p = shared / predicted_n if predicted_n else 0.0
    micro_r = shared / expected_n if expected_n else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": _f1(p, r),
        "micro_f1": _f1(micro_p, micro_r),
        "pages": scores,
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def same_title(expected: str, found: str) -> bool:
    def norm(title: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", title).casefold().split())

    return bool(expected) and norm(expected) == norm(found or "")
