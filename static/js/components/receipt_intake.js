// "Add from receipt" and the receipts waiting for review (docs/receipts.md, "Reviewing drafts").
// A receipt dropped or chosen is kept as a draft (POST /api/receipts/drafts, with the upload's
// progress); its reading is awaited (GET /api/receipts/drafts/<id> about once a second, for a
// minute at most) and the purchase form opens prefilled with what was read, by the window event
// "purchase-from-receipt" (purchase_form_receipt.js). A reading that failed, a file that is not
// read, or one that takes too long opens the form empty, the file still kept with the draft.
// On the list of drafts, Review does the same for a draft kept already, and Dismiss deletes one.
document.addEventListener("alpine:init", () => {
  const FLASH_KEY = "spends.flash";
  // What the reading understands (receipts.extraction): PDF, photos, saved e-mails.
  const EXTENSIONS = [".pdf", ".jpg", ".jpeg", ".png", ".webp", ".eml"];
  const POLL_MS = 1000;
  const POLL_LIMIT = 60;
  // Read when a notice is shown, in the page's language (the catalogue, /jsi18n/).
  const NOTICES = {
    failed: () => gettext("The receipt could not be read: fill in the purchase yourself. The receipt is kept with it."),
    unsupported: () => gettext("This kind of file is not read: fill in the purchase yourself. The file is kept with it as its receipt."),
    pending: () => gettext("The receipt is still being read. Fill in the purchase yourself, or close this form and review the receipt later from the receipts waiting for review."),
    empty: () => gettext("Nothing could be read from this receipt: fill in the purchase yourself. The receipt is kept with it."),
  };

  const wait = (ms) => new Promise((resolve) => {
    window.setTimeout(resolve, ms);
  });

  function noticeOf(draft) {
    if (draft.reading !== "done") return (NOTICES[draft.reading] || NOTICES.failed)();
    const read = draft.suggestions || {};
    const found = ["merchant", "purchase_date", "total", "currency", "order_number"].some((name) => read[name]);
    return found || (read.items || []).length ? "" : NOTICES.empty();
  }

  // "840 KB", "1.5 MB", with the page's language's decimal sign and unit.
  function formatSize(bytes) {
    const language = document.documentElement.lang || undefined;
    if (bytes < 1024 * 1024) {
      const size = Math.round(bytes / 1024).toLocaleString(language);
      return interpolate(gettext("%(size)s KB"), { size }, true);
    }
    const size = (bytes / (1024 * 1024)).toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return interpolate(gettext("%(size)s MB"), { size }, true);
  }

  window.Alpine.data("receiptIntake", () => ({
    busy: false,
    dragging: false,
    uploading: false,
    progress: 0,
    status: "",
    error: "",
    confirmingId: null,
    dismissing: false,
    maxUploadBytes: 0,

    init() {
      const data = document.getElementById("purchase-form-data");
      this.maxUploadBytes = data ? JSON.parse(data.textContent).max_upload_bytes : 0;
      // The list of drafts shows the message the form left before it reloaded the page (the
      // inventory's table does it on its own page).
      if (this.$root.dataset.flash === "true") {
        const flash = window.sessionStorage.getItem(FLASH_KEY);
        if (flash) {
          window.sessionStorage.removeItem(FLASH_KEY);
          window.setTimeout(() => window.notify(flash, "success"), 0);
        }
      }
    },

    get dropClass() {
      return this.dragging ? "is-dragging" : "";
    },

    // Choosing or dropping a file
    chooseFile() {
      this.$refs.receiptFile.click();
    },
    dragOver(event) {
      if (this.busy) return;
      this.dragging = true;
      event.dataTransfer.dropEffect = "copy";
    },
    dragLeave(event) {
      // Leaving for a child of the area is not leaving it.
      if (!this.$el.contains(event.relatedTarget)) this.dragging = false;
    },
    dropped(event) {
      this.dragging = false;
      this.take(event.dataTransfer.files[0], null);
    },
    fileChosen(event) {
      const file = event.target.files[0];
      event.target.value = "";
      this.take(file, this.$refs.chooseButton);
    },
    // OPENER (the button pressed, if any) has the focus back when the form closes.
    async take(file, opener) {
      if (!file || this.busy) return;
      this.error = "";
      const name = file.name.toLowerCase();
      if (!EXTENSIONS.some((extension) => name.endsWith(extension))) {
        this.error = interpolate(
          gettext("“%(name)s” is not a receipt that can be read: choose a PDF, a photo (JPEG, PNG or WebP) or a saved e-mail (.eml)."),
          { name: file.name },
          true,
        );
        return;
      }
      if (this.maxUploadBytes && file.size > this.maxUploadBytes) {
        this.error = interpolate(
          gettext("“%(name)s” is %(size)s: files can be at most %(limit)s."),
          { name: file.name, size: formatSize(file.size), limit: formatSize(this.maxUploadBytes) },
          true,
        );
        return;
      }
      this.busy = true;
      this.uploading = true;
      this.progress = 0;
      this.status = interpolate(gettext("Adding “%(name)s”…"), { name: file.name }, true);
      const form = new FormData();
      form.append("file", file, file.name);
      let draft;
      try {
        draft = await window.purchaseFormParts.files.uploadWithProgress("/api/receipts/drafts", form, (percent) => {
          this.progress = percent;
        });
      } catch (error) {
        this.error = error.status === 413
          ? interpolate(gettext("“%(name)s” is too large: files can be at most %(limit)s."), { name: file.name, limit: formatSize(this.maxUploadBytes) }, true)
          : interpolate(gettext("“%(name)s” was not added: %(error)s"), { name: file.name, error: error.message }, true);
        this.busy = false;
        this.status = "";
        return;
      } finally {
        this.uploading = false;
      }
      await this.openWhenRead(draft, opener);
    },

    // Waiting for the reading, then the form
    async openWhenRead(draft, opener) {
      this.busy = true;
      this.status = gettext("Reading the receipt…");
      let current = draft;
      for (let tries = 0; current.reading === "pending" && tries < POLL_LIMIT; tries += 1) {
        await wait(POLL_MS);
        try {
          current = await window.api.get(`receipts/drafts/${draft.id}`);
        } catch (error) {
          // Gone (dismissed or confirmed elsewhere) is final; a network hiccup is tried again.
          if (error.status === 404) {
            this.error = gettext("This receipt is no longer waiting for review.");
            this.busy = false;
            this.status = "";
            return;
          }
        }
      }
      this.busy = false;
      this.status = "";
      // The button was disabled while busy, which took the focus from it: give it back once it
      // is enabled, so that the form, which returns the focus where it was, returns it there.
      await this.$nextTick();
      if (opener && opener.isConnected) opener.focus();
      window.dispatchEvent(new CustomEvent("purchase-from-receipt", { detail: { draft: current, notice: noticeOf(current) } }));
    },

    // The list of drafts: Review and Dismiss (each button carries its draft's id)
    async review(event) {
      if (this.busy) return;
      const opener = event.currentTarget;
      const id = opener.dataset.draftId;
      this.error = "";
      this.busy = true;
      this.status = gettext("Opening the receipt…");
      try {
        await this.openWhenRead(await window.api.get(`receipts/drafts/${id}`), opener);
      } catch (error) {
        this.error = interpolate(gettext("The receipt could not be opened: %(error)s"), { error: error.message }, true);
        this.busy = false;
        this.status = "";
      }
    },
    isConfirming(id) {
      return this.confirmingId === id;
    },
    askDismiss(event) {
      this.confirmingId = event.currentTarget.dataset.draftId;
      const id = this.confirmingId;
      window.afterShown(() => {
        const keep = this.$root.querySelector(`[data-keep="${id}"]`);
        if (keep) keep.focus();
      });
    },
    cancelDismiss(event) {
      const id = event.currentTarget.dataset.draftId;
      this.confirmingId = null;
      window.afterShown(() => {
        const ask = this.$root.querySelector(`[data-ask-dismiss="${id}"]`);
        if (ask) ask.focus();
      });
    },
    async dismiss(event) {
      const { draftId, filename } = event.currentTarget.dataset;
      this.dismissing = true;
      try {
        await window.api.delete(`receipts/drafts/${draftId}`);
        window.sessionStorage.setItem(FLASH_KEY, interpolate(gettext("Dismissed “%(name)s”: it is not a purchase."), { name: filename }, true));
        window.location.reload();
      } catch (error) {
        window.notify(interpolate(gettext("Not dismissed: %(error)s"), { error: error.message }, true), "error");
        this.dismissing = false;
      }
    },
  }));
});
