"""Guessing the code page of a text file that is not UTF-8, and saying how sure the guess is.

Bytes that are not UTF-8 could be any of a few dozen single- and double-byte code pages,
and a wrong one gives text that looks almost right (Greek read as Cyrillic, a Mac Roman
"é" read as "Ž"). Each candidate decodes a sample and is judged by what real writing
looks like: words of letters of one script, capitals only at the start of a word (or all
capitals), no control characters, no symbols glued inside words. The best candidate wins;
how far it is ahead of the next candidate that reads the bytes differently, and how much
evidence there was, give the confidence that the import report shows (issue 12, item 11).
The user can always choose another encoding for the source before coding it.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

# (Python codec, label shown to users, prior): the prior only breaks near-ties, in favour of
# the code pages transcripts most often come in.
CANDIDATES: list[tuple[str, str, float]] = [
    ("cp1252", "Windows-1252 (Western European)", 1.0),
    ("iso8859-15", "ISO-8859-15 (Western European)", 0.9),
    ("mac-roman", "Mac Roman (Western European, old Macs)", 0.8),
    ("cp850", "DOS 850 (Western European)", 0.75),
    ("cp437", "DOS 437 (United States)", 0.75),
    ("cp1250", "Windows-1250 (Central European)", 0.95),
    ("iso8859-2", "ISO-8859-2 (Central European)", 0.85),
    ("cp1251", "Windows-1251 (Cyrillic)", 0.95),
    ("koi8-r", "KOI8-R (Russian)", 0.85),
    ("koi8-u", "KOI8-U (Ukrainian)", 0.8),
    ("iso8859-5", "ISO-8859-5 (Cyrillic)", 0.75),
    ("cp866", "DOS 866 (Cyrillic)", 0.75),
    ("iso8859-7", "ISO-8859-7 (Greek)", 0.9),
    ("cp1253", "Windows-1253 (Greek)", 0.9),
    ("cp1254", "Windows-1254 (Turkish)", 0.9),
    ("cp1257", "Windows-1257 (Baltic)", 0.85),
    ("cp1255", "Windows-1255 (Hebrew)", 0.85),
    ("cp1256", "Windows-1256 (Arabic)", 0.85),
    ("cp874", "Windows-874 (Thai)", 0.85),
    ("gb18030", "GB18030 (Chinese, simplified)", 0.8),
    ("big5", "Big5 (Chinese, traditional)", 0.8),
    ("cp932", "Shift JIS (Japanese)", 0.8),
    ("euc-jp", "EUC-JP (Japanese)", 0.75),
    ("cp949", "EUC-KR (Korean)", 0.8),
]
LABELS = {codec: label for codec, label, _ in CANDIDATES}
# Encodings a user may choose for a source besides the guesses (Unicode ones first).
CHOICES: list[tuple[str, str]] = [("utf-8", "UTF-8"), ("utf-16", "UTF-16"), ("utf-7", "UTF-7"),
                                  ("latin-1", "ISO-8859-1 (Latin-1)")] + [(c, label) for c, label, _ in CANDIDATES]
UNSURE_BELOW = 0.8
SAMPLE_BYTES = 64 * 1024
_BICAMERAL = {"LATIN", "GREEK", "CYRILLIC"}
_JAPANESE = {"CJK", "HIRAGANA", "KATAKANA"}
# Punctuation that sits inside words in real text (l'époque, Catalan col·lecció, hyphens);
# CJK punctuation and full-width forms sit between ideographs, which need no spaces.
_IN_WORD = set("'\u2019\u2018\u00b7\u2010\u2011-")
MULTIBYTE = {"gb18030", "big5", "cp932", "euc-jp", "cp949"}
_UTF7_BOM = (b"+/v8", b"+/v9", b"+/v+", b"+/v/")
_UTF7_SHIFT = re.compile(rb"\+([A-Za-z0-9+/]+)-?")


@dataclass
class Guess:
    codec: str
    confidence: float  # 0..1
    runner_up: str | None = None

    @property
    def label(self) -> str:
        return label_of(self.codec)


def label_of(codec: str) -> str:
    name = codecs.lookup(codec).name
    for c, label in CHOICES:
        if codecs.lookup(c).name == name:
            return label
    return codec


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def _word_ok(word: str) -> bool:
    """Letters of one script (or Japanese's mix), in a case pattern real words have."""
    scripts = {_script(c) for c in word if ord(c) > 127}
    if len(scripts) > 1 and not scripts <= _JAPANESE:
        return False
    script = next(iter(scripts), "LATIN")
    if script != "LATIN" and any(c.isascii() for c in word):
        return False  # ASCII letters inside a Greek, Cyrillic, Hebrew... word
    if script == "HALFWIDTH":
        return False  # half-width katakana: a Shift JIS reading of single-byte text
    if script == "HANGUL" and len(word) > 15:
        return False  # Korean puts spaces between words; a long unbroken run is a wrong page
    if script in _BICAMERAL:
        if any(ord(c) > 127 and unicodedata.category(c) not in ("Lu", "Ll") for c in word):
            return False  # superscript or ordinal letters (ⁿ, ª) inside a word
        for a, b in zip(word, word[1:]):
            if a.islower() and b.isupper():
                return False  # dŽclarŽ: a capital inside a lower-case word
    return True


# The letters beyond ASCII that each language writes (lower case). A decoding whose letters
# all belong to one language's alphabet is far likelier than one mixing Czech č with French ç.
ALPHABETS = [
    "àâæçéèêëîïôœùûüÿ", "äöüß", "áéíñóúü", "áâãàçéêíóôõú", "àèéìíîòóùú", "éèëïöüáó", "àçéèíïòóúü",
    "æøåéóü", "åäöéü", "äöå", "áðéíóúýþæö", "ąćęłńóśźż", "áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž",
    "áéíóöőúüű", "ăâîșțşţ", "čćđšž", "çğıöşüâîû", "ąčęėįšųūž", "āčēģīķļņšūž", "äõöüšž", "çë",
    "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ", "абвгдежзийклмнопрстуфхцчшщъыьэюяё",
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя", "абвгдђежзијклљмнњопрстћуфхцчџш", "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
]
_ALPHABET_SETS = [set(a) for a in ALPHABETS]
_CJK = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL"}


def _coherence(letters: dict[str, int]) -> float:
    """The share of the sample's Latin, Greek and Cyrillic letters that one language's alphabet holds."""
    total = sum(letters.values())
    if not total:
        return 1.0
    return max(sum(n for c, n in letters.items() if c in alphabet) for alphabet in _ALPHABET_SETS) / total


def judge(text: str, weight: int = 1) -> tuple[float, float]:
    """(good, bad) evidence in decoded text; only non-ASCII characters count, `weight` bytes each."""
    good = bad = 0.0
    letters: dict[str, int] = {}
    for m in re.finditer(r"[^\W\d_]+", text):
        word = m.group(0)
        wide = [c for c in word if ord(c) > 127]
        if not wide or len(word) == 1:
            continue  # a lone letter (Ä alone, ì alone) says nothing either way
        scripts = {_script(c) for c in wide}
        if scripts & _CJK and any(c.isascii() for c in word):
            bad += len(wide)  # cooperaci鏮: ideographs glued to Latin letters
            continue
        if _word_ok(word):
            if scripts & {"HIRAGANA", "HANGUL"}:
                good += 1.5 * len(wide)  # kana and hangul come only from the right double-byte page
            elif len(word) > 1 and word.isupper():
                good += 0.5 * len(wide)  # all capitals: real, but what a wrong Cyrillic page gives too
            else:
                good += len(wide)
            if scripts <= _BICAMERAL:
                for c in wide:
                    key = c.lower()[0]
                    letters[key] = letters.get(key, 0) + 1
        else:
            bad += len(wide)
    good *= _coherence(letters)
    for i, ch in enumerate(text):
        o = ord(ch)
        if o < 128 or ch.isalpha():
            continue
        if 0x80 <= o <= 0x9f:
            bad += 5  # C1 controls never occur in text: a wrong code page
            continue
        cat = unicodedata.category(ch)
        before = text[i - 1].isalpha() if i else False
        after = text[i + 1].isalpha() if i + 1 < len(text) else False
        if cat[0] == "M":
            if not before:
                bad += 1  # a combining mark after no letter
        elif before and after and ch not in _IN_WORD and not ("\u3000" <= ch <= "\u303f" or o >= 0xff00):
            bad += 1  # d‚clar‚: a symbol inside a word
        elif cat in ("Pi", "Pf", "Pd") or ch in "\u2026\u20ac\u00a3\u00a7\u00b0":
            good += 1  # “quoted” – 5 € … at a word's edge: typography in the right code page
        elif cat[0] == "S" and (before or after):
            bad += 0.5
        elif cat in ("Co", "Cn", "Cs"):
            bad += 2
    return good * weight, bad * weight


def _sample(data: bytes) -> bytes:
    """The lines holding non-ASCII bytes, up to SAMPLE_BYTES: the rest reads alike in every candidate."""
    out, size = [], 0
    for line in data.split(b"\n"):
        if not line.isascii():
            out.append(line)
            size += len(line) + 1
            if size >= SAMPLE_BYTES:
                break
    return b"\n".join(out)


def guess_legacy(data: bytes) -> Guess | None:
    """The most plausible non-Unicode code page for data, or None when none decodes it."""
    sample = _sample(data)
    scored = []
    for codec, _label, prior in CANDIDATES:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        good, bad = judge(text, 2 if codec in MULTIBYTE else 1)
        scored.append(((good - 2 * bad) * (1 + 0.05 * prior), prior, codec, text, good, bad))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    for i, (score, _prior, codec, text, good, bad) in enumerate(scored):
        try:
            data.decode(codec)  # the sample decoded; the whole file must too
        except UnicodeDecodeError:
            continue
        rival = next((s for s in scored[i + 1:] if s[3] != text), None)
        return Guess(codec, _confidence(score, good, bad, rival[0] if rival else None),
                     rival[2] if rival else None)
    return None


def _confidence(score: float, good: float, bad: float, rival: float | None) -> float:
    if good + bad == 0 or score <= 0:
        return 0.2 if score <= 0 else 0.5
    plausible = good / (good + bad)
    # A runner-up at half the winner's score or less is no rival; at par it leaves a coin toss.
    margin = 1.0 if rival is None or rival <= 0 else min(1.0, max(0.0, 2 * (1 - rival / score)))
    evidence = min(1.0, (good + bad) / 12)
    return plausible * (0.5 + 0.5 * margin) * (0.6 + 0.4 * evidence)


def utf7_guess(data: bytes) -> Guess | None:
    """UTF-7 hides in plain ASCII: '+AOk-' is 'é'. Read as UTF-7 only when it has a UTF-7
    byte-order mark, or when every '+' in the file opens a sequence that spells letters."""
    if data.startswith(_UTF7_BOM):
        return Guess("utf-7", 0.95)
    if b"+" not in data or not data.isascii():
        return None
    letters = 0
    for m in _UTF7_SHIFT.finditer(data):
        try:
            decoded = m.group(0).decode("utf-7")
        except UnicodeDecodeError:
            return None
        if not any(ord(c) > 127 and c.isalpha() for c in decoded):
            return None
        letters += 1
    shifts = data.count(b"+") - data.count(b"+-")
    if letters == 0 or letters != shifts:
        return None
    return Guess("utf-7", min(0.9, 0.5 + 0.1 * letters))


def describe(guess: Guess) -> str:
    """The import report's words for a guessed encoding."""
    percent = f"{round(guess.confidence * 100)}%"
    if guess.confidence >= UNSURE_BELOW:
        return f"the encoding was guessed: read as {guess.label}, {percent} sure"
    also = f"; {label_of(guess.runner_up)} would also fit" if guess.runner_up else ""
    return (f"unsure of the encoding: read as {guess.label} (confidence {percent}{also}); "
            "if letters look wrong, choose another encoding for this source before coding it")
