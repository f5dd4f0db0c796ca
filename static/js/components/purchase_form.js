// The purchase form: adds and edits a purchase with its warranties and attachments through the
// JSON API, shows each validation message next to its field, and reloads the list after a save.
// Opened by the window events "purchase-new" and "purchase-edit" ({id}), or by ?new=1 / ?edit=<id>.
document.addEventListener("alpine:init", () => {
  const FLASH_KEY = "spends.flash";
  const OPTIONAL_TEXT = [
    "model_number", "serial_number", "retailer_order_number", "link", "return_policy", "tags", "notes",
  ];
  const FIELDS = new Set([
    "product_name", "price", "currency_code", "quantity", "purchase_date", "status", "retailer_id",
    "brand_id", "tax_deductible", "return_deadline", ...OPTIONAL_TEXT,
  ]);
  const WARRANTY_FIELDS = new Set(["warranty_start", "warranty_end", "warranty_type", "provider", "notes"]);
  // The badges of the pages and their rule come from the server (warranties/badges.py); only a
  // warranty not saved yet has a badge of the form's own.
  const NEW_BADGE = ["New", "text-bg-info"];
  const DAY_MS = 24 * 60 * 60 * 1000;
  let badgeTable = { badges: {}, expiring_days: 0 };
  let householdToday = "";
  const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  const ICONS = { receipt: "bi-receipt", manual: "bi-book", photo: "bi-image", warranty: "bi-shield-check" };
  let nextKey = 1;

  // Pydantic's "Value error, must be ..." reads better as "Must be ...".
  function readable(message) {
    const text = String(message || "").replace(/^Value error, /, "");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function text(value) {
    const trimmed = String(value ?? "").trim();
    return trimmed === "" ? null : trimmed;
  }

  // [label, classes] of a warranty's badge; a warranty un-voided in the form shows as active
  // until it is saved and the server says otherwise.
  function badgeOf(warranty) {
    const { badges } = badgeTable;
    if (warranty.voided) return badges.VOIDED;
    if (warranty.status === "NEW") return NEW_BADGE;
    const status = warranty.status === "VOIDED" ? "ACTIVE" : warranty.status;
    if (status === "ACTIVE" && warranty.warranty_end && householdToday) {
      const daysLeft = (Date.parse(warranty.warranty_end) - Date.parse(householdToday)) / DAY_MS;
      if (daysLeft <= badgeTable.expiring_days) return badges.EXPIRING;
    }
    return badges[status];
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }

  function warrantyFrom(item) {
    const warranty = {
      key: nextKey++,
      id: item ? item.id : null,
      status: item ? item.status : "NEW",
      warranty_start: item ? item.warranty_start : "",
      mode: item ? "end" : "months",
      warranty_end: item ? item.warranty_end : "",
      duration_months: item ? "" : "12",
      warranty_type: (item && item.warranty_type) || "",
      provider: (item && item.provider) || "",
      notes: (item && item.notes) || "",
      voided: Boolean(item && item.status === "VOIDED"),
      removed: false,
      errors: {},
    };
    warranty.original = item ? JSON.stringify(warrantyBody(warranty)) : null;
    return warranty;
  }

  function warrantyBody(warranty) {
    const body = {
      warranty_start: warranty.warranty_start || null,
      warranty_type: text(warranty.warranty_type),
      provider: text(warranty.provider),
      notes: text(warranty.notes),
      status: warranty.voided ? "VOIDED" : "ACTIVE",
    };
    if (warranty.mode === "months") {
      body.duration_months = warranty.duration_months === "" ? null : Number(warranty.duration_months);
    } else {
      body.warranty_end = warranty.warranty_end || null;
    }
    return body;
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
        reject(new window.api.ApiError("The upload did not reach the server. Check your connection and try again.", 0, null));
      });
      request.send(form);
    });
  }

  window.Alpine.data("purchaseForm", () => ({
    open: false,
    loading: false,
    saving: false,
    deleting: false,
    confirmingDelete: false,
    purchaseId: null,
    productName: "",
    purchase: {},
    errors: {},
    generalError: "",
    warranties: [],
    attachments: [],
    queued: [],
    uploadType: "receipt",
    uploading: false,
    uploadProgress: 0,
    uploadName: "",
    uploadError: "",
    previewId: null,
    retailers: [],
    brands: [],
    fileTypes: [],
    today: "",
    maxUploadBytes: 0,
    returnFocusTo: null,

    init() {
      const data = JSON.parse(document.getElementById("purchase-form-data").textContent);
      this.retailers = data.retailers;
      this.brands = data.brands;
      this.fileTypes = data.file_types;
      this.today = data.today;
      this.maxUploadBytes = data.max_upload_bytes;
      badgeTable = data.warranty_badges;
      householdToday = data.today;
      this.purchase = this.emptyPurchase();
      window.addEventListener("purchase-new", () => this.openNew());
      window.addEventListener("purchase-edit", (event) => this.openEdit(event.detail.id));
      const params = new URLSearchParams(window.location.search);
      if (params.get("new") === "1") this.openNew();
      else if (params.get("edit")) this.openEdit(params.get("edit"));
    },

    emptyPurchase() {
      return {
        product_name: "",
        price: "",
        currency_code: window.spendsFormat.household.currency_code || "USD",
        quantity: "1",
        purchase_date: this.today,
        status: "RECEIVED",
        retailer_name: "",
        brand_name: "",
        tax_deductible: false,
        model_number: "",
        serial_number: "",
        retailer_order_number: "",
        link: "",
        return_deadline: "",
        return_policy: "",
        tags: "",
        notes: "",
      };
    },

    get title() {
      if (!this.purchaseId) return "Add a purchase";
      // A viewer's form is read-only (the template disables it): it shows, it does not edit.
      const verb = this.$root.dataset.readOnly === "true" ? "" : "Edit ";
      return this.productName ? `${verb}“${this.productName}”` : `${verb || "View "}the purchase`;
    },
    get busy() {
      return this.saving || this.loading || this.uploading || this.deleting;
    },
    get hasWarranties() {
      return this.warranties.some((warranty) => !warranty.removed);
    },
    get hasFiles() {
      return this.attachments.length > 0 || this.queued.length > 0;
    },
    get maxUploadLabel() {
      return formatSize(this.maxUploadBytes);
    },
    get uploadStatus() {
      return `Uploading ${this.uploadName}… ${this.uploadProgress}%`;
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
      return this.previewFile ? `Preview of ${this.previewFile.filename}` : "";
    },

    // Opening and closing

    show() {
      this.returnFocusTo = document.activeElement;
      this.errors = {};
      this.generalError = "";
      this.uploadError = "";
      this.confirmingDelete = false;
      this.previewId = null;
      this.queued = [];
      this.open = true;
      document.body.classList.add("modal-open");
      this.forgetUrlRequest();
    },
    openNew() {
      this.show();
      this.purchaseId = null;
      this.productName = "";
      this.purchase = this.emptyPurchase();
      this.warranties = [];
      this.attachments = [];
      this.$nextTick(() => this.$refs.productName.focus());
    },
    async openEdit(id) {
      this.show();
      this.purchaseId = id;
      this.loading = true;
      try {
        const [purchase, files] = await Promise.all([window.api.get(`purchases/${id}`), window.api.get(`files/${id}`)]);
        this.fill(purchase);
        this.attachments = files.map((file) => ({ ...file, removing: false }));
        this.loading = false;
        this.$nextTick(() => this.$refs.productName.focus());
      } catch (error) {
        window.notify(`The purchase could not be opened: ${error.message}`, "error");
        this.close();
      }
    },
    fill(purchase) {
      this.purchaseId = purchase.id;
      this.productName = purchase.product_name;
      const form = this.emptyPurchase();
      for (const key of Object.keys(form)) {
        if (key in purchase && purchase[key] !== null) form[key] = purchase[key];
      }
      form.quantity = String(purchase.quantity);
      form.tax_deductible = Boolean(purchase.tax_deductible);
      form.retailer_name = purchase.retailer ? purchase.retailer.name : "";
      form.brand_name = purchase.brand ? purchase.brand.name : "";
      this.purchase = form;
      this.warranties = purchase.warranties.map((item) => warrantyFrom(item));
    },
    close() {
      if (!this.open) return;
      this.open = false;
      this.loading = false;
      document.body.classList.remove("modal-open");
      // After the focus trap lets go (it pulls back any focus that leaves the form while open).
      const opener = this.returnFocusTo;
      if (opener && opener.focus) this.$nextTick(() => opener.focus());
    },
    // ?new=1 and ?edit= open the form once; a reload after saving must not open it again.
    forgetUrlRequest() {
      const url = new URL(window.location.href);
      if (!url.searchParams.has("new") && !url.searchParams.has("edit")) return;
      url.searchParams.delete("new");
      url.searchParams.delete("edit");
      window.history.replaceState(null, "", url.toString());
    },
    reloadList(message) {
      window.sessionStorage.setItem(FLASH_KEY, message);
      window.location.reload();
    },

    // Fields and their messages

    fieldClass(name) {
      return this.errors[name] ? "is-invalid" : "";
    },
    hasError(name) {
      return Boolean(this.errors[name]);
    },
    errorOf(name) {
      return this.errors[name] || "";
    },
    showErrors(error, target, known) {
      if (error.status !== 422) return false;
      const messages = {};
      const others = [];
      for (const [field, message] of Object.entries(error.fieldErrors())) {
        if (known.has(field)) messages[field] = readable(message);
        else others.push(readable(message));
      }
      target.errors = messages;
      return others;
    },
    retailerChosen() {
      // A retailer that is also a brand (an own-brand shop) fills in the brand, as before.
      const retailer = this.findEntry(this.retailers, this.purchase.retailer_name);
      if (retailer && retailer.is_brand && !this.purchase.brand_name.trim()) {
        this.purchase.brand_name = retailer.name;
      }
    },
    findEntry(entries, name) {
      const wanted = String(name || "").trim().toLowerCase();
      return entries.find((entry) => entry.name.toLowerCase() === wanted) || null;
    },
    // The id of the retailer or brand named NAME; a new name is created (the API's get-or-create).
    async entryId(kind, entries, name) {
      const trimmed = String(name || "").trim();
      if (!trimmed) return null;
      const known = this.findEntry(entries, trimmed);
      if (known) return known.id;
      const created = await window.api.post(kind, { name: trimmed });
      entries.push({ id: created.id, name: created.name, is_brand: Boolean(created.is_brand) });
      return created.id;
    },

    // Warranties

    warrantyLabel(index) {
      return `Warranty ${index + 1}`;
    },
    removeWarrantyLabel(index) {
      return `Remove warranty ${index + 1}`;
    },
    warrantyFieldId(name, index) {
      return `pf-warranty-${index}-${name}`;
    },
    warrantyFieldClass(warranty, name) {
      return warranty.errors[name] ? "is-invalid" : "";
    },
    warrantyErrorOf(warranty, name) {
      return warranty.errors[name] || "";
    },
    warrantyBadge(warranty) {
      return badgeOf(warranty)[0];
    },
    warrantyBadgeClass(warranty) {
      return badgeOf(warranty)[1];
    },
    voidLabel(warranty) {
      return warranty.voided ? "Un-void" : "Void";
    },
    toggleVoid(warranty) {
      warranty.voided = !warranty.voided;
    },
    addWarranty() {
      const warranty = warrantyFrom(null);
      warranty.warranty_start = this.purchase.purchase_date || this.today;
      this.warranties.push(warranty);
    },
    removeWarranty(warranty) {
      if (warranty.id) warranty.removed = true;
      else this.warranties = this.warranties.filter((item) => item !== warranty);
    },
    // Create, change or delete the warranties that need it; return true when all went through.
    async saveWarranties() {
      let ok = true;
      for (const warranty of this.warranties) {
        warranty.errors = {};
        const body = warrantyBody(warranty);
        if (!body.warranty_start) body.warranty_start = this.purchase.purchase_date;
        try {
          if (warranty.removed) {
            if (warranty.id) await window.api.delete(`warranties/${warranty.id}`);
            warranty.gone = true;
          } else if (!warranty.id) {
            const created = await window.api.post("warranties", { purchase_id: this.purchaseId, ...body });
            Object.assign(warranty, warrantyFrom(created), { key: warranty.key });
          } else if (JSON.stringify(body) !== warranty.original) {
            const changed = await window.api.put(`warranties/${warranty.id}`, body);
            Object.assign(warranty, warrantyFrom(changed), { key: warranty.key });
          }
        } catch (error) {
          ok = false;
          const others = this.showErrors(error, warranty, WARRANTY_FIELDS);
          // The "end or duration" rule and "ends before it starts" concern the end field.
          if (others === false) this.generalError = error.message;
          else if (others.length) warranty.errors.warranty_end = others.join(" ");
        }
      }
      this.warranties = this.warranties.filter((warranty) => !warranty.gone);
      return ok;
    },

    // Saving and deleting

    purchaseBody(retailerId, brandId) {
      const p = this.purchase;
      const body = {
        product_name: p.product_name,
        price: String(p.price).trim(),
        currency_code: text(p.currency_code),
        quantity: String(p.quantity).trim() === "" ? null : Number(p.quantity),
        purchase_date: p.purchase_date || null,
        status: p.status,
        retailer_id: retailerId,
        brand_id: brandId,
        tax_deductible: p.tax_deductible ? 1 : 0,
        return_deadline: p.return_deadline || null,
      };
      for (const field of OPTIONAL_TEXT) body[field] = text(p[field]);
      return body;
    },
    async save() {
      if (this.busy) return;
      this.saving = true;
      this.errors = {};
      this.generalError = "";
      const creating = !this.purchaseId;
      try {
        const retailerId = await this.entryId("retailers", this.retailers, this.purchase.retailer_name);
        const brandId = await this.entryId("brands", this.brands, this.purchase.brand_name);
        const body = this.purchaseBody(retailerId, brandId);
        const saved = creating
          ? await window.api.post("purchases", body)
          : await window.api.put(`purchases/${this.purchaseId}`, body);
        // From here on the purchase exists: a second save changes it rather than adding another.
        this.purchaseId = saved.id;
        this.productName = saved.product_name;
        if (!(await this.saveWarranties())) {
          window.notify("The purchase was saved, but a warranty needs attention.", "error");
          return;
        }
        if (!(await this.uploadQueued())) return;
        this.reloadList(creating ? `Added “${saved.product_name}”.` : `Saved “${saved.product_name}”.`);
      } catch (error) {
        const others = this.showErrors(error, this, FIELDS);
        if (others === false) this.generalError = error.message;
        else if (others.length) this.generalError = others.join(" ");
        window.notify(error.status === 422 ? "Please correct the marked fields." : `Not saved: ${error.message}`, "error");
        this.$nextTick(() => this.focusFirstError());
      } finally {
        this.saving = false;
      }
    },
    focusFirstError() {
      const field = this.$root.querySelector(".is-invalid");
      if (field) field.focus();
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
        this.reloadList(`Deleted “${this.productName}”.`);
      } catch (error) {
        window.notify(`Not deleted: ${error.message}`, "error");
        this.deleting = false;
      }
    },

    // Attachments

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
      const missing = file.available === false ? " · file missing from storage" : "";
      return `${type ? type.label : file.file_type} · ${formatSize(file.file_size)}${missing}`;
    },
    previewLabel(file) {
      return `Preview ${file.filename}`;
    },
    removeFileLabel(file) {
      return `Remove ${file.filename || file.name}`;
    },
    isPreviewed(file) {
      return this.previewId === file.id;
    },
    togglePreview(file) {
      this.previewId = this.previewId === file.id ? null : file.id;
    },
    fileChosen(event) {
      const file = event.target.files[0];
      event.target.value = "";
      if (!file) return;
      this.uploadError = "";
      if (file.size > this.maxUploadBytes) {
        this.uploadError = `“${file.name}” is ${formatSize(file.size)}: files can be at most ${formatSize(this.maxUploadBytes)}.`;
        return;
      }
      if (this.purchaseId) {
        this.upload(file, this.uploadType);
      } else {
        this.queued.push({ key: nextKey++, file, fileType: this.uploadType });
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
        window.notify(`Attached “${attachment.filename}”.`, "success");
        return true;
      } catch (error) {
        this.uploadError = error.status === 413
          ? `“${file.name}” is too large: files can be at most ${formatSize(this.maxUploadBytes)}.`
          : `“${file.name}” was not attached: ${error.message}`;
        return false;
      } finally {
        this.uploading = false;
      }
    },
    async uploadQueued() {
      while (this.queued.length) {
        const pending = this.queued[0];
        if (!(await this.upload(pending.file, pending.fileType))) {
          window.notify("The purchase was saved, but a file was not attached.", "error");
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
        window.notify(`Removed “${file.filename}”.`, "success");
      } catch (error) {
        file.removing = false;
        window.notify(`Not removed: ${error.message}`, "error");
      }
    },
  }));
});
