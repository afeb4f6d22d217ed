/* Listening mode, loaded on first use: the player (static/listen.js, listen.css) is fetched only when a
 * reader first presses one of its buttons or `k`, so a photo page and its scripts stay within
 * the page-weight budget. Until then this shows the player's controls, remembers a speed
 * chosen early, and hands the first press on to listen.js once it has loaded (within the
 * press's user activation, so playing is allowed).
 */
(function () {
  "use strict";
  if (!window.Reader) return;
  var waiting = null; // callbacks to run when listen.js has loaded

  function player() { return document.getElementById("listen-player"); }
  function loaded() { return !!window.Reader.listening; }

  function load(then) {
    if (waiting) { waiting.push(then); return; }
    waiting = [then];
    // The styles first: the player must not be shown unstyled (and move the page) for a moment.
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = player().getAttribute("data-style");
    sheet.onload = sheet.onerror = function () {
      var script = document.createElement("script");
      script.src = player().getAttribute("data-script");
      script.onload = function () { waiting.forEach(function (f) { f(); }); };
      document.head.appendChild(script);
    };
    document.head.appendChild(sheet);
  }

  function showControls() {
    var p = player();
    var controls = p && p.querySelector(".listen-controls");
    if (controls) controls.hidden = false;
    var speed = p && p.querySelector("#listen-speed");
    try {
      var kept = window.localStorage.getItem("reader.listen.speed");
      if (speed && kept) speed.value = kept;
    } catch (e) { /* private mode */ }
  }

  document.addEventListener("click", function (event) {
    if (loaded()) return;
    var b = event.target.closest && event.target.closest("#listen-player button[data-action]");
    if (!b) return;
    event.stopPropagation();
    load(function () {
      b.focus(); // listen.js moved the player out of <main>, which took the focus from it
      b.click();
    });
  }, true);

  document.addEventListener("change", function (event) {
    if (loaded() || !event.target.matches || !event.target.matches("#listen-speed")) return;
    try { window.localStorage.setItem("reader.listen.speed", event.target.value); } catch (e) { /* private mode */ }
  });

  window.Reader.shortcuts.register({
    id: "listen",
    when: function () { return !!player(); },
    run: function () {
      if (loaded()) return false; // listen.js has its own `k` from now on
      load(function () { var b = player().querySelector('[data-action="play"]'); if (b) b.click(); });
    }
  });

  document.addEventListener("reader:photochange", function () { if (!loaded()) showControls(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showControls);
  else showControls();
})();
