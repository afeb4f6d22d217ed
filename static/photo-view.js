// The low-vision full-size view (templates/photo_view.html): zoom with + and -, fit with 0,
// pan with the arrow keys. Zoom 100% = the photo fitted to the box's width; each step x1.5,
// up to 8x. The point at the middle of the box stays in the middle as the zoom changes.
// Keys with Ctrl, Alt or Meta are left to the browser (its own page zoom keeps working).
(function () {
  "use strict";
  var viewer = document.querySelector("[data-photo-viewer]");
  if (!viewer) { return; }
  var img = viewer.querySelector("img");
  var status = document.getElementById("zoom-status");
  var controls = document.querySelector("[data-zoom-controls]");
  var zoom = 1, MAX = 8, STEP = 1.5, PAN = 0.15;
  viewer.classList.add("zoomable");
  if (controls) { controls.hidden = false; }

  function say(text) { if (status) { status.textContent = text; } }

  function setZoom(next) {
    next = Math.max(1, Math.min(MAX, next));
    var cx = (viewer.scrollLeft + viewer.clientWidth / 2) / img.offsetWidth;
    var cy = (viewer.scrollTop + viewer.clientHeight / 2) / img.offsetHeight;
    zoom = next;
    img.style.width = Math.round(viewer.clientWidth * zoom) + "px";
    img.style.maxWidth = "none";
    img.style.height = "auto";
    viewer.scrollLeft = cx * img.offsetWidth - viewer.clientWidth / 2;
    viewer.scrollTop = cy * img.offsetHeight - viewer.clientHeight / 2;
    // The words are the page's (data-format, "Zoom {percent}%" in the page's language).
    var format = (status && status.getAttribute("data-format")) || "{percent}%";
    say(format.replace("{percent}", String(Math.round(zoom * 100))));
  }

  function pan(dx, dy) {
    viewer.scrollBy(dx * viewer.clientWidth * PAN, dy * viewer.clientHeight * PAN);
  }

  // Keys through the reader's one shortcut registry (static/reader.js; declared in
  // reader/web/shortcuts.py and listed on /help): it honours the shortcuts setting, skips form
  // fields, media players and Ctrl/Alt/Meta. Arrows pan only while the photo box has focus,
  // so they still scroll the page elsewhere.
  var R = window.Reader && window.Reader.shortcuts;
  if (R) {
    R.register({ id: "zoom-in", run: function () { setZoom(zoom * STEP); } });
    R.register({ id: "zoom-out", run: function () { setZoom(zoom / STEP); } });
    R.register({ id: "zoom-fit", run: function () { setZoom(1); } });
    var PANS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    R.register({
      id: "pan",
      when: function () { return document.activeElement === viewer; },
      run: function (event) { pan(PANS[event.key][0], PANS[event.key][1]); }
    });
  }

  if (controls) {
    controls.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-zoom]");
      if (!b) { return; }
      var kind = b.getAttribute("data-zoom");
      setZoom(kind === "in" ? zoom * STEP : kind === "out" ? zoom / STEP : 1);
    });
  }
  window.addEventListener("resize", function () { setZoom(zoom); });
}());
