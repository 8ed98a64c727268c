// Workbench: turn a text selection into a tag, keyboard first.
//
// The browser counts UTF-16 units; the server counts code points. The conversion
// happens here and only here (codePoints): offsets leave this module in code points.
// Everything else (highlights, sidebar rows, counters) comes back from the server as
// htmx fragments.

const ARTICLE = "article-text";
const RESERVED_KEYS = new Set(["j", "k", "u"]);

let pending = null; // {start, end, quote, rect, state: "choosing" | "saving" | "failed"}
let currentTag = null;
let popover = null;

const article = () => document.getElementById(ARTICLE);
const readOnly = () => article()?.hasAttribute("data-read-only");

export function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function boundaryOffset(container, node, offset) {
  if (node === container) {
    if (offset >= container.childNodes.length) return Number(container.dataset.length);
    return Number(container.childNodes[offset].dataset?.o ?? 0);
  }
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = element?.closest(".blk");
  if (!block || !container.contains(block)) return null;
  const range = document.createRange();
  range.setStart(block, 0);
  range.setEnd(node, offset);
  return Number(block.dataset.o) + codePoints(range.toString());
}

function readSelection() {
  const container = article();
  const selection = window.getSelection();
  if (!container || !selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) {
    return null;
  }
  const start = boundaryOffset(container, range.startContainer, range.startOffset);
  const end = boundaryOffset(container, range.endContainer, range.endOffset);
  const quote = range.toString();
  if (start === null || end === null || end <= start || !quote.trim()) return null;
  return { start, end, quote, rect: range.getBoundingClientRect(), state: "choosing" };
}

function labels() {
  return [...document.querySelectorAll(".toolbar [data-label-id]")].map((chip) => ({
    id: chip.dataset.labelId,
    key: (chip.dataset.key || "").toLowerCase(),
    name: chip.querySelector(".chip-name").textContent,
    category: [...chip.classList].find((c) => c.startsWith("cat-")),
  }));
}

function ensurePopover() {
  if (popover?.isConnected) return popover;
  popover = document.createElement("div");
  popover.id = "tag-popover";
  popover.className = "popover";
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-label", "Tag the selection");
  popover.hidden = true;
  document.body.append(popover);
  return popover;
}

function place(element, rect) {
  element.style.left = `${Math.max(8, rect.left + window.scrollX)}px`;
  element.style.top = `${rect.bottom + window.scrollY + 8}px`;
}

function button(text, onClick, className = "") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  element.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  element.addEventListener("click", onClick);
  return element;
}

function showChoices() {
  const box = ensurePopover();
  box.replaceChildren();
  for (const label of labels()) {
    const chip = button(label.name, () => create(label.id), `label-chip ${label.category}`);
    if (label.key) {
      const kbd = document.createElement("kbd");
      kbd.textContent = label.key.toUpperCase();
      chip.append(" ", kbd);
    }
    box.append(chip);
  }
  const hint = document.createElement("span");
  hint.className = "popover-hint";
  hint.textContent = "Esc cancels";
  box.append(hint);
  place(box, pending.rect);
  box.hidden = false;
}

function showState(state, message) {
  const box = ensurePopover();
  pending.state = state;
  box.replaceChildren();
  const line = document.createElement("span");
  line.className = `save-state state-${state}`;
  line.setAttribute("role", state === "failed" ? "alert" : "status");
  line.textContent = message;
  box.append(line);
  if (state === "failed") {
    box.append(
      button("Retry", () => create(pending.labelId)),
      button("Cancel", () => hidePopover(true)),
    );
  }
  box.hidden = false;
}

function hidePopover(clearSelection = false) {
  if (popover) popover.hidden = true;
  pending = null;
  if (clearSelection) window.getSelection()?.removeAllRanges();
}

function csrfHeaders() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  } catch {
    return {};
  }
}

async function post(url, values) {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...csrfHeaders(), "HX-Request": "true" },
    body: new URLSearchParams(values),
    credentials: "same-origin",
  });
  return { ok: response.ok, status: response.status, body: await response.text(), response };
}

function swapFragments(html) {
  window.htmx.swap("#tag-editor", html, { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
}

async function create(labelId) {
  if (!pending || pending.state === "saving" || readOnly()) return;
  pending.labelId = labelId;
  const { start, end, quote } = pending;
  const snap = document.getElementById("snap-words");
  showState("saving", "Saving…");
  let result;
  try {
    result = await post(article().dataset.createUrl, {
      label: labelId,
      start,
      end,
      quote,
      snap: snap && !snap.checked ? "0" : "1",
    });
  } catch {
    showState("failed", "Not saved: the server could not be reached.");
    return;
  }
  if (!result.ok) {
    showState("failed", `Not saved: ${result.body || `error ${result.status}`}`);
    return;
  }
  swapFragments(result.body);
  const saved = JSON.parse(result.response.headers.get("HX-Trigger") || "{}")["tag-saved"];
  hidePopover(true);
  if (saved) setCurrent(String(saved.id), { scroll: false });
  refreshSummary();
}

function tagOrder() {
  const seen = new Set();
  for (const segment of article().querySelectorAll("[data-tags]")) {
    for (const id of segment.dataset.tags.split(" ")) seen.add(id);
  }
  return [...seen];
}

function segmentsOf(id) {
  return article().querySelectorAll(`[data-tags~="${CSS.escape(id)}"]`);
}

function setCurrent(id, { scroll = true } = {}) {
  for (const old of article().querySelectorAll(".is-current")) old.classList.remove("is-current");
  currentTag = id;
  const segments = segmentsOf(id);
  for (const segment of segments) segment.classList.add("is-current");
  if (scroll) segments[0]?.scrollIntoView({ block: "center" });
  for (const row of document.querySelectorAll(".tag-row.is-current")) {
    row.classList.remove("is-current");
  }
  document.getElementById(`tag-row-${id}`)?.classList.add("is-current");
}

function openEditor(id) {
  // On another annotator's layer the server answers with the editor read-only.
  const url = article().dataset.tagUrl.replace(/\/0\/$/, `/${id}/`);
  window.htmx.ajax("GET", url, { target: "#tag-editor", swap: "innerHTML" });
}

function chooseAmong(ids, rect) {
  const box = ensurePopover();
  box.replaceChildren();
  const title = document.createElement("span");
  title.className = "popover-hint";
  title.textContent = "Which tag?";
  box.append(title);
  for (const id of ids) {
    const row = document.getElementById(`tag-row-${id}`);
    const name = row?.querySelector(".row-label")?.textContent ?? "Tag";
    const quote = row?.querySelector(".row-quote")?.textContent ?? "";
    const category = row ? [...row.classList].find((c) => c.startsWith("cat-")) : "";
    box.append(
      button(`${name}: ${quote.slice(0, 50)}`, () => {
        box.hidden = true;
        setCurrent(id, { scroll: false });
        openEditor(id);
      }, `choice ${category}`),
    );
  }
  place(box, rect);
  box.hidden = false;
  box.querySelector("button")?.focus();
}

function isTyping(target) {
  return target.closest?.("input, textarea, select, [contenteditable]");
}

function afterSelection() {
  if (readOnly()) return;
  const selection = readSelection();
  if (!selection) {
    if (pending?.state === "choosing") hidePopover();
    return;
  }
  if (pending && pending.state !== "choosing") return; // a save is under way or failed
  pending = selection;
  showChoices();
}

document.addEventListener("mouseup", (event) => {
  if (event.target.closest("#tag-popover")) return;
  if (article()?.contains(event.target)) setTimeout(afterSelection, 0);
});

document.addEventListener("keyup", (event) => {
  if (event.shiftKey && article()?.contains(window.getSelection()?.anchorNode)) afterSelection();
});

document.addEventListener("click", (event) => {
  const container = article();
  if (!container) return;
  const opener = event.target.closest("[data-tag-open]");
  if (opener) {
    event.preventDefault();
    setCurrent(opener.dataset.tagOpen);
    openEditor(opener.dataset.tagOpen);
    return;
  }
  if (event.target.closest("[data-editor-close]")) {
    document.getElementById("tag-editor").replaceChildren();
    return;
  }
  const segment = event.target.closest("[data-tags]");
  if (!segment && window.getSelection().isCollapsed) {
    // A suggestion (dashed) that is not a tag yet: go to its row to accept or dismiss it.
    const suggested = event.target.closest("[data-sug]");
    if (suggested && container.contains(suggested)) focusSuggestion(suggested.dataset.sug);
  }
  if (!segment || !container.contains(segment) || !window.getSelection().isCollapsed) return;
  const ids = segment.dataset.tags.split(" ");
  if (ids.length === 1) {
    setCurrent(ids[0], { scroll: false });
    openEditor(ids[0]);
  } else {
    chooseAmong(ids, segment.getBoundingClientRect());
  }
});

document.addEventListener("keydown", (event) => {
  if (!article()) return;
  if (event.key === "Escape") {
    if (popover && !popover.hidden) hidePopover(true);
    else document.getElementById("tag-editor")?.replaceChildren();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  const key = event.key.toLowerCase();
  if (pending?.state === "choosing" || pending?.state === "failed") {
    const label = labels().find((l) => l.key && l.key === key && !RESERVED_KEYS.has(key));
    if (label) {
      event.preventDefault();
      create(label.id);
    }
    return;
  }
  if (key === "j" || key === "k") {
    const order = tagOrder();
    if (!order.length) return;
    const at = order.indexOf(currentTag);
    const next = key === "j" ? (at + 1) % order.length : (at <= 0 ? order.length : at) - 1;
    setCurrent(order[next]);
    event.preventDefault();
  } else if (key === "enter" && currentTag && !event.target.closest("button, a")) {
    openEditor(currentTag);
    event.preventDefault();
  } else if (key === "u") {
    document.querySelector("[data-undo]")?.click();
  }
});

// Toolbar chips tag the current selection when clicked.
document.addEventListener("mousedown", (event) => {
  if (event.target.closest(".toolbar [data-label-id]")) event.preventDefault();
});
document.addEventListener("click", (event) => {
  const chip = event.target.closest(".toolbar [data-label-id]");
  if (!chip) return;
  if (!pending) pending = readSelection();
  if (pending) create(chip.dataset.labelId);
});

// The layer switch shows another annotator's tags as soon as one is picked.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form) form.requestSubmit();
});

// Editor saves show their state inline; a failed save keeps what was typed and offers a retry.
document.addEventListener("htmx:beforeRequest", (event) => {
  const state = event.detail.elt.closest?.("form[data-autosave]")?.querySelector("[data-save-state]");
  if (state) {
    state.textContent = "Saving…";
    state.className = "save-state state-saving";
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) return;
  const elt = event.detail.elt;
  const message = event.detail.xhr?.responseText || "the server could not be reached";
  const form = elt.closest?.("form[data-autosave]");
  const state = form?.querySelector("[data-save-state]");
  if (state) {
    state.className = "save-state state-failed";
    state.textContent = `Not saved: ${message} `;
    state.append(button("Retry", () => window.htmx.trigger(form, "change")));
  } else {
    const notice = document.getElementById("notice");
    if (notice) {
      notice.textContent = message;
      notice.hidden = false;
    }
  }
});
document.addEventListener("htmx:afterSettle", () => {
  const notice = document.getElementById("notice");
  if (notice && !notice.hidden) notice.hidden = true;
});

function focusSuggestion(ids) {
  const row = ids.split(" ").map((id) => document.getElementById(`sug-row-${id}`)).find(Boolean);
  if (!row) return;
  row.closest("details")?.setAttribute("open", "");
  row.scrollIntoView({ block: "nearest" });
  row.querySelector(".sug-accept")?.focus({ preventScroll: true });
}

// "Sources and voice": loaded when opened, and again after each saved change while open.
function refreshSummary() {
  const panel = document.getElementById("summary-panel");
  if (panel?.open) window.htmx.ajax("GET", panel.dataset.summaryUrl, { target: "#summary-body", swap: "outerHTML" });
}
document.addEventListener("toggle", (event) => {
  if (event.target.id === "summary-panel") refreshSummary();
}, true);
document.body.addEventListener("tag-saved", refreshSummary);
