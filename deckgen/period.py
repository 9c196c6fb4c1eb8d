"""Reporting periods: a Gregorian or Jalali (Solar Hijri) calendar month."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import jdatetime

Calendar = Literal["gregorian", "jalali"]
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
# The days a table of dates can hold (pandas' nanosecond timestamps): 1677-09-21 .. 2262-04-11.
# A month given by hand must fall wholly inside, in either calendar.
_FIRST_DAY, _LAST_DAY = date(1677, 10, 1), date(2262, 3, 31)


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month; `start` and `end` are its first and last Gregorian days."""

    calendar: Calendar
    year: int
    month: int  # 1..12

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")

    @property
    def key(self) -> str:
        """The period as `YYYY-MM` in its own calendar (e.g. `1405-07` for Mehr 1405)."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        """First day of the month, as a Gregorian date."""
        if self.calendar == "gregorian":
            return date(self.year, self.month, 1)
        return jdatetime.date(self.year, self.month, 1).togregorian()

    @property
    def end(self) -> date:
        """Last day of the month (inclusive), as a Gregorian date."""
        return self.shift(1).start - timedelta(days=1)

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return (self.end - self.start).days + 1

    def shift(self, months: int) -> Period:
        """The period `months` months later (earlier when negative)."""
        index = self.year * 12 + (self.month - 1) + months
        return Period(self.calendar, index // 12, index % 12 + 1)

    def previous(self) -> Period:
        """The month before."""
        return self.shift(-1)

    def trailing(self, months: int = 12) -> tuple[Period, ...]:
        """The `months` periods ending with this one, oldest first."""
        return tuple(self.shift(-k) for k in range(months - 1, -1, -1))

    def contains(self, day: date) -> bool:
        """True if `day` (Gregorian) falls in this month."""
        return self.start <= day <= self.end

    @classmethod
    def parse(cls, text: str, calendar: Calendar = "gregorian") -> Period:
        """The period written `YYYY-MM` in `calendar`; ValueError if malformed or out of range."""
        match = _PERIOD_RE.match(text.strip())
        if not match:
            raise ValueError(f"expected a period as YYYY-MM, got {text!r}")
        period = cls(calendar, int(match.group(1)), int(match.group(2)))
        first = cls.containing(_FIRST_DAY, calendar).shift(1)
        last = cls.containing(_LAST_DAY, calendar).shift(-1)
        if not first <= period <= last:
            name = "Jalali " if calendar == "jalali" else ""
            raise ValueError(
                f"{period.key} is out of range; give a {name}month from {first.key} to {last.key}"
            )
        return period

    @classmethod
    def containing(cls, day: date, calendar: Calendar = "gregorian") -> Period:
        """The month of `calendar` that contains the Gregorian `day`."""
        if calendar == "gregorian":
            return cls(calendar, day.year, day.month)
        j = jdatetime.date.fromgregorian(date=day)
        return cls(calendar, j.year, j.month)

    @classmethod
    def last_complete(cls, last_day: date, calendar: Calendar = "gregorian") -> Period:
        """The last month that is complete on `last_day` (the month itself if it is its last day)."""
        current = cls.containing(last_day, calendar)
        return current if last_day >= current.end else current.previous()
