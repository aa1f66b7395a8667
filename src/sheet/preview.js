/* brandpress contact sheet: in a preview copy, scroll to and outline the element a
   finding points at when the sheet posts {brandpress: "finding", n}. Elements carry the
   numbers of their findings in data-bp-f="0 3". Also on load with #bp-f=N in the URL. */
(function () {
  "use strict";
  var lit = null;
  var saved = ["", ""];
  function show(n) {
    if (lit) {
      lit.style.outline = saved[0];
      lit.style.outlineOffset = saved[1];
      lit = null;
    }
    var el = document.querySelector('[data-bp-f~="' + String(parseInt(n, 10)) + '"]');
    if (!el) return;
    saved = [el.style.outline, el.style.outlineOffset];
    el.style.outline = "4px solid #e5004c";
    el.style.outlineOffset = "2px";
    el.scrollIntoView({ block: "center", inline: "nearest" });
    lit = el;
  }
  window.addEventListener("message", function (e) {
    var d = e.data;
    if (d && d.brandpress === "finding") show(d.n);
  });
  var m = /bp-f=(\d+)/.exec(location.hash);
  if (m) show(m[1]);
})();
