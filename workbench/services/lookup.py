"""Finding sources, codes, cases, attributes and coders by the names users type."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.core import codetree
from workbench.core.errors import NotFoundError
from workbench.core.paths import name_key
from workbench.core.suggest import nearest
from workbench.store.models import Attribute, Case, Code, Coder, Source


class CodeTree(codetree.CodeTree):
    """The codebook's shape (core.codetree), read from the session in one query."""

    def __init__(self, session: Session):
        super().__init__(session.execute(select(Code.id, Code.parent_id, Code.name, Code.position)).all())


def code_by_path(session: Session, path: str, tree: CodeTree | None = None) -> int:
    tree = tree or CodeTree(session)
    found = tree.find(path)  # an empty part raises CodePathError, saying where
    if found is None:
        paths = list(tree.paths().values())
        raise NotFoundError("code", path, nearest(path, paths))
    return found


def _by_name(session: Session, model, kind: str, name: str) -> int:
    """The id of the row whose name compares equal to name (core.names), or NotFoundError with suggestions.

    Compared by the stored key, not with SQL LIKE: '%' and '_' in a name are no wildcards,
    and case folds beyond ASCII (Zürich, ZÜRICH).
    """
    found = session.scalar(select(model.id).where(model.name_key == name_key(name)))
    if found is not None:
        return found
    names = session.scalars(select(model.name).order_by(model.id)).all()
    raise NotFoundError(kind, name, nearest(name, names))


def source_by_name(session: Session, name: str) -> int:
    return _by_name(session, Source, "source", name)


def case_by_name(session: Session, name: str) -> int:
    return _by_name(session, Case, "case", name)


def attribute_by_name(session: Session, name: str) -> int:
    return _by_name(session, Attribute, "attribute", name)


def coder_by_name(session: Session, name: str) -> int:
    return _by_name(session, Coder, "coder", name)
