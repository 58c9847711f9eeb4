"""Mention extraction throughput against named baselines measured in the same run.

Targets (MISSION.md, 2-core machine): >= 40 MB/s per core with sentence ids and offsets on the
default gazetteer, >= 20 MB/s with 20,000 aliases, >= 10x spaCy's PhraseMatcher (blank English
tokenizer, no model). Baselines: spaCy PhraseMatcher (attr=LOWER) and a naive compiled ``re``
alternation (longest alias first, case-insensitive, ``\\b`` boundaries).

Same-counts check: on a sample, all three engines count a comparable gazetteer (the default's
aliases, all case-insensitive, no plurals, no exclusions, no hyphenated aliases since spaCy splits
hyphens into tokens); agreement is printed per engine pair.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from analysis.gazetteer import load_gazetteer
from analysis.mentions import extract
from benchmarks.common import (
    best_of,
    corpus_available,
    read_whitehouse_plain,
    text_megabytes,
)

SAMPLE_DOCUMENTS = 1500  # spaCy and regex baselines run on this slice (they are slow)
REGEX_SAMPLE_20K = 40  # the 20k-alias regex runs at ~0.1 MB/s: a few documents only


def generated_gazetteer(n_aliases: int = 20_000, seed: int = 7) -> Path:
    """A YAML gazetteer with ``n_aliases`` invented person names and model numbers."""
    rng = random.Random(seed)
    syllables = "ka lo mi ra ten vos dur pel an ix ber sol gra mun tik zel far ov ich enko".split()

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

    aliases: set[str] = set()
    while len(aliases) < n_aliases:
        if rng.random() < 0.8:
            aliases.add(f"{word()} {word()}")
        else:
            aliases.add(f"{word()[:2].upper()}-{rng.randint(10, 999)}")
    ordered = sorted(aliases)
    entities = [
        {
            "id": f"gen-{i}",
            "name": ordered[i],
            "kind": "actor" if "-" not in ordered[i] else "weapon",
            "category": "person" if "-" not in ordered[i] else "generic",
            "aliases": ordered[i : i + 2],
        }
        for i in range(0, len(ordered), 2)
    ]
    path = Path(tempfile.mkdtemp()) / "generated.yml"
    path.write_text(yaml.safe_dump({"entities": entities}), encoding="utf-8")
    return path


def comparable_gazetteer() -> tuple[Path, list[str]]:
    """The default gazetteer's aliases, all case-insensitive actors without hyphens."""
    default = load_gazetteer().entities
    entities, aliases = [], []
    for row in default.itertuples(index=False):
        kept = [a for a in row.aliases if "-" not in a and "/" not in a]
        if kept:
            entities.append({"id": row.id, "kind": "actor", "case": "insensitive", "aliases": kept})
            aliases += kept
    path = Path(tempfile.mkdtemp()) / "comparable.yml"
    path.write_text(yaml.safe_dump({"entities": entities}), encoding="utf-8")
    return path, aliases


def spacy_count(texts: list[str], aliases: list[str]) -> tuple[float, int]:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.max_length = 10**9
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("ALIAS", [nlp.make_doc(a) for a in aliases])

    def run() -> int:
        total = 0
        for doc in nlp.pipe(texts, batch_size=64):
            spans = spacy.util.filter_spans([doc[s:e] for _, s, e in matcher(doc)])
            total += len(spans)
        return total

    return best_of(run, repeat=1)


def regex_count(texts: list[str], aliases: list[str]) -> tuple[float, int]:
    ordered = sorted(set(aliases), key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b", re.IGNORECASE)
    return best_of(lambda: sum(len(pattern.findall(t)) for t in texts), repeat=1)


def ours(documents: pd.DataFrame, gazetteer, workers: int = 1) -> tuple[float, pd.DataFrame]:
    return best_of(
        lambda: extract(documents, gazetteer, fields=("text",), workers=workers).mentions,
        repeat=3,
    )


def breakdown(documents: pd.DataFrame, gazetteer, total: float) -> None:
    """Where one thread's extraction time goes: the two automata alone, the whole scan (the
    matching view, the automata, word edges, speaker labels, sentence ids and offsets), and
    the rest (the sense rules and building the frames)."""
    from analysis.mentions import (
        CHUNK_BYTES,
        _scan_field,
        _slices,
        _utf8_chunks,
        compile_gazetteer,
        matching_view,
    )

    matcher = compile_gazetteer(gazetteer)
    views = [
        matching_view(data[offsets[first] : offsets[last]])[0]
        for data, offsets, _ in _utf8_chunks(documents["text"])
        for first, last in _slices(offsets, CHUNK_BYTES)
    ]

    def automata() -> None:
        for view in views:
            matcher.any_case.find_matches_as_indexes(view.lower(), overlapping=True)
            matcher.exact.find_matches_as_indexes(view, overlapping=True)

    searching, _ = best_of(automata, repeat=3)
    scanning, _ = best_of(
        lambda: _scan_field(documents["text"], matcher, CHUNK_BYTES, 1, None, "scan"), repeat=3
    )
    print(
        f"  where the time goes (1 thread): scan {scanning:.2f} s (of which the two automata "
        f"{searching:.2f} s), sense rules and frames {max(total - scanning, 0):.2f} s"
    )


def report(label: str, megabytes: float, seconds: float, extra: str = "") -> float:
    rate = megabytes / seconds
    print(f"{label:58} {megabytes:8.1f} MB {seconds:8.2f} s {rate:9.2f} MB/s {extra}")
    return rate


def main() -> None:
    if not corpus_available():
        return
    documents = read_whitehouse_plain()
    text_only = documents.assign(title="")
    megabytes = text_megabytes(text_only)
    default = load_gazetteer()
    n_default = sum(map(len, default.entities["aliases"]))
    print(f"corpus: {len(documents)} documents, {megabytes:.1f} MB of text; 1 thread")

    seconds, mentions = ours(text_only, default)
    rate = report(
        f"ours, default gazetteer ({n_default} aliases)",
        megabytes,
        seconds,
        f"{len(mentions) / seconds:,.0f} mentions/s",
    )
    print(f"  target >= 40 MB/s per core: {'MET' if rate >= 40 else 'NOT MET'}")
    breakdown(text_only, default, seconds)
    both_seconds, _ = ours(text_only, default, workers=2)
    both = report("ours, default gazetteer, 2 threads", megabytes, both_seconds)
    print(f"  2 threads / 1 thread: {both / rate:.2f}x")
    big = load_gazetteer(generated_gazetteer(), extra=None)
    n_big = sum(map(len, big.entities["aliases"]))
    big_seconds, big_mentions = ours(text_only, big)
    big_rate = report(f"ours, generated gazetteer ({n_big} aliases)", megabytes, big_seconds)
    print(f"  target >= 20 MB/s with 20k aliases: {'MET' if big_rate >= 20 else 'NOT MET'}")
    print("  (peak memory of extraction: see bench_scale, measured in a fresh process)")

    sample = text_only.head(SAMPLE_DOCUMENTS)
    sample_mb = text_megabytes(sample)
    comparable_path, aliases = comparable_gazetteer()
    comparable = load_gazetteer(comparable_path)
    our_seconds, our_mentions = ours(sample, comparable)
    our_rate = report(
        f"ours, comparable gazetteer, sample of {len(sample)}", sample_mb, our_seconds
    )
    spacy_seconds, spacy_total = spacy_count(sample["text"].tolist(), aliases)
    spacy_rate = report("baseline: spaCy PhraseMatcher (blank en, LOWER)", sample_mb, spacy_seconds)
    regex_seconds, regex_total = regex_count(sample["text"].tolist(), aliases)
    report("baseline: naive re alternation", sample_mb, regex_seconds)
    print(
        f"  ratio ours / spaCy: {our_rate / spacy_rate:.1f}x (target >= 10x: "
        f"{'MET' if our_rate / spacy_rate >= 10 else 'NOT MET'})"
    )
    print(
        f"  same-counts check on the sample: ours {len(our_mentions)}, spaCy {spacy_total} "
        f"({len(our_mentions) / max(spacy_total, 1):.3f}), regex {regex_total} "
        f"({len(our_mentions) / max(regex_total, 1):.3f})"
    )
    tiny = text_only.head(REGEX_SAMPLE_20K)
    tiny_mb = text_megabytes(tiny)
    big_aliases = [a for row in big.entities["aliases"] for a in row]
    regex_big_seconds, _ = regex_count(tiny["text"].tolist(), big_aliases)
    regex_big_rate = report(
        f"baseline: re alternation, {n_big} aliases", tiny_mb, regex_big_seconds
    )
    print(f"  ratio ours / re with {n_big} aliases: {big_rate / regex_big_rate:,.0f}x")


if __name__ == "__main__":
    main()
