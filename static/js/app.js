// The only script of the app. No inline script anywhere: the CSP forbids it.
// htmx requests carry the CSRF token in a header; plain forms carry the hidden field.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});
