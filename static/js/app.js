// The only script of the app. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  // htmx requests carry the CSRF token in a header; plain forms carry the hidden field.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // An htmx request that could not reach the server was not sent: say so, never fail silently.
  function showBanner(id) {
    var banner = document.getElementById(id);
    if (banner) {
      banner.hidden = false;
    }
  }
  function showOffline() {
    showBanner("offline-banner");
  }
  document.addEventListener("htmx:sendError", showOffline);
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Rukun-Offline")) {
      showOffline();
    }
    // 503: the server cannot reach its database; what was typed stays on the page.
    if (xhr && xhr.getResponseHeader("X-Rukun-Unavailable")) {
      showBanner("unavailable-banner");
    }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    ["offline-banner", "unavailable-banner", "rejected-banner", "too-often-banner"].forEach(function (id) {
      var banner = document.getElementById(id);
      if (banner) {
        banner.hidden = true;
      }
    });
  });
  // Any other refusal (an expired page, a limit, an error) is said too, not swallowed.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("X-Rukun-Offline") || xhr.getResponseHeader("X-Rukun-Unavailable")) {
      return;
    }
    showBanner(xhr.status === 429 ? "too-often-banner" : "rejected-banner");
  });

  // Where focus was when a request left (read before its buttons are disabled, which drops
  // focus to the page): see "Focus stays where the person was" below.
  var focusedBefore = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusedBefore = active && active !== document.body
      ? { id: active.id, name: active.getAttribute("name"), value: active.getAttribute("value"), tag: active.tagName }
      : null;
  });

  // Every form sent by htmx shows that it is travelling (#14): its buttons are disabled and
  // the form is marked busy until the answer lands, so a weak signal invites no second tap.
  // Values are already gathered when htmx:beforeRequest fires, so the pressed button counts.
  function formOf(elt) {
    return elt && elt.closest ? elt.closest("form") : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) {
      return; // polls and links: nothing to hold
    }
    form.setAttribute("aria-busy", "true");
    form.classList.add("is-sending");
    var config = event.detail.requestConfig;
    var submitter = config && config.triggeringEvent && config.triggeringEvent.submitter;
    if (submitter) {
      submitter.setAttribute("data-pressed", ""); // the spinner goes on the one tapped
    }
    form.querySelectorAll("button, input[type=submit]").forEach(function (control) {
      if (!control.disabled) {
        control.disabled = true;
        control.setAttribute("data-sending", "");
      }
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) {
      return;
    }
    form.removeAttribute("aria-busy");
    form.classList.remove("is-sending");
    form.querySelectorAll("[data-sending]").forEach(function (control) {
      control.disabled = false;
      control.removeAttribute("data-sending");
      control.removeAttribute("data-pressed");
    });
  });

  // Focus stays where the person was (#14): after a swap, on the error if there is one,
  // else on the same control in the new content (the answer just pressed), so keyboard and
  // screen-reader users keep their place instead of falling back to the top of the page.
  function sameControl(root, was) {
    if (was.id) {
      var byId = document.getElementById(was.id);
      if (byId) {
        return byId;
      }
    }
    if (!was.name) {
      return null;
    }
    var candidates = root.querySelectorAll(was.tag.toLowerCase() + '[name="' + CSS.escape(was.name) + '"]');
    for (var i = 0; i < candidates.length; i++) {
      if (was.value === null || candidates[i].getAttribute("value") === was.value) {
        return candidates[i];
      }
    }
    return null;
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt && event.detail.elt.isConnected ? event.detail.elt : document;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected && root.contains(active) === false) {
      return; // the person already moved on elsewhere
    }
    var problem = root.querySelector('[role="alert"]:not([hidden]), .error-summary');
    var target = problem || (focusedBefore && sameControl(root, focusedBefore));
    if (!target) {
      return;
    }
    if (problem && !problem.hasAttribute("tabindex")) {
      problem.setAttribute("tabindex", "-1");
    }
    target.focus();
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" });
    });
  }

  // "Pasang aplikasi": only where the browser offers installation, and only on a tap.
  var deferred = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    var button = document.getElementById("install-app");
    if (button) {
      button.hidden = false;
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "install-app" && deferred) {
      deferred.prompt();
      deferred = null;
      event.target.hidden = true;
    }
  });
  var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  var iOS = /iPhone|iPad|iPod/.test(navigator.userAgent);
  if (iOS && !standalone) {
    document.addEventListener("DOMContentLoaded", function () {
      var hint = document.getElementById("install-ios");
      if (hint) {
        hint.hidden = false;
      }
    });
  }
})();

// Direct messages: an open conversation asks for new messages (GET .../baru?setelah=<id>)
// every 4 s while the tab is visible, slowing to 8, 15 and 30 s while nothing new comes
// (the delays come from the page: data-poll-delays, from messages/rules.py), at once when
// the tab is shown again, and soon after a send. A hidden tab asks nothing at all.
(function () {
  "use strict";
  var list = null;
  var timer = null;
  var empty = 0;
  var busy = false;
  var delays = [4, 8, 15, 30];

  var since = "";

  function lastId() {
    var items = list.querySelectorAll("[data-message-id]");
    return items.length ? items[items.length - 1].getAttribute("data-message-id") : "0";
  }
  function firstId() {
    var first = list.querySelector("[data-message-id]");
    return first ? first.getAttribute("data-message-id") : "0";
  }
  function tidy() {
    // A poll and a send can both bring the same message: keep the first of each id.
    var seen = {};
    Array.prototype.forEach.call(list.querySelectorAll("[data-message-id]"), function (el) {
      var id = el.getAttribute("data-message-id");
      if (seen[id]) {
        el.parentNode.removeChild(el);
      } else {
        seen[id] = true;
      }
    });
    var hint = document.getElementById("no-messages");
    if (hint && list.querySelector("[data-message-id]")) {
      hint.hidden = true;
    }
  }
  function schedule(seconds) {
    clearTimeout(timer);
    timer = null;
    if (list && !document.hidden) {
      timer = setTimeout(poll, seconds * 1000);
    }
  }
  function nextDelay() {
    return delays[Math.min(empty, delays.length - 1)];
  }
  function added(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var count = 0;
    Array.prototype.forEach.call(holder.content.querySelectorAll("[data-message-id]"), function (el) {
      var id = el.getAttribute("data-message-id");
      var shown = list.querySelector('[data-message-id="' + id + '"]');
      if (!shown) {
        list.appendChild(el);
        if (window.htmx) {
          window.htmx.process(el);
        }
        count += 1;
      } else if (shown.outerHTML !== el.outerHTML) {
        // Deleted on the other phone, or hidden by a pengurus, since the last poll.
        shown.parentNode.replaceChild(el, shown);
        count += 1;
      }
    });
    tidy();
    return count;
  }
  function poll() {
    timer = null;
    if (!list || document.hidden || busy) {
      return;
    }
    busy = true;
    var url = list.getAttribute("data-poll-url") + "?setelah=" + encodeURIComponent(lastId());
    if (since) {
      url += "&dari=" + encodeURIComponent(firstId()) + "&sejak=" + encodeURIComponent(since);
    }
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        since = response.headers.get("X-Poll-Since") || since;
        if (response.status === 200) {
          return response.text().then(function (html) {
            empty = added(html) ? 0 : empty + 1;
          });
        }
        if (response.status === 404 || response.status === 401) {
          list = null; // no longer this person's conversation (or signed out): stop
          return null;
        }
        empty += 1;
        return null;
      })
      .catch(function () {
        empty += 1;
      })
      .then(function () {
        busy = false;
        schedule(nextDelay());
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    list = document.querySelector("#message-list[data-poll-url]");
    if (!list) {
      return;
    }
    since = list.getAttribute("data-poll-since") || "";
    var given = (list.getAttribute("data-poll-delays") || "").split(",").map(Number);
    if (given.length && given.every(function (n) { return n > 0; })) {
      delays = given;
    }
    schedule(delays[0]);
  });
  document.addEventListener("visibilitychange", function () {
    if (!list) {
      return;
    }
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      poll();
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (list) {
      tidy();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (list && form && form.id === "send-form" && event.detail.successful) {
      empty = 0;
      schedule(delays[0]);
    }
  });
})();

// Answers without signal (#18). An answer form (data-offline="<slot>": the RSVP panel, a
// feed card, a task; with data-offline-each every sending is kept, not just the last: a
// comment, a direct message) that cannot reach the server is kept on the phone
// (static/js/kept.js, IndexedDB) with its Idempotency-Key, the URL, the time and the
// account, never the CSRF token; shown as "menunggu sinyal" on its form and in the
// indicator of every page (templates/web/_kept.html), where it can be cancelled; and sent
// by itself on "online", on the next page load, and by the worker's Background Sync.
(function () {
  "use strict";
  var Kept = window.RukunKept;
  if (!Kept || !window.indexedDB) {
    return; // no IndexedDB: forms say "Tidak terkirim" as before
  }
  var box = null;

  function account() {
    var meta = document.querySelector('meta[name="rukun-account"]');
    return meta ? meta.content : null;
  }
  function keptForm(elt) {
    var form = elt && elt.closest ? elt.closest("form[data-offline]") : null;
    return form && account() ? form : null;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function clock(ms) {
    var wita = new Date(ms + 8 * 3600 * 1000); // WITA is UTC+8 all year
    return pad(wita.getUTCHours()) + "." + pad(wita.getUTCMinutes());
  }
  function words(el) {
    if (!el) {
      return "";
    }
    var copy = el.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach(function (hidden) {
      hidden.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  function titleOf(form) {
    var card = form.closest(".activity-card");
    return words(card ? card.querySelector(".activity-title") : document.querySelector("h1"));
  }
  function sitePath(url) {
    var parsed = new URL(url, window.location.href);
    return parsed.origin === window.location.origin ? parsed.pathname : null;
  }

  // Every htmx request of an answer form carries a new Idempotency-Key, kept with it if
  // the signal is gone, so a request that did arrive is never done twice.
  document.addEventListener("htmx:configRequest", function (event) {
    if (keptForm(event.detail.elt)) {
      event.detail.headers["Idempotency-Key"] = Kept.newKey();
    }
  });

  function keep(form, pairs, key, submitter, url) {
    var path = sitePath(url);
    if (!path) {
      return Promise.resolve();
    }
    var slot = form.getAttribute("data-offline");
    var each = form.hasAttribute("data-offline-each"); // a comment, a message: every one goes
    var entry = {
      slot: each ? slot + "-" + key : slot, // an answer to one activity replaces the last
      base: slot,
      key: key,
      url: path,
      fields: pairs.filter(function (pair) {
        return pair[0] !== "csrf_token" && typeof pair[1] === "string";
      }),
      at: Date.now(),
      account: account(),
      what: form.getAttribute("data-offline-what") || words(submitter),
      title: titleOf(form),
      target: form.getAttribute("hx-target") || null
    };
    if (each) {
      form.reset(); // the text is kept: an empty box invites no second copy
    }
    return Kept.put(entry).then(draw).then(function () {
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (registration) {
          return registration.sync && registration.sync.register(Kept.SYNC_TAG);
        }).catch(function () {}); // no Background Sync: "online" and the next page load send it
      }
    });
  }

  // Known offline when tapped: kept at once, whether htmx loaded or not.
  document.addEventListener("submit", function (event) {
    var form = keptForm(event.target);
    if (!form || navigator.onLine !== false) {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // htmx must not try: nothing would arrive
    var submitter = event.submitter || null;
    var data;
    try {
      data = new FormData(form, submitter);
    } catch (e) {
      data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
    }
    var pairs = [];
    data.forEach(function (value, name) {
      pairs.push([name, value]);
    });
    keep(form, pairs, Kept.newKey(), submitter, form.getAttribute("action") || window.location.href);
  }, true);

  // Sent by htmx but the signal was gone (no answer, or the worker's "X-Rukun-Offline"):
  // kept with the key it was sent with. Caught before the banners above, which would
  // otherwise say "Tidak terkirim" about an answer that will be sent.
  function keepFromHtmx(event) {
    var form = keptForm(event.detail.elt);
    var config = event.detail.requestConfig;
    if (!form || !config) {
      return;
    }
    event.stopPropagation();
    var pairs = [];
    config.formData.forEach(function (value, name) {
      pairs.push([name, value]);
    });
    var submitter = config.triggeringEvent && config.triggeringEvent.submitter;
    keep(form, pairs, config.headers["Idempotency-Key"] || Kept.newKey(), submitter, config.path);
  }
  document.addEventListener("htmx:sendError", keepFromHtmx, true);
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Rukun-Offline")) {
      keepFromHtmx(event);
    }
  }, true);

  function describe(item) {
    return item.title ? item.what + " · " + item.title : item.what;
  }
  function element(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  // The "menunggu sinyal" note on each form whose answer is kept, the chosen answer marked.
  function drawForms(entries) {
    document.querySelectorAll(".kept-note").forEach(function (old) {
      old.remove();
    });
    document.querySelectorAll("[data-kept]").forEach(function (old) {
      old.removeAttribute("data-kept");
      old.classList.remove("is-kept");
    });
    entries.forEach(function (entry) {
      var slot = entry.base || entry.slot;
      document.querySelectorAll('form[data-offline="' + CSS.escape(slot) + '"]').forEach(function (form) {
        var given = fill(box.dataset.given, { time: clock(entry.at) });
        var note = element("p", "kept-note", box.dataset.note + " (" + entry.what + ", " + given + ")");
        note.setAttribute("role", "status");
        form.parentNode.insertBefore(note, form);
        var answer = entry.fields.filter(function (pair) {
          return pair[0] === "answer";
        })[0];
        if (answer) {
          form.querySelectorAll('button[name="answer"][value="' + CSS.escape(answer[1]) + '"]').forEach(function (button) {
            button.setAttribute("data-kept", "");
            button.classList.add("is-kept");
          });
        }
      });
    });
  }

  // "N jawaban menunggu sinyal" with a "Batalkan" per answer.
  function drawList(entries) {
    var summary = box.querySelector(".kept-summary");
    var list = box.querySelector(".kept-list");
    summary.textContent = entries.length ? fill(box.dataset.count, { n: String(entries.length) }) : "";
    list.textContent = "";
    list.hidden = !entries.length;
    entries.forEach(function (entry) {
      var item = element("li", "kept-item");
      item.appendChild(element("span", "", describe(entry) + " · " + clock(entry.at) + " WITA"));
      var cancel = element("button", "link-button kept-cancel", box.dataset.cancel);
      cancel.type = "button";
      cancel.setAttribute("data-slot", entry.slot);
      cancel.setAttribute("aria-label", box.dataset.cancel + ": " + describe(entry));
      item.appendChild(cancel);
      list.appendChild(item);
    });
  }

  // What became of the answers sent (by this page or by the worker): said once, the
  // refusal with its reason; the panel or card it answered is refreshed when on this page.
  var said = {}; // the page and the worker's message may both bring one outcome
  function showOutcomes(outcomes) {
    var region = box.querySelector(".kept-outcomes");
    outcomes.forEach(function (outcome) {
      if (said[outcome.key]) {
        return;
      }
      said[outcome.key] = true;
      var text;
      if (outcome.ok) {
        text = fill(box.dataset.sent, { what: describe(outcome) });
        if (outcome.waitlisted) {
          text += " " + box.dataset.waitlisted;
        }
      } else {
        var gone = outcome.status === 403 || outcome.status === 404;
        text = fill(box.dataset.refused, { what: describe(outcome) }) + " " +
          (outcome.why || (gone ? box.dataset.gone : box.dataset.why));
      }
      region.appendChild(element("p", outcome.ok ? "kept-outcome" : "kept-outcome error", text));
      swapIn(outcome);
      Kept.forget(outcome.key);
    });
  }
  function swapIn(outcome) {
    if (!outcome.target || !outcome.html || !/^#[\w-]+$/.test(outcome.target)) {
      return;
    }
    var current = document.querySelector(outcome.target);
    var holder = document.createElement("template");
    holder.innerHTML = outcome.html;
    var fresh = holder.content.querySelector(outcome.target);
    if (current && fresh) {
      current.replaceWith(fresh);
      if (window.htmx) {
        window.htmx.process(fresh);
      }
    }
  }

  function draw() {
    if (!box) {
      return Promise.resolve();
    }
    var me = account();
    return Promise.all([Kept.pending(), Kept.outcomes()]).then(function (found) {
      var mine = function (row) {
        return String(row.account) === me;
      };
      showOutcomes(found[1].filter(mine));
      var entries = found[0].filter(mine);
      drawForms(entries);
      drawList(entries);
    });
  }

  function replay() {
    if (!account()) {
      return;
    }
    Kept.pending().then(function (entries) {
      return entries.length ? Kept.replay() : null;
    }).then(draw, draw);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".kept-cancel") : null;
    if (!button) {
      return;
    }
    var item = button.closest("li");
    var neighbour = item.nextElementSibling || item.previousElementSibling;
    var nextSlot = neighbour ? neighbour.querySelector(".kept-cancel").getAttribute("data-slot") : null;
    Kept.remove(button.getAttribute("data-slot")).then(draw).then(function () {
      var target = nextSlot && box.querySelector('.kept-cancel[data-slot="' + CSS.escape(nextSlot) + '"]');
      var summary = box.querySelector(".kept-summary");
      (target || (summary.textContent ? summary : document.getElementById("main"))).focus();
    });
  });

  // Sign-out empties the queue (the response's Clear-Site-Data does too: two lines).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-kept-clear") || event.defaultPrevented) {
      return;
    }
    event.preventDefault();
    var sent = false;
    var go = function () {
      if (!sent) {
        sent = true;
        HTMLFormElement.prototype.submit.call(form);
      }
    };
    Kept.clear().then(go, go);
    setTimeout(go, 1500); // never keep someone signed in because storage is slow
  });

  window.addEventListener("online", replay);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") {
        draw();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("kept");
    if (box) {
      box.querySelector(".kept-summary").setAttribute("tabindex", "-1");
      draw().then(replay, replay);
    }
  });
})();
