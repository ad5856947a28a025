"""Working time: how many working minutes lie between two moments.

A working day is Monday–Friday and not an Indonesian public holiday or collective leave
(``holidays.country_holidays("ID", categories=("public", "government"))``). Only the working
hours of a working day count (08:00–16:00 WIB unless ``schemas/sop.yaml`` says otherwise), so the
SOP's 15 and 30 minute standards and its 1 and 3 day standards are measured on one scale:
one working day is the length of the working hours (480 minutes for 08:00–16:00).

Example: a step recorded on Friday 15:50 WIB with a 30 minute standard is overdue from
Monday 08:20 WIB (10 minutes on Friday plus 20 on Monday), or from Tuesday 08:20 if that
Monday is a holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays


@dataclass(frozen=True)
class WorkingTime:
    """The working hours of ``sop.yaml`` (``jam_kerja``) and the holiday calendar they skip."""

    zone: timezone
    start: time
    end: time
    country: str = "ID"
    categories: tuple[str, ...] = ("public", "government")

    @property
    def minutes_per_day(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    @cached_property
    def holidays(self) -> holidays.HolidayBase:
        """The holiday calendar; years are filled in lazily as dates are looked up."""
        import holidays  # ~30 ms to import: only when working hours are counted

        return holidays.country_holidays(self.country, categories=self.categories, language="id")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def working_minutes(self, since: datetime, until: datetime) -> int:
        """Working minutes in [since, until) (0 if until is not after since). Both need a time zone."""
        if since.tzinfo is None or until.tzinfo is None:
            raise ValueError("waktu tanpa zona waktu")
        since, until = since.astimezone(self.zone), until.astimezone(self.zone)
        if until <= since:
            return 0
        total = timedelta()
        day = since.date()
        while day <= until.date():
            if self.is_working_day(day):
                start = max(since, datetime.combine(day, self.start, self.zone))
                end = min(until, datetime.combine(day, self.end, self.zone))
                if end > start:
                    total += end - start
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)

    def format(self, minutes: int) -> str:
        """480 → '1 hari', 615 → '1 hari 2 jam 15 menit' (working days of this calendar's length)."""
        days, rest = divmod(max(0, int(minutes)), self.minutes_per_day)
        hours, mins = divmod(rest, 60)
        parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (hours, "jam"), (mins, "menit")) if n]
        return " ".join(parts) or "0 menit"
