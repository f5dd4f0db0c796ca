// The search box of the menu: a combobox (WAI-ARIA 1.2, list autocomplete) that suggests
// brands, retailers and product names from GET /api/search/suggestions while one types.
// Arrow keys move through the suggestions, Enter picks one (or submits what was typed),
// Escape closes the list, then clears the box. The form submits to the inventory's ?search=.
document.addEventListener("alpine:init", () => {
  const DELAY_MS = 200;
  const SHORTEST = 2;

  window.Alpine.data("searchBox", () => ({
    items: [],
    active: -1,
    open: false,
    timer: null,
    asked: 0,

    get expanded() {
      return this.open ? "true" : "false";
    },
    get listClass() {
      return this.open ? "show" : "";
    },
    get activeId() {
      return this.active >= 0 ? this.optionId(this.active) : "";
    },
    optionId(index) {
      return `global-search-option-${index}`;
    },
    optionClass(index) {
      return index === this.active ? "active" : "";
    },
    optionSelected(index) {
      return index === this.active ? "true" : "false";
    },
    kindLabel(item) {
      // Read when drawn: the catalogue may come after this file.
      const kinds = { brand: gettext("Brand"), retailer: gettext("Retailer"), product: gettext("Product") };
      return kinds[item.kind] || "";
    },

    typed() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), DELAY_MS);
    },
    async suggest() {
      const text = this.$refs.globalSearch.value.trim();
      const asked = ++this.asked;
      if (text.length < SHORTEST) {
        this.close();
        return;
      }
      let items;
      try {
        items = await window.api.get("/api/search/suggestions", { q: text, limit: 8 });
      } catch (error) {
        items = []; // suggestions are a help: the search itself still works
      }
      if (asked !== this.asked) return; // a later keystroke's answer is the one to show
      this.items = items.map((item, index) => ({ ...item, key: `${index}-${item.kind}-${item.text}` }));
      this.active = -1;
      this.open = this.items.length > 0;
    },
    close() {
      this.open = false;
      this.active = -1;
    },
    move(step) {
      if (!this.items.length) return;
      this.open = true;
      const count = this.items.length;
      this.active = this.active < 0 && step < 0 ? count - 1 : (this.active + step + count) % count;
    },
    pick(index) {
      const item = this.items[index];
      if (!item) return;
      this.$refs.globalSearch.value = item.text;
      this.close();
      this.$refs.globalSearch.form.requestSubmit();
    },
    pickClicked(event) {
      this.pick(Number(event.currentTarget.dataset.index));
    },
    onKeydown(event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        this.move(1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        this.move(-1);
      } else if (event.key === "Enter" && this.open && this.active >= 0) {
        event.preventDefault();
        this.pick(this.active);
      } else if (event.key === "Escape") {
        if (this.open) {
          event.preventDefault();
          this.close();
        } else {
          this.$refs.globalSearch.value = "";
        }
      }
    },
  }));
});
