"""SQLAlchemy 2 typed tables of a project file.

Every entity a merge or a REFI-QDA exchange must recognise carries a GUID.
Times are ISO 8601 UTC text. Offsets count code points, end exclusive.
Keep types portable (no SQLite-only column types): a later step lets a team
keep a project on PostgreSQL.
"""
from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workbench.core.ids import new_guid
from workbench.core.timeutil import now_iso

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _guid() -> Mapped[str]:
    return mapped_column(String(36), unique=True, default=new_guid)


def _created() -> Mapped[str]:
    return mapped_column(String(32), default=now_iso)


class ProjectInfo(Base):
    """The project itself: one row."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class ProjectMeta(Base):
    """Key-value settings of a project (hand-out copy origin, app version that wrote it...)."""

    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Coder(Base):
    """A person who codes; every coding carries its coder."""

    __tablename__ = "coder"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[str] = _created()


class Source(Base):
    """An imported document. Its text never changes after import."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # txt, md, docx, odt, rtf, pdf, html
    length: Mapped[int] = mapped_column(Integer)  # code points
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the stored plain text
    original_encoding: Mapped[str] = mapped_column(String(10), default="zlib")  # zlib | raw | text (= the text in UTF-8)
    original_name: Mapped[str] = mapped_column(String(500), default="")
    original_sha256: Mapped[str] = mapped_column(String(64), default="")
    text_encoding: Mapped[str] = mapped_column(String(40), default="")  # detected for text files
    position: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[str] = _created()
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[str] = _created()
    # The large columns come last: SQLite reads a row's leading columns without
    # paging through its overflow pages, so scans of names and lengths stay cheap.
    text: Mapped[str] = mapped_column(Text)
    original: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)

    turns: Mapped[list["SpeakerTurn"]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="SpeakerTurn.start"
    )


class SpeakerTurn(Base):
    """Who speaks from where to where in a transcript, found at import; the text is untouched."""

    __tablename__ = "speaker_turn"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    speaker: Mapped[str] = mapped_column(String(200))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label_end: Mapped[int] = mapped_column(Integer)  # end of "Name:" label, for setting it off
    timestamp: Mapped[str | None] = mapped_column(String(20), nullable=True)  # "00:12:34"
    timestamp_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)

    source: Mapped[Source] = relationship(back_populates="turns")


class Code(Base):
    """A node of the codebook tree."""

    __tablename__ = "code"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_code_parent_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="RESTRICT"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(300))
    color: Mapped[str] = mapped_column(String(7), default="#4e79a7")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)


class Coding(Base):
    """A code applied to a passage of a source by a coder."""

    __tablename__ = "coding"
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="span"),
        Index("ix_coding_source_start", "source_id", "start"),
        Index("ix_coding_code_source", "code_id", "source_id"),
        Index("ix_coding_coder", "coder_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="RESTRICT"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = _created()


class Case(Base):
    """A unit of comparison (a city, a partnership, an interviewee)."""

    __tablename__ = "case_"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class CaseSource(Base):
    """A whole source belonging to a case."""

    __tablename__ = "case_source"
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[str] = _created()


class Attribute(Base):
    """A typed attribute of cases: text, number, date or yes/no."""

    __tablename__ = "attribute"
    __table_args__ = (CheckConstraint("type IN ('text','number','date','bool')", name="type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(10), default="text")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class AttributeValue(Base):
    """One case's value of one attribute, stored as canonical text (see services.cases)."""

    __tablename__ = "attribute_value"
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"), primary_key=True)
    attribute_id: Mapped[int] = mapped_column(ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True, index=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = _created()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)


class Memo(Base):
    """The analyst's writing, attached to the project (no target) or one source, code, case or coding."""

    __tablename__ = "memo"
    __table_args__ = (
        CheckConstraint(
            "(source_id IS NOT NULL) + (code_id IS NOT NULL) + (case_id IS NOT NULL) + (coding_id IS NOT NULL) <= 1",
            name="one_target",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), nullable=True, index=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), nullable=True, index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"), nullable=True, index=True)
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"), nullable=True, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class Tombstone(Base):
    """A deleted entity, so a later merge can tell 'deleted here' from 'never seen'."""

    __tablename__ = "tombstone"
    guid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # source, code, coding, case, attribute, memo, coder
    deleted_at: Mapped[str] = _created()
    deleted_by: Mapped[str] = mapped_column(String(200), default="")  # coder name
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. the code path, for reports


class SavedQuery(Base):
    """A named query (codes, filters, expression) kept in the project to rerun."""

    __tablename__ = "saved_query"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(300), unique=True)
    definition: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class Report(Base):
    """A record of a merge or an exchange import: who did what, when, with what result."""

    __tablename__ = "report"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    kind: Mapped[str] = mapped_column(String(40))  # merge, qdpx-import, ...
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # JSON
    created_at: Mapped[str] = _created()
    created_by: Mapped[str] = mapped_column(String(200), default="")
