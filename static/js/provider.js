// A provider's page: open directions in the device's own maps app where we
// know one (Android: a geo: link; iPhone, iPad, Mac: Apple Maps), and share
// the listing. Without JavaScript, "Directions" opens the web map and "Share"
// stays hidden; nothing here sends anything to us or to anyone else.
const platform = navigator.userAgentData?.platform || navigator.userAgent;
document.querySelectorAll("[data-geo-href]").forEach((link) => {
  if (/Android/i.test(platform)) {
    link.href = link.dataset.geoHref;
  } else if (/iPhone|iPad|Mac/i.test(platform)) {
    link.href = link.dataset.appleHref;
  }
});

// "Share": the device's share sheet where there is one, else copy the link.
const shareStatus = document.querySelector("[data-share-status]");
document.querySelectorAll("[data-share]").forEach((button) => {
  const { url, title, copied, copyFailed } = button.dataset;
  if (!navigator.share && !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    if (navigator.share) {
      navigator.share({ title, url }).catch(() => {}); // closed without sharing
      return;
    }
    navigator.clipboard.writeText(url).then(
      () => { shareStatus.textContent = copied; },
      () => { shareStatus.textContent = copyFailed; },
    );
  });
});
