/* junheng: interactive charts and formulas only on pages that have them, from files served by this site. */
(function () {
  "use strict";
  var loaded = {};
  function base() {
    /* the English edition (/en/) loads Vega and KaTeX from the Chinese site's root, so both share one cached copy */
    var shared = document.querySelector('meta[name="jh-vendor-root"]');
    if (shared) return new URL(shared.getAttribute("content"), location.href).href;
    var s = document.querySelector('script[src$="assets/junheng.js"]');
    return s ? s.src.replace(/assets\/junheng\.js.*$/, "") : "/";
  }
  function load(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        var el = document.createElement("script");
        el.src = base() + src;
        el.onload = resolve;
        el.onerror = reject;
        document.head.appendChild(el);
      });
    }
    return loaded[src];
  }
  function css(href) {
    if (document.querySelector('link[data-jh="' + href + '"]')) return;
    var l = document.createElement("link");
    l.rel = "stylesheet"; l.href = base() + href; l.setAttribute("data-jh", href);
    document.head.appendChild(l);
  }
  /* Vega (about 300 KB compressed, and seconds of work on a cheap phone) loads only when a reader points at or
     touches a chart: until then the static SVG and the table beside it carry every number. The browser caches
     the bundle, so the next chart page reuses it. */
  function render(node) {
    if (node.hasAttribute("data-rendered") || node.hasAttribute("data-loading")) return;
    node.setAttribute("data-loading", "1");
    load("assets/vendor/vega/vega-bundle.js").then(function () {
      var spec = JSON.parse(node.querySelector("script[type='application/json']").textContent);
      var target = document.createElement("div");
      return window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
        /* vega-embed names its container "Vega visualization": give it the chart's own name and summary */
        target.setAttribute("role", "img");
        target.setAttribute("aria-label", node.getAttribute("data-alt") || "");
        target.removeAttribute("aria-roledescription");
        var img = node.querySelector("img");
        if (img) img.remove();
        node.appendChild(target);
        node.removeAttribute("data-loading");
        node.setAttribute("data-rendered", "1");
      });
    }).catch(function () { node.removeAttribute("data-loading"); });   /* the static image stays */
  }
  function charts() {
    document.querySelectorAll(".jh-vega[data-spec]:not([data-armed])").forEach(function (node) {
      node.setAttribute("data-armed", "1");
      var go = function () { render(node); };
      node.addEventListener("pointerenter", go, { once: true });
      node.addEventListener("touchstart", go, { once: true, passive: true });
    });
  }
  function math() {
    var nodes = document.querySelectorAll(".arithmatex");
    if (!nodes.length) return;
    css("assets/vendor/katex/katex.min.css");
    load("assets/vendor/katex/katex.min.js").then(function () {
      return load("assets/vendor/katex/auto-render.min.js");
    }).then(function () {
      nodes.forEach(function (el) {
        window.renderMathInElement(el, { delimiters: [{ left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true }] });
      });
    });
  }
  function run() { charts(); math(); }
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(run); }
  else { document.addEventListener("DOMContentLoaded", run); }
})();
