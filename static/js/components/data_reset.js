// Delete all data, after the person typed DELETE; the answer names the restore point taken first.
document.addEventListener("alpine:init", () => {
  window.Alpine.data("dataReset", () => ({
    typed: "",
    busy: false,
    restorePointId: "",
    uploadsDeleted: 0,

    get confirmed() {
      return this.typed.trim() === "DELETE";
    },

    async reset() {
      if (!this.confirmed || this.busy) return;
      this.busy = true;
      try {
        // No body (docs/api.md §5.8): the typed word is this page's confirmation, not the API's.
        const answer = await window.api.post("data/reset-all");
        this.restorePointId = answer.restore_point_id;
        this.uploadsDeleted = answer.details.uploads_deleted;
        this.typed = "";
        window.notify(gettext("All data was deleted. A restore point was taken first."), "success");
        window.dispatchEvent(new CustomEvent("data-changed"));
      } catch (error) {
        window.notify(error.message, "error");
      } finally {
        this.busy = false;
      }
    },
  }));
});
