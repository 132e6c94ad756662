/* Answers kept on the phone without signal (#18), shared by the pages (app.js) and the
   service worker (importScripts, Background Sync): the IndexedDB queue and its replay.
   No DOM here: the worker has none. The queue never holds a CSRF token or a password;
   each send fetches a fresh token from /sesi.json and goes only to this site. */
(function (scope) {
  "use strict";
  var DB_NAME = "rukun-kept";
  var PENDING = "pending"; // one per slot: a second answer to one activity replaces the first
  var OUTCOMES = "outcomes"; // what happened to a replay, until a page has shown it
  var SYNC_TAG = "rukun-kept";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore(PENDING, { keyPath: "slot" });
        db.createObjectStore(OUTCOMES, { keyPath: "key" });
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); }; // never block a wipe (sign-out)
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("blocked")); };
    });
  }

  // Run fn(store) in one transaction; resolves with what fn's last request gave.
  function run(storeName, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        var request = fn(tx.objectStore(storeName));
        if (request) {
          request.onsuccess = function () { result = request.result; };
        }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all(storeName) {
    return run(storeName, "readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.at - b.at; });
    });
  }

  function put(entry) {
    return run(PENDING, "readwrite", function (store) { return store.put(entry); });
  }

  function remove(slot) {
    return run(PENDING, "readwrite", function (store) { return store["delete"](slot); });
  }

  // Drop an entry only if it is still the one sent: a newer answer kept meanwhile stays.
  function settle(entry) {
    return run(PENDING, "readwrite", function (store) {
      var request = store.get(entry.slot);
      request.onsuccess = function () {
        if (request.result && request.result.key === entry.key) {
          store["delete"](entry.slot);
        }
      };
      return null;
    });
  }

  function note(outcome) {
    return run(OUTCOMES, "readwrite", function (store) { return store.put(outcome); });
  }

  function forget(key) {
    return run(OUTCOMES, "readwrite", function (store) { return store["delete"](key); });
  }

  function clear() {
    return run(PENDING, "readwrite", function (store) { return store.clear(); }).then(function () {
      return run(OUTCOMES, "readwrite", function (store) { return store.clear(); });
    });
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) {
      return scope.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    scope.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The first [role="alert"] text of a refused fragment: the server's reason, in the
  // person's language ("Kegiatan ini sudah dibatalkan."). A regular expression because the
  // worker has no DOMParser; the markup is Rukun's own.
  function reasonIn(html) {
    var match = /role="alert"[^>]*>\s*([^<]+?)\s*</.exec(html || "");
    if (!match) {
      return null;
    }
    return match[1].replace(/&#3?9;|&#x27;/g, "'").replace(/&quot;|&#34;/g, '"')
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  // Send every kept entry of the signed-in account, oldest first, each with its own
  // Idempotency-Key (so one the server already has is answered, not done again). An entry
  // of another account is dropped unsent. 4xx ends an entry (refused, with the reason);
  // 409/429/5xx or no network keep it for the next try. Resolves with
  // {sent, refused, kept, offline, outcomes}.
  var running = null;
  function replay() {
    if (running) {
      return running;
    }
    // One replay at a time across the pages and the worker (Web Locks where the browser has
    // them): the second finds the queue already emptied instead of racing the first (409).
    var locks = scope.navigator && scope.navigator.locks;
    running = locks ? locks.request(SYNC_TAG, replayNow) : replayNow();
    var done = function () { running = null; };
    running.then(done, done);
    return running;
  }

  function replayNow() {
    var result = { sent: 0, refused: 0, kept: 0, offline: false, outcomes: [] };
    return all(PENDING).then(function (entries) {
      if (!entries.length) {
        return result;
      }
      return scope.fetch("/sesi.json", { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        }, function () {
          result.offline = true;
          return null;
        })
        .then(function (session) {
          if (!session || session.account === null || session.account === undefined) {
            result.kept = entries.length;
            return result;
          }
          return entries.reduce(function (previous, entry) {
            return previous.then(function () { return send(entry, session, result); });
          }, Promise.resolve()).then(function () { return result; });
        });
    });
  }

  function send(entry, session, result) {
    if (String(entry.account) !== String(session.account)) {
      return settle(entry); // another person's answer on a shared phone: never sent
    }
    if (result.offline) {
      result.kept += 1;
      return null;
    }
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrf_token", session.csrf);
    return scope.fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual", // a 303 is a plain form's success (the comment form)
      // X-Rukun-Kept: a replay, so "too many" stays a 429 (tried again later), not a form
      headers: {
        "Idempotency-Key": entry.key, "X-CSRFToken": session.csrf, "HX-Request": "true",
        "X-Rukun-Kept": "1"
      }
    }).then(function (response) {
      var accepted = response.ok || response.type === "opaqueredirect";
      var transient = response.status === 409 || response.status === 429 || response.status >= 500 ||
        response.headers.get("X-Rukun-Offline");
      if (!accepted && transient) {
        result.kept += 1;
        return null;
      }
      return response.text().then(function (html) {
        var outcome = {
          key: entry.key, at: Date.now(), account: entry.account, slot: entry.slot,
          ok: accepted, status: response.status, why: accepted ? null : reasonIn(html),
          waitlisted: accepted && /data-waitlisted/.test(html || ""), // Hadir, but the quota is full
          what: entry.what, title: entry.title, target: entry.target,
          html: html && html.length < 65536 ? html : null
        };
        result[accepted ? "sent" : "refused"] += 1;
        result.outcomes.push(outcome);
        return settle(entry).then(function () { return note(outcome); });
      });
    }, function () {
      result.offline = true; // the signal went again: keep it and the rest
      result.kept += 1;
    });
  }

  scope.RukunKept = {
    SYNC_TAG: SYNC_TAG,
    pending: function () { return all(PENDING); },
    outcomes: function () { return all(OUTCOMES); },
    put: put,
    remove: remove,
    forget: forget,
    clear: clear,
    newKey: newKey,
    replay: replay,
    reasonIn: reasonIn
  };
})(self);
