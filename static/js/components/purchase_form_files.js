// The attachments section of the purchase form: the files of a purchase, their previews, and
// uploads with progress (queued until a new purchase is saved). purchase_form.js mixes `members`
// (methods and getters) into its component.
window.purchaseFormParts = window.purchaseFormParts || {};
window.purchaseFormParts.files = (() => {
  const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  const ICONS = { receipt: "bi-receipt", manual: "bi-book", photo: "bi-image", warranty: "bi-shield-check" };
  let nextKey = 1;

  // "1.5 MB", the number in the household's number style and the unit in the page's language.
  function formatSize(bytes) {
    const number = (value, places) => window.spendsFormat.number(value.toFixed(places), undefined, places);
    if (bytes < 1024) return interpolate(gettext("%(size)s B"), { size: number(bytes, 0) }, true);
    if (bytes < 1024 * 1024) return interpolate(gettext("%(size)s KB"), { size: number(bytes / 1024, 0) }, true);
    return interpolate(gettext("%(size)s MB"), { size: number(bytes / (1024 * 1024), 1) }, true);
  }

  // "45%" in the household's number style ("45 %" in German).
  function formatPercent(percent) {
    const locale = String(window.spendsFormat.household.number_style || "en_US").replace("_", "-");
    return new Intl.NumberFormat(locale, { style: "percent" }).format(percent / 100);
  }

  // XMLHttpRequest rather than fetch: only it reports upload progress.
  function uploadWithProgress(url, form, onProgress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("X-CSRFToken", window.api.csrfToken());
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(Math.round((event.loaded * 100) / event.total));
      });
      request.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(request.responseText);
        } catch (error) {
          body = null;
        }
        if (request.status >= 200 && request.status < 300) {
          resolve(body);
          return;
        }
        reject(window.api.errorOf(request.status, request.statusText, body));
      });
      request.addEventListener("error", () => {
        const words = gettext("The upload did not reach the server. Check your connection and try again.");
        reject(new window.api.ApiError(words, 0, null));
      });
      request.send(form);
    });
  }

  return {
    // Also for "Add from receipt" (receipt_intake.js), which shows the same progress.
    uploadWithProgress,
    members: {
      get fileLabel() {
        const words = gettext("Add a file (images, PDF, documents; at most %(size)s)");
        return interpolate(words, { size: formatSize(this.maxUploadBytes) }, true);
      },
      get uploadStatus() {
        const words = gettext("Uploading %(name)s… %(percent)s");
        return interpolate(words, { name: this.uploadName, percent: formatPercent(this.uploadProgress) }, true);
      },
      get previewFile() {
        return this.attachments.find((file) => file.id === this.previewId) || null;
      },
      get previewUrl() {
        return this.previewFile ? this.downloadUrl(this.previewFile) : "";
      },
      get previewIsPdf() {
        return Boolean(this.previewFile && this.isPdf(this.previewFile));
      },
      // Alpine's CSP build binds nothing on an iframe, so the PDF's frame is made here; it follows
      // the previewed file (x-effect) and is gone when no PDF is previewed.
      showPdfPreview() {
        const box = this.$el;
        const url = this.previewIsPdf ? this.previewUrl : "";
        const current = box.querySelector("iframe");
        if (current && current.getAttribute("src") === url) return;
        box.replaceChildren();
        if (!url) return;
        const frame = document.createElement("iframe");
        frame.className = "w-100 border-0";
        frame.title = this.previewAlt;
        frame.src = url;
        box.append(frame);
      },
      get previewAlt() {
        return this.previewFile ? interpolate(gettext("Preview of %(name)s"), { name: this.previewFile.filename }, true) : "";
      },

      downloadUrl(file) {
        return `/api/files/file/${file.id}/download`;
      },
      isImage(file) {
        return IMAGE_TYPES.includes(file.mime_type);
      },
      isPdf(file) {
        return file.mime_type === "application/pdf";
      },
      fileIcon(file) {
        if (this.isPdf(file)) return "bi-file-earmark-pdf";
        return ICONS[file.file_type] || "bi-file-earmark";
      },
      fileInfo(file) {
        const type = this.fileTypes.find((item) => item.value === file.file_type);
        const words = file.available === false ? gettext("%(type)s · %(size)s · file missing from storage") : gettext("%(type)s · %(size)s");
        return interpolate(words, { type: type ? type.label : file.file_type, size: formatSize(file.file_size) }, true);
      },
      previewLabel(file) {
        return interpolate(gettext("Preview %(name)s"), { name: file.filename }, true);
      },
      removeFileLabel(file) {
        return interpolate(gettext("Remove %(name)s"), { name: file.filename || file.name }, true);
      },
      isPreviewed(file) {
        return this.previewId === file.id;
      },
      togglePreview(file) {
        this.previewId = this.previewId === file.id ? null : file.id;
      },
      // The file input's data-file-type (the camera's "photo") wins over the type chosen.
      fileChosen(event) {
        const file = event.target.files[0];
        const fileType = event.target.dataset.fileType || this.uploadType;
        event.target.value = "";
        if (!file) return;
        this.uploadError = "";
        if (file.size > this.maxUploadBytes) {
          const words = gettext("“%(name)s” is %(size)s: files can be at most %(limit)s.");
          this.uploadError = interpolate(words, { name: file.name, size: formatSize(file.size), limit: formatSize(this.maxUploadBytes) }, true);
          return;
        }
        if (this.purchaseId) {
          this.upload(file, fileType);
        } else {
          this.queued.push({ key: nextKey++, file, fileType });
        }
      },
      unqueue(pending) {
        this.queued = this.queued.filter((item) => item !== pending);
      },
      async upload(file, fileType) {
        const form = new FormData();
        form.append("file", file, file.name);
        form.append("file_type", fileType);
        this.uploading = true;
        this.uploadProgress = 0;
        this.uploadName = file.name;
        try {
          const attachment = await uploadWithProgress(`/api/files/${this.purchaseId}`, form, (percent) => {
            this.uploadProgress = percent;
          });
          if (!this.attachments.some((item) => item.id === attachment.id)) {
            this.attachments.push({ ...attachment, removing: false });
          }
          window.notify(interpolate(gettext("Attached “%(name)s”."), { name: attachment.filename }, true), "success");
          return true;
        } catch (error) {
          const words = error.status === 413
            ? gettext("“%(name)s” is too large: files can be at most %(limit)s.")
            : gettext("“%(name)s” was not attached: %(error)s");
          this.uploadError = interpolate(words, { name: file.name, limit: formatSize(this.maxUploadBytes), error: error.message }, true);
          return false;
        } finally {
          this.uploading = false;
        }
      },
      async uploadQueued() {
        while (this.queued.length) {
          const pending = this.queued[0];
          if (!(await this.upload(pending.file, pending.fileType))) {
            window.notify(gettext("The purchase was saved, but a file was not attached."), "error");
            return false;
          }
          this.queued.shift();
        }
        return true;
      },
      async removeAttachment(file) {
        file.removing = true;
        try {
          await window.api.delete(`files/${this.purchaseId}/${file.id}`);
          this.attachments = this.attachments.filter((item) => item.id !== file.id);
          if (this.previewId === file.id) this.previewId = null;
          window.notify(interpolate(gettext("Removed “%(name)s”."), { name: file.filename }, true), "success");
        } catch (error) {
          file.removing = false;
          window.notify(interpolate(gettext("Not removed: %(error)s"), { error: error.message }, true), "error");
        }
      },

    },
  };
})();
