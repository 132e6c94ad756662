/* Rukun service worker (served at /sw.js, scope /). Version {{ version }}. */
"use strict";
const VERSION = {{ version|tojson }};
const SHELL = "rukun-shell-" + VERSION;
const PAGES = "rukun-pages-" + VERSION;
const PRECACHE = {{ precache|tojson }};
const OFFLINE_URL = "/offline";
const STYLESHEET = {{ stylesheet|tojson }};
const ICON = {{ icon|tojson }};
// Only pages without phone numbers, needs flags or messages are kept for offline use.
const CACHEABLE = [/^\/$/, /^\/kegiatan\/\d+$/, /^\/kegiatan\/lalu$/];
// Answers kept without signal (#18): the queue and its replay, shared with the pages.
importScripts({{ kept_script|tojson }});

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== PAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function notSent() {
  const html = '<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Tidak terkirim · Rukun</title><link rel="stylesheet" href=' + JSON.stringify(STYLESHEET) + '></head><body><main id="main">' +
    '<h1>Tidak terkirim</h1><p>Anda sedang offline, jadi isian ini <strong>belum terkirim</strong>. ' +
    'Kembali ke halaman sebelumnya dan kirim lagi setelah ada sinyal.</p></main></body></html>';
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "X-Rukun-Offline": "1" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET") {
    // Never queue or replay a form silently: say clearly that it was not sent. (Answer
    // forms are kept by the page, visibly, with an Idempotency-Key: static/js/kept.js.)
    event.respondWith(fetch(request).catch(() => notSent()));
    return;
  }
  // Other origins (the htmx CDN) go straight to the network: the browser checks their SRI
  // hash. Offline, pages still work as plain forms without htmx.
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    const keep = CACHEABLE.some((pattern) => pattern.test(url.pathname)) && !url.search;
    event.respondWith(
      fetch(request).then((response) => {
        if (keep && response.ok && response.type === "basic" && !response.redirected) {
          const copy = response.clone();
          caches.open(PAGES).then((cache) => cache.put(request, copy));
        }
        return response;
      }).catch(() => caches.open(PAGES)
        .then((cache) => cache.match(request))
        .then((hit) => hit || caches.match(OFFLINE_URL)))
    );
  }
});

// Only a path on this site: "//other.example/..." (or "/\other.example/...") starts
// with "/" too, but would take the tap to another site.
function sitePath(url) {
  if (typeof url !== "string" || !url.startsWith("/")) return "/";
  try {
    const parsed = new URL(url, self.location.origin);
    return parsed.origin === self.location.origin ? parsed.pathname + parsed.search + parsed.hash : "/";
  } catch (e) {
    return "/";
  }
}

// A push from Rukun: {title, body, url, tag}. The tag (one per activity) makes a repeat or
// a later change replace the earlier notification instead of piling up.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  const title = data.title || "Rukun";
  const options = {
    body: data.body || "",
    tag: data.tag || "rukun",
    renotify: !!data.tag,
    icon: ICON,
    badge: ICON,
    lang: "id",
    data: { url: sitePath(data.url) }
  };
  event.waitUntil(
    self.registration.showNotification(title, options).then(() =>
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) =>
        list.forEach((client) => client.postMessage({ type: "push", tag: options.tag }))))
  );
});

// Tapping it opens the activity: an open Rukun window is focused and navigated there.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(sitePath(event.notification.data && event.notification.data.url), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      const open = list.find((client) => new URL(client.url).origin === self.location.origin && "focus" in client);
      if (!open) return self.clients.openWindow(target);
      // navigate() refuses a window this worker does not control (e.g. after a hard
      // reload): then open the activity in a new window instead of doing nothing.
      return open.focus()
        .then((focused) => (focused || open).navigate(target))
        .then((navigated) => navigated || self.clients.openWindow(target))
        .catch(() => self.clients.openWindow(target));
    })
  );
});

// Background Sync (Chromium): the signal is back, so what was kept is sent, even with no
// Rukun page open. Elsewhere (iOS Safari) the pages send it on load and on "online".
self.addEventListener("sync", (event) => {
  if (event.tag !== self.RukunKept.SYNC_TAG) return;
  event.waitUntil(
    self.RukunKept.replay().then((result) =>
      self.clients.matchAll({ type: "window" }).then((list) => {
        list.forEach((client) => client.postMessage({ type: "kept" }));
        if (result.offline) throw new Error("still offline"); // the browser tries again later
      }))
  );
});
