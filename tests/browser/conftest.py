"""Real-browser harness: Debian Chromium driven by pytest-playwright against a live Rukun.

What every browser test gets for free:

* a live server (werkzeug, 127.0.0.1, free port) on a fresh database holding the demo
  neighbourhood (``community.demo.load_demo``); ``RUKUN_TEST_DATABASE_URL`` is respected;
* contexts that never leave loopback: every other URL is aborted, and the pinned htmx CDN
  URL is answered with ``node_modules/htmx.org/dist/htmx.min.js`` (the SRI still applies);
* a watcher that fails the test (at teardown) on a CSP violation, an uncaught JavaScript
  error, a 5xx response, a broken asset (a 4xx stylesheet, script, image...) or an attempt
  to reach the network;
* helpers: :func:`sign_in`, the ``sign_in_as`` fixture (one line per demo role),
  :func:`check_a11y` (axe, WCAG 2.0/2.1 A+AA), :func:`assert_no_horizontal_scroll` and the
  ``screenshot`` fixture.

Chromium or ``node_modules`` missing: the browser tests are skipped, except when ``CI`` is
set, where they fail (CI must run them).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, Route
from sqlalchemy import select
from werkzeug.serving import make_server

from community import create_app
from community.accounts import services as account_services
from community.areas import services as areas
from community.areas.models import Level, Role, Wilayah
from community.areas.rules import format_invite_code
from community.core.time import utcnow
from community.demo import DEMO_PASSWORD, DemoAccount, load_demo
from community.extensions import db
from tests.conftest import PASSWORD, test_config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NODE_MODULES = ROOT / "node_modules"
HTMX_FILE = NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
AXE_FILE = NODE_MODULES / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
IN_CI = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}

PHONE = {
    "viewport": {"width": 360, "height": 800},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "id-ID",
    "timezone_id": "Asia/Makassar",
}
DESKTOP = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "id-ID",
    "timezone_id": "Asia/Makassar",
}
PROFILES = {"phone": PHONE, "desktop": DESKTOP}

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NOT_LOOPBACK = re.compile(
    r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost)(?::\d+)?(?:/|$))\w+://"
)


# --- prerequisites: skip locally, fail loudly under CI ----------------------------------


def chromium_path() -> str | None:
    """The Chromium binary: ``CHROMIUM_PATH`` (a path or a command name) or Debian's."""
    wanted = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    found = shutil.which(wanted)
    return found if found else None


def missing_prerequisites() -> list[str]:
    problems = []
    if chromium_path() is None:
        wanted = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
        problems.append(
            f"Chromium not found at {wanted!r} (install Debian's `chromium` package "
            "or point CHROMIUM_PATH at a Chromium binary)"
        )
    for path in (HTMX_FILE, AXE_FILE):
        if not path.is_file():
            problems.append(f"{path.relative_to(ROOT)} is missing: run `npm ci` in {ROOT}")
    return problems


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selection looks at the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problems = missing_prerequisites()
    for item in items:
        if HERE not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.browser)
        if problems and not IN_CI:
            item.add_marker(pytest.mark.skip(reason="browser tests need: " + "; ".join(problems)))


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    """Runs before any other fixture of the browser tests (autouse, session scope)."""
    problems = missing_prerequisites()
    if problems:
        message = "browser tests cannot run: " + "; ".join(problems)
        if IN_CI:
            pytest.fail(message + " (CI is set: the browser tests are required)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": chromium_path()}


# --- the live server ----------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str

    def query(self, fn: Callable[[], object]) -> object:
        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def wilayah_id(self, full_name: str, parent: str | None = None) -> int:
        def find() -> int:
            stmt = select(Wilayah).where(Wilayah.full_name == full_name)
            nodes = db.session.scalars(stmt).all()
            if parent is not None:
                nodes = [n for n in nodes if n.parent and n.parent.full_name == parent]
            assert len(nodes) == 1, f"{full_name!r} under {parent!r}: {nodes}"
            return nodes[0].id

        return self.query(find)

    def invite_code(self, rw: str = "01", rt: str = "01", kelurahan: str = "Komet") -> str:
        """The invite code of RT ``rt`` / RW ``rw`` as the poster prints it (ABCDE-FGHJK)."""

        def find() -> str:
            kel = db.session.scalar(
                select(Wilayah).where(Wilayah.level == Level.KELURAHAN, Wilayah.name == kelurahan)
            )
            rw_node = db.session.scalar(
                select(Wilayah).where(
                    Wilayah.level == Level.RW, Wilayah.name == rw, Wilayah.parent_id == kel.id
                )
            )
            rt_node = db.session.scalar(
                select(Wilayah).where(
                    Wilayah.level == Level.RT, Wilayah.name == rt, Wilayah.parent_id == rw_node.id
                )
            )
            assert rt_node is not None and rt_node.invite_code, (
                f"no invite code for RT {rt}/RW {rw}"
            )
            return format_invite_code(rt_node.invite_code)

        return self.query(find)


def _buffer_static(app: Flask) -> Callable:
    """Read static files whole before sending them.

    The werkzeug dev server leaves a static file open (ResourceWarning, an error under
    ``filterwarnings = error``) when the browser drops the connection mid-response,
    e.g. a favicon request cut off by closing the context. App responses still stream.
    """

    def wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    app = create_app(test_config(tmp_path_factory.mktemp("browser-db")))
    server = make_server("127.0.0.1", 0, _buffer_static(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="rukun-live", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright puts this into every context: ``page.goto("/masuk")`` works."""
    return live_server.url


# Demo accounts by role; the label prefixes are the ones load_demo prints.
ROLE_LABELS = {
    "resident": "Warga RT 01 / RW 01",
    "ketua_rt": "Ketua RT 01 / RW 01",
    "sekretaris": "Sekretaris RT 01 / RW 01",
    "ketua_rw": "Ketua RW 01",
    "admin_kelurahan": "Admin kelurahan",
    "admin_kota": "Admin kota",
    "pending": "Menunggu persetujuan RT 01 / RW 01",
}


@pytest.fixture(scope="package", autouse=True)
def demo(live_server: LiveServer) -> Iterator[dict[str, DemoAccount]]:
    """A fresh database with the demo neighbourhood, for the duration of this package.

    The tables are dropped again afterwards, so a shared PostgreSQL test database is
    clean for the other test packages (their own fixtures also drop and create).
    """
    app = live_server.app
    with app.app_context():
        db.drop_all()
        db.create_all()  # tests only; real databases are built by the migrations
        areas.ensure_wilayah_tree()
        accounts = load_demo(now=utcnow())
        db.session.commit()
        db.session.remove()
    by_role = {}
    for role, label in ROLE_LABELS.items():
        matches = [a for a in accounts if a.role.startswith(label)]
        assert len(matches) == 1, f"demo account for {role!r} ({label!r}): {accounts}"
        by_role[role] = matches[0]
    yield by_role
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="package")
def wilayah_paths(live_server: LiveServer, demo: dict[str, DemoAccount]) -> dict[str, str]:
    """URLs of the demo wilayah pages: ``rt`` (RT 01 / RW 01), ``rt2`` (RT 02 / RW 01),
    ``rw`` (RW 01), ``kelurahan`` (Komet) and ``kota`` (Banjarbaru)."""
    found = {
        "rt": live_server.wilayah_id("RT 01 / RW 01", parent="RW 01"),
        "rt2": live_server.wilayah_id("RT 02 / RW 01", parent="RW 01"),
        "rw": live_server.wilayah_id("RW 01", parent="Kelurahan Komet"),
        "kelurahan": live_server.wilayah_id("Kelurahan Komet"),
        "kota": live_server.wilayah_id("Kota Banjarbaru"),
    }
    return {key: f"/wilayah/{wilayah_id}" for key, wilayah_id in found.items()}


# --- fresh accounts (so that no test depends on another's changes) ------------------------

_phone_numbers = itertools.count(1)


def fresh_phone() -> str:
    """A new mobile number each call, written the way people type it: 0813-5555-0001."""
    return f"0813-5555-{next(_phone_numbers):04d}"


@dataclass(frozen=True)
class Account:
    name: str
    phone: str
    password: str = PASSWORD


@pytest.fixture
def make_account(live_server: LiveServer) -> Callable[..., Account]:
    """Create an account straight in the database (for tests that are not about signing up).

    ``rt``: full name of an RT of Kelurahan Komet to live in; ``role``: a role there.
    """

    def make(name: str, rt: str | None = None, role: Role | None = None) -> Account:
        phone = fresh_phone()
        rt_id = live_server.wilayah_id(rt, parent="RW " + rt[-2:]) if rt else None

        def create() -> None:
            user = account_services.register(
                phone=phone, password=PASSWORD, name=name, email=None, language="id"
            )
            if rt_id is not None:
                node = db.session.get(Wilayah, rt_id)
                user.rt_id = node.id
                if role is not None:
                    # One ketua per RT: appointing another replaces the demo's, and every
                    # later test that signs in as the demo ketua RT would fail (it did).
                    from community.areas.models import RoleAssignment

                    ketua = select(RoleAssignment.id).where(
                        RoleAssignment.wilayah_id == node.id, RoleAssignment.role == Role.KETUA_RT
                    )
                    assert role != Role.KETUA_RT or db.session.scalar(ketua) is None, (
                        f"{node.full_name} has its demo ketua: appoint a sekretaris instead"
                    )
                    areas.appoint(node, user, role)
            db.session.commit()

        live_server.query(create)
        return Account(name, phone)

    return make


# --- contexts and the watcher -------------------------------------------------------------


@dataclass
class Watcher:
    """Problems seen in any page of the test; asserted empty at teardown."""

    problems: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # every console error, for assertions
    _pages: list[Page] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        if any(seen is page for seen in self._pages):
            return
        self._pages.append(page)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught JS error: {exc}"))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        self.console.append(message.text)
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation: {message.text}")

    def _on_response(self, response: Response) -> None:
        request = response.request
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {request.method} {response.url}")
        elif response.status >= 400 and request.resource_type != "document":
            self.problems.append(
                f"broken {request.resource_type}: HTTP {response.status} {response.url}"
            )

    def take(self, pattern: str) -> list[str]:
        """Remove and return the problems matching ``pattern`` (for tests that provoke one)."""
        taken = [p for p in self.problems if re.search(pattern, p)]
        self.problems = [p for p in self.problems if p not in taken]
        return taken


@pytest.fixture
def watcher() -> Iterator[Watcher]:
    seen = Watcher()
    yield seen
    assert not seen.problems, "browser problems:\n  " + "\n  ".join(seen.problems)


@pytest.fixture(scope="session")
def htmx_body(live_server: LiveServer) -> bytes:
    """The npm copy of htmx, which must be exactly the file the app's SRI hash pins."""
    body = HTMX_FILE.read_bytes()
    sri = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    if sri != live_server.app.config["HTMX_SRI"]:
        version = json.loads((HTMX_FILE.parents[1] / "package.json").read_text())["version"]
        pytest.fail(
            f"node_modules/htmx.org is {version}, but the app pins "
            f"{live_server.app.config['HTMX_VERSION']} ({live_server.app.config['HTMX_SRI']}): "
            "run `npm ci`",
            pytrace=False,
        )
    return body


@pytest.fixture
def open_context(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    watcher: Watcher,
    htmx_body: bytes,
) -> Callable[..., BrowserContext]:
    """``open_context("phone" | "desktop", **overrides)``: an offline, watched context."""
    htmx_url = live_server.app.config["HTMX_URL"]

    def block(route: Route) -> None:
        watcher.problems.append(f"request to the network blocked: {route.request.url}")
        route.abort("blockedbyclient")

    def serve_htmx(route: Route) -> None:
        route.fulfill(
            status=200,
            body=htmx_body,
            headers={
                "content-type": "application/javascript",
                "access-control-allow-origin": "*",
            },
        )

    def open_(kind: str = "phone", **overrides) -> BrowserContext:
        context = new_context(**{**PROFILES[kind], **overrides})
        context.set_default_timeout(10_000)
        context.route(NOT_LOOPBACK, block)
        context.route(htmx_url, serve_htmx)  # registered last, so matched first
        context.on("page", watcher.watch)
        return context

    return open_


@pytest.fixture
def context(open_context: Callable[..., BrowserContext]) -> BrowserContext:
    """pytest-playwright's ``context``/``page``, as a 360 px phone (id-ID, WITA)."""
    return open_context("phone")


@pytest.fixture
def phone(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def desktop(open_context: Callable[..., BrowserContext]) -> Page:
    return open_context("desktop").new_page()


# --- helpers ------------------------------------------------------------------------------


def sign_in(page: Page, phone: str, password: str) -> Page:
    """Sign in through the real form; fails with the page's error text if refused."""
    page.goto("/masuk")
    page.get_by_label("Nomor HP").fill(phone)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk", exact=True).click()
    if page.url.split("?")[0].endswith("/masuk"):
        errors = page.locator(".error").all_inner_texts()
        raise AssertionError(f"sign-in as {phone} refused: {errors}")
    return page


class DemoSignIn:
    """``sign_in_as.ketua_rt(page)``: one line per demo role (password DEMO_PASSWORD)."""

    def __init__(self, accounts: dict[str, DemoAccount]) -> None:
        self.accounts = accounts

    def _as(self, role: str, page: Page) -> Page:
        return sign_in(page, self.accounts[role].phone, DEMO_PASSWORD)

    def resident(self, page: Page) -> Page:
        return self._as("resident", page)

    def ketua_rt(self, page: Page) -> Page:
        return self._as("ketua_rt", page)

    def sekretaris(self, page: Page) -> Page:
        return self._as("sekretaris", page)

    def ketua_rw(self, page: Page) -> Page:
        return self._as("ketua_rw", page)

    def admin_kelurahan(self, page: Page) -> Page:
        return self._as("admin_kelurahan", page)

    def admin_kota(self, page: Page) -> Page:
        return self._as("admin_kota", page)

    def pending(self, page: Page) -> Page:
        return self._as("pending", page)

    def role(self, role: str, page: Page) -> Page:
        return self._as(role, page)


@pytest.fixture
def sign_in_as(demo: dict[str, DemoAccount]) -> DemoSignIn:
    return DemoSignIn(demo)


_AXE_SOURCE: str | None = None

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


_ANIMATIONS_ENDED = """() => Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null)))"""


def check_a11y(page: Page, name: str) -> None:
    """axe-core (npm) on the current page, WCAG 2.0/2.1 A and AA: zero violations.

    Injected with ``page.evaluate`` because the app's CSP blocks ``add_script_tag``
    (CDP evaluation is not subject to the page's CSP).
    """
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_FILE.read_text(encoding="utf-8") + "\n;undefined"
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_AXE_SOURCE)
    # A page is judged as a person reads it, not mid-animation: a winner fading in has no
    # contrast yet. Finite animations are let end (a spinner's endless one is not waited on).
    page.evaluate(_ANIMATIONS_ENDED)
    violations = page.evaluate(_AXE_RUN, AXE_TAGS)
    if violations:
        out = ARTIFACTS / "axe" / f"{_slug(name)}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"url": page.url, "violations": violations}, indent=2))
        lines = [f"axe: {len(violations)} WCAG violation(s) on {name} ({page.url}), see {out}:"]
        for v in violations:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"])
            lines.append(f"  {v['id']} [{v['impact']}] {v['help']}: {targets}")
        raise AssertionError("\n".join(lines))


def assert_no_horizontal_scroll(page: Page, name: str) -> None:
    """Nothing wider than the viewport.

    Compares with the *configured* viewport width: in mobile emulation Chromium zooms out
    to fit overflowing content, and then ``window.innerWidth`` grows with it.
    """
    width = page.viewport_size["width"]
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width <= width and inner_width <= width:
        return
    culprits = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
             .filter(el => el.getBoundingClientRect().right > limit + 0.5)
             .slice(0, 8)
             .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                  ' right=' + Math.round(el.getBoundingClientRect().right))""",
        width,
    )
    raise AssertionError(
        f"horizontal scrolling on {name} ({page.url}): scrollWidth={scroll_width}, "
        f"innerWidth={inner_width}, viewport={width}; too wide: {culprits}"
    )


def assert_tick_boxes_in_shape(page: Page, name: str) -> None:
    """Radio buttons and checkboxes stay the size of a tick box (at most 48 px a side).

    A text-field rule once matched the poll form's radios too: each took the full width
    at 360 px and squeezed its label to one letter a line, with nothing scrolling sideways.
    """
    stretched = page.evaluate(
        """() => [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
             .filter(el => el.offsetParent !== null)
             .map(el => [el.id || el.name, el.getBoundingClientRect()])
             .filter(([, box]) => box.width > 48.5 || box.height > 48.5)
             .slice(0, 8)
             .map(([id, box]) => id + ' ' + Math.round(box.width) + 'x' + Math.round(box.height))"""
    )
    assert not stretched, f"stretched tick boxes on {name} ({page.url}): {stretched}"


def assert_table_words_whole(page: Page, name: str) -> None:
    """No word in a table cell is split over two lines (a hyphen may still end a line).

    The body wraps "anywhere" so nothing scrolls sideways; in a table that squeezed columns
    until "Kehadiran" read "Keha/dir/an" on a phone. A wide table scrolls in its region.
    """
    split = page.evaluate(
        """() => {
          const split = [];
          for (const cell of document.querySelectorAll('th, td')) {
            if (cell.offsetParent === null) continue;
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (const word of node.data.matchAll(/[^\\s-]{2,}/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (lines.size > 1) split.push(word[0]);
              }
            }
          }
          return split.slice(0, 8);
        }"""
    )
    assert not split, f"words split inside table cells on {name} ({page.url}): {split}"


def check_page(page: Page, name: str) -> None:
    """The gate for every page a test visits: axe, no horizontal scrolling, tick boxes drawn
    as tick boxes and table words kept whole."""
    check_a11y(page, name)
    assert_no_horizontal_scroll(page, name)
    assert_tick_boxes_in_shape(page, name)
    assert_table_words_whole(page, name)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "page"


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``screenshot(page, "step")`` → test-artifacts/screenshots/<test>-<step>.png."""

    name = request.node.originalname
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None:  # parametrized: add the parameters, except the browser
        name += "".join(f"-{v}" for k, v in callspec.params.items() if k != "browser_name")

    def take(page: Page, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{_slug(name)}-{_slug(step)}.png"
        # caret="initial": hiding the caret leaves style="" on every input, which htmx then
        # copies onto swapped-in inputs (attributesToSettle) and the CSP reports.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return take
