"""The arithmetic of inter-coder agreement on intervals of code points (docs/agreement.md).

Everything works on sorted lists of disjoint half-open intervals, so counts come
from interval overlaps, never from per-character arrays.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

Spans = list[tuple[int, int]]


def union(spans) -> Spans:
    """Sorted, disjoint intervals covering the same points (overlapping or touching ones join)."""
    out: Spans = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def unit_spans(spans) -> Spans:
    """A coder's units for unitizing alpha: codings that share a point join into one unit;
    codings that only touch stay two units (Krippendorff's coders mark abutting units)."""
    out: Spans = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def covered(spans: Spans) -> int:
    return sum(b - a for a, b in spans)


def overlap(x: Spans, y: Spans) -> int:
    """Points covered by both of two disjoint sorted interval lists."""
    i = j = total = 0
    while i < len(x) and j < len(y):
        a, b = x[i]
        c, d = y[j]
        lo, hi = max(a, c), min(b, d)
        if lo < hi:
            total += hi - lo
        if b < d:
            i += 1
        else:
            j += 1
    return total


def percent_kappa(n: int, a: int, b: int, both: int) -> tuple[float | None, float | None]:
    """Percent agreement and Cohen's kappa over n binary units: a coded by A, b by B, both by both."""
    if n <= 0:
        return None, None
    agree = n - (a + b - 2 * both)
    po = agree / n
    pe = (a / n) * (b / n) + ((n - a) / n) * ((n - b) / n)
    kappa = None if pe >= 1.0 else (po - pe) / (1.0 - pe)
    return 100.0 * po, kappa


def nominal_alpha(units: int, coders: int, k_sum: int, disagree: int) -> float | None:
    """Krippendorff's alpha for binary values, every coder valuing every unit.

    k_sum = Σ_u k_u (values 1 over all units and coders), disagree = Σ_u k_u (m - k_u).
    alpha = 1 - (N - 1) Σ k(m-k) / ((m - 1) n0 n1), N = m * units.
    """
    total = coders * units
    n1 = k_sum
    n0 = total - n1
    if n0 == 0 or n1 == 0 or total < 2:
        return None
    return 1.0 - (total - 1) * disagree / ((coders - 1) * n0 * n1)


def sweep(per_coder: list[Spans]) -> tuple[int, int]:
    """Σ k and Σ k (m - k) over all points, k = how many coders cover the point (m = len(per_coder))."""
    m = len(per_coder)
    events: list[tuple[int, int]] = []
    for spans in per_coder:
        for a, b in spans:
            events.append((a, 1))
            events.append((b, -1))
    events.sort()
    k_sum = dis = 0
    k, last = 0, None
    for pos, step in events:
        if last is not None and k:
            length = pos - last
            k_sum += k * length
            dis += k * (m - k) * length
        k += step
        last = pos
    return k_sum, dis


def sections(units: Spans, length: int) -> list[tuple[int, int, bool]]:
    """A coder's partition of [0, length): (start, end, is_unit), units and the gaps between them."""
    out, pos = [], 0
    for a, b in units:
        if a > pos:
            out.append((pos, a, False))
        out.append((a, b, True))
        pos = b
    if pos < length:
        out.append((pos, length, False))
    return out


def _delta2(s1: tuple[int, int, bool], s2: tuple[int, int, bool]) -> int:
    """Krippendorff's (1995) squared distance between two overlapping sections of two coders."""
    b1, e1, u1 = s1
    b2, e2, u2 = s2
    if u1 and u2:
        return (b1 - b2) ** 2 + (e1 - e2) ** 2
    if u1 and not u2 and b2 <= b1 and e1 <= e2:
        return (e1 - b1) ** 2
    if u2 and not u1 and b1 <= b2 and e2 <= e1:
        return (e2 - b2) ** 2
    return 0


def observed_u(parts: list[list[tuple[int, int, bool]]]) -> int:
    """Σ over coder pairs of Σ δ² over overlapping sections of one stretch of text (one source)."""
    total = 0
    m = len(parts)
    for i in range(m):
        for j in range(i + 1, m):
            x, y = parts[i], parts[j]
            p = q = 0
            while p < len(x) and q < len(y):
                if max(x[p][0], y[q][0]) < min(x[p][1], y[q][1]):
                    total += _delta2(x[p], y[q])
                if x[p][1] < y[q][1]:
                    p += 1
                else:
                    q += 1
    return total


def u_alpha(observed: int, unit_lengths: list[int], gap_lengths: list[int], coders: int,
            length: int) -> tuple[float, float] | None:
    """(D_o, D_e) of Krippendorff's unitizing alpha for one code over a continuum of `length` points.

    observed = Σ_pairs Σ δ² (see observed_u); unit/gap lengths over all coders and sources.
    None when the expected disagreement is undefined (no unit at all, or no room for chance).
    """
    if not unit_lengths or length <= 0 or coders < 2:
        return None
    d_o = 2.0 * observed / (coders * (coders - 1) * length * length)
    gaps = sorted(gap_lengths)
    suffix_sum = list(accumulate(reversed(gaps)))[::-1] + [0]
    n_c = len(unit_lengths)
    total = 0.0
    for lu in unit_lengths:
        k = bisect_left(gaps, lu)
        count = len(gaps) - k
        fit = suffix_sum[k] - (lu - 1) * count  # Σ over gaps g >= l of (g - l + 1)
        total += (n_c - 1) * (2 * lu ** 3 - 3 * lu ** 2 + lu) / 3.0 + lu * lu * fit
    denom = coders * length * (coders * length - 1) - sum(lu * (lu - 1) for lu in unit_lengths)
    if denom <= 0:
        return None
    d_e = 2.0 / length * total / denom
    if d_e <= 0:
        return None
    return d_o, d_e


def segment_matches(mine: Spans, theirs: Spans, threshold: float) -> int:
    """How many of `mine` segments have a segment in `theirs` overlapping it by at least threshold.

    Overlap is the shared length over the length the two segments cover together
    (intersection over union), as a fraction 0..1.
    """
    if not theirs:
        return 0
    starts = [a for a, _ in theirs]
    longest = max(b - a for a, b in theirs)
    hits = 0
    for a, b in mine:
        k = bisect_left(starts, a - longest)
        while k < len(theirs) and theirs[k][0] < b:
            c, d = theirs[k]
            inter = min(b, d) - max(a, c)
            if inter > 0 and inter / (max(b, d) - min(a, c)) >= threshold - 1e-12:
                hits += 1
                break
            k += 1
    return hits
