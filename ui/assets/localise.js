// Streamlit's own interface texts in the user's language (ui/layout.py, localise_streamlit).
// Streamlit writes a few texts in English whatever the page's language and has no setting for
// them: the file uploader's button, size limit and "Add files", the hidden file input's label,
// and "Help for …" on every help icon. This replaces them in the page as Streamlit draws them
// (a MutationObserver: React redraws them on every run), so sighted users and screen readers get
// the same words. The texts come from i18n/ through `window.lagesbildTexts`, set on every run;
// the observer is installed once per page.
(function () {
  "use strict";
  function texts() {
    return window.lagesbildTexts || null;
  }
  // Each element keeps Streamlit's own text (data-lb-text, data-lb-label), so a change of
  // language translates from the original, not from the previous translation.
  function setText(el, translate) {
    const original = el.dataset.lbText || el.textContent;
    const value = translate(original);
    if (value === null) return;
    el.dataset.lbText = original;
    if (el.textContent !== value) el.textContent = value;
  }
  function setLabel(el, translate) {
    const original = el.dataset.lbLabel || el.getAttribute("aria-label") || "";
    const value = translate(original);
    if (value === null) return;
    el.dataset.lbLabel = original;
    if (el.getAttribute("aria-label") !== value) el.setAttribute("aria-label", value);
  }
  function apply() {
    const t = texts();
    if (!t) return;
    const each = function (selector, fn) {
      document.querySelectorAll(selector).forEach(fn);
    };
    each('[data-testid="stFileUploaderDropzone"] button p', function (el) {
      setText(el, function (s) {
        return s === "Upload" ? t.uploadButton : null;
      });
    });
    each('[data-testid="stFileUploaderDropzoneInstructions"] span', function (el) {
      setText(el, function (s) {
        const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?B) per file(.*)$/.exec(s);
        if (m) return t.uploadLimit.replace("{size}", m[1] + "\u00a0" + m[2]) + m[3];
        return /^Drag and drop (a file|files) here$/.test(s) ? t.uploadDrop : null;
      });
    });
    each('input[type="file"]', function (el) {
      setLabel(el, function (s) {
        return s === "file upload" ? t.uploadInput : null;
      });
    });
    each("[aria-label]", function (el) {
      setLabel(el, function (s) {
        if (s === "Add files") return t.uploadAdd;
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
