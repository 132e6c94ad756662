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
    ["offline-banner", "unavailable-banner"].forEach(function (id) {
      var banner = document.getElementById(id);
      if (banner) {
        banner.hidden = true;
      }
    });
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
