"""Reference lists, each with Arabic and English names, managed by administrators."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized


class ReferenceMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def name(self) -> str:
        return localized(self)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def choices(cls, include_inactive: bool = False):
        q = cls.query
        if not include_inactive:
            q = q.filter_by(active=True)
        return q.order_by(cls.sort_order, cls.id).all()


class Sector(ReferenceMixin, db.Model):
    __tablename__ = "sector"


class TargetGroup(ReferenceMixin, db.Model):
    __tablename__ = "target_group"


class FundingSource(ReferenceMixin, db.Model):
    __tablename__ = "funding_source"


class Governorate(ReferenceMixin, db.Model):
    __tablename__ = "governorate"

    localities = relationship("Locality", back_populates="governorate", order_by="Locality.sort_order")


class Locality(ReferenceMixin, db.Model):
    __tablename__ = "locality"

    governorate_id: Mapped[int | None] = mapped_column(ForeignKey("governorate.id"), nullable=True, index=True)
    governorate = relationship("Governorate", back_populates="localities")


REFERENCE_KINDS = {
    "sectors": Sector,
    "target-groups": TargetGroup,
    "funding-sources": FundingSource,
    "governorates": Governorate,
    "localities": Locality,
}
