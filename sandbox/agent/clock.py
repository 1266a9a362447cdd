"""The sandbox's clock: the one source of simulated time in the process.

Everything the sandbox times reads `now()` (epoch seconds) or `utcnow()` (an aware UTC datetime):
command waves, reboots and delivery timeouts, association schedules, patch scan and install times
(CaptureTime, InstalledTime, OperationStart/EndTime), compliance execution times, baseline
CreatedDate/ModifiedDate, managed nodes' LastPingDateTime and registration dates.

By default the clock follows the wall clock, so the demo behaves as it always has. A test can
freeze it (simulated time stops), advance it by N seconds (time jumps, frozen or not) and unfreeze
it (time runs again at the wall's pace from wherever it is, never backwards). `reset()` (what
`POST /_sandbox/reset` does) goes back to following the wall clock exactly.

A test that runs a module (which polls on its own real-time schedule) can also make time move with
the requests: `set_step(N)` makes every SSM request the server serves first move the clock N seconds
(`tick()`, called by sandbox.wire.server), so how many polls a run takes follows from the run's
simulated length and the module's calls, not from how fast the machine is.

Nothing runs in the background: whatever the clock jumps over is brought up to date by the lazy
advancers of `sandbox.ssm.simulated_time` the next time anything reads it (the control API's advance
runs them at once for every backend).

What stays on the real wall clock, on purpose: the call log's `time` (when the HTTP request really
arrived), request durations, injected latency, the catalog's anchor day (`origin_date()`: the day the
process started, fixed so relative release dates do not move under a running process), and moto's
own timestamps (EC2 LaunchTime, S3 LastModified, document dates), which moto takes itself.
"""

import datetime
import math
import threading
import time


class Clock:
    """Simulated epoch seconds: the wall clock plus an offset, or a frozen instant."""

    def __init__(self, wall=time.time):
        self._wall = wall
        self._lock = threading.Lock()
        self._offset = 0.0
        self._frozen_at = None
        self._step = 0.0
        self.origin = wall()

    def now(self):
        with self._lock:
            return self._now()

    def _now(self):
        return self._frozen_at if self._frozen_at is not None else self._wall() + self._offset

    @property
    def frozen(self):
        with self._lock:
            return self._frozen_at is not None

    def freeze(self):
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._now()
            return self._frozen_at

    def unfreeze(self):
        """Run again at the wall's pace from the simulated now (time never steps backwards)."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - self._wall()
                self._frozen_at = None
            return self._now()

    def set_step(self, seconds):
        """Seconds every served request moves the clock (`tick`); 0 stops that."""
        _check_duration(seconds, "advance_per_request")
        with self._lock:
            self._step = float(seconds)

    def tick(self):
        """One served request: the clock moves its step, if one is set."""
        with self._lock:
            if self._step:
                self._move(self._step)

    def advance(self, seconds):
        _check_duration(seconds, "advance_seconds")
        with self._lock:
            self._move(seconds)
            return self._now()

    def _move(self, seconds):
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def reset(self):
        """Follow the wall clock again, exactly (after a reset no state remembers a later time), with
        no step."""
        with self._lock:
            self._offset = 0.0
            self._frozen_at = None
            self._step = 0.0

    def state(self):
        """{"now", "frozen"}, and "advance_per_request" while a step is set."""
        with self._lock:
            state = {"now": self._now(), "frozen": self._frozen_at is not None}
            if self._step:
                state["advance_per_request"] = self._step
            return state


def _check_duration(seconds, name):
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0 \
            or math.isinf(seconds) or math.isnan(seconds):
        raise ValueError(f"{name} must be a non-negative number of seconds")


CLOCK = Clock()


def now():
    """Simulated epoch seconds."""
    return CLOCK.now()


def utcnow():
    """Simulated time as an aware UTC datetime."""
    return datetime.datetime.fromtimestamp(CLOCK.now(), datetime.timezone.utc)


def today():
    """The simulated UTC day."""
    return utcnow().date()


def wall():
    """Real epoch seconds, for what records when something really happened (the call log)."""
    return time.time()


def origin_date():
    """The UTC day the process started (the wall clock's, whatever the simulated clock did since)."""
    return datetime.datetime.fromtimestamp(CLOCK.origin, datetime.timezone.utc).date()
