"""Where the player gets the time from. Injected into the App so tests and snapshots never see the real
clock or the machine's time zone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    """`now()` for stamps written to disk; `tz` for showing stamps (None: the machine's local zone)."""

    fixed: dt.datetime | None = None
    tz: dt.tzinfo | None = None

    def now(self) -> dt.datetime:
        if self.fixed is not None:
            return self.fixed
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    def show(self, when: dt.datetime) -> str:
        """A stamp as the player reads it: `2025-03-14 09:30`, in the clock's zone."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        local = when.astimezone(self.tz) if self.tz is not None else when.astimezone()
        return local.strftime("%Y-%m-%d %H:%M")


SYSTEM_CLOCK = Clock()
