// The low-vision full-size view (templates/photo_view.html): zoom with + and -, fit with 0,
// pan with the arrow keys. Zoom 100% = the photo fitted to the box's width; each step x1.5,
// up to 8x. The point at the middle of the box stays in the middle as the zoom changes.
// Keys with Ctrl, Alt or Meta are left to the browser (its own page zoom keeps working),
// and keys typed into form fields are ignored.
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
    say("Zoom " + Math.round(zoom * 100) + "%");
  }

  function pan(dx, dy) {
    viewer.scrollBy(dx * viewer.clientWidth * PAN, dy * viewer.clientHeight * PAN);
  }

  var actions = {
    "+": function () { setZoom(zoom * STEP); },
    "=": function () { setZoom(zoom * STEP); },
    "-": function () { setZoom(zoom / STEP); },
    "_": function () { setZoom(zoom / STEP); },
    "0": function () { setZoom(1); },
    "ArrowLeft": function () { pan(-1, 0); },
    "ArrowRight": function () { pan(1, 0); },
    "ArrowUp": function () { pan(0, -1); },
    "ArrowDown": function () { pan(0, 1); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var isArrow = event.key.indexOf("Arrow") === 0;
    // Arrows pan only while the photo box has focus, so they still scroll the page elsewhere.
    if (isArrow && t !== viewer) { return; }
    var act = actions[event.key];
    if (!act) { return; }
    event.preventDefault();
    act();
  });

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
