"""The gazetteer loader: formats, merging, validation (each error names file and entity)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.errors import InputError
from analysis.gazetteer import alias_variants, lint, load_gazetteer

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "gazetteer_small.yml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_fixture_loads_with_columns_and_hash():
    gazetteer = load_gazetteer(SMALL)
    assert len(gazetteer) == 10
    patriot = gazetteer.entity("patriot")
    assert patriot["kind"] == "weapon"
    assert patriot["parent"] == "air-defence"
    assert patriot["exclusions"] == ("Patriot Act", "Patriot Day", "New England Patriots")
    assert gazetteer.entity("united states")["metonyms"] == ("Washington",)
    assert len(gazetteer.hash) == 16
    assert load_gazetteer(SMALL).hash == gazetteer.hash


def test_default_gazetteer_is_valid_and_broad():
    gazetteer = load_gazetteer()
    entities = gazetteer.entities
    assert len(entities) >= 150
    assert set(entities["kind"]) == {"actor", "weapon"}
    for needed in ("donald-trump", "nato", "patriot", "javelin", "ukraine", "russia"):
        assert needed in set(entities["id"]), needed
    # Every exclusion phrase must contain one of its entity's aliases, or it can never apply.
    assert [note for note in lint(gazetteer) if "contains none" in note] == []


def test_hyphen_variants():
    assert alias_variants("F-16") == ["F-16", "F 16", "F16"]
    assert alias_variants("Storm Shadow") == ["Storm Shadow"]


def test_user_yaml_extends_and_adds(tmp_path):
    extra = write(
        tmp_path,
        "mine.yml",
        """
entities:
  - id: zelensky
    aliases: [Zelenskiy]
  - id: kaja-kallas
    name: Kaja Kallas
    kind: actor
    category: person
    aliases: [Kallas, Kaja Kallas]
""",
    )
    gazetteer = load_gazetteer(SMALL, extra=extra)
    assert len(gazetteer) == 11
    assert "Zelenskiy" in gazetteer.entity("zelensky")["aliases"]
    assert "Zelenskyy" in gazetteer.entity("zelensky")["aliases"]  # merged, not replaced
    assert gazetteer.hash != load_gazetteer(SMALL).hash


def test_replace_true_replaces_entity(tmp_path):
    extra = write(
        tmp_path,
        "mine.yml",
        "entities:\n  - {id: drone, replace: true, name: UAV, kind: weapon, aliases: [UAV]}\n",
    )
    assert load_gazetteer(SMALL, extra=extra).entity("drone")["aliases"] == ("UAV",)


def test_csv_for_spreadsheet_users(tmp_path):
    extra = write(
        tmp_path,
        "mine.csv",
        "entity,kind,category,alias\n"
        "Kaja Kallas,actor,person,Kallas\n"
        "Kaja Kallas,actor,person,Kaja Kallas\n"
        "Storm Shadow,weapon,cruise missile,Storm Shadow\n",
    )
    gazetteer = load_gazetteer(SMALL, extra=extra)
    assert gazetteer.entity("kaja-kallas")["aliases"] == ("Kallas", "Kaja Kallas")
    assert gazetteer.entity("storm-shadow")["category"] == "cruise missile"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "entities:\n - {id: a, kind: actor, aliases: [X]}\n"
            " - {id: a, kind: actor, aliases: [Y]}",
            "duplicate entity id 'a'",
        ),
        (
            "entities:\n - {id: a, kind: actor, aliases: [Kyiv]}\n"
            " - {id: b, kind: actor, aliases: [kyiv]}",
            "claimed by both 'a' and 'b'",
        ),
        (
            "entities:\n - {id: a, kind: actor, aliases: [F-16]}\n"
            " - {id: b, kind: weapon, aliases: [F16]}",
            "claimed by both 'a' and 'b'",
        ),
        ("entities:\n - {id: a, kind: actor, aliases: ['']}", "field 'aliases' has an empty entry"),
        ("entities:\n - {id: a, kind: actor, aliases: []}", "field 'aliases' is empty"),
        ("entities:\n - {id: a, kind: tank, aliases: [X]}", "field 'kind' is 'tank'"),
        ("entities:\n - {id: a, kind: actor, case: loud, aliases: [X]}", "field 'case'"),
        ("entities:\n - {id: a, kind: actor, parent: zz, aliases: [X]}", "unknown entity 'zz'"),
        ("entities: [\n", "is not valid YAML"),
        ("just text", "expected a top-level 'entities:' list"),
    ],
)
def test_validation_errors_name_file_and_entity(tmp_path, text, message):
    path = write(tmp_path, "bad.yml", text)
    with pytest.raises(InputError) as error:
        load_gazetteer(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_gazetteer(tmp_path / "nope.yml")
    with pytest.raises(InputError, match="unknown gazetteer format"):
        load_gazetteer(write(tmp_path, "g.txt", "x"))


def test_csv_without_alias_column(tmp_path):
    path = write(tmp_path, "g.csv", "name,kind\nX,actor\n")
    with pytest.raises(InputError, match=r"missing column\(s\) alias, entity"):
        load_gazetteer(path)


def test_cli_lint(capsys):
    assert main(["gazetteer", "--base", str(SMALL), "--lint"]) == 0
    err = capsys.readouterr().err
    assert "10 entities" in err
    assert "ok: valid" in err


def test_cli_reports_bad_file_in_one_line(tmp_path, capsys):
    path = write(tmp_path, "bad.yml", "entities:\n - {id: a, kind: tank, aliases: [X]}")
    assert main(["gazetteer", "--base", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err


def test_lint_notes_titles_that_swallow_an_institution(tmp_path):
    path = write(
        tmp_path,
        "titles.yml",
        "entities:\n"
        "  - {id: nato, kind: actor, category: alliance, aliases: [NATO]}\n"
        "  - {id: israel, kind: actor, category: state, aliases: [Israel]}\n"
        "  - {id: rutte, kind: actor, category: person,\n"
        "     aliases: [Mark Rutte, NATO Secretary General Mark Rutte]}\n"
        "  - {id: katz, kind: actor, category: person, aliases: [Israel Katz]}\n",
    )
    notes = [n for n in lint(load_gazetteer(path)) if "swallow" in n]
    assert notes == [
        "rutte: alias 'NATO Secretary General Mark Rutte' begins with 'nato', an alias of nato;"
        " a title should not swallow another entity"
    ]


def test_an_addition_to_an_entity_with_context_rules_keeps_them(tmp_path):
    base = write(
        tmp_path,
        "base.yml",
        "entities:\n  - id: shells\n    kind: weapon\n    aliases: [shells]\n"
        "    context: [{require: [artillery]}]\n",
    )
    extra = write(
        tmp_path,
        "extra.yml",
        "entities:\n  - id: shells\n    aliases: [rounds]\n"
        "    context: [{require: [artillery]}, {veto: [golf]}]\n",
    )
    entity = load_gazetteer(base, extra=extra).entity("shells")
    assert entity["aliases"] == ("shells", "rounds")
    assert [sorted(k for k, v in rule.items() if v) for rule in entity["context"]] == [
        ["require", "within"],
        ["veto", "within"],
    ]
