// Thumbnails that cannot be shown (content that is no image after all, a damaged file) give way
// to their type icon: the server answers 404 for them (docs/purchases.md §2). An image may fail
// before this script runs, hence the look at those already finished.
(function () {
  function failed(image) {
    const box = image.closest(".thumb-box");
    if (box) box.classList.add("failed");
    image.remove();
  }

  function watch(image) {
    if (image.complete && image.naturalWidth === 0) failed(image);
    else image.addEventListener("error", () => failed(image), { once: true });
  }

  function start() {
    for (const image of document.querySelectorAll("img[data-thumbnail]")) watch(image);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
