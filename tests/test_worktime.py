"""Working time: Mon–Fri 08:00–16:00 WIB without Indonesian holidays and collective leave."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.sop.definition import load_sop

JAM = load_sop().jam_kerja


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("awal", "akhir", "menit"),
    [
        ("2025-02-03T09:00:00+07:00", "2025-02-03T09:30:00+07:00", 30),  # Monday, inside hours
        ("2025-02-03T06:00:00+07:00", "2025-02-03T08:15:00+07:00", 15),  # before 08:00 does not count
        ("2025-02-03T15:50:00+07:00", "2025-02-03T20:00:00+07:00", 10),  # after 16:00 does not count
        ("2025-02-07T15:50:00+07:00", "2025-02-10T08:20:00+07:00", 30),  # Friday → Monday, weekend skipped
        ("2025-02-03T08:00:00+07:00", "2025-02-06T08:00:00+07:00", 3 * 480),  # three working days
        ("2025-02-03T01:00:00+00:00", "2025-02-03T03:00:00+00:00", 120),  # UTC input, 08:00–10:00 WIB
        ("2025-03-28T15:50:00+07:00", "2025-04-08T08:20:00+07:00", 20),  # Nyepi leave, Idul Fitri, leave
        ("2025-02-03T10:00:00+07:00", "2025-02-03T09:00:00+07:00", 0),  # end before start
    ],
)
def test_working_minutes(awal, akhir, menit):
    assert JAM.working_minutes(t(awal), t(akhir)) == menit


def test_public_holidays_and_collective_leave_are_not_working_days():
    assert not JAM.is_working_day(date(2025, 3, 31))  # Idul Fitri (public)
    assert not JAM.is_working_day(date(2025, 4, 2))  # cuti bersama Idul Fitri (government)
    assert not JAM.is_working_day(date(2025, 2, 8))  # Saturday
    assert JAM.is_working_day(date(2025, 2, 3))
    assert "Idul Fitri" in JAM.holidays.get(date(2025, 3, 31))


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        JAM.working_minutes(datetime(2025, 2, 3, 9), t("2025-02-03T10:00:00+07:00"))


@pytest.mark.parametrize(
    ("menit", "teks"),
    [(0, "0 menit"), (15, "15 menit"), (480, "1 hari"), (615, "1 hari 2 jam 15 menit"), (1500, "3 hari 1 jam")],
)
def test_format(menit, teks):
    assert JAM.format(menit) == teks
