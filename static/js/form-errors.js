// When a form comes back with errors, start keyboard and screen reader users
// at the first field to fix. The error summary at the top works without this.
const firstInvalidField = document.querySelector('[aria-invalid="true"]');
if (firstInvalidField) {
  firstInvalidField.focus();
}
