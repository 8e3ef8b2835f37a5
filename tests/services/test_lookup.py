"""Finding things by the names users type: exact first, then ignoring case; never by pattern."""
from __future__ import annotations

import pytest

from workbench.core.errors import NotFoundError
from workbench.services.lookup import case_by_name, code_by_path, coder_by_name, source_by_name


def test_percent_and_underscore_in_a_name_are_not_wildcards(project):
    with project.reading() as s:
        for pattern in ("%", "interview%", "policy_txt", "_olicy.txt"):
            with pytest.raises(NotFoundError):
                source_by_name(s, pattern)
        with pytest.raises(NotFoundError):
            case_by_name(s, "Addis%")


def test_names_match_ignoring_case_beyond_ascii(project):
    with project.transaction() as s:
        from workbench.store.models import Case

        s.add(Case(name="Zürich"))
    with project.reading() as s:
        zurich = case_by_name(s, "Zürich")
        assert case_by_name(s, "ZÜRICH") == zurich
        assert source_by_name(s, "POLICY.TXT") == source_by_name(s, "policy.txt")


def test_the_store_refuses_a_second_name_that_compares_equal(project):
    """One name rule (issue 9): even a writer that skips the services cannot add 'thandi' beside
    'Thandi', or 'addis  ababa' beside 'Addis Ababa': the unique key index refuses it."""
    from workbench.core.errors import ValidationError
    from workbench.store.models import Case, Coder

    for row in (Coder(name="thandi"), Case(name="addis  ababa"), Case(name="ADDIS ABABA")):
        with pytest.raises(ValidationError, match="(?i)unique"):
            with project.transaction() as s:
                s.add(row)
    with project.reading() as s:
        assert coder_by_name(s, "THANDI") == coder_by_name(s, "Thandi")


def test_a_slash_inside_a_code_name_is_written_escaped(project):
    from workbench.services.codebook import ensure_code_path_in

    with project.transaction() as s:
        cid, _ = ensure_code_path_in(s, "autonomy/city\\/province split", create=True)
    with project.reading() as s:
        assert code_by_path(s, "autonomy/city\\/province split") == cid
        with pytest.raises(NotFoundError):
            code_by_path(s, "autonomy/city/province split")


def test_a_coder_named_in_another_case_is_the_same_coder(project):
    from workbench.services.coders import ensure_coder

    with project.transaction() as s:
        thandi = coder_by_name(s, "Thandi")
        assert ensure_coder(s, "thandi") == thandi
        assert ensure_coder(s, "  THANDI ") == thandi
        assert ensure_coder(s, "Lerato") != thandi


def test_coding_as_thandi_in_lower_case_loses_nothing_in_a_merge_of_a_plain_copy(capsys, project_path, tmp_path):
    import shutil

    from store_read import count as count_rows

    from workbench.cli.main import main

    def count() -> int:
        return count_rows(project_path, "coding")

    assert main(["code", str(project_path), "--source", "policy.txt", "--code", "provincial constraint",
                 "--start", "0", "--end", "10", "--coder", "Thandi"]) == 0
    # The same passage and code again as 'thandi': the same person, so one coding, not two by two coders
    # (a merge matches coders by name ignoring case and would fold two such codings into one).
    main(["code", str(project_path), "--source", "policy.txt", "--code", "provincial constraint",
          "--start", "0", "--end", "10", "--coder", "thandi"])
    before = count()
    assert before == 9
    copy = tmp_path / "copy.qwb"
    shutil.copy(project_path, copy)
    assert main(["merge", str(project_path), str(copy)]) == 0
    capsys.readouterr()
    assert count() == before
