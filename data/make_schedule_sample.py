"""Generate the synthetic water delivery schedule and reports of the sample (issue 6).

Writes ``data/sample/schedule.csv`` and ``data/sample/deliveries.csv`` for eight settlements of
the sample municipality over three months (2026-08-01 to 2026-10-31), then reads them back
with the atlas and prints the outcome counts. Deterministic: a fixed seed and no clock.

Run from the repository root::

    .venv/bin/python data/make_schedule_sample.py
"""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20260801
FIRST, LAST = date(2026, 8, 1), date(2026, 10, 31)
OUT = Path(__file__).resolve().parent / "sample"
PROVIDERS = ("Metro Water Services", "Amanzi Haulage (Pty) Ltd", "Tshwane Tankers CC")
REPORTERS = ("Nomsa", "Thabo", "Lerato", "Sipho", "Zanele", "Kagiso", "Ayanda")
TANK = 5000  # litres per tanker load in this sample

# settlement, provider, weekday, start, end, tanks, valid_from, valid_to
WEEKLY = [
    ("SET-001", 0, "Monday", "08:00", "10:00", 4, "", ""),
    ("SET-001", 0, "Thursday", "08:00", "10:00", 4, "", ""),
    ("SET-003", 0, "Tuesday", "09:00", "11:00", 3, "", ""),
    ("SET-003", 0, "Friday", "09:00", "11:00", 3, "", ""),
    ("SET-006", 1, "Monday", "13:00", "15:00", 4, "", "2026-09-15"),
    ("SET-006", 1, "Wednesday", "07:00", "09:00", 4, "2026-09-16", ""),
    ("SET-006", 1, "Friday", "13:00", "15:00", 4, "", ""),
    ("SET-012", 1, "Wednesday", "10:00", "12:00", 2, "", ""),
    ("SET-013", 2, "Tuesday", "14:00", "16:00", 2, "", ""),
    ("SET-018", 2, "Monday", "07:00", "09:00", 5, "", ""),
    ("SET-018", 2, "Thursday", "07:00", "09:00", 5, "", ""),
    ("SET-025", 1, "Saturday", "09:00", "12:00", 3, "", ""),
]
# One-off extra deliveries (settlement, provider, date, start, end, tanks).
ONE_OFF = [
    ("SET-018", 2, "2026-09-24", "10:00", "12:00", 2),  # Heritage Day
    ("SET-006", 1, "2026-10-10", "09:00", "11:00", 2),
]
# Per provider: chance of a miss, of late, of short (the rest arrive on time in full).
RELIABILITY = {0: (0.05, 0.08, 0.07), 1: (0.18, 0.15, 0.12), 2: (0.10, 0.22, 0.15)}
NOTES = {
    "late": ("came after dark", "arrived in the afternoon", "driver said truck broke down"),
    "short": ("tank not full", "ran out before the end of the queue", "only part delivered"),
}


def _weekday(name: str) -> int:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday").index(
        name
    )


def _slots() -> list[tuple[str, int, date, str, str, int]]:
    slots = []
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    for sid, provider, weekday, start, end, tanks, valid_from, valid_to in WEEKLY:
        lo = date.fromisoformat(valid_from) if valid_from else FIRST
        hi = date.fromisoformat(valid_to) if valid_to else LAST
        for day in days:
            if lo <= day <= hi and day.weekday() == _weekday(weekday):
                slots.append((sid, provider, day, start, end, tanks))
    for sid, provider, day_text, start, end, tanks in ONE_OFF:
        slots.append((sid, provider, date.fromisoformat(day_text), start, end, tanks))
    return sorted(slots, key=lambda s: (s[2], s[3], s[0]))


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute)


def make() -> tuple[list[list[str]], list[list[str]]]:
    """The schedule and report rows (with headers), from the fixed seed."""
    rng = np.random.default_rng(SEED)
    schedule = [["settlement_id", "provider", "weekday", "date", "start", "end", "litres"]]
    schedule[0] += ["tanks", "valid_from", "valid_to"]
    for sid, p, weekday, start, end, tanks, valid_from, valid_to in WEEKLY:
        volume = [str(tanks * TANK), str(tanks)]
        schedule.append([sid, PROVIDERS[p], weekday, "", start, end, *volume, valid_from, valid_to])
    for sid, p, day_text, start, end, tanks in ONE_OFF:
        schedule.append(
            [sid, PROVIDERS[p], "", day_text, start, end, str(tanks * TANK), str(tanks)]
        )
        schedule[-1] += ["", ""]
    reports = [["settlement_id", "arrived_at", "litres", "tanks", "reporter", "note"]]
    rows: list[tuple[datetime, list[str]]] = []
    for sid, p, day, start, end, tanks in _slots():
        miss, late, short = RELIABILITY[p]
        draw = rng.random()
        window_start, window_end = _at(day, start), _at(day, end)
        span = int((window_end - window_start).total_seconds() // 60)
        arrived = window_start + timedelta(minutes=int(rng.integers(0, span + 1)))
        loads, note = tanks, ""
        if draw < miss:
            continue
        if draw < miss + late:
            arrived = window_end + timedelta(minutes=int(rng.integers(150, 420)))
            note = str(rng.choice(NOTES["late"]))
            if rng.random() < 0.3:
                loads = max(1, tanks - int(rng.integers(1, 3)))
        elif draw < miss + late + short:
            loads = max(1, tanks - int(rng.integers(1, 3)))
            note = str(rng.choice(NOTES["short"]))
        elif rng.random() < 0.2:  # a little after the window, within the 2-hour tolerance
            arrived = window_end + timedelta(minutes=int(rng.integers(10, 100)))
        reporter = str(rng.choice(REPORTERS))
        rows.append(
            (arrived, [sid, arrived.strftime("%Y-%m-%d %H:%M"), str(loads * TANK), str(loads)])
        )
        rows[-1][1].extend([reporter, note])
    # Extra loads at random times: all come out unscheduled (five on days without an entry,
    # one after that day's scheduled load had come).
    for _ in range(6):
        sid = str(rng.choice([w[0] for w in WEEKLY]))
        extra_day = FIRST + timedelta(days=int(rng.integers(0, (LAST - FIRST).days + 1)))
        arrived = _at(extra_day, f"{int(rng.integers(7, 17)):02d}:{int(rng.integers(0, 60)):02d}")
        rows.append((arrived, [sid, arrived.strftime("%Y-%m-%d %H:%M"), str(TANK), "1"]))
        rows[-1][1].extend([str(rng.choice(REPORTERS)), "extra tanker, not on the schedule"])
    rows.sort(key=lambda r: (r[0], r[1][0]))
    reports.extend(r for _, r in rows)
    return schedule, reports


def write(rows: list[list[str]], path: Path) -> None:
    """Write rows as UTF-8 CSV with Unix line ends."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def main() -> int:
    """Write the two files and print what the atlas makes of them."""
    schedule, reports = make()
    write(schedule, OUT / "schedule.csv")
    write(reports, OUT / "deliveries.csv")
    sys.path.insert(0, str(OUT.parent.parent))
    from atlas.schedules import classify_deliveries, compliance, read_deliveries, read_schedule

    entries, report = read_schedule(OUT / "schedule.csv")
    arrived, report2 = read_deliveries(OUT / "deliveries.csv")
    assert report.ok and report2.ok and not report.warnings and not report2.warnings
    outcomes = classify_deliveries(entries, arrived, FIRST, LAST)
    print(f"{len(schedule) - 1} schedule entries, {len(reports) - 1} reports")
    print(outcomes["status"].value_counts().sort_index().to_string())
    print(compliance(outcomes, "provider").to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
