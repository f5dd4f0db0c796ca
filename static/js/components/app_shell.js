// The page frame: the menu on narrow screens, the theme button, and the "/" search shortcut.
document.addEventListener("alpine:init", () => {
  const ICONS = { light: "bi-sun", dark: "bi-moon-stars", system: "bi-circle-half" };
  const NEXT = { light: "dark", dark: "system", system: "light" };
  // Functions: the catalogue (jsi18n) is read when the label is drawn.
  const THEMES = {
    light: () => pgettext("theme", "Light"),
    dark: () => pgettext("theme", "Dark"),
    system: () => pgettext("theme", "System"),
  };

  window.Alpine.data("appShell", () => ({
    menuOpen: false,
    theme: window.spendsTheme.chosen(),

    init() {
      window.addEventListener("theme-changed", (event) => {
        this.theme = event.detail;
      });
    },
    toggleMenu() {
      this.menuOpen = !this.menuOpen;
    },
    get menuClass() {
      return this.menuOpen ? "show" : "";
    },
    get themeIcon() {
      return ICONS[this.theme];
    },
    get themeLabel() {
      return interpolate(gettext("Theme: %(theme)s (click to change)"), { theme: THEMES[this.theme]() }, true);
    },
    cycleTheme() {
      window.spendsTheme.set(NEXT[this.theme]);
    },
    onKeydown(event) {
      const target = event.target;
      const typing = target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
      // The box belongs to its own component (search_box.js): found by its id.
      const search = document.getElementById("global-search");
      if (event.key === "/" && !typing && search) {
        event.preventDefault();
        search.focus();
      }
    },
  }));
});
