// brandpress serve: live reload and the build-error overlay. Injected into HTML pages as
// they are served (never into the files on disk). Only the top window listens: it reloads
// itself, or only the frames and pictures whose files changed.
(() => {
  "use strict";
  if (window.top !== window) return;
  const script = document.currentScript;
  const generation = script ? script.getAttribute("data-generation") : null;
  const OVERLAY = "brandpress-overlay";

  const norm = (path) => {
    let p = path;
    try { p = decodeURIComponent(p); } catch (_) { /* keep it encoded */ }
    return p.endsWith("/") ? p + "index.html" : p;
  };

  const showError = (text) => {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:24px;" +
        "background:rgba(24,24,24,.94);color:#f5f5f5;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;";
      const title = document.createElement("div");
      title.style.cssText = "font:600 16px/1.4 system-ui,sans-serif;color:#ff8a80;margin-bottom:12px";
      title.textContent = "brandpress: the last edit does not build — the page shows the last good output";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      box.append(title, pre);
      (document.body || document.documentElement).append(box);
    }
    box.querySelector("pre").textContent = text;
  };

  const hideError = () => {
    const box = document.getElementById(OVERLAY);
    if (box) box.remove();
  };

  // Refreshes, in `doc` and its same-origin frames, what `changed` names; true when the
  // document itself changed (the caller reloads it).
  const refresh = (doc, changed, stamp) => {
    const here = doc.defaultView.location;
    if (changed.has(norm(here.pathname))) return true;
    const same = (src) => {
      try {
        const u = new URL(src, here.href);
        return u.origin === location.origin && changed.has(norm(u.pathname)) ? u : null;
      } catch (_) { return null; }
    };
    for (const frame of doc.querySelectorAll("iframe, frame")) {
      try {
        const inner = frame.contentDocument;
        if (inner && refresh(inner, changed, stamp)) frame.contentWindow.location.reload();
      } catch (_) {
        const u = frame.src && same(frame.src);
        if (u) frame.src = u.href;
      }
    }
    const bust = (el, attr) => {
      const u = same(el.getAttribute(attr) || "");
      if (u) { u.searchParams.set("brandpress", stamp); el.setAttribute(attr, u.href); }
    };
    doc.querySelectorAll("img[src], source[src], video[poster]").forEach((el) =>
      bust(el, el.hasAttribute("src") ? "src" : "poster"));
    doc.querySelectorAll("link[rel~=stylesheet][href], embed[src], object[data]").forEach((el) =>
      bust(el, el.hasAttribute("href") ? "href" : el.hasAttribute("src") ? "src" : "data"));
    return false;
  };

  const events = new EventSource("/__brandpress/events");
  events.addEventListener("hello", (e) => {
    const state = JSON.parse(e.data);
    // A build finished between this page's response and this stream: catch up.
    if (generation !== null && String(state.generation) !== generation) location.reload();
    else if (state.error === null) hideError();
  });
  events.addEventListener("reload", (e) => {
    const state = JSON.parse(e.data);
    hideError();
    const changed = new Set(state.changed);
    if (state.all || refresh(document, changed, String(state.generation))) location.reload();
  });
  events.addEventListener("build-error", (e) => showError(e.data));
  window.__brandpress = { showError, hideError };
})();
