"""Web Push in a real Chromium on a 360 px phone: turning notifications on and off on
/profil/notifikasi, the server refusing an unknown push service, and a push delivered
through DevTools that shows one notification per activity and opens it when tapped.

Real ``pushManager.subscribe()`` cannot work here (off-the-record contexts refuse it, a
persistent profile waits for FCM forever: shared/recipes/BROWSER.md §6), so the page gets
a stub ``PushManager`` whose subscription carries a real P-256 key and auth secret. The
pushes themselves go through the real service worker (``ServiceWorker.deliverPushMessage``).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import BrowserContext, Locator, Page, Worker, expect
from sqlalchemy import select

from community.accounts.models import User
from community.events.models import Activity
from community.extensions import db
from community.notifications.models import PushSubscription
from tests.browser.conftest import LiveServer, check_page, sign_in

PREFS = "/profil/notifikasi"
ACTIVE = "Notifikasi aktif di perangkat ini."
OFF = "Notifikasi dimatikan di perangkat ini."
NO_DEVICES = "Belum ada perangkat."
STUB_STORE = "__rukunPushStub"

# A stand-in for the browser's push client, in every page of the site. Its state lives in
# localStorage, so that getSubscription() agrees with subscribe()/unsubscribe() across
# reloads; every call is recorded there (``calls``), with what push.js passed to subscribe().
PUSH_STUB = """
(() => {
  const CONFIG = %s;
  if (location.origin !== CONFIG.origin || typeof PushManager === "undefined") return;
  const empty = '{"subscribed": false, "calls": []}';
  const load = () => JSON.parse(localStorage.getItem(CONFIG.store) || empty);
  const record = (call, changes) => {
    const state = Object.assign(load(), changes || {});
    state.calls.push(call);
    localStorage.setItem(CONFIG.store, JSON.stringify(state));
  };
  const bytes = (text) => Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) %% 4)),
    (c) => c.charCodeAt(0));
  const base64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/[+]/g, "-").replace(/[/]/g, "_").replace(/=+$/, "");
  const subscription = (options) => ({
    endpoint: CONFIG.endpoint,
    expirationTime: null,
    options: options,
    getKey: (name) => bytes(name === "p256dh" ? CONFIG.p256dh : CONFIG.auth).buffer,
    unsubscribe: async () => { record("unsubscribe", {subscribed: false}); return true; },
    toJSON: () => ({endpoint: CONFIG.endpoint, expirationTime: null,
                    keys: {p256dh: CONFIG.p256dh, auth: CONFIG.auth}}),
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = options && options.applicationServerKey;
    record("subscribe", {
      subscribed: true,
      userVisibleOnly: !!(options && options.userVisibleOnly),
      serverKey: key ? base64url(key.buffer || key) : null,
    });
    return subscription(options);
  };
  PushManager.prototype.getSubscription = async function () {
    record("getSubscription");
    return load().subscribed ? subscription({userVisibleOnly: true}) : null;
  };
  const requestPermission = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = function (...args) {
    record("requestPermission");
    return requestPermission(...args);
  };
})();
"""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict[str, str]:
    """What a real browser sends: a fresh P-256 public key (65 bytes, uncompressed) and a
    16-byte auth secret, base64url without padding."""
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": _b64url(point), "auth": _b64url(secrets.token_bytes(16))}


def stub_push(context: BrowserContext, base_url: str, endpoint: str) -> dict[str, str]:
    config = {"origin": base_url, "store": STUB_STORE, "endpoint": endpoint, **browser_keys()}
    context.add_init_script(PUSH_STUB % json.dumps(config))
    return config


def stub_state(page: Page) -> dict:
    return json.loads(page.evaluate("(key) => localStorage.getItem(key)", STUB_STORE))


def stored_subscriptions(live_server: LiveServer, name: str) -> list[tuple[str, ...]]:
    """(endpoint, p256dh, auth, device) of every push subscription of the user ``name``."""
    columns = (
        PushSubscription.endpoint,
        PushSubscription.p256dh,
        PushSubscription.auth,
        PushSubscription.device,
    )
    query = select(*columns).join(User, User.id == PushSubscription.user_id)
    return live_server.query(
        lambda: [tuple(row) for row in db.session.execute(query.where(User.name == name))]
    )


def open_preferences(page: Page) -> None:
    """/profil/notifikasi, once push.js has asked the service worker about this browser."""
    page.goto(PREFS)
    # The worker of the first visit must be active before push.js shows either button.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    expect(page.locator("[data-push-enable]:visible, [data-push-disable]:visible")).to_have_count(1)


def device_list(page: Page) -> Locator:
    heading = page.get_by_role("heading", name="Perangkat yang menerima notifikasi")
    return page.locator("section", has=heading)


def test_turn_notifications_on_and_off_on_this_phone(
    phone, context, live_server, base_url, make_account, screenshot
):
    page: Page = phone
    account = make_account("Rini Notifikasi", rt="RT 01 / RW 01")
    endpoint = f"https://fcm.googleapis.com/fcm/send/{secrets.token_urlsafe(32)}"
    keys = stub_push(context, base_url, endpoint)
    sign_in(page, account.phone, account.password)

    open_preferences(page)
    panel = page.locator("#notifikasi-hp")
    status = panel.get_by_role("status")
    enable = panel.get_by_role("button", name="Aktifkan notifikasi")
    disable = panel.get_by_role("button", name="Matikan di perangkat ini")
    # Nothing is asked on page load: only whether this browser is subscribed already.
    assert page.evaluate("Notification.permission") == "default"
    assert stub_state(page)["calls"] == ["getSubscription"]
    expect(panel).to_contain_text("Isinya hanya judul, waktu dan tempat kegiatan.")
    expect(status).to_contain_text("Ketuk tombol di bawah")
    expect(enable).to_be_visible()
    expect(disable).to_be_hidden()
    expect(device_list(page)).to_contain_text(NO_DEVICES)
    check_page(page, "notifikasi-awal")
    screenshot(page, "1-before")

    context.grant_permissions(["notifications"], origin=base_url)  # "Izinkan" in the prompt
    enable.click()
    expect(status).to_have_text(ACTIVE)
    expect(disable).to_be_visible()
    expect(enable).to_be_hidden()
    state = stub_state(page)
    assert state["calls"] == ["getSubscription", "requestPermission", "subscribe"]
    assert state["userVisibleOnly"] is True
    assert state["serverKey"] == panel.get_attribute("data-server-key")  # the VAPID key
    assert stored_subscriptions(live_server, account.name) == [
        (endpoint, keys["p256dh"], keys["auth"], "Chrome · Linux")  # HeadlessChrome on Linux
    ]
    # The device list shows this phone at once, without reloading.
    expect(device_list(page).get_by_role("listitem")).to_have_count(1)
    check_page(page, "notifikasi-aktif")
    screenshot(page, "2-active")

    page.reload()
    expect(status).to_have_text(ACTIVE)  # getSubscription() finds this browser's now
    expect(disable).to_be_visible()
    devices = device_list(page).get_by_role("listitem")
    expect(devices).to_have_count(1)
    expect(devices).to_contain_text(re.compile(r"Chrome · Linux · sejak \w+"))
    check_page(page, "notifikasi-aktif-dimuat-ulang")

    disable.click()
    expect(status).to_have_text(OFF)
    expect(enable).to_be_visible()
    expect(disable).to_be_hidden()
    assert stub_state(page)["calls"][-2:] == ["getSubscription", "unsubscribe"]
    assert stored_subscriptions(live_server, account.name) == []
    expect(device_list(page)).to_contain_text(NO_DEVICES)  # at once
    page.reload()
    expect(device_list(page)).to_contain_text(NO_DEVICES)
    expect(device_list(page).get_by_role("listitem")).to_have_count(0)
    expect(enable).to_be_visible()
    screenshot(page, "3-off")


def test_removing_this_phone_from_the_list_turns_it_off_here_too(
    phone, context, live_server, base_url, make_account
):
    page: Page = phone
    account = make_account("Rudi Hapus", rt="RT 01 / RW 01")
    endpoint = f"https://fcm.googleapis.com/fcm/send/{secrets.token_urlsafe(32)}"
    stub_push(context, base_url, endpoint)
    sign_in(page, account.phone, account.password)
    open_preferences(page)
    panel = page.locator("#notifikasi-hp")
    context.grant_permissions(["notifications"], origin=base_url)
    panel.get_by_role("button", name="Aktifkan notifikasi").click()
    expect(panel.get_by_role("status")).to_have_text(ACTIVE)

    # The list refreshed itself; its "Hapus" form carries a working CSRF token.
    device_list(page).get_by_role("button", name=re.compile("Hapus")).click()
    expect(page.get_by_text("Perangkat dihapus")).to_be_visible()
    # The browser still holds its subscription, but the server no longer knows it: the
    # page must not claim notifications are on, and this browser drops its subscription.
    expect(panel.get_by_role("button", name="Aktifkan notifikasi")).to_be_visible()
    expect(panel.get_by_role("button", name="Matikan di perangkat ini")).to_be_hidden()
    expect(panel.get_by_role("status")).not_to_have_text(ACTIVE)
    assert stub_state(page)["calls"][-1] == "unsubscribe"
    assert stored_subscriptions(live_server, account.name) == []


def test_unknown_push_service_is_refused_and_nothing_is_kept(
    phone, context, live_server, base_url, make_account, watcher
):
    page: Page = phone
    account = make_account("Budi Layanan Asing", rt="RT 01 / RW 01")
    stub_push(context, base_url, "https://evil.example/push/1")
    context.grant_permissions(["notifications"], origin=base_url)
    sign_in(page, account.phone, account.password)

    open_preferences(page)
    status = page.locator("#notifikasi-hp").get_by_role("status")
    enable = page.get_by_role("button", name="Aktifkan notifikasi")
    with page.expect_response(re.compile(r"/profil/notifikasi/perangkat$")) as answer:
        enable.click()
    assert answer.value.status == 422
    expect(status).to_contain_text("tidak kami kenal")
    expect(enable).to_be_visible()
    expect(page.get_by_role("button", name="Matikan di perangkat ini")).to_be_hidden()
    # The browser's subscription that the server would not keep is dropped again.
    state = stub_state(page)
    assert state["calls"] == ["getSubscription", "requestPermission", "subscribe", "unsubscribe"]
    assert state["subscribed"] is False
    assert stored_subscriptions(live_server, account.name) == []

    page.reload()
    expect(device_list(page)).to_contain_text(NO_DEVICES)
    expect(enable).to_be_visible()
    expect(status).to_contain_text("Ketuk tombol di bawah")
    assert len(watcher.take(r"HTTP 422 .*/profil/notifikasi/perangkat$")) == 1  # on purpose


# --- pushes through DevTools, to the real service worker --------------------------------

NOTIFICATIONS = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
  .map((n) => ({title: n.title, body: n.body, url: n.data && n.data.url, tag: n.tag}))"""

# Only a real tap lets a worker raise a window: on a script-made notificationclick,
# WindowClient.focus() fails with "InvalidAccessError: Not allowed to focus a window"
# (and waitUntil() throws, though the handler's promise still runs). So this tap grants
# just that: focus() and openWindow() record the call and succeed without raising a
# window. navigate() is the browser's own and really moves the page.
TAP = """async (tag) => {
  const calls = [];
  const real = {focus: WindowClient.prototype.focus, navigate: WindowClient.prototype.navigate,
                openWindow: Clients.prototype.openWindow};
  WindowClient.prototype.focus = async function () { calls.push(["focus", this.url]); return this; };
  WindowClient.prototype.navigate = function (url) {
    calls.push(["navigate", this.url, url]);
    return real.navigate.call(this, url);
  };
  Clients.prototype.openWindow = async (url) => { calls.push(["openWindow", url]); return null; };
  try {
    const notes = await self.registration.getNotifications({tag});
    if (notes.length !== 1) return [["notifications with tag " + tag, notes.length]];
    self.dispatchEvent(new NotificationEvent("notificationclick", {notification: notes[0]}));
    const until = Date.now() + 5000;
    while (!calls.some((call) => call[0] !== "focus") && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return calls;
  } finally {
    Object.assign(WindowClient.prototype, {focus: real.focus, navigate: real.navigate});
    Clients.prototype.openWindow = real.openWindow;
  }
}"""


def service_worker(context: BrowserContext) -> Worker:
    workers = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    assert len(workers) == 1, [w.url for w in context.service_workers]
    return workers[0]


def push_channel(context: BrowserContext, page: Page, base_url: str) -> Callable[[dict], None]:
    """``deliver(payload)``: a push to this origin's service worker, as a push service
    would hand it over; returns once the worker has shown it and told the open page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.evaluate("""() => {
      window.__swMessages = [];
      navigator.serviceWorker.addEventListener("message", (e) => window.__swMessages.push(e.data));
    }""")
    cdp = context.new_cdp_session(page)
    registrations: dict[str, str] = {}

    def updated(event: dict) -> None:
        for reg in event["registrations"]:
            if not reg["isDeleted"]:
                registrations[reg["scopeURL"]] = reg["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")  # reports the registrations that exist already
    scope = base_url + "/"
    deadline = time.monotonic() + 5
    while scope not in registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert scope in registrations, f"no service worker registration for {scope}: {registrations}"
    delivered = 0

    def deliver(payload: dict) -> None:
        nonlocal delivered
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": base_url,
                "registrationId": registrations[scope],
                "data": json.dumps(payload),
            },
        )
        delivered += 1
        page.wait_for_function(
            "(n) => window.__swMessages.filter((m) => m.type === 'push').length === n",
            arg=delivered,
        )

    return deliver


def test_push_shows_one_notification_per_activity_and_tapping_opens_it(
    phone, context, live_server, base_url, sign_in_as
):
    page: Page = phone
    title = "Kerja bakti bersihkan saluran RT 01"  # the resident's own RT
    activity_id = live_server.query(
        lambda: db.session.scalar(select(Activity.id).where(Activity.title == title))
    )
    url = f"/kegiatan/{activity_id}"
    context.grant_permissions(["notifications"], origin=base_url)
    sign_in_as.resident(page)
    page.goto("/")
    deliver = push_channel(context, page, base_url)

    reminder = {
        "title": "Pengingat: Kerja bakti",
        "body": "Minggu 07.00 WITA · Pos kamling",
        "url": url,
        "tag": f"rukun-a{activity_id}",
    }
    deliver(reminder)
    assert page.evaluate(NOTIFICATIONS) == [reminder]
    assert page.evaluate("window.__swMessages") == [{"type": "push", "tag": reminder["tag"]}]

    # A second push for the same activity replaces the notification: still only one.
    changed = {**reminder, "title": "Diubah: Kerja bakti", "body": "Minggu 08.00 WITA · Pos"}
    deliver(changed)
    assert page.evaluate(NOTIFICATIONS) == [changed]

    # Tapping it closes it, and the open Rukun window is focused and goes to the activity.
    calls = service_worker(context).evaluate(TAP, reminder["tag"])
    assert calls == [["focus", base_url + "/"], ["navigate", base_url + "/", base_url + url]]
    expect(page).to_have_url(base_url + url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.evaluate(NOTIFICATIONS) == []

    # With no Rukun window open, tapping opens one on the activity.
    deliver = push_channel(context, page, base_url)
    deliver({**reminder, "tag": "rukun-closed"})
    worker = service_worker(context)
    page.close()
    assert worker.evaluate(TAP, "rukun-closed") == [["openWindow", base_url + url]]


def test_push_with_an_address_off_the_site_opens_rukun_instead(phone, context, base_url):
    page: Page = phone
    context.grant_permissions(["notifications"], origin=base_url)
    page.goto("/masuk")
    deliver = push_channel(context, page, base_url)
    sent = {
        "x1": "//evil.example/x",  # starts with "/", but is another site
        "x2": "/\\evil.example/x",  # the same: a backslash counts as a slash
        "x3": "https://evil.example/",
        "ok": "/kegiatan/lalu?hal=2#akhir",
    }
    for tag, url in sent.items():
        deliver({"title": "Kabar", "body": "Dari Rukun", "url": url, "tag": tag})
    shown = {n["tag"]: n["url"] for n in page.evaluate(NOTIFICATIONS)}
    assert shown == {"x1": "/", "x2": "/", "x3": "/", "ok": "/kegiatan/lalu?hal=2#akhir"}

    calls = service_worker(context).evaluate(TAP, "x1")
    assert calls == [
        ["focus", base_url + "/masuk"],
        ["navigate", base_url + "/masuk", base_url + "/"],
    ]
    expect(page).to_have_url(base_url + "/")  # the welcome page, not evil.example
