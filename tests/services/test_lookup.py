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


def test_an_exact_name_wins_over_one_differing_in_case(project):
    from workbench.services.coders import ensure_coder

    with project.transaction() as s:
        lower = ensure_coder(s, "thandi")
    with project.reading() as s:
        upper = coder_by_name(s, "Thandi")
        assert upper != lower
        assert coder_by_name(s, "thandi") == lower
        assert coder_by_name(s, "THANDI") in {upper, lower}


def test_a_slash_inside_a_code_name_is_written_escaped(project):
    from workbench.services.codebook import ensure_code_path_in

    with project.transaction() as s:
        cid, _ = ensure_code_path_in(s, "autonomy/city\\/province split", create=True)
    with project.reading() as s:
        assert code_by_path(s, "autonomy/city\\/province split") == cid
        with pytest.raises(NotFoundError):
            code_by_path(s, "autonomy/city/province split")
