// A purchase made from a receipt (docs/receipts.md, "Reviewing drafts"): the purchase form opens
// prefilled with what was read from a draft's receipt, beside the receipt itself. Each field so
// filled is marked as suggested, with the reading's confidence and the receipt's line it came
// from; the mark stays while the field holds what was read, and goes once the person changes it.
// Nothing is saved before Save: the purchase is added through the API as any other, then the
// draft is confirmed (its file becomes the purchase's receipt). "Not a purchase" dismisses it.
// purchase_form.js mixes `members` into its component; receipt_intake.js opens it by the window
// event "purchase-from-receipt" ({draft, notice}).
window.purchaseFormParts = window.purchaseFormParts || {};
window.purchaseFormParts.receipt = (() => {
  // The form's field each suggestion fills (the product's name is chosen apart).
  const FILLS = {
    price: "total",
    currency_code: "currency",
    purchase_date: "purchase_date",
    retailer_name: "merchant",
    retailer_order_number: "order_number",
  };
  // The API's field names (for the error classes) where they differ from the form's.
  const FORM_NAMES = { retailer_id: "retailer_name" };
  const INLINE_IMAGES = ["image/jpeg", "image/png", "image/webp"];
  // Below this, the mark says to check the field (the reading was unsure of it).
  const UNSURE = 0.7;

  function percent(confidence) {
    return Math.round(Number(confidence) * 100);
  }

  // {form field: {value, confidence, line}} from a draft's suggestions, dates in the household's
  // format. The product's name: the first line item's, else the shop's.
  function suggestionsOf(read, display) {
    const marks = {};
    const mark = (name, value, confidence, line) => {
      if (value === undefined || value === null || String(value).trim() === "") return;
      marks[name] = { value: String(value), confidence, line: line || "" };
    };
    for (const [name, key] of Object.entries(FILLS)) {
      const field = read[key];
      if (!field) continue;
      // Dates and amounts as the person types them (their date format, their decimal sign).
      const shown = { purchase_date: display, price: (value) => window.spendsFormat.amountInput(value) }[name];
      mark(name, shown ? shown(field.value) : field.value, field.confidence, field.line);
    }
    const item = (read.items || [])[0];
    if (item && item.name) {
      const confidence = typeof read.items_confidence === "number" ? read.items_confidence : null;
      mark("product_name", item.name, confidence, `${item.name} ${item.amount || ""}`.trim());
    } else if (read.merchant) {
      mark("product_name", read.merchant.value, read.merchant.confidence, read.merchant.line);
    }
    return marks;
  }

  const members = {
    draft: null,
    suggestions: {},
    receiptNotice: "",
    confirmingDismiss: false,
    dismissing: false,

    forgetDraft() {
      this.draft = null;
      this.suggestions = {};
      this.receiptNotice = "";
      this.confirmingDismiss = false;
    },
    // The form for a new purchase, filled with what was read from DRAFT; NOTICE says why
    // nothing was (the reading failed, the file is not read, the reading takes too long).
    openFromDraft(draft, notice) {
      this.openNew();
      const { display } = window.purchaseFormParts.dates;
      const marks = suggestionsOf(draft.suggestions || {}, display);
      for (const [name, mark] of Object.entries(marks)) this.purchase[name] = mark.value;
      this.draft = draft;
      this.suggestions = marks;
      this.receiptNotice = notice || "";
    },

    // The marks (templates/purchases/partials/suggestion.html)
    isSuggested(name) {
      const mark = this.suggestions[FORM_NAMES[name] || name];
      return Boolean(mark) && String(this.purchase[FORM_NAMES[name] || name]) === mark.value;
    },
    suggestionLabel(name) {
      const mark = this.suggestions[name];
      if (!mark) return "";
      if (mark.confidence === null || mark.confidence === undefined) return gettext("Suggested");
      return interpolate(gettext("Suggested · %(percent)s %"), { percent: percent(mark.confidence) }, true);
    },
    suggestionClass(name) {
      const mark = this.suggestions[name];
      const unsure = mark && mark.confidence !== null && Number(mark.confidence) < UNSURE;
      return unsure ? "suggestion-unsure" : "suggestion-sure";
    },
    suggestionLine(name) {
      const mark = this.suggestions[name];
      return mark && mark.line ? interpolate(gettext("“%(text)s”"), { text: mark.line }, true) : "";
    },
    // The field's description: the mark first while it shows, then its help and its message.
    describedBy(name, others) {
      return this.isSuggested(name) ? `pf-${name}-suggested ${others}` : others;
    },

    // The receipt beside the form
    get fromReceipt() {
      return Boolean(this.draft);
    },
    get dialogClass() {
      return this.draft ? "modal-with-receipt" : "";
    },
    get formColumnClass() {
      return this.draft ? "col-xl-8" : "col-12";
    },
    get draftFileUrl() {
      return this.draft ? `/api/receipts/drafts/${this.draft.id}/file` : "";
    },
    get draftIsImage() {
      return Boolean(this.draft && INLINE_IMAGES.includes(this.draft.mime_type));
    },
    get draftIsPdf() {
      return Boolean(this.draft && this.draft.mime_type === "application/pdf");
    },
    get draftNotShown() {
      return Boolean(this.draft) && !this.draftIsImage && !this.draftIsPdf;
    },
    get receiptTitle() {
      return this.draft ? interpolate(gettext("The receipt: %(name)s"), { name: this.draft.filename }, true) : "";
    },
    get receiptAlt() {
      return this.draft ? interpolate(gettext("The receipt %(name)s"), { name: this.draft.filename }, true) : "";
    },
    get hasSuggestions() {
      return Object.keys(this.suggestions).length > 0;
    },
    // Alpine's CSP build binds nothing on an iframe: the PDF's frame is made here, as for the
    // attachments' preview (purchase_form_files.js).
    showDraftPdf() {
      const box = this.$el;
      const url = this.draftIsPdf ? this.draftFileUrl : "";
      const current = box.querySelector("iframe");
      if (current && current.dataset.url === url) return;
      box.replaceChildren();
      if (!url) return;
      const frame = document.createElement("iframe");
      frame.className = "w-100 border-0 receipt-frame";
      frame.dataset.url = url;
      frame.title = this.receiptAlt;
      // Chrome's viewer without its column of page thumbnails: the page gets the width.
      frame.src = `${url}#navpanes=0`;
      box.append(frame);
    },

    // Confirming and dismissing
    get canDismissDraft() {
      return Boolean(this.draft) && !this.purchaseId;
    },
    // After the purchase is saved: the draft's file becomes its receipt. False (and the form
    // stays open, a second Save tries again) when that failed.
    async confirmDraft(purchaseId) {
      if (!this.draft) return true;
      try {
        await window.api.post(`receipts/drafts/${this.draft.id}/confirm`, { purchase_id: purchaseId });
        return true;
      } catch (error) {
        const words = gettext("The purchase was saved, but the receipt was not attached to it: %(error)s");
        this.generalError = interpolate(words, { error: error.message }, true);
        window.notify(gettext("The purchase was saved, but its receipt was not attached."), "error");
        return false;
      }
    },
    askDismiss() {
      this.confirmingDismiss = true;
      window.afterShown(() => this.$refs.keepDraft && this.$refs.keepDraft.focus());
    },
    cancelDismiss() {
      this.confirmingDismiss = false;
      window.afterShown(() => this.$refs.dismissDraft && this.$refs.dismissDraft.focus());
    },
    async dismissDraft() {
      if (!this.draft || this.dismissing) return;
      this.dismissing = true;
      try {
        await window.api.delete(`receipts/drafts/${this.draft.id}`);
        this.reloadList(interpolate(gettext("Dismissed “%(name)s”: it is not a purchase."), { name: this.draft.filename }, true));
      } catch (error) {
        window.notify(interpolate(gettext("Not dismissed: %(error)s"), { error: error.message }, true), "error");
        this.dismissing = false;
      }
    },
  };

  return { members, suggestionsOf };
})();
