// The inventory list: columns a person shows or hides (remembered in this browser), the filter
// panel on narrow screens, and the buttons that open the purchase form.
document.addEventListener("alpine:init", () => {
  const COLUMNS_KEY = "spends.inventory.columns";
  const FLASH_KEY = "spends.flash";

  window.Alpine.data("inventoryTable", () => ({
    columns: [],
    shown: {},
    columnsOpen: false,
    filtersOpen: false,

    init() {
      this.columns = JSON.parse(document.getElementById("inventory-columns").textContent);
      let saved = {};
      try {
        saved = JSON.parse(window.localStorage.getItem(COLUMNS_KEY)) || {};
      } catch (error) {
        saved = {};
      }
      for (const column of this.columns) {
        this.shown[column.key] = column.key in saved ? Boolean(saved[column.key]) : column.shown;
      }
      this.filtersOpen = this.$el.dataset.filtersOpen === "true";
      this.applyColumns();
      // A message from the form before it reloaded the page ("Added …"); the toasts component
      // starts after this one, hence the delay.
      const flash = window.sessionStorage.getItem(FLASH_KEY);
      if (flash) {
        window.sessionStorage.removeItem(FLASH_KEY);
        window.setTimeout(() => window.notify(flash, "success"), 0);
      }
    },

    isShown(key) {
      return Boolean(this.shown[key]);
    },
    toggleColumn(key) {
      this.shown[key] = !this.shown[key];
      window.localStorage.setItem(COLUMNS_KEY, JSON.stringify(this.shown));
      this.applyColumns();
    },
    resetColumns() {
      for (const column of this.columns) this.shown[column.key] = column.shown;
      window.localStorage.removeItem(COLUMNS_KEY);
      this.applyColumns();
    },
    applyColumns() {
      for (const cell of this.$root.querySelectorAll("[data-col]")) {
        const key = cell.dataset.col;
        if (key in this.shown) cell.classList.toggle("d-none", !this.shown[key]);
      }
    },
    toggleColumns() {
      this.columnsOpen = !this.columnsOpen;
    },
    closeColumns() {
      this.columnsOpen = false;
    },
    get columnsClass() {
      return this.columnsOpen ? "show" : "";
    },
    toggleFilters() {
      this.filtersOpen = !this.filtersOpen;
    },
    get filtersClass() {
      return this.filtersOpen ? "open" : "";
    },

    add() {
      window.dispatchEvent(new CustomEvent("purchase-new"));
    },
    edit(id) {
      window.dispatchEvent(new CustomEvent("purchase-edit", { detail: { id } }));
    },
  }));
});
