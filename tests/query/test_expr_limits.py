"""Issue 12, item 8: code expressions are bounded and walked without deep recursion.

330 nested parentheses, 1,000 OR terms and a 500-deep right-nested expression raised
RecursionError; NEAR/ with a 5,000-digit number raised ValueError. Now nesting and size
have stated limits (refused in one line past them) and everything within them evaluates.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager

import pytest

from workbench.query.expr import MAX_LEAVES, MAX_NEAR, MAX_NESTING, ExprError, Leaf, Seg, evaluate, leaves, parse, render


@contextmanager
def shallow_stack(frames: int = 150):
    """Less stack than any recursive walk of a 1,000-term chain would need."""
    depth = len(__import__("inspect").stack(0))
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def test_nesting_up_to_the_limit_parses_and_one_more_is_refused():
    assert render(parse("(" * MAX_NESTING + '"a"' + ")" * MAX_NESTING)) == '"a"'
    with pytest.raises(ExprError, match=f"nested more than {MAX_NESTING}") as info:
        parse("(" * (MAX_NESTING + 1) + '"a"' + ")" * (MAX_NESTING + 1))
    assert info.value.position == MAX_NESTING  # the '(' that went one too deep
    with pytest.raises(ExprError, match="nested more than"):
        parse("(" * 330 + '"a"' + ")" * 330)


def test_a_500_deep_right_nested_expression_is_refused_in_one_line():
    text = ' AND ('.join(['"a"'] * 500) + ")" * 499
    with pytest.raises(ExprError) as info:
        parse(text)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_a_thousand_or_terms_are_walked_without_recursion():
    text = " OR ".join(f'"c{i}"' for i in range(MAX_LEAVES))
    with shallow_stack():
        node = parse(text)
        assert [leaf.path for leaf in leaves(node)] == [f"c{i}" for i in range(MAX_LEAVES)]
        assert render(node).count("OR") == MAX_LEAVES - 1

        def leaf_value(leaf: Leaf):  # code ci covers [i, i+1) in source 1: the union is one stretch
            i = int(leaf.path[1:])
            return {1: [Seg(i, i + 1, ((i, i, i + 1),))]}

        value = evaluate(node, leaf_value)
    assert [(s.start, s.end) for s in value[1]] == [(0, MAX_LEAVES)]
    with pytest.raises(ExprError, match=f"at most {MAX_LEAVES}"):
        parse(text + ' OR "one more"')


@pytest.mark.parametrize("digits", ["9" * 5000, str(MAX_NEAR + 1), "0" * 40 + "1" + "0" * 12])
def test_near_distances_past_the_limit_are_refused(digits):
    with pytest.raises(ExprError, match="NEAR distance is larger"):
        parse(f'"a" NEAR/{digits} "b"')


def test_near_distance_at_the_limit_and_with_leading_zeros_parses():
    assert parse(f'"a" NEAR/{MAX_NEAR} "b"').n == MAX_NEAR
    assert parse('"a" NEAR/0007 "b"').n == 7
