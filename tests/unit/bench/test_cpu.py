"""The benchmark's CPU count survives gunicorn replacing a worker mid-scenario."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from community.bench import run

# a parent that starts a child burning ~0.3 s of CPU, waits for it (reaps it), then idles
PARENT = """
import subprocess, sys, time
subprocess.run([sys.executable, "-c",
    "import time\\nend = time.process_time() + 0.3\\nwhile time.process_time() < end: pass"])
print("reaped", flush=True)
time.sleep(30)
"""


def test_a_reaped_workers_cpu_still_counts_for_the_server(tmp_path: Path):
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "reaped"
        server = run.Server("test", 0, parent, tmp_path / "log", workers=[999_999_999])
        # the old worker pid is gone and there is no live child: only the reaped one's time
        assert run.process_cpu(parent.pid) < 0.25
        assert server.cpu_seconds() >= 0.25
        assert server.workers == [999_999_999]  # no live child found: the known list stays
    finally:
        parent.kill()
        parent.communicate()
