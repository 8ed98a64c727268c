// Reader page: entity-type toggles and "mark every mention of this entity".
// Delegated on document, so it keeps working after htmx swaps the reader.

document.addEventListener("change", (event) => {
  const toggle = event.target.closest("[data-ent-toggle]");
  if (!toggle) return;
  const text = document.getElementById("article-text");
  text?.classList.toggle(`hide-ent-${toggle.dataset.entToggle}`, !toggle.checked);
});

document.addEventListener("click", (event) => {
  const chip = event.target.closest("[data-ent-key]");
  if (!chip) return;
  const key = chip.dataset.entKey;
  const pressed = chip.getAttribute("aria-pressed") !== "true";
  for (const other of document.querySelectorAll("[data-ent-key][aria-pressed=true]")) {
    other.setAttribute("aria-pressed", "false");
  }
  for (const mark of document.querySelectorAll(".is-marked")) mark.classList.remove("is-marked");
  if (!pressed) return;
  chip.setAttribute("aria-pressed", "true");
  const mentions = document.querySelectorAll(`#article-text [data-ent~="${CSS.escape(key)}"]`);
  for (const mention of mentions) mention.classList.add("is-marked");
  mentions[0]?.scrollIntoView({ block: "center", behavior: "smooth" });
});
