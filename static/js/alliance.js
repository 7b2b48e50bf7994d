// Starts NHS.UK frontend's components. The module's (hashed) address comes from a meta tag,
// so no inline script is needed under the Content Security Policy.
const meta = document.querySelector('meta[name="nhsuk-frontend-module"]');
if (meta) {
  import(meta.content).then((nhsuk) => nhsuk.initAll());
}
