/* brandpress contact sheet: filters, folding, and findings shown on their outputs.
   Vanilla JS, no network: the sheet works from file://. */
(function () {
  "use strict";
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  // Frames and pictures of folded pieces load when the piece opens (a 1,000-piece sheet
  // would otherwise load thousands of frames at once).
  function wake(group) {
    $$("[data-src]", group).forEach(function (el) {
      el.setAttribute("src", el.getAttribute("data-src"));
      el.removeAttribute("data-src");
    });
  }
  $$("details.piece").forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) wake(d); });
  });

  function value(id) { var el = document.getElementById(id); return el ? el.value : ""; }
  function has(list, word) { return (" " + list + " ").indexOf(" " + word + " ") >= 0; }

  function apply() {
    var channel = value("f-channel"), segment = value("f-segment"), rule = value("f-rule"),
        sev = value("f-severity"), text = value("f-text").toLowerCase(),
        only = document.getElementById("f-only").checked;
    var shownTiles = 0, shownGroups = 0;
    $$("details.piece").forEach(function (g) {
      var groupMatch = !text || (g.getAttribute("data-search") || "").toLowerCase().indexOf(text) >= 0;
      var visible = 0;
      $$(".tile", g).forEach(function (t) {
        var ok = groupMatch &&
          (!channel || t.getAttribute("data-channel") === channel) &&
          (segment === "" || t.getAttribute("data-segment") === segment) &&
          (!rule || has(t.getAttribute("data-rules"), rule)) &&
          (!sev || has(t.getAttribute("data-sevs"), sev)) &&
          (!only || t.getAttribute("data-rules") !== "");
        t.hidden = !ok;
        if (ok) visible++;
        $$("li.finding", t).forEach(function (li) {
          li.hidden = !!((rule && li.getAttribute("data-rule") !== rule) ||
                         (sev && li.getAttribute("data-sev") !== sev));
        });
      });
      g.hidden = visible === 0;
      if (visible) { shownGroups++; shownTiles += visible; }
    });
    var c = document.getElementById("f-count");
    if (c) c.textContent = shownGroups + " / " + $$("details.piece").length + " groups, " + shownTiles + " outputs shown";
  }
  ["f-channel", "f-segment", "f-rule", "f-severity", "f-only"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) el.addEventListener("change", apply);
  });
  var search = document.getElementById("f-text");
  if (search) search.addEventListener("input", apply);

  function fold(open) {
    $$("details.piece").forEach(function (d) { if (!d.hidden) { d.open = open; if (open) wake(d); } });
  }
  var openAll = document.getElementById("open-all"), closeAll = document.getElementById("close-all");
  if (openAll) openAll.addEventListener("click", function () { fold(true); });
  if (closeAll) closeAll.addEventListener("click", function () { fold(false); });

  // A finding clicked: its box on the picture lit, its element in the page's frames
  // scrolled to and outlined (the preview copy listens: see preview.js).
  document.addEventListener("click", function (e) {
    var li = e.target.closest ? e.target.closest("li.finding") : null;
    if (!li) return;
    var tile = li.closest(".tile");
    var n = li.getAttribute("data-n");
    $$(".lit", tile).forEach(function (el) { el.classList.remove("lit"); });
    li.classList.add("lit");
    $$('.box[data-n="' + n + '"]', tile).forEach(function (b) {
      b.classList.add("lit");
      b.scrollIntoView({ block: "nearest" });
    });
    $$("iframe", tile).forEach(function (f) {
      if (f.getAttribute("data-src")) wake(tile);
      if (f.contentWindow) f.contentWindow.postMessage({ brandpress: "finding", n: Number(n) }, "*");
    });
  });
  // a frame that loads after a click (lazy) still gets the finding
  $$("iframe").forEach(function (f) {
    f.addEventListener("load", function () {
      var tile = f.closest(".tile");
      var li = tile && $("li.finding.lit", tile);
      if (li && f.contentWindow) f.contentWindow.postMessage({ brandpress: "finding", n: Number(li.getAttribute("data-n")) }, "*");
    });
  });
  apply();
})();
