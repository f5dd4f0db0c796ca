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
        this.addErrors[kind] = gettext("Enter a name.");
        return;
      }
      // Names ignore case; the API would answer with the existing entry rather than add one.
      const taken = this.listedNames(kind).find((listed) => listed.toLowerCase() === name.toLowerCase());
      if (taken) {
        this.addErrors[kind] = interpolate(gettext('"%(name)s" is already in the list.'), { name: taken }, true);
        return;
      }
      this.busy = true;
      try {
        const entry = await window.api.post(kind, { name });
        this.newNames[kind] = "";
        await this.refresh(kind);
        window.notify(interpolate(gettext('Added "%(name)s".'), { name: entry.name }, true), "success");
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
      const button = document.querySelector(`button[data-id="${id}"][data-action="rename"]`);
      if (button) button.focus();
    },

    async saveRename() {
      const name = this.draft.trim();
      if (!name) {
        this.renameError = gettext("Enter a name.");
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
        const renamed = interpolate(gettext('Renamed "%(old)s" to "%(new)s".'), { old: this.editingName, new: entry.name }, true);
        window.notify(renamed, "success");
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
        const words = gettext('The purchases of "%(name)s" could not be counted: %(error)s');
        window.notify(interpolate(words, { name, error: error.message }, true), "error");
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
      const opener = document.querySelector(`button[data-id="${id}"][data-action="delete"]`);
      (opener || document.getElementById(`new-${kind}`)).focus();
    },

    get deleteInUse() {
      return Boolean(this.deleting && this.deleting.count > 0);
    },
    // Whole sentences per kind: a retailer and a brand take different words (and genders)
    // in other languages.
    get retailer() {
      return Boolean(this.deleting && this.deleting.singular === "retailer");
    },
    get keepInsteadText() {
      if (!this.deleting) return "";
      const count = this.deleting.count;
      const words = this.retailer
        ? ngettext(
          "You can keep the purchase and clear its retailer instead: the purchase stays as it is, without one.",
          "You can keep the %(count)s purchases and clear their retailer instead: the purchases stay as they are, without one.",
          count)
        : ngettext(
          "You can keep the purchase and clear its brand instead: the purchase stays as it is, without one.",
          "You can keep the %(count)s purchases and clear their brand instead: the purchases stay as they are, without one.",
          count);
      return interpolate(words, { count }, true);
    },
    get deleteTitle() {
      if (!this.deleting) return "";
      const words = this.retailer ? gettext('Delete the retailer "%(name)s"?') : gettext('Delete the brand "%(name)s"?');
      return interpolate(words, { name: this.deleting.name }, true);
    },
    get refusalMessage() {
      if (!this.deleting) return "";
      const { count, name } = this.deleting;
      const words = this.retailer
        ? ngettext(
          '"%(name)s" is not deleted: %(count)s purchase refers to it. A retailer in use stays unless you choose to clear it from those purchases.',
          '"%(name)s" is not deleted: %(count)s purchases refer to it. A retailer in use stays unless you choose to clear it from those purchases.',
          count)
        : ngettext(
          '"%(name)s" is not deleted: %(count)s purchase refers to it. A brand in use stays unless you choose to clear it from those purchases.',
          '"%(name)s" is not deleted: %(count)s purchases refer to it. A brand in use stays unless you choose to clear it from those purchases.',
          count);
      return interpolate(words, { name, count }, true);
    },
    get cancelLabel() {
      return this.deleteInUse ? interpolate(gettext('Keep "%(name)s"'), { name: this.deleting.name }, true) : gettext("Cancel");
    },
    get confirmLabel() {
      if (!this.deleting) return "";
      if (!this.deleteInUse) return gettext("Delete");
      return this.retailer ? gettext("Keep the purchases, clear the retailer") : gettext("Keep the purchases, clear the brand");
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
        const deleted = interpolate(gettext('Deleted "%(name)s".'), { name }, true);
        const words = singular === "retailer"
          ? ngettext("%(count)s purchase has no retailer now.", "%(count)s purchases have no retailer now.", count)
          : ngettext("%(count)s purchase has no brand now.", "%(count)s purchases have no brand now.", count);
        window.notify(count === 0 ? deleted : `${deleted} ${interpolate(words, { count }, true)}`, "success");
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
