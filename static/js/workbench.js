// Workbench: turn a text selection into a tag, keyboard first.
//
// The browser counts UTF-16 units; the server counts code points. The conversion
// happens here and only here (codePoints): offsets leave this module in code points.
// Everything else (highlights, sidebar rows, counters) comes back from the server as
// htmx fragments.

const ARTICLE = "article-text";
const RESERVED_KEYS = new Set(["j", "k", "u"]);
const SAVING_SHOWN_AFTER_MS = 120;

let pending = null; // {start, end, quote, rect, state: "choosing" | "saving" | "failed"}
let currentTag = null;
let popover = null;
let exactGesture = false; // Alt held while selecting: this selection is taken exactly

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

// An answer's text blocks and counters carry no htmx behaviour: they replace their old
// selves directly. htmx's out-of-band path costs about 0.2 ms an element (3.5 of the
// 6.6 ms a create's answer took to swap on the long document); the rest goes through it.
const HTMX_BEHAVIOUR = "[hx-get],[hx-post],[hx-trigger],[hx-swap-oob],[hx-on],script";

function swapPlainParts(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  let replaced = false;
  for (const element of [...template.content.children]) {
    if (element.getAttribute("hx-swap-oob") !== "true" || !element.id) continue;
    const old = document.getElementById(element.id);
    if (!old || element.querySelector(HTMX_BEHAVIOUR)) continue;
    element.removeAttribute("hx-swap-oob");
    old.replaceWith(element);
    replaced = true;
  }
  return replaced ? template.innerHTML : html;
}

function swapAnswer(html, swapStyle) {
  const rest = swapPlainParts(html);
  window.htmx.swap("#tag-editor", rest, { swapStyle, swapDelay: 0, settleDelay: 0 });
}

function swapFragments(html) {
  swapAnswer(html, "innerHTML");
}

async function create(labelId) {
  if (!pending || pending.state === "saving" || readOnly()) return;
  pending.labelId = labelId;
  const { start, end, quote } = pending;
  const snap = document.getElementById("snap-words");
  // Saving from now on (a second key press waits), shown as such if the answer is slow:
  // most come within a frame or two, and redrawing the popover meanwhile only competes
  // with them for the processor.
  pending.state = "saving";
  const saving = pending;
  const slow = setTimeout(() => {
    if (pending === saving) showState("saving", "Saving…");
  }, SAVING_SHOWN_AFTER_MS);
  let result;
  try {
    result = await post(article().dataset.createUrl, {
      label: labelId,
      start,
      end,
      quote,
      snap: pending.exact || (snap && !snap.checked) ? "0" : "1",
    });
  } catch {
    showState("failed", "Not saved: the server could not be reached.");
    return;
  } finally {
    clearTimeout(slow);
  }
  if (!result.ok) {
    showState("failed", `Not saved: ${failureMessage(result)}`);
    return;
  }
  // The text first: the new highlight is painted without waiting for the editor, the
  // sidebar row and the undo bar, which are swapped in right after that paint.
  const rest = swapPlainParts(result.body);
  const saved = JSON.parse(result.response.headers.get("HX-Trigger") || "{}")["tag-saved"];
  const byKeyboard = cursorSelection && document.activeElement === article();
  hidePopover(true);
  afterPaint(() => {
    window.htmx.swap("#tag-editor", rest, { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
    if (saved) setCurrent(String(saved.id), { scroll: false });
    if (byKeyboard) focusEditorField();
    refreshSummary();
  });
}

// Run once the next frame is painted (or after 100 ms, should no frame come).
function afterPaint(run) {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      run();
    }
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 100);
}

// static/js/marks.js draws the text's blocks as they near the screen; what needs marks
// elsewhere in the text asks for them first (drawn at once).
function needMarks(detail) {
  document.dispatchEvent(new CustomEvent("marks:need", { detail }));
}

function tagOrder() {
  needMarks({ all: true });
  const seen = new Set();
  for (const segment of article().querySelectorAll("[data-tags]")) {
    for (const id of segment.dataset.tags.split(" ")) seen.add(id);
  }
  return [...seen];
}

function segmentsOf(id) {
  needMarks({ layer: "tags", ref: id });
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
  // After the tag's own pending saves, so that the editor shows what they stored.
  const saved = queues.get(String(id))?.idle() ?? Promise.resolve();
  saved.then(() => window.htmx.ajax("GET", url, { target: "#tag-editor", swap: "innerHTML" }));
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
    const shown = tagShown(id);
    const name = row?.querySelector(".row-label")?.textContent ?? shown.label;
    const quote = row?.querySelector(".row-quote")?.textContent ?? shown.quote;
    const category = row ? [...row.classList].find((c) => c.startsWith("cat-")) : shown.category;
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
  selection.exact = exactGesture;
  pending = selection;
  showChoices();
}

document.addEventListener("mouseup", (event) => {
  if (event.target.closest("#tag-popover")) return;
  exactGesture = event.altKey;
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
    closeEditor();
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
    if (document.querySelector("dialog[open]")) return; // the dialog closes itself
    if (popover && !popover.hidden) hidePopover(true);
    else if (document.querySelector("#tag-editor [data-editor-for]")) closeEditor();
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
    focusAfterOpen = true;
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

// Editor saves: one queue per tag. Saves of a tag go out one at a time, in order; changes
// made meanwhile are coalesced into the next save (the latest values), so the last value
// wins. Each save sends the version of the tag it was made on, and a stale one comes back
// 409 with the stored values (reload or overwrite). The editor's fields are never
// re-swapped while a change is waiting or on its way: only the text, rows and counters
// are. "Saved" means the server confirmed the values now in the form.
const TYPING_DELAY_MS = 800;
const queues = new Map(); // tag id → SaveQueue

// What the form would submit (the HTML entry list, for the controls the editor has), read
// from the form's own controls: new FormData(form) makes Chromium walk the whole document
// for the form's controls after each swap, 4 ms on the long document at every new editor.
function formValues(form) {
  const values = new FormData();
  for (const control of form.querySelectorAll("input, select, textarea")) {
    if (!control.name || control.form !== form || control.matches(":disabled")) continue;
    if (control.closest("datalist")) continue;
    if (control instanceof HTMLSelectElement) {
      for (const option of control.selectedOptions) {
        if (!option.disabled) values.append(control.name, option.value);
      }
      continue;
    }
    if (["submit", "button", "reset", "image", "file"].includes(control.type)) continue;
    if ((control.type === "checkbox" || control.type === "radio") && !control.checked) continue;
    values.append(control.name, control.value);
  }
  values.delete("version");
  return values;
}

function serialise(values) {
  const keys = [...new Set(values.keys())].sort();
  return JSON.stringify(keys.map((key) => [key, values.getAll(key)]));
}

function failureMessage(result) {
  if (!result) return "the server could not be reached.";
  const type = result.response?.headers.get("Content-Type") || "";
  if (type.startsWith("text/plain") && result.body) return result.body;
  if (result.status === 404) return "this tag no longer exists (deleted in another tab or window?).";
  if (result.status === 403) return "your session has expired; reload the page and log in.";
  if (result.status === 503) return "the server is unavailable; retry in a moment.";
  return `the server answered with error ${result.status}.`;
}

function editorOf(id) {
  return document.querySelector(`#tag-editor [data-editor-for="${CSS.escape(id)}"]`);
}

class SaveQueue {
  constructor(id, url, version) {
    this.id = id;
    this.url = url;
    this.version = version;
    this.values = null; // the latest values, not yet confirmed
    this.confirmed = ""; // serialised values the server last confirmed
    this.sending = false;
    this.wanted = false; // values changed since the last save went out
    this.timer = null;
    this.state = "idle"; // idle | saving | saved | failed | conflict
    this.waiters = [];
  }

  form() {
    return editorOf(this.id)?.querySelector("form[data-autosave]") ?? null;
  }

  // An editor for this tag was swapped in. A fresh one shows what the server has, unless
  // a save of it failed: then the unsaved values go back into it, still marked unsaved.
  adopt(form, version, { fresh }) {
    const held = this.values && (this.state === "failed" || this.state === "conflict");
    // Unsaved values keep the version they were made on: a retry must not overwrite.
    if (!held) this.version = Math.max(this.version, version);
    if (!fresh || this.busy()) return; // the same form, or one whose saves are under way
    if (held) {
      refill(form, this.values);
      this.state = "failed";
      this.wanted = false;
      this.show("failed", this.message);
      return;
    }
    this.confirmed = serialise(formValues(form));
    this.values = null;
    this.wanted = false;
    this.state = "idle";
  }

  // "Reload the tag": the user drops their values for the stored ones.
  discard() {
    this.values = null;
    this.wanted = false;
    this.state = "idle";
  }

  // A change is waiting or on its way (not one held back by a failure or a conflict).
  busy() {
    const held = this.state === "conflict" || this.state === "failed";
    return this.sending || this.timer !== null || (this.wanted && !held);
  }

  change(form, { typing = false } = {}) {
    this.values = formValues(form);
    this.wanted = true;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.state === "conflict") return; // waits for reload or overwrite
    this.state = "saving";
    this.show("saving");
    if (typing) this.timer = setTimeout(() => this.pump(), TYPING_DELAY_MS);
    else this.pump();
  }

  flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.pump();
    }
  }

  retry() {
    const form = this.form();
    if (form) this.values = formValues(form);
    if (!this.values) return;
    this.state = "saving";
    this.wanted = true;
    this.pump();
  }

  overwrite(version) {
    this.version = version;
    this.state = "saving";
    this.retry();
  }

  idle() {
    return this.busy() ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  async pump() {
    if (this.sending || !this.wanted || this.timer || this.state === "conflict") return;
    this.wanted = false;
    const sent = this.values;
    const body = new URLSearchParams(sent);
    body.set("version", String(this.version));
    this.sending = true;
    this.show("saving");
    let result = null;
    try {
      result = await post(this.url, body);
    } catch {
      result = null;
    }
    this.sending = false;
    if (result?.ok) this.confirm(result, sent);
    else if (result?.status === 409) this.conflict(result.body);
    else this.fail(failureMessage(result));
    if (this.wanted && this.state !== "conflict" && this.state !== "failed") {
      this.pump();
    } else if (!this.busy()) {
      for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  confirm(result, sent) {
    const saved = JSON.parse(result.response.headers.get("HX-Trigger") || "{}")["tag-saved"];
    if (saved?.version) this.version = saved.version;
    this.confirmed = serialise(sent);
    const form = this.form();
    const relabelled = form && sent.get("label") !== form.dataset.label;
    if (relabelled && !this.busy()) {
      // Another label has other attributes: this editor is out of date, take the new one.
      swapFragments(result.body);
    } else {
      swapAnswer(result.body, "none");
    }
    this.markVersion();
    this.state = this.busy() ? "saving" : "saved";
    this.show(this.state);
    refreshSummary();
  }

  conflict(html) {
    this.message = "this tag was changed in another tab or window; Retry to compare.";
    this.state = "conflict";
    this.wanted = this.values !== null;
    const slot = editorOf(this.id)?.querySelector("[data-conflict-slot]");
    if (slot) {
      window.htmx.swap(slot, html, { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
    } else {
      notify("A change was not saved: that tag was changed in another tab or window. Open it to compare.");
    }
    this.show("conflict");
  }

  fail(message) {
    this.message = message;
    this.state = "failed";
    this.wanted = false;
    this.show("failed", message);
  }

  markVersion() {
    const editor = editorOf(this.id);
    if (!editor) return;
    editor.dataset.version = String(this.version);
    for (const input of editor.querySelectorAll("[data-version-input]")) input.value = this.version;
  }

  // The state next to the fields: the form's line, and a failure by each unsaved field.
  show(state, message = "") {
    const form = this.form();
    if (!form) return;
    const line = form.querySelector("[data-save-state]");
    for (const old of form.querySelectorAll("[data-field-state]")) old.remove();
    line.className = `save-state state-${state}`;
    line.setAttribute("role", state === "failed" || state === "conflict" ? "alert" : "status");
    line.textContent = {
      idle: "",
      saving: "Saving…",
      saved: "Saved",
      conflict: "Not saved: changed in another tab or window (see above).",
      failed: `Not saved: ${message}`,
    }[state];
    if (state === "failed") {
      line.append(" ", button("Retry", () => this.retry()));
      for (const field of this.unsavedFields(form)) {
        const note = document.createElement("p");
        note.className = "field-state state-failed";
        note.dataset.fieldState = "";
        note.textContent = "Not saved ";
        note.append(button("Retry", () => this.retry()));
        field.append(note);
      }
    }
  }

  unsavedFields(form) {
    const confirmed = new Map(JSON.parse(this.confirmed || "[]"));
    const now = formValues(form);
    const fields = new Set();
    for (const name of new Set([...now.keys(), ...confirmed.keys()])) {
      if (JSON.stringify(now.getAll(name)) === JSON.stringify(confirmed.get(name) ?? [])) continue;
      const input = form.querySelector(`[name="${CSS.escape(name)}"]:not([type=hidden])`);
      const field = input?.closest(".field, fieldset");
      if (field) fields.add(field);
    }
    return fields;
  }
}

function queueFor(form) {
  const id = form.dataset.tag;
  let queue = queues.get(id);
  if (!queue) {
    const version = Number(form.closest("[data-version]")?.dataset.version || 0);
    queue = new SaveQueue(id, form.action, version);
    queue.adopt(form, version, { fresh: true });
    queues.set(id, queue);
  }
  return queue;
}

function refill(form, values) {
  for (const element of form.elements) {
    if (!element.name || element.type === "hidden") continue;
    const wanted = values.getAll(element.name);
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = wanted.includes(element.value);
    } else if (wanted.length) {
      element.value = wanted[0];
    }
  }
}

function flushAll() {
  for (const queue of queues.values()) queue.flush();
}

function notify(message) {
  const notice = document.getElementById("notice");
  if (notice) {
    notice.textContent = message;
    notice.hidden = false;
  }
}

// A new editor in the sidebar: remember the values and version it shows.
document.addEventListener("htmx:afterSwap", () => {
  const editor = document.querySelector("#tag-editor [data-editor-for]");
  const form = editor?.querySelector("form[data-autosave]");
  if (!form) return;
  const fresh = form.dataset.label === undefined;
  // The label the fields were drawn for: a save of another one brings a new editor.
  if (fresh) form.dataset.label = formValues(form).get("label") ?? "";
  queueFor(form).adopt(form, Number(editor.dataset.version), { fresh });
});

document.addEventListener("change", (event) => {
  const form = event.target.closest?.("form[data-autosave]");
  if (form) queueFor(form).change(form);
});
document.addEventListener("input", (event) => {
  const form = event.target.closest?.("form[data-autosave]");
  if (form && event.target.matches("textarea, input[type=text]")) {
    queueFor(form).change(form, { typing: true });
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest?.("form[data-autosave]");
  if (!form) return;
  event.preventDefault();
  queueFor(form).change(form);
});
document.addEventListener("click", (event) => {
  const reload = event.target.closest?.("[data-conflict-reload]");
  if (reload) queues.get(reload.closest("[data-conflict-for]").dataset.conflictFor)?.discard();
  const overwrite = event.target.closest?.("[data-conflict-overwrite]");
  if (!overwrite) return;
  const conflict = overwrite.closest("[data-conflict-for]");
  const queue = queues.get(conflict.dataset.conflictFor);
  conflict.remove();
  queue?.overwrite(Number(conflict.dataset.version));
});

// Deleting, linking, reloading a tag wait until its own changes are saved, so that they go
// out with its latest version and an answer never replaces fields about to be saved.
document.addEventListener("htmx:confirm", (event) => {
  const id = event.detail.elt.closest?.("[data-editor-for]")?.dataset.editorFor;
  const queue = id && queues.get(id);
  if (!queue?.busy()) return;
  event.preventDefault();
  queue.flush();
  queue.idle().then(() => {
    queue.markVersion();
    event.detail.issueRequest(true);
  });
});

// A stale delete or restore answers 409 with the stored values: show them in the editor.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr?.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  const xhr = event.detail.xhr;
  if (event.detail.successful || xhr?.status === 409) return;
  if (showSuggestionError(event.detail.elt, xhr)) return;
  const type = xhr?.getResponseHeader("Content-Type") || "";
  notify(
    type.startsWith("text/plain") && xhr.responseText
      ? xhr.responseText
      : `Not done: ${failureMessage(xhr?.status ? { status: xhr.status } : null)}`,
  );
});
document.addEventListener("htmx:afterSettle", () => {
  const notice = document.getElementById("notice");
  if (notice && !notice.hidden) notice.hidden = true;
});

// Leaving with a change not yet saved: send it now and ask before going.
window.addEventListener("beforeunload", (event) => {
  flushAll();
  if ([...queues.values()].some((q) => q.busy() || q.state === "failed" || q.state === "conflict")) {
    event.preventDefault();
  }
});

async function focusSuggestion(ids) {
  const find = () => ids.split(" ").map((id) => document.getElementById(`sug-row-${id}`)).find(Boolean);
  let row = find();
  // The list comes a page at a time: load the next pages until the row is there.
  for (let pages = 0; !row && pages < 100; pages += 1) {
    if (!(await loadMoreRows(document.getElementById("sug-list")))) break;
    row = find();
  }
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

// ---------------------------------------------------------------------------------------
// Keyboard only (issue 10): a word cursor in the text, focus where the next action is,
// link by picking the source in the text, the "?" list of keys.
// ---------------------------------------------------------------------------------------

const WORD = /[\p{L}\p{N}]+(?:['’\-.,][\p{L}\p{N}]+)*/gu;
let wordCache = null; // {length, words: [[start, end], …]} in UTF-16 units of textContent
let cursor = null; // {anchor, focus}: indexes into wordCache.words
let focusAfterOpen = false;
let cursorSelection = false; // the selection is the word cursor's (not the mouse's)
let linkMode = null; // {form, at}: picking the source of a link in the text

function words() {
  const text = article().textContent;
  if (wordCache?.length !== text.length) {
    wordCache = { length: text.length, text, words: [...text.matchAll(WORD)].map((m) => [m.index, m.index + m[0].length]) };
  }
  return wordCache.words;
}

function locate(target, isEnd) {
  const walker = document.createTreeWalker(article(), NodeFilter.SHOW_TEXT);
  let seen = 0;
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    if (isEnd ? target <= seen + length : target < seen + length) return [node, target - seen];
    seen += length;
    last = node;
  }
  return [last, last?.data.length ?? 0];
}

function firstWordInView() {
  const container = article();
  const block = [...container.querySelectorAll(".blk")].find((b) => b.getBoundingClientRect().bottom > 0);
  if (!block) return 0;
  const range = document.createRange();
  range.setStart(container, 0);
  range.setStartBefore(container.firstChild ?? container);
  range.setEndBefore(block);
  const offset = range.toString().length;
  const index = words().findIndex(([start]) => start >= offset);
  return Math.max(0, index);
}

function showCursor() {
  const list = words();
  if (!cursor || !list.length) return;
  const a = list[cursor.anchor];
  const f = list[cursor.focus];
  const range = document.createRange();
  range.setStart(...locate(Math.min(a[0], f[0]), false));
  range.setEnd(...locate(Math.max(a[1], f[1]), true));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  const end = cursor.focus >= cursor.anchor ? range.endContainer : range.startContainer;
  (end.parentElement ?? end).scrollIntoView?.({ block: "nearest" });
  exactGesture = false;
  if (pending?.state === "choosing") pending = null;
  afterSelection();
  cursorSelection = true;
}

function around(index, stops) {
  // The words between the nearest stops (sentence or clause ends) around word ``index``.
  const list = words();
  const text = wordCache.text;
  let first = index;
  while (first > 0 && !stops.test(text.slice(list[first - 1][1], list[first][0]))) first -= 1;
  let last = index;
  while (last < list.length - 1 && !stops.test(text.slice(list[last][1], list[last + 1][0]))) last += 1;
  return [first, last];
}

const SENTENCE_STOP = /[.!?…]|\n/;
const CLAUSE_STOP = /[.!?…,;:()—–]|\n|\s-\s/;

function keyboardSelect(event) {
  const list = words();
  if (!list.length) return false;
  if (!cursor) {
    const at = firstWordInView();
    cursor = { anchor: at, focus: at };
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") {
      if (event.key !== "." && event.key !== ",") return false;
    } else {
      showCursor();
      return true;
    }
  }
  const last = list.length - 1;
  if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
    const step = event.key === "ArrowRight" ? 1 : -1;
    const focus = Math.min(last, Math.max(0, cursor.focus + step));
    cursor = event.shiftKey ? { anchor: cursor.anchor, focus } : { anchor: focus, focus };
  } else if (event.key === "." || event.key === ",") {
    const [first, end] = around(cursor.focus, event.key === "." ? SENTENCE_STOP : CLAUSE_STOP);
    cursor = { anchor: first, focus: end };
  } else {
    return false;
  }
  showCursor();
  return true;
}

function closeEditor() {
  document.getElementById("tag-editor").replaceChildren();
  endLinkMode();
  article()?.focus({ preventScroll: true });
}

function focusEditorField() {
  const editor = document.querySelector("#tag-editor [data-editor-for]");
  const field = editor?.querySelector(".editor-form .field select, .editor-form .field input:not([type=hidden]), .editor-form textarea");
  (field ?? editor?.querySelector("button"))?.focus({ preventScroll: false });
}

function sourceIds() {
  return [...document.querySelectorAll("#tag-list-source [id^=tag-row-]")].map((row) => row.id.slice(8));
}

function startLinkMode(form) {
  linkMode = { form, at: -1 };
  article().classList.add("is-linking");
  notify("Pick the source: click its highlight, or press J/K to move to it and Enter to link. Esc cancels.");
  article().focus({ preventScroll: true });
}

function endLinkMode() {
  if (!linkMode) return;
  linkMode = null;
  article()?.classList.remove("is-linking");
  const notice = document.getElementById("notice");
  if (notice) notice.hidden = true;
}

function linkTo(id) {
  const form = linkMode?.form;
  endLinkMode();
  if (!form?.isConnected) return;
  const select = form.querySelector("select[name=to]");
  if (![...select.options].some((o) => o.value === id)) {
    const option = new Option(document.querySelector(`#tag-row-${CSS.escape(id)} .row-quote`)?.textContent ?? id, id);
    select.append(option);
  }
  select.value = id;
  form.requestSubmit();
}

// Runs before the workbench's own key handler: keys that belong to the cursor, the
// link picker and the "?" list.
document.addEventListener("keydown", (event) => {
  const container = article();
  if (!container || event.ctrlKey || event.metaKey || event.altKey) return;
  // Radio buttons and checkboxes take no letters: L and ? work from the editor's choices.
  const onChoice = event.target.matches?.("input[type=radio], input[type=checkbox]");
  if (isTyping(event.target) && !onChoice) return;
  const handled = () => {
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  if (event.key === "?") {
    const dialog = document.getElementById("keys-dialog");
    if (dialog && !dialog.open) {
      dialog.showModal();
      handled();
    }
    return;
  }
  if (linkMode) {
    const ids = sourceIds().filter((id) => id !== linkMode.form.closest("[data-editor-for]")?.dataset.editorFor);
    const key = event.key.toLowerCase();
    if (event.key === "Escape") {
      endLinkMode();
      linkModeReturnFocus();
      handled();
    } else if ((key === "j" || key === "k") && ids.length) {
      linkMode.at = key === "j" ? (linkMode.at + 1) % ids.length : (linkMode.at <= 0 ? ids.length : linkMode.at) - 1;
      setCurrent(ids[linkMode.at]);
      handled();
    } else if (event.key === "Enter" && linkMode.at >= 0) {
      linkTo(ids[linkMode.at]);
      handled();
    }
    return;
  }
  if (event.key.toLowerCase() === "l" && !(pending?.state === "choosing")) {
    const form = document.querySelector("#tag-editor .link-form");
    if (form) {
      startLinkMode(form);
      handled();
    }
    return;
  }
  if (event.target === container && !readOnly() && !(pending && pending.state !== "choosing")) {
    if (keyboardSelect(event)) handled();
  }
}, true);

function linkModeReturnFocus() {
  document.querySelector("#tag-editor [data-link-pick]")?.focus();
}

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-link-pick]")) {
    startLinkMode(event.target.closest(".link-form"));
    return;
  }
  if (event.target.closest("[data-keys-open]")) {
    document.getElementById("keys-dialog")?.showModal();
    return;
  }
  if (!linkMode) return;
  const segment = event.target.closest("#article-text [data-tags]");
  if (!segment) return;
  const sources = new Set(sourceIds());
  const id = segment.dataset.tags.split(" ").find((t) => sources.has(t));
  event.preventDefault();
  event.stopImmediatePropagation();
  if (id) linkTo(id);
  else notify("That is not a source. Click a source’s highlight, or press Esc.");
}, true);

// Focus lands where the next action is, after each answer that changed the editor.
document.addEventListener("htmx:afterSettle", (event) => {
  const elt = event.detail.requestConfig?.elt ?? event.detail.elt;
  if (!(elt instanceof Element) || event.detail.target?.id !== "tag-editor") return;
  if (window.matchMedia("(max-width: 60rem)").matches && currentTag) {
    // The editor is a bottom sheet here: keep the tag itself above it.
    segmentsOf(currentTag)[0]?.scrollIntoView({ block: "start" });
  }
  if (focusAfterOpen) {
    focusAfterOpen = false;
    focusEditorField();
  } else if (elt.matches(".link-form")) {
    // Linked: the new link (its Remove) confirms it, and Delete or Close are next.
    [...document.querySelectorAll("#tag-editor .link-remove")].pop()?.focus();
  } else if (elt.matches(".link-remove")) {
    (document.querySelector("#tag-editor .link-form select") ?? document.querySelector("#tag-editor .delete-form button"))?.focus();
  } else if (elt.matches(".delete-form")) {
    document.querySelector("#undo-bar [data-undo]")?.focus();
  } else if (elt.matches("[data-undo]")) {
    focusEditorField();
    if (!document.querySelector("#tag-editor [data-editor-for]")) article()?.focus();
  }
}, true);

// Touch: a selection made with the fingers (handles, long press) fires no mouseup; take it
// once it has stopped changing. A mouse drag is left to its mouseup.
let pointerDown = false;
let selectionTimer = null;
document.addEventListener("pointerdown", (event) => {
  if (event.pointerType === "mouse") pointerDown = true;
});
document.addEventListener("pointerup", (event) => {
  pointerDown = false;
  if (event.pointerType !== "mouse" && article()?.contains(event.target)) {
    exactGesture = event.altKey;
    setTimeout(afterSelection, 0);
  }
});
document.addEventListener("selectionchange", () => {
  if (pointerDown || document.activeElement === article()) return;
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(() => {
    const node = window.getSelection()?.anchorNode;
    if (node && article()?.contains(node)) afterSelection();
  }, 300);
});

let lastInputWasKey = false;
document.addEventListener("pointerdown", () => { cursorSelection = false; }, true);
// Only Tab into the text shows the cursor at once; focus given back (Esc) leaves J/K free.
document.addEventListener("keydown", (event) => { lastInputWasKey = event.key === "Tab"; }, true);
document.addEventListener("pointerdown", () => { lastInputWasKey = false; }, true);
document.addEventListener("focusin", (event) => {
  const container = article();
  if (event.target !== container || cursor || readOnly() || !lastInputWasKey) return;
  const at = firstWordInView();
  cursor = { anchor: at, focus: at };
  showCursor();
});
// Long documents (issue 11): one shared hover instead of a title per mark, sidebar lists
// loaded a page at a time, and a stale suggestion's error next to its row.

let tagInfoCache = { count: -1, info: {} };

// {tag id: [label id, values]} from the page's #tag-info, each write's patch appended.
function tagInfo() {
  const scripts = document.querySelectorAll("#tag-info > script, #tag-info > div > script");
  if (scripts.length !== tagInfoCache.count) {
    const info = {};
    for (const script of scripts) {
      try {
        Object.assign(info, JSON.parse(script.textContent));
      } catch {
        // a damaged patch changes nothing
      }
    }
    tagInfoCache = { count: scripts.length, info };
  }
  return tagInfoCache.info;
}

function labelChip(labelId) {
  return document.querySelector(`.toolbar [data-label-id="${CSS.escape(String(labelId))}"]`);
}

function marksText(selector) {
  const text = [...article().querySelectorAll(selector)].map((m) => m.textContent).join("");
  const words = text.replace(/\s+/g, " ").trim();
  return words.length > 80 ? `${words.slice(0, 79)}…` : words;
}

// Label, category, words and values of one tag, as the hover and the chooser show them.
function tagShown(id) {
  const [labelId, values] = tagInfo()[id] ?? [];
  const chip = labelChip(labelId);
  const category = chip ? [...chip.classList].find((c) => c.startsWith("cat-")) ?? "" : "";
  return {
    label: chip?.querySelector(".chip-name")?.textContent ?? "Tag",
    category,
    values: values ?? "",
    quote: (needMarks({ layer: "tags", ref: id }), marksText(`[data-tags~="${CSS.escape(id)}"]`)),
  };
}

let markHover = null;

function ensureMarkHover() {
  if (markHover?.isConnected) return markHover;
  markHover = document.createElement("div");
  markHover.id = "mark-hover";
  markHover.className = "mark-hover";
  markHover.setAttribute("role", "tooltip");
  markHover.hidden = true;
  document.body.append(markHover);
  return markHover;
}

function hoverLines(mark) {
  const lines = [];
  const state = readOnly() ? "read-only" : "saved";
  for (const id of mark.dataset.tags?.split(" ") ?? []) {
    const shown = tagShown(id);
    lines.push([`${shown.label}${shown.values ? `: ${shown.values}` : ""} · ${state}`, shown.quote]);
  }
  for (const id of mark.dataset.sug?.split(" ") ?? []) {
    const initial = [...mark.classList].find((c) => /^s[csf]$/.test(c))?.[1];
    const category = { c: "claim", s: "source", f: "framing" }[initial] ?? "";
    needMarks({ layer: "sug", ref: id });
    lines.push([`Suggested ${category} · not yours until accepted`, marksText(`[data-sug~="${CSS.escape(id)}"]`)]);
  }
  for (const type of [...mark.classList].filter((c) => c.startsWith("ent-"))) {
    const swatch = document.querySelector(`.legend .swatch.${CSS.escape(type)}`);
    lines.push([`Entity: ${swatch?.textContent ?? type.slice(4)}`, ""]);
  }
  return lines;
}

function showMarkHover(mark) {
  const lines = hoverLines(mark);
  if (!lines.length) return hideMarkHover();
  const box = ensureMarkHover();
  box.replaceChildren(
    ...lines.map(([head, quote]) => {
      const line = document.createElement("p");
      line.textContent = head;
      if (quote) {
        const words = document.createElement("span");
        words.className = "hover-quote";
        words.textContent = ` “${quote}”`;
        line.append(words);
      }
      return line;
    }),
  );
  const rect = mark.getBoundingClientRect();
  box.style.left = `${Math.max(4, rect.left + window.scrollX)}px`;
  box.style.top = `${rect.bottom + window.scrollY + 4}px`;
  box.hidden = false;
  mark.setAttribute("aria-describedby", "mark-hover");
}

function hideMarkHover() {
  if (markHover) markHover.hidden = true;
}

function markAt(target) {
  const mark = target?.closest?.('[data-tags], [data-sug], [class*="ent-"]');
  return mark && article()?.contains(mark) ? mark : null;
}

document.addEventListener("mouseover", (event) => {
  const mark = markAt(event.target);
  if (mark) showMarkHover(mark);
  else if (markHover && !markHover.hidden && !event.target.closest?.("#mark-hover")) hideMarkHover();
});
document.addEventListener("focusin", (event) => {
  const mark = markAt(event.target);
  if (mark) showMarkHover(mark);
  else hideMarkHover();
});
document.addEventListener("scroll", hideMarkHover, { passive: true });
// J/K move the current tag: show what it is, as a hover would.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") return hideMarkHover();
  if (!["j", "k"].includes(event.key.toLowerCase()) || isTyping(event.target)) return;
  queueMicrotask(() => {
    const current = article()?.querySelector(".is-current");
    if (current) showMarkHover(current);
  });
});

// A sidebar list's "More" row: load it now; resolves false when there is none.
function loadMoreRows(list) {
  const more = list?.querySelector(":scope > .more-rows");
  if (!more) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      document.removeEventListener("htmx:afterSettle", done);
      resolve(true);
    };
    document.addEventListener("htmx:afterSettle", done);
    window.htmx.trigger(more, "click");
  });
}

// Rows inserted by a write may come again with a later page: keep the first of each.
// Once per answer, not once per swapped element (an answer settles up to a dozen).
let dedupeQueued = false;
document.addEventListener("htmx:afterSettle", () => {
  if (dedupeQueued) return;
  dedupeQueued = true;
  queueMicrotask(() => {
    dedupeQueued = false;
    for (const list of document.querySelectorAll(".tag-list, .sug-list")) {
      const seen = new Set();
      for (const row of list.querySelectorAll(":scope > li[id]")) {
        if (seen.has(row.id)) row.remove();
        else seen.add(row.id);
      }
    }
  });
});

// Accepting or dismissing a suggestion that failed: say why next to its row.
function showSuggestionError(element, xhr) {
  const row = element?.closest?.(".sug-row");
  if (!row) return false;
  const type = xhr?.getResponseHeader("Content-Type") || "";
  let message = row.querySelector(".sug-error");
  if (!message) {
    message = document.createElement("p");
    message.className = "sug-error";
    message.setAttribute("role", "alert");
    row.append(message);
  }
  message.textContent =
    type.startsWith("text/plain") && xhr.responseText
      ? xhr.responseText
      : `Not done: ${failureMessage(xhr?.status ? { status: xhr.status } : null)}`;
  return true;
}
