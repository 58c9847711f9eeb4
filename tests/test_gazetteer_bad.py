"""Bad gazetteers: each class of bad input gets one exact, one-line answer (issue 15).

Every test uses a hand-written base gazetteer of three entities and checks the exact message
(``check_gazetteer`` returns every problem at once, ``load_gazetteer`` raises the first).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.gazetteer import MAX_ALIAS_EXPANSION, check_gazetteer, load_gazetteer

BASE = """\
entities:
  - id: zelensky
    name: Volodymyr Zelensky
    kind: actor
    aliases: [Zelensky, Volodymyr Zelensky]
  - id: patriot
    name: Patriot
    kind: weapon
    aliases: [Patriot]
    exclusions: [Patriot Act]
  - id: himars
    name: HIMARS
    kind: weapon
    aliases: [HIMARS, M142 HIMARS]
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def base(tmp_path) -> Path:
    return write(tmp_path, "base.yml", BASE)


def problems_of(base: Path, extra: Path) -> list[str]:
    """The problems, with the tmp folder cut off so the expected text is readable."""
    problems, gazetteer = check_gazetteer(base, extra=extra)
    assert gazetteer is None
    return [p.replace(f"{extra.parent}/", "") for p in problems]


def only_problem(base: Path, extra: Path) -> str:
    problems = problems_of(base, extra)
    assert len(problems) == 1, problems
    return problems[0]


# --- resource exhaustion: YAML aliases -----------------------------------------------------------

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "growth"),
    [
        # The "billion laughs": anchor a is a list of 9 strings (10 nodes), b lists a 9 times
        # (1 + 9*10 = 91 nodes), ... i: 435,848,050 nodes; the document holds a..i once each
        # (490,329,054 nodes) and i again under aliases, plus 18 nodes of its own: 926,177,122
        # nodes expanded, of which 36 are written in the file.
        (LAUGHS + "entities:\n  - {id: x, kind: actor, aliases: *i}\n", "926,177,086"),
        # Merge keys expand too: 100 mappings each merging a 60-key mapping (121 nodes each).
        (
            "base: &m {" + ", ".join(f"k{i}: v" for i in range(60)) + "}\n"
            "entities:\n" + "".join(f"  - {{<<: *m, id: e{i}}}\n" for i in range(100)),
            "12,100",
        ),
    ],
)
def test_alias_expansion_is_refused_quickly(tmp_path, base, text, growth):
    path = write(tmp_path, "laughs.yml", text)
    assert path.stat().st_size < 4000
    started = time.perf_counter()
    with pytest.raises(InputError) as error:
        load_gazetteer(base, extra=path)
    assert time.perf_counter() - started < 5  # generous; unguarded it took > 30 s and 3.8 GB
    assert str(error.value) == (
        f"{path}: YAML aliases would expand the file by {growth} nodes, more than the limit of "
        f"{MAX_ALIAS_EXPANSION:,}; write the lists out instead of nesting anchors"
    )


def test_a_self_referring_anchor_is_refused_and_small_anchors_are_fine(tmp_path, base):
    loop = write(
        tmp_path, "loop.yml", "entities:\n  - &e {id: x, kind: actor, aliases: [X], a: *e}\n"
    )
    assert only_problem(base, loop) == "loop.yml:2: a YAML alias refers to its own anchor (endless)"
    shared = write(
        tmp_path,
        "shared.yml",
        "entities:\n  - {id: a, kind: weapon, aliases: [Alpha], exclusions: &ex [Alpha Beta]}\n"
        "  - {id: b, kind: weapon, aliases: [Beta], exclusions: *ex}\n",
    )
    entities = load_gazetteer(base, extra=shared).entities.set_index("id")
    assert entities.loc["b", "exclusions"] == ("Alpha Beta",)


# --- lint: every problem at once, with its line ------------------------------------------------


def test_lint_reports_every_problem_with_its_line(tmp_path, base):
    path = write(
        tmp_path,
        "many.yml",
        "entities:\n"  # line 1
        "  - id: new-one\n"  # 2
        "    kind: weapon\n"
        "    knd: weapon\n"
        "    aliases: [Alpha]\n"
        "  - id: other\n"  # 6
        "    kind: tank\n"
        "    aliases: [Beta]\n"
        "    case: loud\n",
    )
    assert problems_of(base, path) == [
        "many.yml:2: entity 'new-one': unknown key 'knd'; did you mean 'kind'?",
        "many.yml:6: entity 'other': field 'kind' is 'tank'; use one of actor, weapon",
        "many.yml:6: entity 'other': field 'case' is 'loud'; use one of auto, sensitive, "
        "insensitive",
    ]
    with pytest.raises(InputError) as error:
        load_gazetteer(base, extra=path)
    assert str(error.value) == (
        f"{path}:2: entity 'new-one': unknown key 'knd'; did you mean 'kind'? (and 2 more "
        "problem(s); `python -m analysis gazetteer FILE --lint` lists them all)"
    )


def test_cli_lint_prints_every_problem_and_fails(tmp_path, base):
    path = write(tmp_path, "two.yml", "entities:\n  - {id: a, kind: actor, alias: [A]}\n")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "gazetteer", "--base", str(base), str(path), "--lint"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {path}:2: entity 'a': unknown key 'alias'; did you mean 'aliases'?",
        f"error: {path}:2: entity 'a': field 'aliases' is empty",
        "2 problem(s): not valid",
    ]


# --- unknown keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: a, knd: actor, kind: actor, aliases: [A]}",
         "unknown key 'knd'; did you mean 'kind'?"),
        ("{id: a, kind: actor, aliasses: [A], aliases: [A]}",
         "unknown key 'aliasses'; did you mean 'aliases'?"),
        ("{id: a, kind: actor, aliases: [A], context: [{requires: [b]}]}",
         "context rule 1: unknown key 'requires'; did you mean 'require'?"),
    ],
)  # fmt: skip
def test_unknown_keys_are_named_with_a_suggestion(tmp_path, base, entry, message):
    path = write(tmp_path, "keys.yml", f"entities:\n  - {entry}\n")
    problems = problems_of(base, path)
    assert problems[0] == f"keys.yml:2: entity 'a': {message}"


# --- a string where a list belongs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("aliases", "Hellfire, Hellfire missile",
         "field 'aliases' is the text 'Hellfire, Hellfire missile', not a list; "
         "write [Hellfire, Hellfire missile]"),
        ("exclusions", "Patriot Act",
         "field 'exclusions' is the text 'Patriot Act', not a list; write [Patriot Act]"),
    ],
)  # fmt: skip
def test_a_string_where_a_list_belongs_is_an_error(tmp_path, base, field, value, message):
    path = write(tmp_path, "s.yml", f"entities:\n  - id: patriot\n    {field}: {value}\n")
    assert only_problem(base, path) == f"s.yml:2: entity 'patriot': {message}"


# --- an override of an unknown id ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: zelenskyy, aliases: [Mr Zelenskyy]}",
         "entity 'zelenskyy': no such entity; did you mean zelensky?"),
        ("{id: patriots, kind: weapon, replace: true, aliases: [Patriot]}",
         "entity 'patriots': no such entity; did you mean patriot?"),
        ("{id: qqq, aliases: [Q]}", "entity 'qqq': no such entity; a new entity needs a 'kind'"),
    ],
)  # fmt: skip
def test_an_override_of_an_unknown_id_suggests_one(tmp_path, base, entry, message):
    path = write(tmp_path, "o.yml", f"entities:\n  - {entry}\n")
    assert only_problem(base, path) == f"o.yml:2: {message}"


# --- a CSV row naming an entity by its display name ----------------------------------------------


@pytest.mark.parametrize(
    ("entity", "other"), [("Volodymyr Zelensky", "zelensky"), ("M142 HIMARS", "himars")]
)
def test_a_csv_row_by_display_name_is_not_a_second_entity(tmp_path, base, entity, other):
    path = write(tmp_path, "add.csv", f"entity,kind,alias\n{entity},actor,New alias\n")
    slug = entity.casefold().replace(" ", "-")
    assert only_problem(base, path) == (
        f"add.csv:2: entity {slug!r}: {entity!r} is a name of the existing entity {other!r}; "
        f"give id {other} to add to it (or another name for a new entity)"
    )
    fixed = write(tmp_path, "fixed.csv", f"id,entity,alias\n{other},{entity},New alias\n")
    entities = load_gazetteer(base, extra=fixed).entities
    assert len(entities) == 3
    assert "New alias" in entities.set_index("id").loc[other, "aliases"]


# --- aliases that cannot match what they look like ----------------------------------------------


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ('"..."', "entry 1 '...' has no letter or digit; it would match punctuation"),
        ('"—"', "entry 1 '—' has no letter or digit; it would match punctuation"),
        ('"Pat\u200briot"',
         r"entry 1 'Pat\u200briot' contains U+200B ZERO WIDTH SPACE, an invisible character; "
         "remove it"),
        ('"\u202eJavelin"',
         r"entry 1 '\u202eJavelin' contains U+202E RIGHT-TO-LEFT OVERRIDE, an invisible "
         "character; remove it"),
        ('"Jave\u00adlin"',
         r"entry 1 'Jave\xadlin' contains U+00AD SOFT HYPHEN, an invisible character; remove it"),
    ],
)  # fmt: skip
def test_punctuation_only_and_invisible_aliases_are_refused(tmp_path, base, alias, message):
    path = write(tmp_path, "a.yml", f"entities:\n  - {{id: patriot, aliases: [{alias}]}}\n")
    assert only_problem(base, path) == f"a.yml:2: entity 'patriot': field 'aliases': {message}"


def test_mixed_direction_alias_is_a_lint_note(tmp_path, base):
    from analysis.gazetteer import lint

    path = write(tmp_path, "rtl.yml", "entities:\n  - {id: himars, aliases: [HIMARS صاروخ]}\n")
    notes = lint(load_gazetteer(base, extra=path))
    assert "himars: alias 'HIMARS صاروخ' mixes left-to-right and right-to-left letters" in notes


# --- a nested list (or a mapping) as an alias ----------------------------------------------------


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ("[[Storm Shadow, SCALP]]",
         "entry 1 is a nested list ['Storm Shadow', 'SCALP']; each entry must be one string"),
        ("[Patriot, {name: PAC-3}]",
         "entry 2 is a mapping {'name': 'PAC-3'}; each entry must be one string"),
        ("[yes]", "entry 1 is True (YAML reads yes/no/on/off so); quote it"),
    ],
)  # fmt: skip
def test_nested_aliases_are_refused(tmp_path, base, aliases, message):
    path = write(tmp_path, "n.yml", f"entities:\n  - id: patriot\n    aliases: {aliases}\n")
    assert only_problem(base, path) == f"n.yml:2: entity 'patriot': field 'aliases': {message}"


# --- an addition that changes nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    "entry", ["{id: himars, aliases: [HIMARS]}", "{id: patriot, exclusions: [Patriot Act]}"]
)
def test_an_addition_that_changes_nothing_says_so(tmp_path, base, entry):
    path = write(tmp_path, "same.yml", f"entities:\n  - {entry}\n")
    entity = entry.split(",")[0].removeprefix("{id: ")
    expected = f"{path}:2: entity {entity!r}: adds nothing; {entity!r} has all of it already"
    with pytest.warns(UserWarning) as caught:
        gazetteer = load_gazetteer(base, extra=path)
    assert [str(w.message) for w in caught] == [expected]
    assert gazetteer.notes == (expected,)
    problems, _ = check_gazetteer(base, extra=path)
    assert problems == []


# --- binary files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("g.yml", b"entities:\n\x00\x01\x02",
         "a binary file, not a gazetteer (NUL byte at offset 10)"),
        ("g.csv", b"entity,alias\nM\xfcnchen,x\n",
         "not UTF-8 text (byte 0xfc at offset 14); save the gazetteer as UTF-8"),
        ("g.yaml", bytes(range(128, 256)),
         "not UTF-8 text (byte 0x80 at offset 0); save the gazetteer as UTF-8"),
    ],
)  # fmt: skip
def test_a_binary_gazetteer_is_named(tmp_path, base, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as error:
        load_gazetteer(base, extra=path)
    assert str(error.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("data", "offset"), [(b"reports:\n  - name: \xff\xfe\n", 19), (b"\x89PNG\r\n\x1a\n", 0)]
)
def test_a_binary_report_config_is_named(tmp_path, data, offset):
    from analysis.report.registry import load_registry

    path = write(tmp_path, "reports.yml", data)
    with pytest.raises(InputError) as error:
        load_registry(path)
    assert str(error.value) == f"{path}: not UTF-8 text (offset {offset}); a binary file?"
