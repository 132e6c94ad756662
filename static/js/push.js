/* "Aktifkan notifikasi": ask for permission only when the resident taps the button,
   subscribe this browser, and tell the server (POST with the CSRF token). */
(function () {
  "use strict";
  var panel = document.getElementById("notifikasi-hp");
  if (!panel) return;
  var status = panel.querySelector("[data-push-status]");
  var enable = panel.querySelector("[data-push-enable]");
  var disable = panel.querySelector("[data-push-disable]");
  var csrf = document.querySelector('meta[name="csrf-token"]');

  var msg = panel.dataset;
  function say(text) { status.textContent = text; }
  function show(el, on) { el.hidden = !on; }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
      body: JSON.stringify(body)
    }).catch(function () {
      throw new Error(msg.msgFailed);  // offline: say so, nothing was saved
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || msg.msgFailed);
        return data;
      });
    });
  }

  // Show the server's device list as it is now, without reloading the page.
  function refreshDevices() {
    return fetch(window.location.pathname, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var page = new DOMParser().parseFromString(html, "text/html");
      var fresh = page.getElementById("perangkat");
      var here = document.getElementById("perangkat");
      if (fresh && here) here.replaceWith(document.importNode(fresh, true));
      var freshPanel = page.getElementById("notifikasi-hp");
      if (freshPanel) panel.dataset.devices = freshPanel.dataset.devices || "";
    }).catch(function () { /* the list updates on the next visit */ });
  }

  function state(subscribed) {
    show(enable, !subscribed);
    show(disable, subscribed);
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show(panel.querySelector("[data-push-unsupported]"), true);
    say("");
    return;
  }
  if (Notification.permission === "denied") {
    show(panel.querySelector("[data-push-denied]"), true);
    say("");
    return;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // Is this browser's subscription still on the server's list? A device removed there
  // (or forgotten after the push service said it was gone) is unsubscribed here too.
  function listed(subscription) {
    if (!window.crypto || !crypto.subtle) return Promise.resolve(true);
    var known = (msg.devices || "").split(" ");
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(subscription.endpoint))
      .then(function (digest) { return known.indexOf(hex(digest)) !== -1; });
  }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    if (!subscription) return false;
    return listed(subscription).then(function (onList) {
      if (onList) return true;
      return subscription.unsubscribe().then(function () { return false; });
    });
  }).then(function (active) {
    state(active);
    if (active) say(msg.msgActive);
  }).catch(function () { state(false); });

  enable.addEventListener("click", function () {
    enable.disabled = true;
    say(msg.msgWaiting);
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error(permission === "denied"
          ? msg.msgDenied
          : msg.msgDismissed);
      }
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(panel.dataset.serverKey)
      });
    }).then(function (subscription) {
      return post(panel.dataset.subscribeUrl, subscription.toJSON()).catch(function (error) {
        subscription.unsubscribe();  // the server refused it: do not leave a dangling one
        throw error;
      });
    }).then(function (data) {
      state(true);
      say(data.message || msg.msgActive);
      return refreshDevices();
    }).catch(function (error) {
      state(false);
      say(error && error.message ? error.message : msg.msgFailed);
    }).then(function () { enable.disabled = false; });
  });

  disable.addEventListener("click", function () {
    disable.disabled = true;
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return { message: msg.msgOff };
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(panel.dataset.unsubscribeUrl, { endpoint: endpoint }).catch(function () {
          // Already gone from the server (removed from the list): it is off all the same.
          return { message: msg.msgOff };
        });
      });
    }).then(function (data) {
      state(false);
      say(data.message || msg.msgOff);
      return refreshDevices();
    }).catch(function (error) {
      say(error && error.message ? error.message : msg.msgFailed);
    }).then(function () { disable.disabled = false; });
  });
})();
