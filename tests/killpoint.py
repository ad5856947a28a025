"""Run ``satudata`` in this process and kill it (SIGKILL, a real kill) at a chosen moment of a write.

``python tests/killpoint.py N satudata-arguments…`` counts the calls to ``os.replace`` — the
journal being committed, then each file taking its place — and kills the process just before
call number N (0 = before the journal exists). Used by the tests of the all-or-nothing import.
"""

from __future__ import annotations

import os
import signal
import sys

KILL_AT = int(sys.argv.pop(1))
_real_replace = os.replace
_calls = 0


def _replace(*args, **kwargs):
    global _calls
    if _calls == KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)
    _calls += 1
    return _real_replace(*args, **kwargs)


os.replace = _replace

from pipeline.cli import main  # noqa: E402  (after the patch, so every write goes through it)

main(prog_name="satudata")
