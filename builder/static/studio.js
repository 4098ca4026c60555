// Tremplin studio, with htmx: once an « Ajouter » form (a new step, a new outcome) has
// done its work, empty it. htmx morphs the editor in place and would keep what was typed
// (a second click would add the same step again); without JavaScript the page reloads,
// empty. A refused form keeps what was typed.
document.addEventListener("htmx:after:request", (event) => {
  const form = event.target instanceof Element ? event.target.closest("form.add-form") : null;
  const response = event.detail && event.detail.ctx && event.detail.ctx.response;
  if (form && response && response.status < 400) {
    form.reset();
  }
});

// What comes next after an edit, named by the server (HX-Trigger): a new question's form
// opens in place (its « Modifier » link, which htmx enhances), a new outcome's condition
// page opens. Without JavaScript the person clicks these themselves.
document.addEventListener("tremplin:open", (event) => {
  const link = document.querySelector(`${event.detail.value || event.detail} .edit-link`);
  if (link) link.click();
});
document.addEventListener("tremplin:visit", (event) => {
  const url = event.detail.value || event.detail;
  if (typeof url === "string" && url.startsWith("/")) window.location.assign(url);
});

// Drag a block to another place, in its step or another one (« Monter », « Descendre » and
// « Déplacer vers une autre étape » stay in « Plus d'actions », for the keyboard and
// without JavaScript). The drop posts the block's own menu form (its token and revision)
// to its move address, with the step and the position it was dropped at.
(() => {
  let dragged = null;
  const blockOf = (node) => (node instanceof Element ? node.closest("li.editor-block") : null);
  const listOf = (node) => (node instanceof Element ? node.closest("ol.editor-blocks") : null);
  const clearMarks = () => document.querySelectorAll(".is-drop-target").forEach((el) => el.classList.remove("is-drop-target"));
  document.addEventListener("pointerdown", (event) => {
    const block = blockOf(event.target);
    const interactive = event.target instanceof Element && event.target.closest("a, button, input, select, textarea, summary, form.block-form");
    if (block && block.querySelector("form.more-actions__menu")) block.draggable = !interactive;
  });
  document.addEventListener("dragstart", (event) => {
    dragged = blockOf(event.target);
    if (!dragged) return;
    dragged.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.id);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragged");
    dragged = null;
    clearMarks();
  });
  document.addEventListener("dragover", (event) => {
    const list = listOf(event.target);
    if (!dragged || !list) return;
    event.preventDefault();
    clearMarks();
    (blockOf(event.target) || list).classList.add("is-drop-target");
  });
  document.addEventListener("drop", (event) => {
    const list = listOf(event.target);
    if (!dragged || !list) return;
    event.preventDefault();
    const before = blockOf(event.target);
    const others = [...list.querySelectorAll(":scope > li.editor-block")].filter((li) => li !== dragged);
    const position = before && before !== dragged ? others.indexOf(before) : others.length;
    const form = dragged.querySelector("form.more-actions__menu");
    clearMarks();
    if (form && window.htmx) {
      window.htmx.ajax("POST", form.getAttribute("action"), {source: form, target: "#editeur", swap: "outerMorph",
                                                             values: {to_step: list.dataset.step, position: String(position)}});
    }
  });
})();
