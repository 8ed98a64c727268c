// The workbench's text marks, drawn by the browser from compact numbers.
//
// The page sends the article as plain blocks and its marks (entities, tags, suggestions)
// as the numbers newsdesk/highlight.py's marks() makes; this draws them with exactly the
// markup render_blocks() would have sent (a browser test compares the two). Blocks are
// drawn as they come near the screen, so a long article's page holds the marks of a few
// screens, not thousands. Every change afterwards comes back from the server as blocks
// already drawn: the numbers only ever serve blocks no answer has replaced.
//
// Whatever needs marks that may not be drawn yet (the next tag with J, a tag opened from
// the sidebar) asks first: document.dispatchEvent(new CustomEvent("marks:need",
// {detail: {all: true}})) or {detail: {layer: "tags", ref: "12"}}; it is drawn at once.
//
// Offsets in the numbers are code points; JavaScript strings count UTF-16 units.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeText = (text) => text.replace(/[&<>]/g, (c) => ESCAPES[c]);
const escapeValue = (text) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]);
// Blocks within this distance of the screen are drawn (one screen above and below).
const AHEAD = "100% 0px";

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

function decode(numbers) {
  const spans = [];
  for (let n = 0, start = 0; n < numbers.length; n += 4) {
    start += numbers[n];
    spans.push({ index: spans.length, start, end: start + numbers[n + 1], kind: numbers[n + 2], ref: numbers[n + 3] });
  }
  return spans;
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

// render_blocks() for the blocks first..last: `spans` (in marks() order) need only hold
// those touching them; `bounds[i]` is block i's [start, end) in code points.
function render(text, unit, kinds, spans, bounds, first, last) {
  const lo = bounds[first][0];
  const hi = bounds[last][1];
  spans = spans.filter((span) => span.start < hi && span.end > lo);
  const blockOf = new Map();
  for (let i = first; i <= last; i += 1) blockOf.set(bounds[i][0], i);
  const cutSet = new Set([lo, hi, ...blockOf.keys()]);
  for (const span of spans) {
    if (span.start > lo && span.start < hi) cutSet.add(span.start);
    if (span.end > lo && span.end < hi) cutSet.add(span.end);
  }
  const cuts = Float64Array.from(cutSet).sort();
  const markup = new Map();
  const parts = [];
  let active = [];
  let position = 0;
  while (position < spans.length && spans[position].start <= lo) active.push(spans[position++]);
  for (let c = 0; c + 1 < cuts.length; c += 1) {
    const left = cuts[c];
    const right = cuts[c + 1];
    const block = blockOf.get(left);
    if (block !== undefined) {
      if (left !== lo) parts.push("</span>");
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

function boundsOf(starts, length) {
  return starts.map((start, i) => [start, i + 1 < starts.length ? starts[i + 1] : length]);
}

// The markup of the whole text: `starts` are the blocks' starts (code points), in order.
export function marksHTML(text, length, starts, data) {
  if (!starts.length) return "";
  const bounds = boundsOf(starts, length);
  return render(text, unitsOf(text), data.k, decode(data.m), bounds, 0, bounds.length - 1);
}

// One article text's marks: its plain blocks, drawn one by one.
class Marks {
  constructor(container, data) {
    this.container = container;
    this.kinds = data.k;
    this.spans = decode(data.m);
    const blocks = [...container.children];
    this.plain = new WeakSet(blocks);
    this.bounds = boundsOf(blocks.map((block) => Number(block.dataset.o)), Number(container.dataset.length));
    this.texts = blocks.map((block) => block.textContent);
    // The spans touching each block, in marks() order (a span may cross blocks).
    this.inBlock = this.bounds.map(() => []);
    let block = 0;
    for (const span of this.spans) {
      while (block + 1 < this.bounds.length && this.bounds[block + 1][0] <= span.start) block += 1;
      for (let b = block; b < this.bounds.length && this.bounds[b][0] < span.end; b += 1) {
        this.inBlock[b].push(span);
      }
    }
    this.left = new Set(this.bounds.keys());
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) this.draw(Number(entry.target.id.slice(4)));
      }
    }, { rootMargin: AHEAD });
    for (const element of blocks) this.observer.observe(element);
  }

  // Draw block i, unless drawn already or replaced by a server's answer (drawn, and newer).
  draw(i) {
    if (!this.left.delete(i)) return;
    const element = document.getElementById(`blk-${i}`);
    if (!element || !this.plain.has(element) || !this.container.contains(element)) return;
    this.observer.unobserve(element);
    const text = this.texts[i];
    const [lo] = this.bounds[i];
    const unit = unitsOf(text);
    element.outerHTML = render(text, (n) => unit(n - lo), this.kinds, this.inBlock[i], this.bounds, i, i);
  }

  drawAll() {
    for (const i of [...this.left]) this.draw(i);
  }

  // Draw the blocks holding a mark of `ref` in `layer` ("tags", "sug").
  drawWith(layer, ref) {
    if (!this.left.size) return;
    if (!this.blocksOf) {
      this.blocksOf = new Map(); // "layer ref" → the blocks its marks touch
      this.inBlock.forEach((spans, i) => {
        for (const span of spans) {
          if (span.ref === 0) continue;
          const key = `${this.kinds[span.kind][0]} ${span.ref}`;
          if (!this.blocksOf.has(key)) this.blocksOf.set(key, []);
          this.blocksOf.get(key).push(i);
        }
      });
    }
    for (const i of this.blocksOf.get(`${layer} ${ref}`) ?? []) this.draw(i);
  }

  // Draw, before the first paint, the blocks on or near the screen as it opens.
  drawNearScreen() {
    const reach = window.innerHeight * 2;
    for (const element of [...this.container.children]) {
      const { top, bottom } = element.getBoundingClientRect();
      if (top > reach) break;
      if (bottom > -window.innerHeight) this.draw(Number(element.id.slice(4)));
    }
  }
}

let current = null;

// Take over an article text that has not been taken yet; true when it did.
export function drawText(container) {
  const source = container && document.getElementById(container.dataset.marks || "");
  if (!source || container.hasAttribute("data-drawn")) return false;
  container.setAttribute("data-drawn", "");
  current?.observer.disconnect();
  current = new Marks(container, JSON.parse(source.textContent));
  current.drawNearScreen();
  return true;
}

const take = () => drawText(document.getElementById("article-text"));
take();
// A swapped reader (another layer, an article done processing) arrives undrawn.
document.addEventListener("htmx:afterSwap", take);
document.addEventListener("marks:need", (event) => {
  if (!current?.container.isConnected) return;
  const { all, layer, ref } = event.detail || {};
  if (all) current.drawAll();
  else if (layer && ref !== undefined) current.drawWith(layer, String(ref));
});
