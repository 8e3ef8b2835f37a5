"""One name rule for every create, rename, import and merge (issue 9, finding 3).

Cases and attributes were unique by exact spelling but merged ignoring case and spaces:
creating "Addis  Ababa" overwrote the description of "Addis Ababa" and reported a new case;
a codebook with "Interesting" and "interesting" became one code, reported as "7 created".
Now names compare by core.names.name_key everywhere, the store holds the key under a
unique index, and every fold is reported.
"""
from __future__ import annotations

import shutil
import unicodedata

import pytest
from sqlalchemy import select

from workbench.core.errors import ValidationError
from workbench.core.names import clean_name, name_key
from workbench.services.cases import create_case, import_cases_csv, rename_case
from workbench.services.codebook import create_code, rename_code
from workbench.services.lookup import case_by_name
from workbench.store.models import AttributeValue, Case, Code


def test_the_key_ignores_case_spacing_and_composition_and_nothing_else():
    decomposed = unicodedata.normalize("NFD", "Zürich")
    assert decomposed != "Zürich"
    same = ["Addis Ababa", "addis ababa", "  Addis   Ababa ", "ADDIS\tABABA"]
    assert len({name_key(n) for n in same}) == 1
    assert name_key(decomposed) == name_key("ZÜRICH")
    assert name_key("São Paulo") != name_key("Sao Paulo")
    assert name_key("Straße") == name_key("STRASSE")  # full case folding, as str.casefold
    assert clean_name("case", "  Addis   Ababa ") == "Addis Ababa"


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "x" * 301, "bad\ud800"])
def test_names_that_cannot_be_stored_are_refused_in_words(bad):
    with pytest.raises(ValidationError):
        clean_name("code", bad)


def _case(project, name):
    with project.reading() as s:
        return s.get(Case, case_by_name(s, name))


def test_creating_a_case_whose_name_compares_equal_is_refused_and_changes_nothing(project):
    before = _case(project, "Addis Ababa").description
    for typed in ("Addis  Ababa", "addis ababa", " ADDIS ABABA"):
        with pytest.raises(ValidationError, match="'Addis Ababa' already exists"):
            create_case(project, typed, "overwritten?")
    assert _case(project, "Addis Ababa").description == before
    with project.reading() as s:
        assert s.scalar(select(Case.id).where(Case.name.like("%ddis%")).order_by(Case.id)) is not None
        assert len(s.scalars(select(Case)).all()) == 2


def test_renaming_onto_another_case_is_refused_but_respelling_ones_own_name_is_not(project):
    jhb = case_by_name_id(project, "Johannesburg")
    with pytest.raises(ValidationError, match="already exists"):
        rename_case(project, jhb, "addis  ababa")
    rename_case(project, jhb, "JOHANNESBURG")
    assert _case(project, "johannesburg").name == "JOHANNESBURG"


def case_by_name_id(project, name):
    with project.reading() as s:
        return case_by_name(s, name)


def test_a_cases_csv_row_that_folds_into_a_case_updates_it_and_says_so(project, tmp_path):
    csv = tmp_path / "more.csv"
    csv.write_text("name,country\naddis  ababa,Ethiopia (FDR)\nLyon,France\n", encoding="utf-8")
    result = import_cases_csv(project, csv).result
    assert (result.created, result.updated) == (1, 1)
    assert result.folded == [("addis ababa", "Addis Ababa")]
    assert "'addis ababa' is 'Addis Ababa'" in result.summary()
    with project.reading() as s:
        names = sorted(s.scalars(select(Case.name)))
        addis = case_by_name(s, "Addis Ababa")
        values = [v.value for v in s.scalars(select(AttributeValue).where(AttributeValue.case_id == addis))]
    assert names == ["Addis Ababa", "Johannesburg", "Lyon"]
    assert "Ethiopia (FDR)" in values


def test_a_cases_csv_whose_columns_name_one_attribute_twice_is_refused(project, tmp_path):
    from workbench.core.errors import ImportRefused

    csv = tmp_path / "dup.csv"
    csv.write_text("name,Region,region \nLyon,Europe,Europe\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="'Region' and 'region' name one attribute"):
        import_cases_csv(project, csv)


def test_a_codebook_with_two_spellings_of_one_code_reports_the_fold(project, tmp_path):
    from workbench.io.codebook_outline import import_codebook as import_outline

    outline = tmp_path / "book.txt"
    outline.write_text("Interesting\ninteresting\nBoring\n  Very  boring\n  very boring\n", encoding="utf-8")
    summary = import_outline(project, outline)
    assert summary.startswith("3 codes created, 0 updated")
    assert "2 folded" in summary
    assert "'interesting' is 'Interesting'" in summary and "'Boring/very boring' is 'Boring/Very boring'" in summary
    with project.reading() as s:
        top = sorted(s.scalars(select(Code.name).where(Code.parent_id.is_(None))))
    assert "Interesting" in top and "interesting" not in top


def test_codes_fold_by_the_rule_at_the_top_level_too(project):
    create_code(project, "Power")
    with pytest.raises(ValidationError, match="already exists"):
        create_code(project, "  power ")
    with project.reading() as s:
        pid = s.scalar(select(Code.id).where(Code.name == "Power"))
    rename_code(project, pid, "POWER")  # respelling its own name


def test_merging_an_unchanged_copy_folds_nothing_and_keeps_every_case(project_path, tmp_path, capsys):
    from workbench.cli.main import main

    copy = tmp_path / "copy.qwb"
    shutil.copyfile(project_path, copy)
    assert main(["merge", str(project_path), str(copy), "--json"]) == 0
    out = capsys.readouterr().out
    import json

    report = json.loads(out)
    assert report["counts"]["case"] == {"new": 0, "updated": 0, "deleted": 0}
    assert [m for m in report["matches"] if m["kind"] == "case"] == []


def test_a_qdc_with_two_spellings_of_one_tag_reports_the_fold(project, tmp_path):
    """Taguette's tags are case-sensitive: 'Interesting' and 'interesting' come in as one code,
    and the summary says so instead of '7 created, 0 updated'."""
    from workbench.io.qdc import import_codebook

    names = ["Interesting", "interesting", "Policy", "Funding", "Partners", "Mayor", "Province"]
    codes = "".join(f'<Code guid="{i:08d}-0000-4000-8000-000000000000" name="{n}" isCodable="true"/>'
                    for i, n in enumerate(names, 1))
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>'
                   f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.5.2"><Codes>{codes}</Codes>'
                   "</CodeBook>", encoding="utf-8")
    summary = import_codebook(project, qdc)
    assert summary.startswith("6 codes created, 0 updated")
    assert "1 folded" in summary and "'interesting' is 'Interesting'" in summary
