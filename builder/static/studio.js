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
