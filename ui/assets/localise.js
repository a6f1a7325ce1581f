// Streamlit's own interface texts in the user's language (ui/layout.py, localise_streamlit).
// Streamlit writes some texts in English whatever the page's language and has no setting for
// them: the file uploader's button and size limit, "Page not found", "Help for …" on every help
// icon, a few labels only screen readers hear. It also lets the keyboard reach the sidebar's
// scrolling area. This replaces them in the page as Streamlit draws
// them (a MutationObserver: React draws them again on every run), so sighted users and screen
// readers get the same words. `window.lagesbildTexts` is set on every run from i18n/:
//   texts:  Streamlit's exact English text -> ours, for text in the places listed in TEXT_PLACES
//   labels: Streamlit's exact English aria-label -> ours
//   helpFor: "Help for {label}" in our language; uploadLimit: "… {size} …" in our language.
// The observer is installed once per page.
(function () {
  "use strict";
  const TEXT_PLACES = [
    '[data-testid="stFileUploaderDropzone"] button p',
    '[data-testid="stFileUploaderDropzoneInstructions"] span',
    '[role="dialog"] h2',
    '[role="dialog"] div',
    '[data-testid="stStatusWidget"] *',
    "a",
  ].join(", ");
  // Each element keeps Streamlit's own text (data-lb-text, data-lb-label), so a change of
  // language translates from the original, not from the previous translation.
  function setText(el, translate) {
    if (el.childElementCount) return;
    const original = el.dataset.lbText || el.textContent;
    const value = translate(original);
    if (value === null || value === undefined) return;
    el.dataset.lbText = original;
    if (el.textContent !== value) el.textContent = value;
  }
  function setLabel(el, translate) {
    const original = el.dataset.lbLabel || el.getAttribute("aria-label") || "";
    const value = translate(original);
    if (value === null || value === undefined) return;
    el.dataset.lbLabel = original;
    if (el.getAttribute("aria-label") !== value) el.setAttribute("aria-label", value);
  }
  function apply() {
    const t = window.lagesbildTexts;
    if (!t) return;
    // The sidebar scrolls when it is taller than the window: a keyboard user must be able to
    // scroll it too (axe-core: scrollable-region-focusable).
    document.querySelectorAll('[data-testid="stSidebarContent"]').forEach(function (el) {
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
    document.querySelectorAll(TEXT_PLACES).forEach(function (el) {
      setText(el, function (s) {
        const limit = /^(\d+(?:\.\d+)?)\s*([KMGT]?B) per file(.*)$/.exec(s);
        if (limit) return t.uploadLimit.replace("{size}", limit[1] + "\u00a0" + limit[2]) + limit[3];
        return Object.prototype.hasOwnProperty.call(t.texts, s) ? t.texts[s] : null;
      });
    });
    document.querySelectorAll("[aria-label]").forEach(function (el) {
      setLabel(el, function (s) {
        if (Object.prototype.hasOwnProperty.call(t.labels, s)) return t.labels[s];
        return s.startsWith("Help for ") ? t.helpFor.replace("{label}", s.slice(9)) : null;
      });
    });
  }
  window.lagesbildLocalise = apply;
  if (!window.lagesbildLocaliser) {
    let pending = false;
    window.lagesbildLocaliser = new MutationObserver(function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        apply();
      });
    });
    window.lagesbildLocaliser.observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  }
  apply();
})();
