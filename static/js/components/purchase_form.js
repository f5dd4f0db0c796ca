// The purchase form: adds and edits a purchase with its warranties and attachments through the
// JSON API, shows each validation message next to its field, and reloads the list after a save.
// Opened by the window events "purchase-new" and "purchase-edit" ({id}), or by ?new=1 / ?edit=<id>;
// prefilled from a receipt by "purchase-from-receipt" ({draft, notice}; purchase_form_receipt.js).
document.addEventListener("alpine:init", () => {
  const FLASH_KEY = "spends.flash";
  const OPTIONAL_TEXT = [
    "model_number", "serial_number", "retailer_order_number", "link", "return_policy", "tags", "notes",
  ];
  const FIELDS = new Set([
    "product_name", "price", "currency_code", "quantity", "purchase_date", "status", "retailer_id",
    "brand_id", "tax_deductible", "return_deadline", ...OPTIONAL_TEXT,
  ]);
  // The warranties and attachments sections (purchase_form_warranties.js, purchase_form_files.js).
  const { warranties: warrantyPart, files: filePart, dates: datePart, receipt: receiptPart } = window.purchaseFormParts;
  const { text } = warrantyPart;
  const { display, iso } = datePart;
  // The field of each API field name, where it is not "pf-<name>".
  const FIELD_IDS = { retailer_id: "pf-retailer", brand_id: "pf-brand" };
  const fieldId = (name) => FIELD_IDS[name] || `pf-${name}`;
  // Tom Select's instance, kept out of Alpine's reactive data (one purchase form per page).
  let tagSelect = null;

  // The API words each message for people already (spends_tracker/validation.py).
  function readable(message) {
    return String(message || "");
  }

  // Copies members with their getters intact (a spread would call each getter once, there).
  function withParts(component, ...parts) {
    for (const part of parts) Object.defineProperties(component, Object.getOwnPropertyDescriptors(part));
    return component;
  }

  window.Alpine.data("purchaseForm", () => withParts({
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
    currencyCodes: new Set(),

    init() {
      const data = JSON.parse(document.getElementById("purchase-form-data").textContent);
      this.retailers = data.retailers;
      this.brands = data.brands;
      this.fileTypes = data.file_types;
      this.today = data.today;
      this.maxUploadBytes = data.max_upload_bytes;
      this.currencyCodes = new Set(Array.from(this.$root.querySelectorAll("#pf-currency_code option"), (option) => option.value));
      warrantyPart.setup(data);
      this.purchase = this.emptyPurchase();
      this.setupTags(data.tags || []);
      window.addEventListener("purchase-new", () => this.openNew());
      window.addEventListener("purchase-edit", (event) => this.openEdit(event.detail.id));
      window.addEventListener("purchase-from-receipt", (event) => this.openFromDraft(event.detail.draft, event.detail.notice));
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
        purchase_date: display(this.today),
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
      if (!this.purchaseId) return this.draft ? gettext("Add a purchase from a receipt") : gettext("Add a purchase");
      // A viewer's form is read-only (the template disables it): it shows, it does not edit.
      const readOnly = this.$root.dataset.readOnly === "true";
      if (!this.productName) return readOnly ? gettext("View the purchase") : gettext("Edit the purchase");
      const words = readOnly ? gettext("“%(text)s”") : gettext("Edit “%(product)s”");
      return interpolate(words, { text: this.productName, product: this.productName }, true);
    },
    // "0.00" in English, "0,00" where the decimal sign is a comma: the price field's hint.
    get amountHint() {
      return window.spendsFormat.amountHint();
    },
    get busy() {
      return this.saving || this.loading || this.uploading || this.deleting;
    },
    // A code the select does not list (stored before it was a select), shown as an option of its own.
    get unlistedCurrency() {
      const code = this.purchase.currency_code;
      return code && !this.currencyCodes.has(code) ? code : "";
    },
    get hasWarranties() {
      return this.warranties.some((warranty) => !warranty.removed);
    },
    get hasFiles() {
      return this.attachments.length > 0 || this.queued.length > 0;
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
      this.forgetDraft();
      this.open = true;
      document.body.classList.add("modal-open");
      this.forgetUrlRequest();
      // The dialog itself holds the focus until a field takes it (at once for a new purchase,
      // once an edited one has loaded), so that Escape closes it while it is still loading.
      window.afterShown(() => {
        if (!this.$el.contains(document.activeElement)) this.$el.focus();
      });
    },
    openNew() {
      this.show();
      this.purchaseId = null;
      this.productName = "";
      this.purchase = this.emptyPurchase();
      this.showTags("");
      this.warranties = [];
      this.attachments = [];
      window.afterShown(() => this.$refs.productName.focus());
    },
    async openEdit(id) {
      this.show();
      this.purchaseId = id;
      this.loading = true;
      try {
        const [purchase, files] = await Promise.all([window.api.get(`purchases/${id}`), window.api.get(`files/${id}`)]);
        // Closed (Escape) or opened on another purchase while this one loaded: a late answer
        // must neither fill the form nor take the focus back from where the person is now.
        if (!this.open || this.purchaseId !== id) return;
        this.fill(purchase);
        this.attachments = files.map((file) => ({ ...file, removing: false }));
        this.loading = false;
        // Someone who already went to a field as soon as the form showed keeps their place: the
        // first field takes the focus only from the dialog itself.
        window.afterShown(() => {
          if (!this.$root.contains(document.activeElement) || document.activeElement === this.$root) this.$refs.productName.focus();
        });
      } catch (error) {
        if (!this.open || this.purchaseId !== id) return;
        window.notify(interpolate(gettext("The purchase could not be opened: %(error)s"), { error: error.message }, true), "error");
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
      // The price as the person types it: their decimal sign ("1249,50"), sent back as "1249.50".
      form.price = window.spendsFormat.amountInput(purchase.price);
      form.purchase_date = display(purchase.purchase_date);
      form.return_deadline = display(purchase.return_deadline);
      form.tax_deductible = Boolean(purchase.tax_deductible);
      form.retailer_name = purchase.retailer ? purchase.retailer.name : "";
      form.brand_name = purchase.brand ? purchase.brand.name : "";
      this.purchase = form;
      this.showTags(form.tags);
      this.warranties = purchase.warranties.map((item) => warrantyPart.warrantyFrom(item));
    },
    close() {
      if (!this.open) return;
      this.open = false;
      this.loading = false;
      document.body.classList.remove("modal-open");
      // A receipt closed without a decision stays a draft, to review later.
      if (this.draft && !this.purchaseId) {
        const words = gettext("“%(name)s” waits among the receipts to review.");
        window.notify(interpolate(words, { name: this.draft.filename }, true), "success");
      }
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
      if (this.errors[name]) return "is-invalid";
      return this.isSuggested(name) ? "is-suggested" : "";
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

    // Saving and deleting

    purchaseBody(retailerId, brandId) {
      const p = this.purchase;
      const body = {
        product_name: p.product_name,
        price: window.spendsFormat.parseAmount(p.price),
        currency_code: text(p.currency_code),
        quantity: String(p.quantity).trim() === "" ? null : Number(p.quantity),
        purchase_date: iso(p.purchase_date) || null,
        status: p.status,
        retailer_id: retailerId,
        brand_id: brandId,
        tax_deductible: p.tax_deductible ? 1 : 0,
        return_deadline: iso(p.return_deadline) || null,
      };
      for (const field of OPTIONAL_TEXT) body[field] = text(p[field]);
      return body;
    },
    // Dates that do not read in the household's format are marked before anything is sent.
    checkDates() {
      const errors = {};
      for (const name of ["purchase_date", "return_deadline"]) {
        if (iso(this.purchase[name]) === null) errors[name] = datePart.dateError();
      }
      this.errors = errors;
      const warrantiesOk = this.checkWarrantyDates();
      return warrantiesOk && Object.keys(errors).length === 0;
    },
    async save() {
      if (this.busy) return;
      this.errors = {};
      this.generalError = "";
      if (!this.checkDates()) {
        this.$nextTick(() => this.focusFirstError());
        return;
      }
      this.saving = true;
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
          window.notify(gettext("The purchase was saved, but a warranty needs attention."), "error");
          return;
        }
        if (!(await this.uploadQueued())) return;
        const fromReceipt = Boolean(this.draft);
        if (!(await this.confirmDraft(saved.id))) return;
        let words = creating ? gettext("Added “%(product)s”.") : gettext("Saved “%(product)s”.");
        if (fromReceipt) words = gettext("Added “%(product)s” with its receipt.");
        this.reloadList(interpolate(words, { product: saved.product_name }, true));
      } catch (error) {
        const others = this.showErrors(error, this, FIELDS);
        if (others === false) this.generalError = error.message;
        else if (others.length) this.generalError = others.join(" ");
        // A 422 is told at the fields and in the summary above them; other failures in a toast.
        if (error.status !== 422) window.notify(interpolate(gettext("Not saved: %(error)s"), { error: error.message }, true), "error");
        this.$nextTick(() => this.focusFirstError());
      } finally {
        this.saving = false;
      }
    },
    focusFirstError() {
      const field = this.$root.querySelector(".is-invalid");
      if (field) field.focus();
    },

    // The summary of what to correct, at the top of the form (docs/forms.md §1).
    get errorSummary() {
      const items = Object.entries(this.errors).map(([name, message]) => ({ id: fieldId(name), message }));
      this.warranties.forEach((warranty, index) => {
        for (const [name, message] of Object.entries(warranty.errors || {})) {
          const part = name === "warranty_start" ? "start" : name === "warranty_end" && warranty.mode === "months" ? "months" : name.replace("warranty_", "");
          items.push({ id: this.warrantyFieldId(part, index), message });
        }
      });
      const line = gettext("%(field)s: %(message)s");
      return items.map((item) => ({
        ...item, href: `#${item.id}`, message: interpolate(line, { field: this.labelOf(item.id), message: item.message }, true),
      }));
    },
    get errorCount() {
      return this.errorSummary.length;
    },
    get errorSummaryTitle() {
      const count = this.errorCount;
      return interpolate(ngettext("%(count)s field needs correcting:", "%(count)s fields need correcting:", count), { count }, true);
    },
    labelOf(id) {
      const label = this.$root.querySelector(`label[for="${id}"]`);
      return label ? label.textContent.replace("*", "").trim() : id;
    },
    focusField(event) {
      const field = document.getElementById(event.currentTarget.dataset.field);
      if (field) field.focus();
    },

    // Tags: chips with the household's tags as suggestions (Tom Select, docs/forms.md §4).
    setupTags(suggestions) {
      const input = this.$refs.tags;
      if (!window.TomSelect || !input) return;
      tagSelect = new window.TomSelect(input, {
        create: true,
        createOnBlur: true,
        persist: false,
        delimiter: ",",
        maxOptions: 50,
        // No pause before the suggestions follow the typing: Enter right after a word adds
        // that word, never the suggestion highlighted for the letters before it.
        refreshThrottle: 0,
        options: suggestions.map((tag) => ({ value: tag, text: tag })),
        // Tom Select's own words, in the page's language.
        render: {
          option_create: (data, escape) => {
            const tag = `<strong>${escape(data.input)}</strong>`;
            return `<div class="create">${interpolate(escape(gettext("Add %(tag)s…")), { tag }, true)}</div>`;
          },
          no_results: () => `<div class="no-results">${gettext("No tag matches.")}</div>`,
        },
        onChange: (value) => {
          this.purchase.tags = value;
        },
        // A suggestion chosen after a few letters leaves none of them behind to become a tag
        // of their own when the field is left.
        onItemAdd() {
          this.setTextboxValue("");
          this.refreshOptions(false);
        },
      });
      // The original field stays in the page, hidden, for the value: Tom Select's box is the one
      // people use and the label names.
      input.setAttribute("aria-hidden", "true");
      if (this.$root.dataset.readOnly === "true") tagSelect.disable();
    },
    showTags(tags) {
      if (!tagSelect) return;
      const names = String(tags || "").split(",").map((tag) => tag.trim()).filter(Boolean);
      for (const name of names) tagSelect.addOption({ value: name, text: name });
      tagSelect.setValue(names, true);
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
        // On the purchase's own page there is nothing left to reload: back to the list.
        const next = this.$root.dataset.afterDelete;
        if (next) {
          window.sessionStorage.setItem(FLASH_KEY, interpolate(gettext("Deleted “%(product)s”."), { product: this.productName }, true));
          window.location.assign(next);
          return;
        }
        this.reloadList(interpolate(gettext("Deleted “%(product)s”."), { product: this.productName }, true));
      } catch (error) {
        window.notify(interpolate(gettext("Not deleted: %(error)s"), { error: error.message }, true), "error");
        this.deleting = false;
      }
    },

  }, warrantyPart.methods, filePart.members, datePart.members, receiptPart.members));
});
