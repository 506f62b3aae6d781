"""Time limits of issue reports: working-hour arithmetic, deadlines, hours between two times.

Times enter and leave as timezone-aware datetimes in UTC (naive datetimes are
taken to be UTC, as the store does). Working hours are counted on the wall
clock of :attr:`WorkingHours.timezone` (default Asia/Shanghai): periods of
each working day (default Monday to Friday, 9:00-12:00 and 13:30-18:00),
minus listed holidays, plus listed extra working days (调休).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridmap.errors import InputError

__all__ = [
    "TimeLimit",
    "WorkingHours",
    "add_hours",
    "deadline_for",
    "hours_between",
    "to_utc",
]

#: Longest search for working time, in days (guards against configurations without any).
_MAX_DAYS = 3660


@dataclass(frozen=True)
class TimeLimit:
    """A category's time limit (处置时限): ``hours``, counted as working or calendar hours."""

    hours: float
    working: bool = False
    source: str = ""


@dataclass(frozen=True)
class WorkingHours:
    """Working days and the working periods of each day, on a local wall clock.

    Parameters
    ----------
    timezone
        IANA zone of the wall clock, e.g. ``"Asia/Shanghai"``.
    days
        ISO weekdays that are working days (1 = Monday).
    periods
        ``(start, end)`` wall-clock times of the working periods of a day, in order.
    holidays
        Dates that are not working days although their weekday is.
    extra_workdays
        Dates that are working days although their weekday is not (调休).
    """

    timezone: str = "Asia/Shanghai"
    days: tuple[int, ...] = (1, 2, 3, 4, 5)
    periods: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(9, 0), dt.time(12, 0)),
        (dt.time(13, 30), dt.time(18, 0)),
    )
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError.keyed("workhours.timezone", tz=self.timezone) from None
        if any(not 1 <= d <= 7 for d in self.days):
            raise InputError.keyed("workhours.weekdays", days=str(list(self.days)))
        last = dt.time(0, 0)
        for start, end in self.periods:
            if not start < end or start < last:
                raise InputError.keyed("workhours.period_order")
            last = end

    @property
    def zone(self) -> ZoneInfo:
        """The wall-clock time zone."""
        return ZoneInfo(self.timezone)

    def is_workday(self, day: dt.date) -> bool:
        """Return whether ``day`` (a local date) is a working day."""
        if day in self.extra_workdays:
            return True
        return day.isoweekday() in self.days and day not in self.holidays

    def periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Return the working periods of a local date as aware local datetimes (empty if none)."""
        if not self.is_workday(day):
            return []
        zone = self.zone
        return [
            (dt.datetime.combine(day, s, tzinfo=zone), dt.datetime.combine(day, e, tzinfo=zone))
            for s, e in self.periods
        ]

    def local(self, when: dt.datetime) -> dt.datetime:
        """Return ``when`` on the local wall clock (naive input is UTC)."""
        return to_utc(when).astimezone(self.zone)


def to_utc(when: dt.datetime) -> dt.datetime:
    """Return an aware UTC datetime; a naive one is taken to be UTC already.

    Parameters
    ----------
    when
        A datetime (or pandas Timestamp).

    Returns
    -------
    datetime.datetime
        The same instant with ``tzinfo=UTC``.
    """
    if hasattr(when, "to_pydatetime"):
        when = when.to_pydatetime()
    if not isinstance(when, dt.datetime):
        msg = f"expected a date and time, got {when!r}"
        raise InputError(msg)  # programmer error
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _check_hours(hours: float) -> float:
    try:
        value = float(hours)
    except (TypeError, ValueError):
        raise InputError.keyed("workhours.hours_number", value=hours) from None
    if not value >= 0 or value == float("inf"):
        raise InputError.keyed("workhours.hours_finite", value=hours)
    return value


def add_hours(
    start: dt.datetime, hours: float, *, working: bool, calendar: WorkingHours | None = None
) -> dt.datetime:
    """Return the time ``hours`` after ``start``, counting working hours only if ``working``.

    Parameters
    ----------
    start
        Where the clock starts (UTC, or aware in any zone).
    hours
        How many hours to add (at least 0).
    working
        Count only working hours of ``calendar`` (nights, weekends and holidays do
        not count); otherwise calendar hours.
    calendar
        The working hours (default :class:`WorkingHours`).

    Returns
    -------
    datetime.datetime
        Aware UTC. With working hours, a limit used up exactly at the end of a
        period ends there (e.g. 18:00), not at the next morning.

    Raises
    ------
    gridmap.errors.InputError
        If ``hours`` is negative or not a number, or the calendar has no working time.

    Examples
    --------
    >>> import datetime as dt
    >>> friday_5pm = dt.datetime(2026, 11, 6, 9, 0, tzinfo=dt.UTC)  # 17:00 in Shanghai
    >>> add_hours(friday_5pm, 4, working=True).isoformat()  # 1 h Friday + 3 h Monday
    '2026-11-09T04:00:00+00:00'
    """
    remaining = dt.timedelta(hours=_check_hours(hours))
    start_utc = to_utc(start)
    if not working:
        return start_utc + remaining
    calendar = calendar or WorkingHours()
    cursor = calendar.local(start_utc)
    day = cursor.date()
    for _ in range(_MAX_DAYS):
        for begin, end in calendar.periods_on(day):
            begin = max(begin, cursor)
            if begin >= end:
                continue
            available = end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
        day += dt.timedelta(days=1)
    raise InputError.keyed("workhours.no_time")


def hours_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    working: bool,
    calendar: WorkingHours | None = None,
) -> float:
    """Return the hours from ``start`` to ``end`` (negative if ``end`` is earlier).

    Parameters
    ----------
    start, end
        Two instants (UTC or aware).
    working
        Count working hours of ``calendar`` only.
    calendar
        The working hours (default :class:`WorkingHours`).

    Returns
    -------
    float
        Hours.
    """
    a, b = to_utc(start), to_utc(end)
    if b < a:
        return -hours_between(b, a, working=working, calendar=calendar)
    if not working:
        return (b - a).total_seconds() / 3600.0
    calendar = calendar or WorkingHours()
    a_local, b_local = calendar.local(a), calendar.local(b)
    total = dt.timedelta(0)
    day = a_local.date()
    while day <= b_local.date():
        for begin, stop in calendar.periods_on(day):
            lo, hi = max(begin, a_local), min(stop, b_local)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600.0


def deadline_for(
    reported_at: dt.datetime, limit: TimeLimit, *, calendar: WorkingHours | None = None
) -> dt.datetime:
    """Return the deadline of a report made at ``reported_at`` under ``limit``.

    Parameters
    ----------
    reported_at
        When the report was made (UTC).
    limit
        The category's time limit.
    calendar
        The working hours (default :class:`WorkingHours`).

    Returns
    -------
    datetime.datetime
        Aware UTC.
    """
    return add_hours(reported_at, limit.hours, working=limit.working, calendar=calendar)
