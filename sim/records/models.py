"""The schema of a record file: a negotiation series as it happened, every fact with its sources.

A record names the scenario that sets the series up and lists its sessions in date order; each
session says what was observed (exchange, general ceasefire, main-track agreement, walkout) and
which source keys of ``docs/reference/domain.md`` §8 back each fact. A fact the sources do not
give is left out or written ``unknown``; it is then not part of the record.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from sim.scenario.errors import show
from sim.scenario.models import Ident, Slug
from sim.scenario.numbers import STRICT

RECORD_VERSION = 1

_SOURCE_KEY = re.compile(r"[SL][0-9]+x?")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")

FACTS = ("exchange", "size", "ceasefire", "main_agreement", "walkout", "positions")
"""The observations of a session, each needing its sources (and so does its ``date``)."""


def _source_key(value: str) -> str:
    if not _SOURCE_KEY.fullmatch(value):
        raise PydanticCustomError(
            "source_key", "{value} is not a source key: expected a key of docs/reference/"
            "domain.md §8 such as 'S12', 'S56x' or 'L6'", {"value": show(value)})
    return value


def _fact(value: Any) -> Any:
    if value is None or value == "unknown":
        return None
    if isinstance(value, bool):
        return value
    raise PydanticCustomError(
        "record_fact", "expected true, false or unknown, got {value}", {"value": show(value)})


def _date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _MONTH.fullmatch(value):
        return value
    raise PydanticCustomError(
        "record_date", "expected a date YYYY-MM-DD (or YYYY-MM when the sources give only the "
        "month), got {value}", {"value": show(value)})


SourceKey = Annotated[str, AfterValidator(_source_key)]
Sources = Annotated[list[SourceKey], Field(min_length=1)]
Fact = Annotated[bool | None, BeforeValidator(_fact)]
"""true, false, or None for ``unknown`` (also when the key is left out)."""
RecordDate = Annotated[dt.date | str, BeforeValidator(_date)]
Score = Annotated[float, Ge(0), Le(100)]


class _Model(BaseModel):
    model_config = STRICT


class FactSources(_Model):
    """Source keys of each fact of a session (keys of docs/reference/domain.md §8)."""

    date: Sources = Field(description="Sources of the date (and that the session took place).")
    exchange: Sources | None = Field(default=None, description="Sources of `exchange`.")
    size: Sources | None = Field(default=None, description="Sources of `size`.")
    ceasefire: Sources | None = Field(default=None, description="Sources of `ceasefire`.")
    main_agreement: Sources | None = Field(
        default=None, description="Sources of `main_agreement`.")
    walkout: Sources | None = Field(default=None, description="Sources of `walkout`.")
    positions: Sources | None = Field(default=None, description="Sources of `positions`.")


class RecordedSession(_Model):
    """One session as it happened."""

    date: RecordDate = Field(description=(
        "Day of the session (its first day if it lasted several), YYYY-MM-DD; YYYY-MM when the "
        "sources give only the month."))
    label: str = Field(min_length=1, description="What and where, e.g. 'Round 2, Çırağan Palace'.")
    exchange: Fact = Field(default=None, description=(
        "A prisoner or body exchange agreed at the session (true/false/unknown)."))
    size: int | None = Field(default=None, ge=1, description=(
        "People or bodies each side is to hand over under the exchange, where the sources give "
        "it (needs exchange: true)."))
    ceasefire: Fact = Field(default=None, description="A general ceasefire agreed.")
    main_agreement: Fact = Field(default=None, description=(
        "Any agreement on the main track (the issues other than the humanitarian one)."))
    walkout: Fact = Field(default=None, description="A walkout, or the talks suspended.")
    positions: dict[Ident, dict[Ident, Score]] = Field(default_factory=dict, description=(
        "Observed positions: actor -> issue -> value on the scenario's 0-100 axis."))
    sources: FactSources = Field(description="Source keys of every fact given.")
    note: str = Field(default="", description="Free text: what the facts mean, caveats.")

    @property
    def first_day(self) -> dt.date:
        """The date, or the first day of the month for a month-only date."""
        if isinstance(self.date, dt.date):
            return self.date
        year, month = (int(p) for p in self.date.split("-"))
        return dt.date(year, month, 1)

    @property
    def last_day(self) -> dt.date:
        """The date, or the last day of the month for a month-only date."""
        if isinstance(self.date, dt.date):
            return self.date
        first = self.first_day
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    @property
    def month_only(self) -> bool:
        """True when the sources give only the month."""
        return not isinstance(self.date, dt.date)

    def given(self) -> list[str]:
        """The facts this session records (those not left out or unknown)."""
        return [name for name in FACTS if getattr(self, name) not in (None, {})]


class Record(_Model):
    """A recorded negotiation series (``record: 1``)."""

    record: Literal[1] = Field(description="Record format version.")
    name: Slug = Field(description="Short name, e.g. istanbul-2025.")
    title: str = Field(min_length=1, description="One line saying what the series is.")
    scenario: str = Field(min_length=1, description=(
        "Path of the scenario that sets the series up, relative to the record file."))
    sessions: list[RecordedSession] = Field(min_length=1, description="The sessions, by date.")
    note: str = Field(default="", description="Free text about the series.")
