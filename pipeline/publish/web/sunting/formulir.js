// Forms generated from the JSON Schemas: every label, form number, help text, option and code
// list comes from schemas/*.schema.json and schemas/kode/ (via formulir.json). Plain DOM, no framework.

let serial = 0;

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
};
export { el };

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const empty = (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length) || (isObject(v) && !Object.keys(v).length);

function heading(schema, required) {
  const parts = [];
  if (schema["x-nomor"]) parts.push(el("span", { class: "sds-nomor", text: schema["x-nomor"] }), " ");
  parts.push(schema.title || "");
  if (required) parts.push(" ", el("span", { class: "sds-wajib", title: "wajib diisi", text: "*" }));
  return parts;
}

function fit(area) {
  if (!area.offsetParent) return; // not shown yet: fitted when it is (fitAll)
  area.style.height = "auto";
  area.style.height = area.scrollHeight + 2 + "px";
}

function autogrow(area) {
  area.classList.add("sds-tumbuh");
  area.addEventListener("input", () => fit(area));
}

/** Fit every growing text box under ``node`` to its text (after it is shown, or the width changes). */
export function fitAll(node) {
  for (const area of node.querySelectorAll("textarea.sds-tumbuh")) fit(area);
}

function codeOptions(ref, lists) {
  if (ref.daftar === "@daftar") return Object.keys(lists).sort().map((n) => [n, `${n} — ${lists[n].judul}`]);
  const list = lists[ref.daftar];
  if (!list) return [];
  const column = ref.kolom || list.kunci;
  const other = Object.keys(list.baris[0] || {}).find((c) => c !== column && c !== "tingkat" && c !== "induk");
  return list.baris
    .filter((r) => !ref.tingkat || r.tingkat === ref.tingkat)
    .map((r) => [r[column], other && r[other] !== r[column] ? `${r[column]} — ${r[other]}` : r[column]]);
}

/** One form for one record. ``ctx`` = {prefix, lists (code lists), choices (path → [[value, text]])}. */
export class Form {
  constructor(schema, data, ctx) {
    this.schema = schema;
    this.ctx = ctx;
    this.fields = new Map(); // lokasi → field wrapper
    this.lists = new Map(); // lokasi of a list of objects → its items, in their current order
    this.listParts = new Map(); // lokasi of a list of objects → its builder (read, set)
    this.original = data || {};
    this.element = el("div", { class: "sds-formulir" });
    this.root = this.object(schema, this.original, [], true);
    this.element.append(this.root.node);
  }

  id(path) { return `${this.ctx.prefix}-${path.join("-") || "akar"}`.replace(/[^A-Za-z0-9_-]/g, "_"); }

  register(path, node) { this.fields.set(path.join("."), node); node.dataset.lokasi = path.join("."); }

  /** The record as the form shows it; keys the form does not show (``alur``, unknown ones) kept. */
  value() {
    const out = this.root.read();
    for (const [k, v] of Object.entries(this.original)) if (!(k in (this.schema.properties || {})) || this.ctx.hidden.includes(k)) out[k] = v;
    const ordered = {};
    for (const k of Object.keys(this.schema.properties || {})) if (k in out) ordered[k] = out[k];
    for (const k of Object.keys(out)) if (!(k in ordered)) ordered[k] = out[k];
    return ordered;
  }

  // --- builders: each returns {node, read()} --------------------------------------------------

  build(schema, value, path, required) {
    if (schema.type === "object") return this.block(schema, value, path, required);
    if (schema.type === "array") {
      const items = schema.items || {};
      if (items.type === "object") return this.objectList(schema, value, path, required);
      if (items.enum) return this.checkboxes(schema, value, path, required, items.enum.map((o) => [o, o]));
      const choices = this.ctx.choices[path.join(".")];
      if (choices) return this.checkboxes(schema, value, path, required, choices, true);
      return this.lines(schema, value, path, required);
    }
    return this.scalar(schema, value, path, required);
  }

  object(schema, value, path, top) {
    const parts = [];
    const req = new Set(schema.required || []);
    const node = el("div", { class: top ? "sds-akar" : "sds-isi-blok" });
    for (const [key, sub] of Object.entries(schema.properties || {})) {
      if (top && this.ctx.hidden.includes(key)) continue;
      const part = this.build(sub, isObject(value) ? value[key] : undefined, [...path, key], req.has(key));
      part.keep = sub.type === "object" && req.has(key); // a required block is checked field by field
      parts.push([key, part]);
      node.append(part.node);
    }
    return {
      node,
      read: () => {
        const out = {};
        for (const [key, part] of parts) { const v = part.read(); if (!empty(v) || (part.keep && v !== undefined)) out[key] = v; }
        return out;
      },
    };
  }

  block(schema, value, path, required) {
    const inner = this.object(schema, value, path, false);
    const legend = el("legend", {}, heading(schema, required));
    const fieldset = el("fieldset", { class: "sds-blok", id: this.id(path) }, legend);
    if (schema.description) fieldset.append(el("p", { class: "sds-bantuan", text: schema.description }));
    fieldset.append(this.errorSlot(path), inner.node);
    this.register(path, fieldset);
    if (!required && path.length === 1 && empty(value)) {
      // an optional block (e.g. Blok V, only for surveys) starts folded away
      const details = el("details", { class: "sds-pilihan" }, el("summary", {}, heading(schema, false), " (bila perlu)"), fieldset);
      return { node: details, read: inner.read };
    }
    return { node: fieldset, read: inner.read };
  }

  errorSlot(path) {
    return el("p", { class: "sds-galat", id: this.id(path) + "-galat", hidden: true });
  }

  wrap(schema, path, required, control, describe = true) {
    const id = this.id(path);
    const help = schema.description ? el("p", { class: "sds-bantuan", id: id + "-bantuan", text: schema.description }) : null;
    const example = schema["x-contoh"] ? el("span", { class: "sds-contoh", text: ` Contoh: ${schema["x-contoh"]}` }) : null;
    if (help && example) help.append(example);
    if (describe) control.setAttribute("aria-describedby", [help ? id + "-bantuan" : null, id + "-galat"].filter(Boolean).join(" "));
    const label = el("label", { for: id }, heading(schema, required));
    const node = el("div", { class: "sds-isian" }, label, help, control, this.errorSlot(path));
    this.register(path, node);
    return node;
  }

  scalar(schema, value, path, required) {
    const id = this.id(path);
    let control, read;
    const ref = schema["x-daftar-kode"];
    const options = schema.enum ? schema.enum.map((o) => [o, o]) : ref ? codeOptions(ref, this.ctx.lists) : this.ctx.choices[path.join(".")];
    if (options) {
      control = el("select", { id, name: id, required: required || null });
      control.append(el("option", { value: "", text: "— pilih —" }));
      const known = options.map(([v]) => String(v));
      if (!empty(value) && !known.includes(String(value))) {
        control.append(el("option", { value: String(value), text: `${value} (tidak ada di pilihan)` }));
      }
      for (const [v, text] of options) control.append(el("option", { value: String(v), text }));
      control.value = empty(value) ? "" : String(value);
      read = () => (control.value === "" ? undefined : control.value);
    } else if (schema.type === "integer" || schema.type === "number") {
      control = el("input", { id, name: id, type: "text", inputmode: schema.type === "integer" ? "numeric" : "decimal", autocomplete: "off", required: required || null });
      control.value = empty(value) ? "" : String(value);
      read = () => {
        const raw = control.value.trim();
        if (raw === "") return undefined;
        const text = schema.type === "number" ? raw.replace(",", ".") : raw;
        const number = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? Number(text) : NaN;
        return Number.isFinite(number) && String(control.value) !== String(value) ? number : String(control.value) === String(value) ? value : raw;
      };
    } else if (schema.pattern || schema.maxLength || (Array.isArray(schema.type) && schema.type.includes("integer"))) {
      const mode = schema.pattern && schema.pattern.includes("@") ? "email" : schema.pattern && schema.pattern.startsWith("^[0-9+()") ? "tel" : null;
      control = el("input", { id, name: id, type: "text", inputmode: mode, autocomplete: "off", required: required || null });
      control.value = empty(value) ? "" : String(value);
      read = () => (control.value === "" ? undefined : String(control.value) === String(value) ? value : control.value);
    } else {
      control = el("textarea", { id, name: id, rows: "1", required: required || null });
      control.value = empty(value) ? "" : String(value);
      autogrow(control);
      read = () => (control.value === "" ? undefined : control.value === String(value) ? value : control.value);
    }
    return { node: this.wrap(schema, path, required, control), read, control };
  }

  lines(schema, value, path, required) {
    const id = this.id(path);
    const control = el("textarea", { id, name: id, rows: "2", required: required || null });
    const list = Array.isArray(value) ? value : empty(value) ? [] : [value];
    control.value = list.join("\n");
    autogrow(control);
    const node = this.wrap(schema, path, required, control);
    node.querySelector("label").append(el("span", { class: "sds-catatan", text: " (satu per baris)" }));
    const read = () => {
      const items = control.value.split("\n").map((s) => s.trim()).filter(Boolean);
      return items.length ? items : undefined;
    };
    return { node, read };
  }

  checkboxes(schema, value, path, required, options, free = false) {
    const chosen = new Set((Array.isArray(value) ? value : []).map(String));
    const fieldset = el("fieldset", { class: "sds-pilihan-ganda", id: this.id(path) }, el("legend", {}, heading(schema, required)));
    const help = schema.description ? el("p", { class: "sds-bantuan", id: this.id(path) + "-bantuan", text: schema.description }) : null;
    if (help) fieldset.append(help);
    fieldset.setAttribute("aria-describedby", [help ? this.id(path) + "-bantuan" : null, this.id(path) + "-galat"].filter(Boolean).join(" "));
    const boxes = [];
    options.forEach(([v, text], i) => {
      const id = `${this.id(path)}-${i}`;
      const box = el("input", { type: "checkbox", id, value: String(v), checked: chosen.has(String(v)) || null });
      boxes.push(box);
      fieldset.append(el("div", { class: "sds-centang" }, box, el("label", { for: id, text })));
    });
    let other = null;
    if (free) {
      const rest = [...chosen].filter((v) => !options.some(([o]) => String(o) === v));
      other = el("textarea", { id: this.id(path) + "-lain", rows: "1" });
      other.value = rest.join("\n");
      fieldset.append(el("label", { for: other.id, class: "sds-catatan", text: "Lainnya (slug 'opd/tahun-kegiatan/slug', satu per baris)" }), other);
    }
    fieldset.append(this.errorSlot(path));
    this.register(path, fieldset);
    const before = (Array.isArray(value) ? value : []).map(String);
    const read = () => {
      const ticked = boxes.filter((b) => b.checked).map((b) => b.value);
      const typed = other ? other.value.split("\n").map((s) => s.trim()).filter(Boolean) : [];
      const now = new Set([...ticked, ...typed]);
      // what was there keeps its order; what is new follows
      const out = [...before.filter((v) => now.has(v)), ...[...ticked, ...typed].filter((v) => !before.includes(v))];
      return out.length ? [...new Set(out)] : undefined;
    };
    return { node: fieldset, read };
  }

  objectList(schema, value, path, required) {
    const fieldset = el("fieldset", { class: "sds-daftar", id: this.id(path) }, el("legend", {}, heading(schema, required)));
    if (schema.description) fieldset.append(el("p", { class: "sds-bantuan", text: schema.description }));
    fieldset.append(this.errorSlot(path));
    const holder = el("ol", { class: "sds-butir-daftar" });
    fieldset.append(holder);
    this.register(path, fieldset);
    const items = [];
    this.lists.set(path.join("."), items);
    let created = 0;
    const add = (data, focus) => {
      const index = serial++;
      const itemPath = [...path, created++];
      const inner = this.object(schema.items, data, itemPath, false);
      const li = el("li", { class: "sds-butir" }, inner.node);
      const entry = { li, inner, at: itemPath[itemPath.length - 1] };
      const remove = el("button", { type: "button", class: "sds-tombol sds-tombol--kecil", text: "Hapus butir", onclick: () => {
        items.splice(items.indexOf(entry), 1);
        li.remove();
        addButton.focus();
      } });
      li.append(remove);
      li.dataset.butir = String(index);
      items.push(entry);
      holder.append(li);
      if (focus) { const first = li.querySelector("input, select, textarea"); if (first) first.focus(); }
    };
    const addButton = el("button", { type: "button", class: "sds-tombol", text: `Tambah butir ${schema["x-nomor"] || ""}`.trim(), onclick: () => add({}, true) });
    fieldset.append(addButton);
    for (const item of Array.isArray(value) ? value : []) add(item, false);
    if (!items.length && required) add({}, false);
    const part = {
      node: fieldset,
      read: () => {
        const out = items.map((e) => e.inner.read());
        return out.length ? out : undefined;
      },
      set: (list) => { for (const e of [...items]) e.li.remove(); items.length = 0; for (const d of list) add(d, false); },
    };
    this.listParts.set(path.join("."), part);
    return part;
  }

  // --- findings --------------------------------------------------------------------------------

  clear() {
    for (const node of this.fields.values()) {
      const slot = node.querySelector(":scope > .sds-galat, :scope > p.sds-galat");
      if (slot) { slot.hidden = true; slot.textContent = ""; }
      node.classList.remove("sds-salah");
      for (const c of node.querySelectorAll(":scope > input, :scope > select, :scope > textarea")) c.removeAttribute("aria-invalid");
    }
  }

  /** The wrapper showing a finding at ``lokasi`` (the field, or its nearest ancestor on the form). */
  place(lokasi) {
    const parts = [];
    for (const part of lokasi ? lokasi.split(".") : []) {
      const items = /^\d+$/.test(part) ? this.lists.get(parts.join(".")) : null;
      parts.push(items && items[Number(part)] ? String(items[Number(part)].at) : part);
    }
    while (parts.length) {
      const node = this.fields.get(parts.join("."));
      if (node) return node;
      parts.pop();
    }
    return this.fields.get("") || null;
  }

  show(finding) {
    const node = this.place(finding.lokasi);
    if (!node) return null;
    const slot = node.querySelector(":scope > .sds-galat");
    if (slot) {
      slot.hidden = false;
      const line = el("span", { class: "sds-galat__baris" },
        el("strong", { text: `${finding.tingkat === "galat" ? "Galat" : "Peringatan"} [${finding.kode}]: ` }),
        `${finding.pesan} Perbaikan: ${finding.saran}`);
      if (slot.textContent) slot.append(el("br"));
      slot.append(line);
    }
    if (finding.tingkat === "galat") {
      node.classList.add("sds-salah");
      for (const c of node.querySelectorAll(":scope > input, :scope > select, :scope > textarea")) c.setAttribute("aria-invalid", "true");
    }
    return node;
  }
}
