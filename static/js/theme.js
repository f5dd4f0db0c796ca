// Apply the remembered theme (light, dark or system) before the page paints.
// Loaded synchronously in <head>; app_shell.js and the settings page change it later.
(function () {
  const KEY = "spends-theme";
  const media = window.matchMedia("(prefers-color-scheme: dark)");

  function chosen() {
    const value = window.localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  }

  function apply() {
    const theme = chosen();
    const dark = theme === "dark" || (theme === "system" && media.matches);
    document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
  }

  window.spendsTheme = {
    chosen,
    set(theme) {
      window.localStorage.setItem(KEY, theme);
      apply();
      window.dispatchEvent(new CustomEvent("theme-changed", { detail: theme }));
    },
  };
  media.addEventListener("change", apply);
  apply();
})();
