// Tether in DEBUG: errors you can see. Loaded by {% tether_scripts %} only when
// settings.DEBUG is on. A banner says when the page lost its server; when a view
// crashes, an overlay shows the server's traceback (and the console names the
// view and handler). Nothing here runs in production.
(function () {
  "use strict";
  var STYLE =
    "#tether-banner{position:fixed;top:0;left:0;right:0;z-index:2147483646;padding:.4rem .8rem;" +
    "font:14px/1.4 system-ui,sans-serif;background:#fff4d6;color:#5a4300;border-bottom:1px solid #e8d29a}" +
    "#tether-overlay{position:fixed;inset:0;z-index:2147483647;background:rgba(20,22,28,.92);color:#f3f4f7;" +
    "overflow:auto;padding:2rem;font:13px/1.45 ui-monospace,monospace}" +
    "#tether-overlay h2{font:600 16px system-ui,sans-serif;color:#ff8a7a;margin:0 0 1rem}" +
    "#tether-overlay button{float:right;font:14px system-ui,sans-serif}" +
    "#tether-overlay pre{white-space:pre-wrap}";

  function element(tag, id) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement(tag);
      el.id = id;
      document.body.appendChild(el);
    }
    return el;
  }

  function banner(text) {
    var el = document.getElementById("tether-banner");
    if (!text) {
      if (el) el.remove();
      return;
    }
    element("div", "tether-banner").textContent = text;
  }

  function watch(main) {
    var update = function () {
      var classes = main.classList;
      if (classes.contains("phx-server-error")) banner("The server could not run this page; reconnecting…");
      else if (classes.contains("phx-client-error")) banner("Lost the connection to the server; reconnecting…");
      else banner(null);
    };
    new MutationObserver(update).observe(main, { attributes: true, attributeFilter: ["class"] });
    update();
  }

  window.addEventListener("phx:tether:crash", function (e) {
    var detail = e.detail || {};
    console.error("Tether: " + detail.where + " crashed on the server:\n" + detail.details);
    var overlay = element("div", "tether-overlay");
    overlay.innerHTML = "";
    var close = document.createElement("button");
    close.textContent = "Close";
    close.onclick = function () { overlay.remove(); };
    var title = document.createElement("h2");
    title.textContent = detail.where + " crashed (shown because DEBUG is on)";
    var pre = document.createElement("pre");
    pre.textContent = detail.details;
    overlay.append(close, title, pre);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var style = document.createElement("style");
    style.textContent = STYLE;
    document.head.appendChild(style);
    var main = document.querySelector("[data-phx-main]");
    if (main) watch(main);
  });
})();
