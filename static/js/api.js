// The one way the pages call the JSON API: same origin, the session cookie, the CSRF header,
// and error bodies ({"detail": "..."} or a 422 list) turned into one readable message.
(function () {
  class ApiError extends Error {
    constructor(message, status, body) {
      super(message);
      this.status = status;
      this.body = body;
    }

    // For 422 answers: {field name: message}, to show each message next to its field.
    fieldErrors() {
      const errors = {};
      if (this.body && Array.isArray(this.body.detail)) {
        for (const item of this.body.detail) {
          const loc = item.loc || [];
          errors[String(loc[loc.length - 1])] = item.msg;
        }
      }
      return errors;
    }
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function messageOf(body, status, statusText) {
    const detail = body && body.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      // Each item's msg is a sentence already (spends_tracker/validation.py): one after the other.
      return detail.map((item) => item.msg || `${(item.loc || []).join(".")}: ${item.type}.`).join(" ");
    }
    const answer = statusText ? `${status} ${statusText}` : String(status);
    return interpolate(gettext("The server answered %(status)s."), { status: answer }, true);
  }

  // The error of an answer that is not 2xx, its body already parsed (or null).
  function errorOf(status, statusText, body) {
    return new ApiError(messageOf(body, status, statusText), status, body);
  }

  async function request(method, path, { json, form, query } = {}) {
    const url = new URL(path.startsWith("/") ? path : `/api/${path}`, window.location.origin);
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
    }
    const headers = { Accept: "application/json" };
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form; // FormData: the browser sets the multipart boundary
    }
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
    let response;
    try {
      response = await fetch(url, { method, headers, body, credentials: "same-origin" });
    } catch (error) {
      throw new ApiError(gettext("The server cannot be reached. Check your connection and try again."), 0, null);
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (error) {
      data = null;
    }
    if (!response.ok) throw errorOf(response.status, response.statusText, data);
    return data;
  }

  window.api = {
    ApiError,
    // For the one caller that needs XMLHttpRequest (upload progress): the same header and errors.
    csrfToken,
    errorOf,
    get: (path, query) => request("GET", path, { query }),
    post: (path, json, query) => request("POST", path, { json, query }),
    put: (path, json) => request("PUT", path, { json }),
    delete: (path) => request("DELETE", path),
    upload: (path, form, query) => request("POST", path, { form, query }),
  };
})();
