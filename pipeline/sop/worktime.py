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
class JamKerja:
    zona: timezone
    mulai: time
    selesai: time
    negara: str = "ID"
    kategori: tuple[str, ...] = ("public", "government")

    @property
    def menit_per_hari(self) -> int:
        return (self.selesai.hour * 60 + self.selesai.minute) - (self.mulai.hour * 60 + self.mulai.minute)

    @cached_property
    def libur(self) -> holidays.HolidayBase:
        """The holiday calendar; years are filled in lazily as dates are looked up."""
        import holidays  # ~30 ms to import: only when working hours are counted

        return holidays.country_holidays(self.negara, categories=self.kategori, language="id")

    def hari_kerja(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.libur

    def menit_kerja(self, awal: datetime, akhir: datetime) -> int:
        """Working minutes in [awal, akhir) (0 if akhir is not after awal). Both need a time zone."""
        if awal.tzinfo is None or akhir.tzinfo is None:
            raise ValueError("waktu tanpa zona waktu")
        awal, akhir = awal.astimezone(self.zona), akhir.astimezone(self.zona)
        if akhir <= awal:
            return 0
        total = timedelta()
        day = awal.date()
        while day <= akhir.date():
            if self.hari_kerja(day):
                start = max(awal, datetime.combine(day, self.mulai, self.zona))
                end = min(akhir, datetime.combine(day, self.selesai, self.zona))
                if end > start:
                    total += end - start
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)

    def format(self, minutes: int) -> str:
        """480 → '1 hari', 615 → '1 hari 2 jam 15 menit' (working days of this calendar's length)."""
        days, rest = divmod(max(0, int(minutes)), self.menit_per_hari)
        hours, mins = divmod(rest, 60)
        parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (hours, "jam"), (mins, "menit")) if n]
        return " ".join(parts) or "0 menit"
