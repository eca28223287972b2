/* junheng: render charts and formulas only on pages that have them, from files served by this site. */
(function () {
  "use strict";
  var loaded = {};
  function base() {
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
  function charts() {
    var nodes = document.querySelectorAll(".jh-vega[data-spec]:not([data-rendered])");
    if (!nodes.length) return;
    load("assets/vendor/vega/vega-bundle.js").then(function () {
      nodes.forEach(function (node) {
        var spec = JSON.parse(node.querySelector("script[type='application/json']").textContent);
        var target = document.createElement("div");
        target.setAttribute("role", "img");
        target.setAttribute("aria-label", node.getAttribute("data-alt") || "");
        window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
          var img = node.querySelector("img");
          if (img) img.remove();
          node.appendChild(target);
          node.setAttribute("data-rendered", "1");
        });
      });
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
