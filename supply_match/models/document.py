"""Rendered documents kept by a digest of what they were made from (route sheet PDFs).

A PDF of a day's sheets takes seconds to lay out; the worker renders it when the plan is
published, and any web process (on any machine) serves it from here. The digest covers the
full HTML, the style sheet and the renderer's version, so a changed plan has another digest
and can never be answered with an old document.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from supply_match.extensions import db
from supply_match.models._types import utcnow


class RenderedDocument(db.Model):
    __tablename__ = "rendered_document"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
