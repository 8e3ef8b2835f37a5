"""SQLAlchemy 2 typed tables of a project file.

Every entity a merge or a REFI-QDA exchange must recognise carries a GUID.
Times are ISO 8601 UTC text. Offsets count code points, end exclusive.
Keep types portable (no SQLite-only column types): a later step lets a team
keep a project on PostgreSQL.
"""
from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship, validates

from workbench.core.ids import new_guid
from workbench.core.names import name_key
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


def _key_of_inserted_name(context) -> str:
    return name_key(context.get_current_parameters()["name"])


def _name_key() -> Mapped[str]:
    """The compared form of `name` (core.names.name_key), under a unique index.

    Filled on insert from the row's name (ORM and Core alike) and on ORM renames by
    `_Named`; a Core UPDATE of a name must set it too (`named(name)` gives both).
    """
    return mapped_column(String(600), default=_key_of_inserted_name)


class _Named:
    """Keeps name_key in step when the ORM sets a name."""

    @validates("name")
    def _keep_key(self, _key, value):
        self.name_key = name_key(value)
        return value


def _version() -> Mapped[int]:
    """The row's version: 1 when made, one more at every in-place update (docs/team.md).

    Mapped as the ORM's version_id_col (`_Versioned`), so an ORM flush bumps it and refuses
    (StaleDataError) a row another writer changed since it was read; a Core UPDATE in services
    sets it itself (`bumped()`).
    """
    return mapped_column(Integer, default=1, server_default=text("1"), nullable=False)


class _Versioned:
    """Rows that carry a version; the ORM bumps and checks it on every flush."""

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def bumped(model) -> dict:
    """The SET clause a Core UPDATE of a versioned table adds: version = version + 1.

    Given a mapped class, the ORM attribute: an ORM-enabled UPDATE then moves the version of
    the objects the session holds too (synchronize_session), so their next flush still matches.
    Given a Table, its column; a table without versions gets nothing.
    """
    if hasattr(model, "__mapper__"):
        return {"version": model.version + 1}
    return {"version": model.c.version + 1} if "version" in model.c else {}


VERSIONED = ("code", "memo", "case_", "attribute", "attribute_value", "source", "source_folder", "saved_query",
             "coding")


def named(name: str) -> dict[str, str]:
    """The columns a Core UPDATE of a name sets: the name and its key."""
    return {"name": name, "name_key": name_key(name)}


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


class Coder(_Named, Base):
    """A person who codes; every coding carries its coder."""

    __tablename__ = "coder"
    __table_args__ = (Index("uq_coder_name_key", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = _name_key()
    created_at: Mapped[str] = _created()


class SourceFolder(_Versioned, _Named, Base):
    """A folder of sources as researchers make them ("Interviews", "Policy texts"); folders nest."""

    __tablename__ = "source_folder"
    __table_args__ = (
        Index("uq_source_folder_parent_key", func.coalesce(Column("parent_id"), 0), "name_key", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("source_folder.id", ondelete="RESTRICT"), nullable=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = _name_key()
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class Source(_Versioned, _Named, Base):
    """An imported document. Its text never changes after import."""

    __tablename__ = "source"
    __table_args__ = (Index("uq_source_name_key", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
    name: Mapped[str] = mapped_column(String(500), unique=True)
    name_key: Mapped[str] = _name_key()
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("source_folder.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
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


class SourcePage(Base):
    """Where each page of a paginated source (PDF) lies in its text, for citing excerpts by page."""

    __tablename__ = "source_page"
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1 for the first page of the file
    label: Mapped[str] = mapped_column(String(40), default="")  # the page's printed label, when it has one
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


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


class Code(_Versioned, _Named, Base):
    """A node of the codebook tree."""

    __tablename__ = "code"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_code_parent_name"),
        # NULLs are distinct in a unique index: top-level codes compare under parent 0.
        Index("uq_code_parent_key", func.coalesce(Column("parent_id"), 0), "name_key", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("code.id", ondelete="RESTRICT"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = _name_key()
    color: Mapped[str] = mapped_column(String(7), default="#4e79a7")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)


class Coding(_Versioned, Base):
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
    version: Mapped[int] = _version()
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="RESTRICT"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = _created()


class Case(_Versioned, _Named, Base):
    """A unit of comparison (a city, a partnership, an interviewee)."""

    __tablename__ = "case_"
    __table_args__ = (Index("uq_case__name_key", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
    name: Mapped[str] = mapped_column(String(300), unique=True)
    name_key: Mapped[str] = _name_key()
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


class CasePassage(Base):
    """A passage (start..end of a source, code points, end exclusive) belonging to a case.

    An article about Cape Town and Tokyo links each part to its city; a passage counts for
    a case where it lies in one of the case's passages, or anywhere in a source linked whole.
    """

    __tablename__ = "case_passage"
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="span"),
        Index("ix_case_passage_source_start", "source_id", "start"),
        UniqueConstraint("case_id", "source_id", "start", "end", name="uq_case_passage_span"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = _created()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)


class Attribute(_Versioned, _Named, Base):
    """A typed attribute of cases: text, number, date or yes/no."""

    __tablename__ = "attribute"
    __table_args__ = (CheckConstraint("type IN ('text','number','date','bool')", name="type"),
                      Index("uq_attribute_name_key", "name_key", unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = _name_key()
    type: Mapped[str] = mapped_column(String(10), default="text")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = _created()
    updated_at: Mapped[str] = _created()


class AttributeValue(_Versioned, Base):
    """One case's value of one attribute, stored as canonical text (see services.cases)."""

    __tablename__ = "attribute_value"
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id", ondelete="CASCADE"), primary_key=True)
    attribute_id: Mapped[int] = mapped_column(ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True, index=True)
    value: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = _version()
    updated_at: Mapped[str] = _created()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id", ondelete="SET NULL"), nullable=True)


class Memo(_Versioned, Base):
    """The analyst's writing, attached to the project (no target) or one source, code, case or coding."""

    __tablename__ = "memo"
    __table_args__ = (
        CheckConstraint(
            # CASE, not boolean + boolean: PostgreSQL refuses to add booleans.
            "(CASE WHEN source_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_target",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
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
    deleted_by: Mapped[str] = mapped_column(Text, default="")  # coder name(s): a merge may join several
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. the code path, for reports


class SavedQuery(_Versioned, _Named, Base):
    """A named query (codes, filters, expression) kept in the project to rerun."""

    __tablename__ = "saved_query"
    __table_args__ = (Index("uq_saved_query_name_key", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = _guid()
    version: Mapped[int] = _version()
    name: Mapped[str] = mapped_column(String(300), unique=True)
    name_key: Mapped[str] = _name_key()
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
