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

  function lastId() {
    var items = list.querySelectorAll("[data-message-id]");
    return items.length ? items[items.length - 1].getAttribute("data-message-id") : "0";
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
      if (!list.querySelector('[data-message-id="' + id + '"]')) {
        list.appendChild(el);
        if (window.htmx) {
          window.htmx.process(el);
        }
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
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
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
