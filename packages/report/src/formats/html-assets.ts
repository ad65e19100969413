/**
 * The stylesheet and script inlined into the HTML report. The page's
 * Content-Security-Policy allows them by their sha256, so any change here
 * changes the hashes, which `formatHtml` computes from these strings.
 */

export const STYLESHEET = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; background: #f9fafb; }
body { margin: 0 auto; padding: 1rem 2rem 3rem; max-width: 1400px; }
h1 { margin: 0.5rem 0; }
.meta { color: #6b7280; margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1rem 0; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.6rem 1rem; min-width: 7rem; display: flex; flex-direction: column; }
.card .count { font-size: 1.6rem; font-weight: 700; }
.card .label { color: #4b5563; }
.card.critical .count { color: #7f1d1d; } .card.high .count { color: #dc2626; } .card.medium .count { color: #d97706; }
.card.low .count { color: #2563eb; } .card.info .count, .card.muted .count { color: #6b7280; } .card.error .count { color: #b91c1c; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
figure { margin: 0; background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.75rem; }
figcaption { font-weight: 600; margin-bottom: 0.5rem; }
svg text { font-size: 12px; fill: #374151; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #e5e7eb; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f4f6; }
.severity { display: inline-block; border-radius: 4px; padding: 0 0.4rem; color: #fff; font-size: 0.85rem; }
.severity.critical { background: #7f1d1d; } .severity.high { background: #dc2626; } .severity.medium { background: #d97706; }
.severity.low { background: #2563eb; } .severity.info { background: #6b7280; }
tr.suppressed { opacity: 0.6; }
.evidence pre { white-space: pre-wrap; margin: 0.25rem 0; background: #f3f4f6; padding: 0.25rem 0.4rem; }
.key { font-weight: 600; margin-right: 0.3rem; }
.fingerprint, .suppression { color: #6b7280; font-size: 0.85rem; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
.filters fieldset { border: 1px solid #e5e7eb; border-radius: 6px; }
.error, .image-error, .check-error { color: #b91c1c; }
`;

/**
 * Hides the findings rows that do not match the severity checkboxes, the text
 * (case-insensitive, in message, path, package, check, evidence, image and
 * fingerprint) and the image, and updates the shown count. It reads only data
 * attributes and sets only `hidden` and `textContent`.
 */
export const FILTER_SCRIPT = `
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var text = document.getElementById("filter-text");
  var image = document.getElementById("filter-image");
  var shown = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.findings tbody tr"));
  function apply() {
    var severities = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[name="severity"]'), function (box) { severities[box.value] = box.checked; });
    var query = text.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var visible = severities[row.getAttribute("data-severity")] === true
        && (image.value === "" || row.getAttribute("data-image") === image.value)
        && (query === "" || row.getAttribute("data-search").indexOf(query) !== -1);
      row.hidden = !visible;
      if (visible) count++;
    });
    shown.textContent = String(count);
    noMatch.hidden = count !== 0;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
`;
