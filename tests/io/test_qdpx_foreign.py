"""A QDPX in the shapes other tools write: capitalised `Sources/`, an oddly named `.qde`, bare and
relative paths, braced upper-case GUIDs, notes attached every way, sets, typed variables, odd colours."""
from __future__ import annotations

import uuid
import zipfile

from refi_helpers import assert_valid, code_paths, make_zip, qde, report_body, snapshot

from workbench.io.refi.qdpx_export import export_qdpx
from workbench.io.refi.qdpx_import import import_qdpx

U1 = "{AAAAAAAA-0000-0000-0000-000000000001}"
U2 = "aaaaaaaa-0000-0000-0000-000000000002"
GHOST = "99999999-0000-0000-0000-000000000009"
T1 = "We set our own agenda.\nThe province signs off.\n"
T2 = "Second interview text.\n"
NOTE_FILE = "A note kept in a file.\r\nTwo lines."


def g(n: int) -> str:
    return f"00000000-0000-0000-0000-{n:012d}"


def _coding(n, code, user=None):
    u = f' creatingUser="{user}"' if user else ""
    return f'<Coding guid="{g(n)}"{u}><CodeRef targetGUID="{code}"/>'


def build(tmp_path):
    a, b = T1.index("own agenda"), T1.index("province")
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Foreign study" origin="SomeQDA 3" creatingUserGUID="{U1}">
 <Users><User guid="{U1}" name="Ann"/><User guid="{U2}" name="Ann"/></Users>
 <CodeBook><Codes>
  <Code guid="{{{g(1).upper()}}}" name="autonomy" isCodable="false" color="#ABC">
   <Description>acting alone</Description><NoteRef targetGUID="{g(901)}"/>
   <Code guid="{g(2)}" name="agenda" isCodable="true" color="#FF112233"/>
   <Code guid="{g(3)}" name="agenda" isCodable="true" color="red"/>
  </Code>
  <Code guid="{g(4)}" name="province" isCodable="true"/>
 </Codes></CodeBook>
 <Variables>
  <Variable guid="{g(11)}" name="online" typeOfVariable="Boolean"/>
  <Variable guid="{g(12)}" name="staff" typeOfVariable="Integer"/>
  <Variable guid="{g(13)}" name="budget" typeOfVariable="Float"/>
  <Variable guid="{g(14)}" name="signed" typeOfVariable="Date"/>
  <Variable guid="{g(15)}" name="stamp" typeOfVariable="DateTime"/>
 </Variables>
 <Cases>
  <Case guid="{g(21)}" name="Johannesburg"><Description>metro</Description>
   <VariableValue><VariableRef targetGUID="{g(11)}"/><BooleanValue>1</BooleanValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{g(12)}"/><IntegerValue>40</IntegerValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{g(13)}"/><FloatValue>2.50</FloatValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{g(14)}"/><DateValue>2001-02-03</DateValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{g(15)}"/><DateTimeValue>2001-02-03T04:05:06Z</DateTimeValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{g(12)}"/></VariableValue>
   <SourceRef targetGUID="{g(31)}"/>
  </Case>
  <Case guid="{g(22)}"><SourceRef targetGUID="{g(32).upper()}"/></Case>
 </Cases>
 <Sources>
  <TextSource guid="{g(31)}" plainTextPath="one.txt" creatingUser="{U1}">
   <Description>from the city archive</Description>
   <PlainTextSelection guid="{g(41)}" startPosition="{a}" endPosition="{a + 10}">
    <Description>key phrase</Description>
    {_coding(51, g(2), U1)}<NoteRef targetGUID="{g(902)}"/></Coding>
    {_coding(52, g(4))}</Coding>
    <NoteRef targetGUID="{g(903)}"/>
   </PlainTextSelection>
   <PlainTextSelection guid="{g(42)}" startPosition="{b}" endPosition="{b + 8}">
    {_coding(53, g(4), GHOST)}</Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{g(43)}" startPosition="{b}" endPosition="{b + 8}">
    {_coding(54, g(4), GHOST)}</Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{g(44)}" startPosition="0" endPosition="2"><Description>uncoded comment</Description>
   </PlainTextSelection>
   {_coding(55, g(1), U2)}</Coding>
   <NoteRef targetGUID="{g(904)}"/>
   <VariableValue><VariableRef targetGUID="{g(12)}"/><IntegerValue>7</IntegerValue></VariableValue>
  </TextSource>
  <TextSource guid="{g(32)}" name="two" plainTextPath="relative:///two.txt"/>
 </Sources>
 <Notes>
  <Note guid="{g(901)}" name="code note"><PlainTextContent>about autonomy</PlainTextContent></Note>
  <Note guid="{g(902)}" name="coding note" creatingUser="{U2}"><PlainTextContent>why agenda</PlainTextContent></Note>
  <Note guid="{g(903)}" name="selection note"><PlainTextContent>on the passage</PlainTextContent></Note>
  <Note guid="{g(904)}" name="source note" plainTextPath="internal://note.txt"/>
  <Note guid="{g(905)}" name="project note"><PlainTextContent>plan</PlainTextContent></Note>
  <Note guid="{g(906)}" name="case note"><PlainTextContent>about Jhb</PlainTextContent></Note>
  <Note guid="{g(907)}" name="loose note"><Description>loose</Description><PlainTextContent>x</PlainTextContent></Note>
 </Notes>
 <Links>
  <Link guid="{g(961)}" originGUID="{g(906)}" targetGUID="{g(21)}"/>
  <Link guid="{g(962)}" originGUID="{g(31)}" targetGUID="{g(32)}" name="related"/>
 </Links>
 <Sets>
  <Set guid="{g(71)}" name="Interviews"><MemberSource targetGUID="{g(31)}"/><MemberSource targetGUID="{g(32)}"/></Set>
  <Set guid="{g(72)}" name="code group"><MemberCode targetGUID="{g(4)}"/></Set>
 </Sets>
 <NoteRef targetGUID="{g(905)}"/>
</Project>"""
    return make_zip(tmp_path / "foreign.qdpx", {"Sources/ONE.TXT": T1.encode(), "Sources/two.txt": T2.encode(),
                                                 "Sources/note.txt": NOTE_FILE.encode()},
                    xml, qde_name="Foreign Study.QDE")


def test_foreign_shapes_import(tmp_path):
    out = tmp_path / "p.qwb"
    rep = import_qdpx(build(tmp_path), out)
    snap = snapshot(out)
    assert snap["project"] == ("Foreign study", "")
    # Two users share a name; a coding names a user the file does not list.
    assert sorted(c[1] for c in snap["coders"]) == ["Ann", "Ann (2)", "unknown user 99999999"]
    codes = {c[0]: c for c in snap["codes"]}
    assert codes["autonomy"][1:] == (g(1), "#aabbcc", "acting alone")
    assert codes["autonomy/agenda"][1:3] == (g(2), "#112233")
    assert codes["autonomy/agenda (2)"][2] == "#aabbcc"  # 'red' is no colour: the parent's is used
    assert {s[1]: s[3] for s in snap["sources"]} == {"one.txt": T1, "two": T2}
    codings = {c[0]: c[1:] for c in snap["codings"]}
    assert codings[g(51)] == ("one.txt", "autonomy/agenda", "Ann", T1.index("own agenda"),
                              T1.index("own agenda") + 10, "own agenda")
    assert codings[g(52)][1:3] == ("province", "Ann")  # no creatingUser: the project's creating user
    assert codings[g(53)][2] == "unknown user 99999999" and g(54) not in codings  # a repeat kept once
    assert codings[g(55)][1:] == ("autonomy", "Ann (2)", 0, len(T1), T1)  # whole-source coding
    cases = {c[1]: c for c in snap["cases"]}
    assert cases["Johannesburg"] == (g(21), "Johannesburg", "metro", ("one.txt",))
    assert cases["two"][3] == ("two",)  # a name-less case takes its one source's name
    assert cases["Interviews"] == (g(71), "Interviews", "", ("one.txt", "two"))  # a document set
    assert cases["one.txt"][3] == ("one.txt",)  # source-level values get a case of their own
    values = {(c, a): v for c, a, v in snap["values"]}
    assert values == {("Johannesburg", "online"): "yes", ("Johannesburg", "staff"): "40",
                      ("Johannesburg", "budget"): "2.5", ("Johannesburg", "signed"): "2001-02-03",
                      ("Johannesburg", "stamp"): "2001-02-03T04:05:06Z", ("one.txt", "staff"): "7"}
    assert {a[1]: a[2] for a in snap["attributes"]} == {"online": "bool", "staff": "number", "budget": "number",
                                                       "signed": "date", "stamp": "text"}
    memos = {(m[1], m[3]): m for m in snap["memos"]}
    assert memos[("code note", "code:autonomy")][2] == "about autonomy"
    assert memos[("coding note", f"coding:{g(51)}")][0] == g(902)
    assert memos[("selection note", f"coding:{g(51)}")][2] == "on the passage"
    assert memos[("source note", "source:one.txt")][2] == "A note kept in a file.\nTwo lines."
    assert memos[("project note", "project")][2] == "plan"
    assert memos[("case note", "case:Johannesburg")][2] == "about Jhb"
    assert memos[("loose note", "project")][2] == "loose\n\nx"
    assert memos[("Description", "source:one.txt")][2] == "from the city archive"
    assert memos[("Description", f"coding:{g(51)}")][2] == "key phrase"
    assert len(snap["memos"]) == 9
    body = report_body(out)
    kinds = {d["kind"]: d["reason"] for d in body["not_carried"]}
    assert "selection comment" in kinds and "link" in kinds and "set" in kinds
    warnings = " | ".join(rep.warnings)
    assert "not codable" in warnings and "repeated the same code" in warnings and GHOST in warnings
    assert "'red' is not a colour" in warnings


def test_foreign_shapes_round_trip(tmp_path):
    first = tmp_path / "first.qwb"
    import_qdpx(build(tmp_path), first)
    export_qdpx(first, tmp_path / "again.qdpx")
    assert_valid(zipfile.ZipFile(tmp_path / "again.qdpx").read("project.qde"))
    second = tmp_path / "second.qwb"
    rep = import_qdpx(tmp_path / "again.qdpx", second)
    assert rep.skipped == [] and rep.not_carried == []
    assert snapshot(second) == snapshot(first)


def test_codes_come_in_as_the_codebook_service_would_make_them(tmp_path):
    """Names, order, default colours and positions of an imported tree equal those create_code_in gives
    the same tree, also for many siblings, a duplicate name and codes without colours."""
    import sqlite3

    from workbench.services.codebook import create_code
    from workbench.store.project import create_project

    tree = [("theme", None, [("sub", None, []), ("other", "#00ff00", [("deep", None, [])])]),
            ("Theme ", None, [])] + [(f"sibling {i}", None, []) for i in range(30)]

    def xml(nodes) -> str:
        out = ""
        for i, (name, color, kids) in enumerate(nodes):
            attrs = f'name="{name}" isCodable="true"' + (f' color="{color}"' if color else "")
            out += f'<Code guid="{uuid.uuid4()}" {attrs}>{xml(kids)}</Code>'
        return out

    qdpx = make_zip(tmp_path / "codes.qdpx", {}, qde(f"<CodeBook><Codes>{xml(tree)}</Codes></CodeBook>"))
    imported = tmp_path / "imported.qwb"
    import_qdpx(qdpx, imported)
    made = tmp_path / "made.qwb"
    p = create_project(made)
    try:
        def make(nodes, parent):
            for name, color, kids in nodes:
                name = "Theme (2)" if name == "Theme " else name  # as the importer renames the duplicate
                cid = create_code(p, name, parent, color).first_created
                make(kids, cid)
        make(tree, None)
    finally:
        p.close()

    def rows(path):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            paths = code_paths(con)
            return sorted((paths[i], c, pos, bool(t)) for i, c, pos, t in
                          con.execute("SELECT id, color, position, created_at FROM code"))
        finally:
            con.close()

    assert len(rows(imported)) == 35 and rows(imported) == rows(made)
