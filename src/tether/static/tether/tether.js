// Tether's entry: connect the pinned Phoenix LiveView client to /live.
// Register hooks before this script runs: window.TetherHooks = {Name: {...}};
// client-side uploaders (external uploads) likewise: window.TetherUploaders.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name='csrf-token']");
  var csrfToken = meta ? meta.getAttribute("content") : null;
  var liveSocket = new LiveView.LiveSocket("/live", Phoenix.Socket, {
    params: { _csrf_token: csrfToken },
    hooks: window.TetherHooks || {},
    uploaders: window.TetherUploaders || {}, // external uploads: docs/uploads.md
  });
  liveSocket.connect();
  window.liveSocket = liveSocket;
})();
