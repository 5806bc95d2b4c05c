// "Print this list" buttons (data-print): hidden in the HTML because they need
// JavaScript; shown here, where they can work.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
