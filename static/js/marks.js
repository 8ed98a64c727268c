// The workbench's text marks, drawn by the browser from compact numbers.
//
// The page sends the article as plain blocks and its marks (entities, tags, suggestions)
// as the numbers newsdesk/highlight.py's marks() makes; this draws them with exactly the
// markup render_blocks() would have sent (a browser test compares the two). Every change
// afterwards comes back from the server as blocks already drawn, so this runs once per
// page (and again when the whole reader is swapped, e.g. for another annotator's layer).
//
// Offsets in the numbers are code points; JavaScript strings count UTF-16 units.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeText = (text) => text.replace(/[&<>]/g, (c) => ESCAPES[c]);
const escapeValue = (text) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]);

// unit(codePoint) → UTF-16 index in text; the identity unless the text has astral characters.
function unitsOf(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (n) => n;
  const units = [];
  let index = 0;
  for (const character of text) {
    units.push(index);
    index += character.length;
  }
  units.push(index);
  return (n) => units[n];
}

function opening(active, kinds, edges) {
  const classes = new Map(edges.map((edge) => [edge, true]));
  const refs = new Map();
  for (const span of active) {
    const [layer, css] = kinds[span.kind];
    for (const name of css.split(" ")) if (name) classes.set(name, true);
    if (!refs.has(layer)) refs.set(layer, []);
    if (span.ref !== 0) refs.get(layer).push(String(span.ref));
  }
  const names = [...classes.keys()];
  const ordered = [...names.filter((c) => !edges.includes(c)), ...edges];
  let attributes = ` class="${escapeValue(ordered.join(" "))}"`;
  for (const [layer, list] of refs) {
    if (list.length) attributes += ` data-${layer}="${escapeValue(list.join(" "))}"`;
  }
  return `<span${attributes}>`;
}

// The markup of the whole text: `starts` are the blocks' starts (code points), in order.
export function marksHTML(text, length, starts, data) {
  const { k: kinds, m: numbers } = data;
  const unit = unitsOf(text);
  const spans = [];
  for (let n = 0, start = 0; n < numbers.length; n += 4) {
    start += numbers[n];
    spans.push({ index: spans.length, start, end: start + numbers[n + 1], kind: numbers[n + 2], ref: numbers[n + 3] });
  }
  const blockOf = new Map(starts.map((start, index) => [start, index]));
  const cutSet = new Set([0, length, ...starts]);
  for (const span of spans) {
    if (span.start > 0 && span.start < length) cutSet.add(span.start);
    if (span.end > 0 && span.end < length) cutSet.add(span.end);
  }
  const cuts = Float64Array.from(cutSet).sort();
  const markup = new Map();
  const parts = [];
  let active = [];
  let position = 0;
  while (position < spans.length && spans[position].start <= 0) active.push(spans[position++]);
  for (let c = 0; c + 1 < cuts.length; c += 1) {
    const left = cuts[c];
    const right = cuts[c + 1];
    const block = blockOf.get(left);
    if (block !== undefined) {
      if (left !== 0) parts.push("</span>");
      parts.push(`<span class="blk" id="blk-${block}" data-o="${left}">`);
    }
    if (active.some((span) => span.end <= left)) active = active.filter((span) => span.end > left);
    while (position < spans.length && spans[position].start === left) active.push(spans[position++]);
    const chunk = escapeText(text.slice(unit(left), unit(right)));
    if (!active.length) {
      parts.push(chunk);
      continue;
    }
    const edges = [];
    for (const span of active) {
      const edge = kinds[span.kind][2];
      if (!edge) continue;
      if (span.start === left && !edges.includes(`${edge}-s`)) edges.push(`${edge}-s`);
      if (span.end === right && !edges.includes(`${edge}-e`)) edges.push(`${edge}-e`);
    }
    const key = `${active.map((span) => span.index).join(",")}|${edges.join(" ")}`;
    let open = markup.get(key);
    if (open === undefined) {
      open = opening(active, kinds, edges);
      markup.set(key, open);
    }
    parts.push(`${open}${chunk}</span>`);
  }
  parts.push("</span>");
  return parts.join("");
}

// Draw the marks of a container that has not been drawn yet; true when it drew.
export function drawText(container) {
  const source = container && document.getElementById(container.dataset.marks || "");
  if (!source || container.hasAttribute("data-drawn")) return false;
  const starts = [...container.children].map((block) => Number(block.dataset.o));
  const text = container.textContent;
  const length = Number(container.dataset.length);
  if (starts.length) container.innerHTML = marksHTML(text, length, starts, JSON.parse(source.textContent));
  container.setAttribute("data-drawn", "");
  return true;
}

const draw = () => drawText(document.getElementById("article-text"));
draw();
// A swapped reader (another layer, an article done processing) arrives undrawn.
document.addEventListener("htmx:afterSwap", draw);
