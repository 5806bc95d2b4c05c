// "Use my location" (data-locate): shown only where the browser can tell its
// position. The position is rounded to 0.01 degree (about 1 km) here, before
// it leaves the device, put in the place box, and the form sent as if typed.
// The messages come from the button's data- attributes, in the page's words.
document.querySelectorAll("[data-locate]").forEach((button) => {
  if (!("geolocation" in navigator)) {
    return;
  }
  const form = button.form;
  const field = form.elements.near;
  const status = form.querySelector("[data-locate-status]");
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        field.value = `${latitude.toFixed(2)},${longitude.toFixed(2)}`;
        form.requestSubmit();
      },
      (error) => {
        button.disabled = false;
        const messages = {
          [error.PERMISSION_DENIED]: button.dataset.denied,
          [error.TIMEOUT]: button.dataset.timeout,
        };
        status.textContent = messages[error.code] || button.dataset.unavailable;
        field.focus();
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
    );
  });
});
