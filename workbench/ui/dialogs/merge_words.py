"""A merge said in words: what came in, what conflicted and how it was resolved, where the backup is.
No raw JSON and no store vocabulary ("tombstone", "ours") reaches the person reading it."""
from __future__ import annotations

import html
from pathlib import Path

from workbench.ui.wording import count

KIND_TITLES = {"source": "Sources", "code": "Codes", "coding": "Codings", "case": "Cases", "attribute": "Attributes",
               "value": "Attribute values", "link": "Case–source links", "memo": "Memos", "coder": "Coders",
               "tombstone": "Records of deletions", "folder": "Source folders", "case_passage": "Passages of cases"}
KIND_WORDS = {"source": "source", "code": "code", "coding": "coding", "case": "case", "attribute": "attribute",
              "value": "attribute value", "link": "case–source link", "memo": "memo", "coder": "coder",
              "tombstone": "record of a deletion", "folder": "source folder", "case_passage": "case passage"}
CHANGE_WORDS = {"new": "new", "updated": "changed", "deleted": "removed"}
# A deletion record removed means the item it named stays (someone worked on it after).
DELETION_CHANGES = {"new": "deletion recorded", "updated": "deletion record updated",
                    "deleted": "no longer deleted (kept)"}
FIELD_WORDS = {"name": "name", "parent": "place in the code tree", "color": "colour", "description": "definition",
               "text": "memo text", "value": "value", "deleted": "deleted on one side, worked on on the other",
               "type": "type", "position": "position"}
OPTION_WORDS = {"ours": "Keep this project's", "other": "Take the other file's",
                "ours only": "Keep only this project's text", "other only": "Take only the other file's text",
                "keep": "Keep it", "delete": "Delete it"}
DONE_WORDS = {"ours": "kept this project's", "other": "took the other file's", "ours only": "kept only this "
              "project's text", "other only": "took only the other file's text", "keep": "kept it",
              "delete": "deleted it"}
MEMO_DONE_WORDS = {"ours": "kept this project's text on top, the other's below",
                   "other": "put the other file's text on top, this project's below"}
MEMO_OPTION_WORDS = {"ours": "This project's text on top, the other's kept below",
                     "other": "The other file's text on top, this project's kept below"}


def change_word(kind: str, change: str) -> str:
    return (DELETION_CHANGES if kind == "tombstone" else CHANGE_WORDS)[change]


def field_words(field: str) -> str:
    return FIELD_WORDS.get(field, field)


def option_words(kind: str, option: str) -> str:
    if kind == "memo" and option in MEMO_OPTION_WORDS:
        return MEMO_OPTION_WORDS[option]
    return OPTION_WORDS.get(option, option)


def when(iso: str) -> str:
    return (iso or "")[:16].replace("T", " ")


def side_text(side: dict) -> str:
    """One side of a conflict in full, with when it was changed."""
    value = side.get("value")
    text = "(nothing)" if value in (None, "") else str(value)
    stamp = when(side.get("time", ""))
    return f"{text}\n(changed {stamp})" if stamp else text


def counts_sentence(counts: dict) -> str:
    """'2 new codings; 1 code changed; 1 new source' for the kinds that moved."""
    parts = []
    for kind, c in counts.items():
        for change in ("new", "updated", "deleted"):
            n = c.get(change, 0)
            if not n:
                continue
            word = count(n, KIND_WORDS.get(kind, kind))
            if kind == "tombstone":
                parts.append({"new": f"{count(n, 'deletion')} recorded",
                              "updated": f"{count(n, 'deletion record')} updated",
                              "deleted": f"{count(n, 'deletion')} undone (the item was kept)"}[change])
            elif change == "new":
                parts.append(f"{n:,} new {word.split(' ', 1)[1]}")
            else:
                parts.append(f"{word} {change_word(kind, change)}")
    return "; ".join(parts) or "nothing new"


def deleted_thing(label: str) -> str:
    """The thing a deletion conflict is about, in words, from the merge's label: "kind name, deleted
    by who[, holds another coder's work (work)]" or "kind by owner, deleted by who: passage"; who
    deleted it is said again by the sides' values, so it is left out here."""
    kind, _, rest = label.partition(" ")
    kind = KIND_WORDS.get(kind, kind)
    thing, sep, tail = rest.partition(", deleted by ")
    if not sep:
        return f"{kind.capitalize()} “{rest or kind}”"
    if thing.startswith("by "):  # another coder's coding or memo itself
        _, _, where = tail.partition(": ")
        return f"{kind.capitalize()} {thing}" + (f", {where}" if where else "")
    _, _, work = tail.partition(", holds another coder's work (")
    return f"{kind.capitalize()} “{thing}”" + (f" (it holds {work[:-1]})" if work.endswith(")") else "")


def conflict_sentence(c: dict) -> str:
    res = c.get("resolution") or c.get("default", "")
    done = (MEMO_DONE_WORDS if c["kind"] == "memo" else {}).get(res) or DONE_WORDS.get(res, res)
    what = c["label"]
    if c["kind"] == "deletion":
        return (f"{deleted_thing(what)}: {c['ours'].get('value')} here, {c['other'].get('value')} "
                f"in the other file — {done}.")
    ours, other = c["ours"].get("value"), c["other"].get("value")
    kind = KIND_WORDS.get(c["kind"], c["kind"]).capitalize()
    return (f"{kind} “{what}”, {field_words(c['field'])}: this project had “{ours}”, the other "
            f"file “{other}” — {done}.")


def summary_html(body: dict) -> str:
    """The merge report as a person reads it (HTML for a QTextBrowser)."""
    e = html.escape
    files = ", ".join(Path(o["path"]).name for o in body.get("others", []))
    out = [f"<h3>Merged {e(files)} into {e(Path(body.get('project', '')).name)}</h3>",
           f"<p><b>What came in:</b> {e(counts_sentence(body.get('counts', {})))}.</p>"]
    conflicts = body.get("conflicts", [])
    if conflicts:
        out.append(f"<p><b>{e(count(len(conflicts), 'conflict'))}</b>, resolved like this:</p><ul>")
        out += [f"<li>{e(conflict_sentence(c))}</li>" for c in conflicts]
        out.append("</ul>")
    else:
        out.append("<p>No conflicts: nothing was changed on both sides.</p>")
    aliases = body.get("aliases", [])
    if aliases:
        out.append("<p>Code names that gave way: " + "; ".join(
            f"“{e(a['alias'])}” is now “{e(a['name'])}”" for a in aliases) + ".</p>")
    dropped = body.get("dropped", {})
    if dropped:
        out.append("<p>Removed with a deleted item: " + "; ".join(
            e(count(n, KIND_WORDS.get(k, k))) for k, n in dropped.items()) + ".</p>")
    backup = body.get("backup")
    out.append(f"<p><b>Backup</b> of the project as it was before the merge: {e(backup)}</p>" if backup
               else "<p>No backup was made.</p>")
    out.append("<p>This report is kept in the project: Team → Merge history.</p>")
    return "\n".join(out)
