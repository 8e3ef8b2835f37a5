"""new_guid: valid REFI-QDA GUIDs, distinct, and in creation order (time-ordered, issue 11).

The pattern is read from the REFI-QDA project schema itself (../shared/refi-qda/schemas), the
version and variant from the standard library's uuid parser, so neither comes from the code
under test.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench.core import ids
from workbench.core.ids import new_guid

SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "schemas" / "Project-mrt2019.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def _guid_pattern() -> re.Pattern[str]:
    if not SCHEMA.is_file():
        pytest.skip(f"REFI-QDA schema not found at {SCHEMA}")
    for simple in ET.parse(SCHEMA).getroot().iter(f"{XS}simpleType"):
        if simple.get("name") == "GUIDType":
            return re.compile(simple.find(f"{XS}restriction/{XS}pattern").get("value"))
    raise AssertionError("no GUIDType in the schema")


def test_guids_match_the_refi_qda_guid_pattern_and_are_version_7():
    pattern = _guid_pattern()
    before_ms = time.time_ns() // 1_000_000
    guids = [new_guid() for _ in range(1000)]
    after_ms = time.time_ns() // 1_000_000
    for g in guids:
        assert pattern.fullmatch(g), g
        assert g == g.lower() and len(g) == 36
        u = uuid.UUID(g)
        assert str(u) == g
        assert u.version == 7 and u.variant == uuid.RFC_4122
        assert before_ms <= u.int >> 80 <= after_ms  # the first 48 bits: Unix time in ms


def test_100000_guids_in_one_process_are_distinct():
    guids = [new_guid() for _ in range(100_000)]
    assert len(set(guids)) == 100_000


def test_sorted_order_is_creation_order_across_millisecond_boundaries():
    guids, stamps = [], set()
    while len(stamps) < 5 or len(guids) < 20_000:  # several ms, many GUIDs within each
        g = new_guid()
        guids.append(g)
        stamps.add(uuid.UUID(g).int >> 80)
    assert len(stamps) >= 5
    assert sorted(guids) == guids
    assert len(set(guids)) == len(guids)


def test_order_holds_when_the_clock_steps_back(monkeypatch):
    now = [time.time_ns() + 10_000_000_000]  # ahead of any GUID made so far in this process
    monkeypatch.setattr(ids.time, "time_ns", lambda: now[0])
    first = [new_guid() for _ in range(3)]
    now[0] -= 5_000_000_000  # the wall clock is set back five seconds
    later = [new_guid() for _ in range(3)]
    guids = first + later
    assert sorted(guids) == guids and len(set(guids)) == 6


def test_two_processes_in_the_same_moments_make_no_common_guid():
    code = "from workbench.core.ids import new_guid\nprint('\\n'.join(new_guid() for _ in range(50000)))"
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert [len(o) for o in outs] == [50000, 50000]
    assert not set(outs[0]) & set(outs[1])
