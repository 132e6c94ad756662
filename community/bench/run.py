"""The HTTP benchmark behind ``rukun bench``: the app and a bare Flask page, both under
``rukun serve``'s gunicorn settings on 127.0.0.1, driven in turn by wrk from another
process.

Every scenario runs for a fixed duration; the server's CPU time (gunicorn master and
workers, from /proc) before and after, divided by the requests, gives CPU ms per request,
which does not depend on how the two cores are shared with wrk. Every process started
here is stopped by its pid at the end, also on an error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from http.cookies import SimpleCookie
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, func, select

from community.bench.data import PASSWORD

SESSIONS = 8  # signed-in residents the requests rotate over (8 RTs; sign-in limit 20/min/IP)
READY_TIMEOUT = 30.0  # seconds for a server to answer after it was started
STOP_TIMEOUT = 15.0  # seconds for gunicorn's graceful stop before SIGKILL
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MORE_LINK = re.compile(r'hx-get="([^"]*setelah=[^"]*)"')  # "Lihat lebih banyak"
# What each scenario requests; "mix" is the realistic blend of the four (weights sum to 1).
SCENARIOS = {
    "home": "home feed (GET /)",
    "more": "feed page 2 (htmx partial)",
    "activity": "activity page",
    "rsvp": "RSVP POST (htmx)",
    "mix": "mix 40/15/30/15",
}
# The city dashboard (#17) is measured apart, one request at a time: it is an official's
# page, not a crowd's; what matters is how long one computed answer takes.
DASHBOARD_RENDERS = 10
DASHBOARD_TARGET_MS = 300
MIX = (("home", 0.40), ("more", 0.15), ("activity", 0.30), ("rsvp", 0.15))


class BenchError(Exception):
    """The benchmark could not run (a server did not start, sign-in failed, no wrk)."""


# --- processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A gunicorn started by us: the master's pid, and its workers' once it is ready."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path
    workers: list[int] = field(default_factory=list)

    def pids(self) -> list[int]:
        return [self.process.pid, *self.workers]

    def cpu_seconds(self) -> float:
        """The master with the workers it has reaped, plus the live workers. gunicorn replaces
        a worker that timed out or died: the new pid is looked up each time, and the old
        one's CPU is in the master's cutime/cstime once reaped (a CI run once measured 0)."""
        self.workers = children_of(self.process.pid) or self.workers
        master = process_cpu(self.process.pid, reaped_children=True)
        return master + sum(process_cpu(pid) for pid in self.workers)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def process_cpu(pid: int, *, reaped_children: bool = False) -> float:
    """User + system CPU seconds of one process (all its threads), 0 once it is gone; with
    ``reaped_children``, also its children that exited and were waited for."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def launch(name: str, argv: list[str], env: dict, folder: Path, port: int) -> Server:
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it by pid
        )  # fmt: skip
    return Server(name, port, process, log_path)


def wait_ready(server: Server, probe: str) -> None:
    """Until ``probe`` answers 200; then the workers' pids are known."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(
                f"{server.name} exited ({server.process.returncode}): {tail(server.log_path)}"
            )
        try:
            status, _headers, _body = fetch(server.port, "GET", probe)
            if status == 200:
                server.workers = children_of(server.process.pid)
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(
        f"{server.name} did not answer within {READY_TIMEOUT:.0f} s: {tail(server.log_path)}"
    )


def stop(server: Server) -> None:
    """SIGTERM to the master (gunicorn stops its workers), SIGKILL to all if it hangs."""
    if server.process.poll() is None:
        server.workers = server.workers or children_of(server.process.pid)
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    for pid in server.workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def tail(path: Path, lines: int = 8) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


# --- HTTP ----------------------------------------------------------------------------------


def fetch(port: int, method: str, path: str, *, body: str | None = None,
          headers: dict | None = None) -> tuple[int, dict, str]:  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        cookies = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        return (
            response.status,
            {"cookies": cookies, "location": response.getheader("Location")},
            (response.read().decode("utf-8", "replace")),
        )
    finally:
        conn.close()


@dataclass
class Session:
    """One signed-in resident: the cookie, a CSRF token, and the URLs the scenarios use."""

    cookie: str
    csrf: str
    activity: str
    more: str


def _signed_in(port: int, phone: str) -> dict[str, str]:
    """The cookie jar of ``phone`` signed in through the real form (the secure production
    cookie is carried by hand: the bench talks plain http on loopback)."""
    status, meta, page = fetch(port, "GET", "/masuk")
    jar = {k: m.value for k, m in meta["cookies"].items()}
    token = CSRF_FIELD.search(page) or CSRF_META.search(page)
    if status != 200 or token is None:
        raise BenchError(f"sign-in page: {status}")
    form = f"phone={quote(phone)}&password={quote(PASSWORD)}&csrf_token={quote(unescape(token.group(1)))}"
    status, meta, _ = fetch(port, "POST", "/masuk", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(jar),
    })  # fmt: skip
    jar.update({k: m.value for k, m in meta["cookies"].items()})
    if status != 303:
        raise BenchError(f"sign-in of {phone} answered {status}, not 303")
    return jar


def sign_in(port: int, phone: str, activity_id: int) -> Session:
    """A resident signed in, with the URLs the scenarios use."""
    jar = _signed_in(port, phone)
    for _ in range(2):  # the first page puts the CSRF secret in the session cookie
        status, meta, home = fetch(port, "GET", "/", headers={"Cookie": _cookie_header(jar)})
        jar.update({k: m.value for k, m in meta["cookies"].items()})
    cookie = _cookie_header(jar)
    csrf, more = CSRF_META.search(home), MORE_LINK.search(home)
    if status != 200 or csrf is None:
        raise BenchError(f"home page after sign-in: {status}")
    if more is None:
        raise BenchError("the home feed has no 'lihat lebih banyak' link (fewer than one page?)")
    return Session(cookie, unescape(csrf.group(1)), f"/kegiatan/{activity_id}",
                   unescape(more.group(1)))  # fmt: skip


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def pick_residents(url: str, now: datetime, count: int = SESSIONS) -> list[tuple[str, int]]:
    """(phone, activity id) of residents of ``count`` different RTs, each with an upcoming
    activity of their own RT that anyone may answer (no capacity, no deadline)."""
    from community.accounts.models import User
    from community.events.models import Activity

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rts = conn.execute(
                select(User.rt_id, func.max(User.phone))
                .where(User.rt_id.is_not(None))
                .group_by(User.rt_id)
                .order_by(User.rt_id)
                .limit(count)
            ).all()
            picked = []
            for rt_id, phone in rts:
                activity_id = conn.scalar(
                    select(Activity.id)
                    .where(
                        Activity.wilayah_id == rt_id,
                        Activity.starts_at > now + timedelta(hours=2),
                        Activity.capacity.is_(None),
                        Activity.rsvp_deadline_at.is_(None),
                        Activity.is_cancelled.is_(False),
                    )
                    .order_by(Activity.starts_at)
                    .limit(1)
                )
                if activity_id is not None:
                    picked.append((phone, activity_id))
    finally:
        engine.dispose()
    if not picked:
        raise BenchError("no resident with an upcoming activity: regenerate the data")
    return picked


# --- wrk -----------------------------------------------------------------------------------

LUA = r"""
local sessions = %(sessions)s
local scenario = "%(scenario)s"
local mix = %(mix)s
local i, flip = 0, 0

local function form(s, answer)
  return "csrf_token=" .. s.csrf_q .. "&answer=" .. answer
end

local function one(kind, s)
  local headers = {Cookie = s.cookie}
  if kind == "home" then
    return wrk.format("GET", "/", headers)
  elseif kind == "more" then
    headers["HX-Request"] = "true"
    return wrk.format("GET", s.more, headers)
  elseif kind == "activity" then
    return wrk.format("GET", s.activity, headers)
  elseif kind == "bare" then
    return wrk.format("GET", "/", {})
  end
  flip = 1 - flip  -- rsvp: change the answer every time, so every POST writes
  headers["HX-Request"] = "true"
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", s.activity .. "/jawab", headers,
                    form(s, flip == 1 and "hadir" or "mungkin"))
end

request = function()
  i = i %% #sessions + 1
  local kind = scenario
  if scenario == "mix" then
    local r, acc = math.random(), 0
    kind = "rsvp"
    for _, m in ipairs(mix) do
      acc = acc + m[2]
      if r < acc then kind = m[1] break end
    end
  end
  return one(kind, sessions[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def lua_script(scenario: str, sessions: list[Session]) -> str:
    def q(value: str) -> str:
        return json.dumps(value)  # a JSON string is a valid Lua string literal here (ASCII)

    rows = ",\n  ".join(
        f"{{cookie={q(s.cookie)}, csrf_q={q(quote(s.csrf, safe=''))}, "
        f"activity={q(s.activity)}, more={q(s.more)}}}"
        for s in sessions
    )
    mix = "{" + ", ".join(f'{{"{k}", {w}}}' for k, w in MIX) + "}"
    return LUA % {"sessions": "{\n  " + rows + "\n}", "scenario": scenario, "mix": mix}


def run_wrk(port: int, script: Path, duration: float, connections: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install wrk)")
    argv = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(duration))}s",
            "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}/"]  # fmt: skip
    done = subprocess.run(  # noqa: S603 - wrk from PATH with our own arguments
        argv, capture_output=True, text=True, timeout=duration + 30, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return json.loads(line.removeprefix("BENCH "))


def measure(server: Server, scenario: str, sessions: list[Session], folder: Path,
            duration: float, connections: int) -> dict:  # fmt: skip
    script = folder / f"{scenario}.lua"
    script.write_text(lua_script(scenario, sessions))
    cpu_before, machine_before = server.cpu_seconds(), machine_busy_seconds()
    workers_before = set(server.workers)
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    raw = run_wrk(server.port, script, duration, connections)
    cpu = server.cpu_seconds() - cpu_before
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (
        wrk_before.ru_utime + wrk_before.ru_stime
    )
    other = machine_busy_seconds() - machine_before - cpu - wrk_cpu
    requests = raw["requests"]
    seconds = raw["duration_us"] / 1e6
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "scenario": scenario,
        "what": SCENARIOS.get(scenario, "bare Flask template page"),
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": socket_errors + raw["status"],
        "errors_status": raw["status"],
        "errors_socket": socket_errors,
        "cpu_ms_per_request": round(cpu * 1000 / requests, 3) if requests else None,
        "wrk_cpu_s": round(wrk_cpu, 2),
        # CPU seconds the rest of the machine took meanwhile: a busy neighbour explains
        # a low req/s (CPU ms per request moves much less).
        "other_cpu_s": round(max(other, 0.0), 2),
        # gunicorn replaced a worker (timeout, crash): its log says why
        "workers_replaced": len(workers_before - set(server.workers)),
    }


def machine_busy_seconds() -> float:
    """CPU seconds every core spent busy since boot (/proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    guest = sum(fields[8:10])  # already counted in user and nice
    return (sum(fields) - idle - guest) / os.sysconf("SC_CLK_TCK")


# --- the whole run -------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("flask", "sqlalchemy", "gunicorn", "jinja2", "werkzeug", "psycopg"):
        with contextlib.suppress(PackageNotFoundError):  # psycopg only where installed
            found[package] = version(package)
    try:
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=5, check=False)  # noqa: S607
        found["wrk"] = (wrk.stdout + wrk.stderr).split()[1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        pass
    return found


def data_counts(url: str) -> dict[str, int]:
    from community.accounts.models import User
    from community.areas.models import Wilayah
    from community.events.models import Activity, Attendance, Rsvp

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "rt": conn.scalar(select(func.count()).where(Wilayah.level == "rt")),
                "users": conn.scalar(select(func.count(User.id))),
                "activities": conn.scalar(select(func.count(Activity.id))),
                "rsvps": conn.scalar(select(func.count(Rsvp.id))),
                "attendance": conn.scalar(select(func.count(Attendance.id))),
            }
    finally:
        engine.dispose()


def city_official(url: str) -> tuple[str, int]:
    """(phone, wilayah id) of an admin kota: the largest dashboard there is."""
    from community.accounts.models import User
    from community.areas.models import Role, RoleAssignment

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                select(User.phone, RoleAssignment.wilayah_id)
                .join(RoleAssignment, RoleAssignment.user_id == User.id)
                .where(RoleAssignment.role == Role.ADMIN_KOTA)
                .limit(1)
            ).first()
    finally:
        engine.dispose()
    if found is None:
        raise BenchError("no admin kota in the data: regenerate it")
    return found.phone, found.wilayah_id


def measure_dashboard(port: int, url: str, counted: dict[str, float],
                      renders: int = DASHBOARD_RENDERS) -> dict:  # fmt: skip
    """The city's dashboard for an admin kota, one request at a time, as the client sees
    it: ``renders`` renders of the year summed from the worker's counts (``counted``: the
    seconds the worker took per preset, just before), ``renders`` computed for the page
    (each a different one-year period, so no count or cache answers) and as many answered
    from the page cache."""
    phone, kota_id = city_official(url)
    cookie = _cookie_header(_signed_in(port, phone))
    today = datetime.now(UTC).date()

    def timed(path: str, *, from_worker: bool) -> float:
        started = time.perf_counter()
        status, _meta, page = fetch(port, "GET", path, headers={"Cookie": cookie})
        elapsed = time.perf_counter() - started
        if status != 200 or "dasbor" not in page.lower():
            raise BenchError(f"{path} answered {status}")
        if from_worker != ("Angka dihitung pukul" in page):
            raise BenchError(f"{path}: the worker's counts {'not ' * from_worker}used")
        return elapsed

    year = f"/dasbor/{kota_id}?periode=tahun"
    summed = [timed(year, from_worker=True) for _ in range(renders)]
    cold = []
    for n in range(renders):
        last = today - timedelta(days=n)
        first = last - timedelta(days=364)
        path = f"/dasbor/{kota_id}?periode=atur&dari={first}&sampai={last}"
        cold.append(timed(path, from_worker=False))
    timed(path, from_worker=False)
    cached = [timed(path, from_worker=False) for _ in range(renders)]

    def ms(samples: list[float], q: float) -> float:
        ordered = sorted(samples)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {
        "what": "city dashboard (admin kota, one year)",
        "renders": renders,
        "worker_count_s": counted,
        "summed_p50_ms": ms(summed, 0.5), "summed_max_ms": ms(summed, 1.0),
        "cold_p50_ms": ms(cold, 0.5), "cold_max_ms": ms(cold, 1.0),
        "cached_p50_ms": ms(cached, 0.5), "cached_max_ms": ms(cached, 1.0),
        "target_ms": DASHBOARD_TARGET_MS,
        "met": ms(summed, 1.0) < DASHBOARD_TARGET_MS,
    }  # fmt: skip


def count_dashboard(env: dict, folder: Path, bootstrap: str) -> dict[str, float]:
    """What the worker does every few minutes (``rukun dashboard-refresh``): seconds per
    preset period."""
    done = subprocess.run(  # noqa: S603 (this interpreter, our own command)
        [sys.executable, "-c", bootstrap, "dashboard-refresh"], env=env, cwd=folder,
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    counted = {}
    for line in done.stdout.splitlines():
        preset, _, seconds = line.partition(": ")
        counted[preset] = float(seconds.removesuffix(" s"))
    return counted


def run(url: str, *, scale: str, duration: float, connections: int,
        log=print) -> dict:  # fmt: skip
    """Serve ``url`` and the bare page, measure every scenario, stop both. Returns the
    report (see :func:`markdown`)."""
    folder = Path(tempfile.mkdtemp(prefix="rukun-bench-"))
    servers: list[Server] = []
    try:
        env = {**os.environ, "DATABASE_URL": url, "RUKUN_ENV": "production",
               "RUKUN_INSTANCE_PATH": str(folder / "instance"),
               "SECRET_KEY": secrets.token_urlsafe(32), "PYTHONUNBUFFERED": "1"}  # fmt: skip
        # Made here: create_app makes it only for a SQLite database, but the worker's
        # Huey queue file lives there whatever the database (else serve fails on PostgreSQL).
        (folder / "instance").mkdir()
        bootstrap = "from community.cli import main\nmain(prog_name='rukun')\n"
        app_port, bare_port = free_port(), free_port()
        log(f"starting rukun serve on 127.0.0.1:{app_port} and the bare page on :{bare_port}")
        app = launch("rukun-serve", [sys.executable, "-c", bootstrap, "serve", "--host",
                     "127.0.0.1", "--port", str(app_port), "--workers", "2", "--no-worker"],
                     env, folder, app_port)  # fmt: skip
        servers.append(app)
        bare = launch("bare-flask", [sys.executable, "-m", "community.bench.bare", "--port",
                      str(bare_port)], env, folder, bare_port)  # fmt: skip
        servers.append(bare)
        wait_ready(app, "/healthz")
        wait_ready(bare, "/")
        now = datetime.now(UTC)
        sessions = [sign_in(app_port, phone, aid) for phone, aid in pick_residents(url, now)]
        log(f"signed in {len(sessions)} residents; {duration:g} s per scenario, "
            f"{connections} connections")  # fmt: skip
        warm = max(1.0, min(3.0, duration / 3))
        measure(bare, "bare", sessions, folder, warm, connections)
        measure(app, "mix", sessions, folder, warm, connections)
        load_before = os.getloadavg()
        rows = [measure(bare, "bare", sessions, folder, duration, connections)]
        log(f"  bare Flask page: {rows[0]['rps']} req/s")
        for scenario in SCENARIOS:
            rows.append(measure(app, scenario, sessions, folder, duration, connections))
            log(f"  {SCENARIOS[scenario]}: {rows[-1]['rps']} req/s, "
                f"p95 {rows[-1]['p95_ms']} ms, errors {rows[-1]['errors']}")  # fmt: skip
        load_after = os.getloadavg()
        dashboard = measure_dashboard(app_port, url, count_dashboard(env, folder, bootstrap))
        log(f"  {dashboard['what']}: summed p50 {dashboard['summed_p50_ms']} ms, "
            f"max {dashboard['summed_max_ms']} ms; computed p50 {dashboard['cold_p50_ms']} ms, "
            f"max {dashboard['cold_max_ms']} ms; cached p50 {dashboard['cached_p50_ms']} ms")  # fmt: skip
        floor = rows[0]
        for row in rows:
            row["ratio_rps_to_bare"] = round(row["rps"] / floor["rps"], 4) if floor["rps"] else None
            row["ratio_cpu_to_bare"] = (
                round(row["cpu_ms_per_request"] / floor["cpu_ms_per_request"], 1)
                if row["cpu_ms_per_request"] and floor["cpu_ms_per_request"] else None
            )  # fmt: skip
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "scale": scale,
            "database": create_engine(url).dialect.name,
            "data": data_counts(url),
            "cpu_count": os.cpu_count(),
            "load_average": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
            "server": "gunicorn -w 2 -k gthread --threads 4 (rukun serve), RUKUN_ENV=production",
            "cpu_measured": "gunicorn master and workers (/proc); not wrk, not a PostgreSQL server",
            "connections": connections,
            "duration_s": duration,
            "sessions": len(sessions),
            "versions": versions(),
            "results": rows,
            "dashboard": dashboard,
        }
    finally:
        for server in reversed(servers):
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)


def run_push(root: Path, n: int = 10_000, deadline: float = 120.0) -> dict:
    """benchmarks/push.py (the real ``rukun worker`` against the stand-in push service),
    with its end-to-end rate and the encryption-only rate it prints."""
    if not (root / "benchmarks" / "push.py").is_file():
        return {"skipped": "benchmarks/push.py is not in this install (run from a checkout)"}
    done = subprocess.run(  # noqa: S603 - our interpreter and module
        [sys.executable, "-m", "benchmarks.push", "--n", str(n), "--deadline", str(deadline)],
        cwd=root, capture_output=True, text=True, timeout=deadline + 240, check=False,
    )  # fmt: skip
    rate = re.search(r"end to end\s+(\d+) msg/s", done.stdout)
    encrypt = re.search(r"encryption only\s+(\d+) msg/s", done.stdout)
    result = {"n": n, "exit": done.returncode, "output": done.stdout.strip().splitlines()}
    if rate and encrypt:
        result.update(
            messages_per_s=int(rate.group(1)),
            encryption_only_per_s=int(encrypt.group(1)),
            ratio_to_encryption=round(int(rate.group(1)) / max(int(encrypt.group(1)), 1), 3),
        )
    return result


def markdown(report: dict) -> str:
    """The report as a Markdown table with the machine and versions under it."""
    lines = [
        f"`rukun bench` at {report['scale']} scale ({report['database']}; "
        + ", ".join(f"{k} {v:,}" for k, v in report["data"].items())
        + f"), {report['connections']} connections, {report['duration_s']:g} s each",
        "",
        "| scenario | req/s | × bare | p50 ms | p95 ms | p99 ms | errors | CPU ms/req | CPU × bare "
        "| other CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['what']} | {r['rps']:,.0f} | {r['ratio_rps_to_bare']} | {r['p50_ms']} "
            f"| {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {r['cpu_ms_per_request']} "
            f"| {r['ratio_cpu_to_bare']} | {r['other_cpu_s']} |"
        )
    v = report["versions"]
    lines += [
        "",
        f"{report['cpu_count']} CPUs, load {report['load_average']['before']} → "
        f"{report['load_average']['after']}; {report['server']}; "
        + ", ".join(f"{k} {val}" for k, val in v.items()),
    ]
    board = report.get("dashboard")
    if board:
        lines.append(
            f"Dashboard: {board['what']}, {board['renders']} renders each: summed from the "
            f"worker's counts p50 {board['summed_p50_ms']} ms, max {board['summed_max_ms']} ms "
            f"(target < {board['target_ms']} ms: {'met' if board['met'] else 'NOT met'}; the "
            f"worker counted the year in {board['worker_count_s'].get('tahun')} s); two chosen "
            f"dates, computed p50 {board['cold_p50_ms']} ms, max {board['cold_max_ms']} ms; "
            f"from the page cache p50 {board['cached_p50_ms']} ms, max "
            f"{board['cached_max_ms']} ms."
        )
    push = report.get("push")
    if push and "messages_per_s" in push:
        lines.append(
            f"Push: {push['n']:,} reminders at {push['messages_per_s']:,} msg/s end to end, "
            f"encryption alone {push['encryption_only_per_s']:,}/s "
            f"(ratio {push['ratio_to_encryption']})."
        )
    elif push:
        lines.append(f"Push: {push.get('skipped') or 'failed, exit ' + str(push.get('exit'))}")
    return "\n".join(lines)
