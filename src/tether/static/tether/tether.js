// Tether's entry: connect the pinned Phoenix LiveView client to /live.
// Register hooks before this script runs: window.TetherHooks = {Name: {...}}.
// {% tether_scripts %} sets this script's data attributes: data-longpoll-fallback-ms
// (how long the WebSocket may take before the page falls back to long polling;
// 0 turns the fallback off) and data-debug (DEBUG: say so in the console).
// Client-side uploaders (external uploads): window.TetherUploaders = {Name: fn}.
// Any other LiveSocket option (reloadJitterMin, maxReloads, dom, ...):
// window.TetherOptions = {...}; its params are sent beside the CSRF token.
(function () {
  "use strict";
  var data = (document.currentScript && document.currentScript.dataset) || {};
  var meta = document.querySelector("meta[name='csrf-token']");
  var csrfToken = meta ? meta.getAttribute("content") : null;
  var options = {
    params: { _csrf_token: csrfToken },
    hooks: window.TetherHooks || {},
    uploaders: window.TetherUploaders || {}, // external uploads: docs/uploads.md
  };
  var extra = window.TetherOptions || {};
  Object.keys(extra).forEach(function (key) {
    if (key !== "params") {
      options[key] = extra[key];
    }
  });
  if (extra.params) {
    options.params = Object.assign({}, extra.params, { _csrf_token: csrfToken });
  }
  var fallbackMs = parseInt(data.longpollFallbackMs || "0", 10);
  if (fallbackMs > 0) {
    options.longPollFallbackMs = fallbackMs;
  }
  var liveSocket = new LiveView.LiveSocket("/live", Phoenix.Socket, options);
  if (data.debug === "true") {
    var socket = liveSocket.getSocket();
    var told = false;
    socket.onOpen(function () {
      if (!told && socket.transport === Phoenix.LongPoll) {
        told = true;
        console.info(
          "[tether] the WebSocket is unavailable: this page fell back to long polling " +
            "(/live/longpoll); it stays on long poll for this browser session"
        );
      }
    });
  }
  liveSocket.connect();
  window.liveSocket = liveSocket;
})();
