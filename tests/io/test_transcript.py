"""Speaker turns and timestamps: what is found, where, and what is left alone."""
from __future__ import annotations

from workbench.io.importers.base import read_document
from workbench.io.transcript import find_turns


def _spans(text, turns):
    return [(t.speaker, text[t.start:t.end], text[t.start:t.label_end], t.timestamp, t.timestamp_ms) for t in turns]


def test_bracketed_timestamps_and_offsets():
    text = (
        "Interview 4, City of Johannesburg\n"
        "\n"
        "[00:00:05] Interviewer: How does the city choose its partners?\n"
        "[00:00:12] Ms Dlamini: We set our own agenda.\n"
        "It is our decision.\n"
        "\n"
        "[01:02:03.5] Interviewer: And the province?\n"
    )
    turns = find_turns(text)
    assert _spans(text, turns) == [
        ("Interviewer", "[00:00:05] Interviewer: How does the city choose its partners?",
         "[00:00:05] Interviewer:", "00:00:05", 5000),
        ("Ms Dlamini", "[00:00:12] Ms Dlamini: We set our own agenda.\nIt is our decision.",
         "[00:00:12] Ms Dlamini:", "00:00:12", 12000),
        ("Interviewer", "[01:02:03.5] Interviewer: And the province?",
         "[01:02:03.5] Interviewer:", "01:02:03.5", 3723500),
    ]
    # hand-computed: the header is 34 characters plus a blank line
    assert turns[0].start == 35


def test_plain_labels_without_timestamps():
    text = "INTERVIEWER: Hello.\nRESPONDENT 2: Hi.\nINTERVIEWER: Bye.\nQ: short\nQ: again\n"
    assert [(t.speaker, text[t.start:t.end]) for t in find_turns(text)] == [
        ("INTERVIEWER", "INTERVIEWER: Hello."),
        ("RESPONDENT 2", "RESPONDENT 2: Hi."),
        ("INTERVIEWER", "INTERVIEWER: Bye."),
        ("Q", "Q: short"),
        ("Q", "Q: again"),
    ]


def test_other_timestamp_layouts():
    text = (
        "00:01 - Interviewer: one\n"
        "(00:00:09) Mr Bekele: two\n"
        "[00:00:20]\n"
        "Interviewer: three\n"
        "Mr Bekele (00:00:40): four\n"
        "Interviewer: [00:00:50] five\n"
    )
    got = [(t.speaker, t.timestamp, t.timestamp_ms, text[t.start:t.end]) for t in find_turns(text)]
    assert got == [
        ("Interviewer", "00:01", 1000, "00:01 - Interviewer: one"),
        ("Mr Bekele", "00:00:09", 9000, "(00:00:09) Mr Bekele: two"),
        ("Interviewer", "00:00:20", 20000, "[00:00:20]\nInterviewer: three"),
        ("Mr Bekele", "00:00:40", 40000, "Mr Bekele (00:00:40): four"),
        ("Interviewer", "00:00:50", 50000, "Interviewer: [00:00:50] five"),
    ]


def test_label_on_its_own_line_and_indented_turns():
    text = "  Interviewer:\n  How far?\n  Ms Nkosi-Mabuza:\n  Far.\n  Interviewer:\n  Thanks.\n"
    turns = find_turns(text)
    assert [text[t.start:t.end] for t in turns] == [
        "Interviewer:\n  How far?", "Ms Nkosi-Mabuza:\n  Far.", "Interviewer:\n  Thanks."]
    assert [text[t.start:t.label_end] for t in turns] == ["Interviewer:", "Ms Nkosi-Mabuza:", "Interviewer:"]


def test_names_with_particles_and_apostrophes_speaking_once():
    text = "Interviewer: a\nMr van der Merwe: b\nInterviewer: c\nMs O’Brien: d\n"
    assert [t.speaker for t in find_turns(text)] == ["Interviewer", "Mr van der Merwe", "Interviewer", "Ms O’Brien"]


def test_sentence_with_a_colon_is_not_a_turn():
    text = "Interviewer: What matters?\nMs Dlamini: Money.\nSo the real answer is: money.\nInterviewer: Ok.\n"
    turns = find_turns(text)
    assert [t.speaker for t in turns] == ["Interviewer", "Ms Dlamini", "Interviewer"]
    assert text[turns[1].start:turns[1].end] == "Ms Dlamini: Money.\nSo the real answer is: money."


def test_policy_text_with_notes_has_no_turns():
    text = (
        "1. Purpose\n"
        "Note: this policy applies to all city departments.\n"
        "Purpose: to set out how agreements are approved.\n"
        "2. Approval\n"
        "Note: agreements go to the Province before signature.\n"
        "Source: Municipal Systems Act.\n"
        "Source: Provincial framework.\n"
        "See: annex B.\n"
    )
    assert find_turns(text) == []


def test_urls_times_and_single_labels_are_not_turns():
    assert find_turns("https://example.org/a\nhttps://example.org/b\n") == []
    assert find_turns("10:30: meeting\n11:00: lunch\n") == []
    assert find_turns("Interviewer: only one turn\n") == []
    assert find_turns("Chair: one\nMember: two\n") == []  # nobody speaks twice


def test_turn_offsets_are_code_points_after_emoji_crlf_and_bom(write):
    text = "Header 😀 é\r\n[00:00:01] Ana: olá 👩🏽‍💻\r\n[00:00:02] Ben: hi\r\n[00:00:03] Ana: bye\r\n"
    doc = read_document(write("t.txt", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert doc.text == text.replace("\r\n", "\n")
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("Ana", "[00:00:01] Ana: olá 👩🏽‍💻"), ("Ben", "[00:00:02] Ben: hi"), ("Ana", "[00:00:03] Ana: bye")]
    assert doc.turns[0].start == len("Header 😀 é\n")  # code points, not UTF-16 units or bytes


def test_turns_do_not_change_the_text():
    text = "[00:00:05] A: x\n[00:00:06] B: y\n[00:00:07] A: z"
    before = str(text)
    turns = find_turns(text)
    assert text == before
    assert turns[-1].end == len(text)


def test_header_lines_of_a_timestamped_transcript_are_not_turns():
    text = (
        "Interview 1\n"
        "Interviewer: T. Mokoena\n"
        "Respondent: Ms Dlamini\n"
        "Location: Metro Centre\n"
        "\n"
        "[00:01:12] Interviewer: Thank you.\n"
        "[00:01:29] Ms Dlamini: Of course.\n"
        "[00:02:16] Interviewer: How many?\n"
        "Ms Dlamini: Nine, without a timestamp.\n"
    )
    turns = find_turns(text)
    assert [text[t.start:t.end] for t in turns] == [
        "[00:01:12] Interviewer: Thank you.", "[00:01:29] Ms Dlamini: Of course.",
        "[00:02:16] Interviewer: How many?", "Ms Dlamini: Nine, without a timestamp."]


def test_timestamp_on_the_first_line_of_the_text():
    text = "[00:00:01]\nAna: one\n[00:00:02]\nBen: two\n\n[00:00:03]\nAna: three"
    assert [(t.speaker, text[t.start:t.end]) for t in find_turns(text)] == [
        ("Ana", "[00:00:01]\nAna: one"), ("Ben", "[00:00:02]\nBen: two"), ("Ana", "[00:00:03]\nAna: three")]


def test_text_starting_with_blank_lines():
    text = "\n\nAna: one\nBen: two\nAna: three"
    assert [t.start for t in find_turns(text)] == [2, 11, 20]
