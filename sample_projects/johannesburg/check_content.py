#!/usr/bin/env python3
"""Validate the Johannesburg sample project content (sources, codebook, cases, codings)."""
import csv, json, os, re, sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, 'sources')
errors = []

def err(msg):
    errors.append(msg)

# ---- sources: encoding, line ends, word counts, turn format
texts = {}
for fn in sorted(os.listdir(SRC)):
    raw = open(os.path.join(SRC, fn), 'rb').read()
    if raw.startswith(b'\xef\xbb\xbf'):
        err(f'{fn}: has BOM')
    if b'\r' in raw:
        err(f'{fn}: contains CR')
    text = raw.decode('utf-8')
    texts[fn] = text
    n = len(text.split())
    if fn.startswith('interview'):
        if not 1500 <= n <= 1900:
            err(f'{fn}: {n} words, expected 1500-1900')
        header, body = text.split('\n\n', 1)
        turns = body.strip('\n').split('\n\n')
        last = -1
        speakers = set()
        for t in turns:
            m = re.match(r'^\[(\d\d):(\d\d):(\d\d)\] ([^:\n]+): ', t)
            if not m:
                err(f'{fn}: bad turn start: {t[:50]!r}')
                continue
            secs = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])
            if secs <= last:
                err(f'{fn}: timestamp not increasing at {t[:12]}')
            last = secs
            speakers.add(m[4])
            if '\n' in t:
                err(f'{fn}: turn spans several lines: {t[:40]!r}')
        if 'Interviewer' not in speakers or len(speakers) != 2:
            err(f'{fn}: unexpected speakers {speakers}')
    elif fn.startswith('policy'):
        if not 900 <= n <= 1500:
            err(f'{fn}: {n} words, expected 900-1500')
    else:
        err(f'{fn}: unexpected file')
    print(f'{fn:50s} {n:5d} words')

alltext = ''.join(texts.values())
for ch, label in [('\u0301', 'combining acute'), ('\u2014', 'em dash'), ('\u201c', 'curly double quote'),
                  ('\u2018', 'curly single quote'), ('\U0001F64F', 'emoji'), ('ã', 'accented letter')]:
    if ch not in alltext:
        err(f'no {label} in sources')

# ---- codebook
paths = set()
stack = []
for i, line in enumerate(open(os.path.join(HERE, 'codebook.txt'), encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line.strip():
        continue
    indent = len(line) - len(line.lstrip(' '))
    if indent % 2:
        err(f'codebook line {i}: odd indentation')
    level = indent // 2
    name = line.strip().split(' | ')[0]
    stack = stack[:level] + [name]
    paths.add('/'.join(stack))
tops = {p for p in paths if '/' not in p}
for t in ('autonomy', 'provincial constraint', 'development outcome'):
    if t not in tops:
        err(f'codebook: missing top code {t}')

# ---- colours
with open(os.path.join(HERE, 'codebook_colors.csv'), encoding='utf-8') as f:
    for row in csv.DictReader(f):
        if row['path'] not in paths:
            err(f'colours: unknown path {row["path"]}')
        if not re.fullmatch(r'#[0-9a-f]{6}', row['color']):
            err(f'colours: bad colour {row["color"]}')

# ---- cases
covered = set()
with open(os.path.join(HERE, 'cases.csv'), encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
for row in rows:
    int(row['year_signed'])
    for s in row['sources'].split(';'):
        if s not in texts:
            err(f'cases: {row["name"]}: missing source {s}')
        covered.add(s)
for fn in texts:
    if fn not in covered:
        err(f'cases: {fn} belongs to no case')

# ---- codings
codings = json.load(open(os.path.join(HERE, 'codings.json'), encoding='utf-8'))
subcodes = {p for p in paths if '/' in p}
per_coder = defaultdict(list)
for c in codings:
    per_coder[c['coder']].append(c)
    if c['code'] not in paths:
        err(f'coding: unknown code {c["code"]}')
    text = texts.get(c['source'])
    if text is None:
        err(f'coding: unknown source {c["source"]}')
        continue
    k = text.count(c['quote'])
    if k != 1:
        err(f'coding: quote found {k} times in {c["source"]}: {c["quote"][:60]!r}')
for coder, cs in per_coder.items():
    srcs = {c['source'] for c in cs}
    codes = {c['code'] for c in cs}
    if len(cs) < 60:
        err(f'{coder}: only {len(cs)} codings')
    for fn in texts:
        if fn not in srcs:
            err(f'{coder}: no coding in {fn}')
    for p in subcodes:
        if p not in codes:
            err(f'{coder}: subcode {p} unused')
dups = Counter((c['coder'], c['source'], c['code'], c['quote']) for c in codings)
for k, v in dups.items():
    if v > 1:
        err(f'duplicate coding {k}')

# ---- agreement summary
def spans(coder):
    out = set()
    for c in per_coder[coder]:
        start = texts[c['source']].find(c['quote'])
        out.add((c['source'], c['code'], start, start + len(c['quote'])))
    return out
t, p = spans('Thandi'), spans('Pieter')
exact = t & p
overlap_same_code = sum(1 for a in t - exact for b in p - exact
                        if a[0] == b[0] and a[1] == b[1] and a[2] < b[3] and b[2] < a[3])
print()
for coder, cs in per_coder.items():
    print(f'{coder}: {len(cs)} codings')
print(f'memos: {sum(1 for c in codings if c.get("memo"))}')
print(f'exact agreements (same code, identical span): {len(exact)}')
print(f'same code, overlapping but different span: {overlap_same_code}')
print()
if errors:
    print('\n'.join('ERROR: ' + e for e in errors))
    sys.exit(1)
print('OK')
