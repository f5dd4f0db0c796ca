// The inventory list: columns a person shows or hides (remembered in this browser), the filter
// panel on narrow screens, the buttons that open the purchase form, and the bulk actions on the
// rows selected on this page (POST /api/purchases/bulk; the page reloads after each).
document.addEventListener("alpine:init", () => {
  const COLUMNS_KEY = "spends.inventory.columns";
  const FLASH_KEY = "spends.flash";

  window.Alpine.data("inventoryTable", () => ({
    columns: [],
    shown: {},
    columnsOpen: false,
    filtersOpen: false,
    selected: [],
    bulkTagName: "",
    bulkBusy: false,
    confirmingBulkDelete: false,

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

    // Selection and bulk actions

    pageIds() {
      return Array.from(this.$root.querySelectorAll("td.cell-select input[type=checkbox]"), (box) => box.value);
    },
    isSelected(id) {
      return this.selected.includes(id);
    },
    toggleRow(event) {
      const id = event.target.value;
      this.selected = event.target.checked
        ? [...this.selected.filter((item) => item !== id), id]
        : this.selected.filter((item) => item !== id);
    },
    togglePage(event) {
      this.selected = event.target.checked ? this.pageIds() : [];
    },
    clearSelection() {
      this.selected = [];
    },
    get allSelected() {
      const ids = this.pageIds();
      return ids.length > 0 && ids.every((id) => this.selected.includes(id));
    },
    get selectedCount() {
      return this.selected.length;
    },
    get selectedLabel() {
      const count = this.selected.length;
      return interpolate(ngettext("%(count)s selected", "%(count)s selected", count), { count }, true);
    },
    get bulkDeleteTitle() {
      const count = this.selected.length;
      return interpolate(ngettext("Delete %(count)s purchase?", "Delete %(count)s purchases?", count), { count }, true);
    },
    get bulkDeleteLabel() {
      const count = this.selected.length;
      return interpolate(
        ngettext("Yes, delete %(count)s purchase", "Yes, delete %(count)s purchases", count),
        { count },
        true,
      );
    },
    async bulk(action, extra = {}) {
      if (this.bulkBusy || !this.selected.length) return;
      this.bulkBusy = true;
      try {
        const answer = await window.api.post("purchases/bulk", { action, ids: this.selected, ...extra });
        window.sessionStorage.setItem(FLASH_KEY, answer.message);
        window.location.reload();
      } catch (error) {
        window.notify(interpolate(gettext("Not done: %(error)s"), { error: error.message }, true), "error");
        this.bulkBusy = false;
        this.confirmingBulkDelete = false;
      }
    },
    bulkTag() {
      if (!this.bulkTagName.trim()) {
        window.notify(gettext("Type the tag to add."), "error");
        return;
      }
      this.bulk("tag", { tag: this.bulkTagName });
    },
    bulkReceive() {
      this.bulk("receive");
    },
    askBulkDelete() {
      this.confirmingBulkDelete = true;
    },
    cancelBulkDelete() {
      this.confirmingBulkDelete = false;
    },
    bulkDelete() {
      this.bulk("delete");
    },

    add() {
      window.dispatchEvent(new CustomEvent("purchase-new"));
    },
    edit(id) {
      window.dispatchEvent(new CustomEvent("purchase-edit", { detail: { id } }));
    },
  }));
});
