// The prep sheet's print button (system/jinja2/system/meeting_prep.html): hidden until this
// script runs, so that without JavaScript there is no button that does nothing.
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
