// The comparison page's keys: J/K move between rows, a digit accepts that coder's tag on
// the focused row, X removes the row's consensus tag. The focused row survives the swap.
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  const rows = [...document.querySelectorAll(".compare-row")];
  const current = document.activeElement?.closest(".compare-row");
  const key = event.key.toLowerCase();
  if (key === "j" || key === "k") {
    const at = rows.indexOf(current);
    const next = rows[Math.min(Math.max(at + (key === "j" ? 1 : -1), 0), rows.length - 1)];
    if (next) { next.focus(); event.preventDefault(); }
  } else if (current && /^[1-9]$/.test(key)) {
    current.querySelector(`.accept[data-coder="${key}"]`)?.click();
  } else if (current && key === "x") {
    current.querySelector(".remove")?.click();
  }
});
document.body.addEventListener("htmx:afterSwap", (event) => {
  const id = sessionStorage.getItem("compare-row");
  if (id) document.getElementById(id)?.focus();
});
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const row = event.target.closest(".compare-row");
  if (row) sessionStorage.setItem("compare-row", row.id);
});
