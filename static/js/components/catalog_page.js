// Retailers and brands: add, rename in place, delete with the choice of what happens to the
// purchases that refer to the entry. The lists are rendered by the server and reloaded after each
// change (counts, totals and order stay the server's).
document.addEventListener("alpine:init", () => {
  window.Alpine.data("catalogPage", () => ({
    busy: false,
    newNames: { retailers: "", brands: "" },
    addErrors: { retailers: "", brands: "" },
    editingId: null,
    editingKind: null,
    editingName: "",
    draft: "",
    renameError: "",
    deleting: null,
    counting: false,

    async add(event) {
      const kind = event.currentTarget.dataset.kind;
      const name = this.newNames[kind].trim();
      this.addErrors[kind] = "";
      if (!name) {
        this.addErrors[kind] = "Enter a name.";
        return;
      }
      // Names ignore case; the API would answer with the existing entry rather than add one.
      const taken = this.listedNames(kind).find((listed) => listed.toLowerCase() === name.toLowerCase());
      if (taken) {
        this.addErrors[kind] = `"${taken}" is already in the list.`;
        return;
      }
      this.busy = true;
      try {
        const entry = await window.api.post(kind, { name });
        this.newNames[kind] = "";
        await this.refresh(kind);
        window.notify(`Added "${entry.name}".`, "success");
      } catch (error) {
        this.addErrors[kind] = error.fieldErrors ? error.fieldErrors().name || error.message : error.message;
      } finally {
        this.busy = false;
      }
    },

    listedNames(kind) {
      return Array.from(document.querySelectorAll(`#${kind}-list tr[data-name]`), (row) => row.dataset.name);
    },

    startRename(event) {
      const { kind, id, name } = event.currentTarget.dataset;
      this.editingKind = kind;
      this.editingId = id;
      this.editingName = name;
      this.draft = name;
      this.renameError = "";
      window.afterShown(() => {
        const input = document.getElementById(`rename-${id}`);
        input.focus();
        input.select();
      });
    },

    cancelRename() {
      const id = this.editingId;
      this.editingId = null;
      this.renameError = "";
      window.afterShown(() => this.focusRenameButton(id));
    },

    focusRenameButton(id) {
      const button = document.querySelector(`button[data-id="${id}"][aria-label^="Rename"]`);
      if (button) button.focus();
    },

    async saveRename() {
      const name = this.draft.trim();
      if (!name) {
        this.renameError = "Enter a name.";
        return;
      }
      if (name === this.editingName) {
        this.cancelRename();
        return;
      }
      this.busy = true;
      try {
        const entry = await window.api.put(`${this.editingKind}/${this.editingId}`, { name });
        const kind = this.editingKind;
        const id = this.editingId;
        this.editingId = null;
        this.renameError = "";
        await this.refresh(kind);
        this.focusRenameButton(id);
        window.notify(`Renamed "${this.editingName}" to "${entry.name}".`, "success");
      } catch (error) {
        // 409: another entry has the name; 422: the name is not acceptable.
        this.renameError = error.status === 422 ? error.fieldErrors().name || error.message : error.message;
      } finally {
        this.busy = false;
      }
    },

    async askDelete(event) {
      const { kind, singular, id, name, count } = event.currentTarget.dataset;
      this.deleting = { kind, singular, id, name, count: Number(count) };
      window.afterShown(() => this.$refs.deleteCancel.focus());
      // The page's count may be stale (a purchase added in another tab), and the API's delete
      // clears the reference on every purchase: ask for the count now, before anyone confirms.
      this.counting = true;
      try {
        const page = await window.api.get("purchases", { [`${singular}_id`]: id, limit: 1 });
        if (this.deleting && this.deleting.id === id) this.deleting = { ...this.deleting, count: page.total };
      } catch (error) {
        window.notify(`The purchases of "${name}" could not be counted: ${error.message}`, "error");
        this.closeDelete();
      } finally {
        this.counting = false;
      }
    },

    closeDelete() {
      if (!this.deleting || this.busy) return;
      const { kind, id } = this.deleting;
      this.deleting = null;
      this.$nextTick(() => this.focusAfterDelete(kind, id));
    },

    focusAfterDelete(kind, id) {
      const opener = document.querySelector(`button[data-id="${id}"][aria-label^="Delete"]`);
      (opener || document.getElementById(`new-${kind}`)).focus();
    },

    get deleteInUse() {
      return Boolean(this.deleting && this.deleting.count > 0);
    },
    get deleteSingular() {
      return this.deleting ? this.deleting.singular : "";
    },
    get deletePurchasesLabel() {
      if (!this.deleting) return "";
      return this.deleting.count === 1 ? "purchase" : `${this.deleting.count} purchases`;
    },
    get deleteTitle() {
      return this.deleting ? `Delete the ${this.deleting.singular} "${this.deleting.name}"?` : "";
    },
    get refusalMessage() {
      if (!this.deleting) return "";
      const { count, name, singular } = this.deleting;
      const used = count === 1 ? "1 purchase refers" : `${count} purchases refer`;
      return `"${name}" is not deleted: ${used} to it. A ${singular} in use stays unless you choose to clear it from those purchases.`;
    },
    get cancelLabel() {
      return this.deleteInUse ? `Keep "${this.deleting.name}"` : "Cancel";
    },
    get confirmLabel() {
      if (!this.deleting) return "";
      return this.deleteInUse ? `Keep the purchases, clear the ${this.deleting.singular}` : "Delete";
    },

    async confirmDelete() {
      const { kind, id, name, count, singular } = this.deleting;
      this.busy = true;
      try {
        // The API clears the reference on the purchases; the page asked first when there are any.
        await window.api.delete(`${kind}/${id}`);
        this.busy = false;
        this.deleting = null;
        await this.refresh(kind);
        this.focusAfterDelete(kind, id);
        const cleared = count === 0 ? "" : ` ${count === 1 ? "1 purchase has" : `${count} purchases have`} no ${singular} now.`;
        window.notify(`Deleted "${name}".${cleared}`, "success");
      } catch (error) {
        window.notify(error.message, "error");
      } finally {
        this.busy = false;
      }
    },

    async refresh(kind) {
      try {
        await window.spendsRefresh([`${kind}-list`]);
      } catch (error) {
        window.notify(error.message, "error");
      }
    },
  }));
});
