"""Products (农资): seed, fertilizer, pesticide, film and others."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from supply_match.extensions import db
from supply_match.models._types import one_of


class ProductCategory(enum.StrEnum):
    SEED = "seed"
    FERTILIZER = "fertilizer"
    PESTICIDE = "pesticide"
    FILM = "film"
    OTHER = "other"


class HazardClass(enum.StrEnum):
    """Pesticide toxicity classes as printed on Chinese labels (农药毒性分级)."""

    EXTREMELY_TOXIC = "extremely_toxic"  # 剧毒
    HIGHLY_TOXIC = "highly_toxic"  # 高毒
    MODERATELY_TOXIC = "moderately_toxic"  # 中等毒
    LOW_TOXICITY = "low_toxicity"  # 低毒
    SLIGHTLY_TOXIC = "slightly_toxic"  # 微毒


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (
        one_of("category", ProductCategory, "category_valid"),
        one_of("hazard_class", HazardClass, "hazard_class_valid"),
        CheckConstraint("unit_weight_kg > 0", name="unit_weight_positive"),
        # Only pesticides carry a hazard class, and every pesticide has one.
        CheckConstraint(
            "(category = 'pesticide') = (hazard_class IS NOT NULL)",
            name="hazard_class_iff_pesticide",
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(8))
    unit_weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    hazard_class: Mapped[str | None] = mapped_column(String(24))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Product {self.code} {self.name}>"
