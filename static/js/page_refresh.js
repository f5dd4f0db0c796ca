// Parts of a server-rendered page brought up to date after a change made through the API: the
// page is fetched again and the named elements' contents are swapped in, so the rows are always
// rendered by the server (Alpine initialises the new elements itself).
(function () {
  window.spendsRefresh = async function refresh(ids) {
    const response = await fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) throw new Error(`The page could not be reloaded (${response.status}).`);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ids) {
      const current = document.getElementById(id);
      const replacement = fresh.getElementById(id);
      if (current && replacement) current.innerHTML = replacement.innerHTML;
    }
  };
})();
