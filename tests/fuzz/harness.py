"""Running the command line in-process on fuzzed input and sorting what happened.

Every run ends in one category:
- clean: exit 0, or exit 1/2 with only lines the program meant to print (each line on
  stderr starts with "workbench ..." or "warning:", or is argparse's usage for exit 2);
- traceback: an exception escaped main(), or the catch-all's "internal error" line;
- hang: the command was still running after the timeout (SIGALRM stops it);
- unclean: anything else (another exit status, stray output on stderr).
A test asserts "clean"; the tally is printed at the end of the session (conftest.py).
"""
from __future__ import annotations

import io
import os
import signal
import traceback
from collections import Counter, defaultdict
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from hypothesis import HealthCheck, settings

from workbench.cli.main import main

TALLY: dict[str, Counter] = defaultdict(Counter)
FIRST_PROBLEMS: dict[str, list[str]] = defaultdict(list)
CATEGORIES = ("clean", "traceback", "hang", "unclean")


class Hang(BaseException):
    """Raised by the alarm; a BaseException so no `except Exception` in the program swallows it."""


@dataclass
class Outcome:
    category: str
    code: int | None
    out: str
    err: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.category} (exit {self.code}): {self.detail or self.err[-500:]}"


def scale() -> float:
    """WORKBENCH_FUZZ_SCALE multiplies every fuzz test's example count (1: the small CI budget)."""
    return float(os.environ.get("WORKBENCH_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int):
    """Hypothesis settings for a fuzz test: `examples` at scale 1, no deadline (hangs have their own alarm)."""
    return settings(max_examples=max(1, int(examples * scale())), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


def timeout_seconds() -> float:
    return float(os.environ.get("WORKBENCH_FUZZ_TIMEOUT", "30"))


def _alarm(*_):
    raise Hang()


class _Alarm:
    """SIGALRM after the timeout while a run is under way (where the platform has it)."""

    def __enter__(self):
        self.armed = hasattr(signal, "setitimer")
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout_seconds())
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


class _Stream(io.TextIOWrapper):
    """A text stream over bytes, like a real terminal's (strict UTF-8 on stdout)."""

    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)

    def value(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", "replace")


def run_cli(area: str | None, argv: list[str]) -> Outcome:
    """Run `workbench argv` in this process and sort the outcome into a category.

    `area` names the tally it counts in; None for a follow-up check that is not a fuzz input."""
    out, err = _Stream(), _Stream()
    code: int | None = None
    try:
        with _Alarm(), redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 2
    except Hang:
        outcome = Outcome("hang", None, out.value(), err.value(), f"still running after {timeout_seconds()} s")
        return _record(area, argv, outcome)
    except BaseException as exc:  # noqa: BLE001 - whatever escapes main() is what we are looking for
        detail = "".join(traceback.format_exception(exc))[-3000:]
        return _record(area, argv, Outcome("traceback", None, out.value(), err.value(), detail))
    return _record(area, argv, classify(code, out.value(), err.value()))


def classify(code: int | None, out: str, err: str) -> Outcome:
    lines = err.splitlines()
    if "Traceback (most recent call last)" in err or "internal error" in err or "please report this as a bug" in err:
        return Outcome("traceback", code, out, err)
    if code == 0:
        ok = all(line.startswith(("warning:", "workbench ")) for line in lines)
        return Outcome("clean" if ok else "unclean", code, out, err, "" if ok else "stray stderr on success")
    if code == 2 and lines and (lines[0].startswith("usage:") or lines[-1].startswith("workbench ")):
        return Outcome("clean", code, out, err)
    if code == 1 and lines and all(line.startswith(("workbench ", "warning:")) for line in lines):
        return Outcome("clean", code, out, err)
    return Outcome("unclean", code, out, err, f"exit {code} with stderr {err[-300:]!r}")


def _record(area: str | None, argv: list[str], outcome: Outcome) -> Outcome:
    if area is None:
        return outcome
    TALLY[area]["tried"] += 1
    TALLY[area][outcome.category] += 1
    if outcome.category != "clean" and len(FIRST_PROBLEMS[area]) < 5:
        FIRST_PROBLEMS[area].append(f"{[a[:80] for a in argv]!r}: {outcome}")
    return outcome


def record_call(area: str, fn) -> Outcome:
    """Like run_cli for a direct call (an importer): an ImportRefused-like WorkbenchError is clean."""
    from workbench.core.errors import WorkbenchError

    try:
        with _Alarm():
            try:
                fn()
                outcome = Outcome("clean", 0, "", "")
            except WorkbenchError as exc:
                one = "\n" not in str(exc)
                outcome = Outcome("clean" if one else "unclean", 1, "", str(exc), "" if one else "multi-line message")
    except Hang:
        outcome = Outcome("hang", None, "", "", f"still running after {timeout_seconds()} s")
    except BaseException as exc:  # noqa: BLE001
        outcome = Outcome("traceback", None, "", "", "".join(traceback.format_exception(exc))[-3000:])
    return _record(area, [area], outcome)


def summary() -> str:
    total = Counter()
    rows = []
    for area in sorted(TALLY):
        c = TALLY[area]
        total.update(c)
        rows.append(f"  {area:<28} " + "  ".join(f"{k} {c[k]:>5}" for k in ("tried", *CATEGORIES)))
    rows.append(f"  {'all':<28} " + "  ".join(f"{k} {total[k]:>5}" for k in ("tried", *CATEGORIES)))
    problems = [f"  {area}: {p}" for area, ps in sorted(FIRST_PROBLEMS.items()) for p in ps]
    return "\n".join(["fuzz outcomes by area:", *rows] + (["first problems:", *problems] if problems else []))

