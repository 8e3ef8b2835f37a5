"""The shared REFI-QDA samples are found beside the checkout; a missing one skips, and under CI=true fails."""
from __future__ import annotations

from pathlib import Path

import pytest
import refi_helpers
from refi_helpers import need_sample, sample_files


def test_samples_are_found_relative_to_the_checkout():
    checkout = Path(__file__).resolve().parents[2]
    assert refi_helpers.SAMPLES == checkout.parent / "shared" / "refi-qda" / "samples"


def test_a_missing_sample_skips_locally_and_fails_under_ci(tmp_path, monkeypatch):
    missing = tmp_path / "no-such-samples"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-samples"):
        need_sample(missing)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        need_sample(missing)
    monkeypatch.setattr(refi_helpers, "SAMPLES", missing)
    placeholder = refi_helpers.sample_files("*.qdpx")
    assert len(placeholder) == 1 and not placeholder[0].exists()
    with pytest.raises(pytest.fail.Exception):
        need_sample(placeholder[0])


def test_present_samples_pass_through(monkeypatch):
    need_sample(refi_helpers.SAMPLES)
    monkeypatch.setenv("CI", "true")
    files = sample_files("*.qdpx")
    assert len(files) == 7 and all(need_sample(p) == p for p in files)
