// One purchase's page (templates/purchases/purchase_detail.html): adding photos and files
// through the attachments API (the camera's input adds a photo), opening the purchase form on
// it, and deleting it after a confirmation. Changes reload the page, which the server draws.
document.addEventListener("alpine:init", () => {
  const FLASH_KEY = "spends.flash";

  window.Alpine.data("purchasePage", () => ({
    purchaseId: "",
    productName: "",
    uploading: false,
    uploadName: "",
    uploadError: "",
    confirmingDelete: false,
    deleting: false,

    init() {
      this.purchaseId = this.$root.dataset.purchaseId;
      this.productName = this.$root.dataset.product;
      // A message from before the page reloaded ("Attached …", "Saved …"); the toasts
      // component starts after this one, hence the delay.
      const flash = window.sessionStorage.getItem(FLASH_KEY);
      if (flash) {
        window.sessionStorage.removeItem(FLASH_KEY);
        window.setTimeout(() => window.notify(flash, "success"), 0);
      }
    },

    get uploadStatus() {
      return interpolate(gettext("Uploading %(name)s…"), { name: this.uploadName }, true);
    },

    edit() {
      window.dispatchEvent(new CustomEvent("purchase-edit", { detail: { id: this.purchaseId } }));
    },

    // The input's data-file-type says what the file is ("photo" for the camera); a file added
    // otherwise is a photo when it is an image, and "other" when it is not.
    async fileChosen(event) {
      const input = event.target;
      const file = input.files[0];
      input.value = "";
      if (!file) return;
      const fileType = input.dataset.fileType || (file.type.startsWith("image/") ? "photo" : "other");
      const form = new FormData();
      form.append("file", file, file.name);
      form.append("file_type", fileType);
      this.uploadError = "";
      this.uploading = true;
      this.uploadName = file.name;
      try {
        const attachment = await window.api.upload(`files/${this.purchaseId}`, form);
        window.sessionStorage.setItem(
          FLASH_KEY,
          interpolate(gettext("Attached “%(name)s”."), { name: attachment.filename }, true),
        );
        window.location.reload();
      } catch (error) {
        const words = error.status === 413
          ? gettext("“%(name)s” is too large: %(error)s")
          : gettext("“%(name)s” was not attached: %(error)s");
        this.uploadError = interpolate(words, { name: file.name, error: error.message }, true);
        this.uploading = false;
      }
    },

    askDelete() {
      this.confirmingDelete = true;
    },
    cancelDelete() {
      this.confirmingDelete = false;
    },
    async remove() {
      this.deleting = true;
      try {
        await window.api.delete(`purchases/${this.purchaseId}`);
        window.sessionStorage.setItem(
          FLASH_KEY,
          interpolate(gettext("Deleted “%(name)s”."), { name: this.productName }, true),
        );
        window.location.assign(this.$root.dataset.afterDelete);
      } catch (error) {
        window.notify(interpolate(gettext("Not deleted: %(error)s"), { error: error.message }, true), "error");
        this.deleting = false;
      }
    },
  }));
});
