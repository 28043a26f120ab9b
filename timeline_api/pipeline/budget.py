"""A bound on the work one article may cost.

Every step of the analysis is linear in the text (bench/adversarial.py), yet an article at
the size limit costs seconds, and a request handled by a thread cannot be killed: the work
would go on after the client has left. So the analysis carries a budget of CPU seconds and
stops with ``AnalysisTooLong`` once it is spent. It is measured in the thread's own CPU
time, not in wall time, so that one article gets the same answer on a busy server as on an
idle one: the budget measures what the text demands, not how loaded the machine is.
"""
from __future__ import annotations

import time


class AnalysisTooLong(Exception):
    def __init__(self, seconds: float):
        super().__init__(f"the analysis needs more than {seconds:g} s of CPU time")
        self.seconds = seconds


class Budget:
    """``check()`` between steps and per sentence raises once ``seconds`` of this thread's
    CPU time have gone by since the budget was made."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._deadline = time.thread_time() + seconds

    def check(self) -> None:
        if time.thread_time() > self._deadline:
            raise AnalysisTooLong(self.seconds)


UNLIMITED = Budget(float("inf"))
