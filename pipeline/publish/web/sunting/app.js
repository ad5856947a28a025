// The web editor: sign in with a GitHub token, create or edit an activity (MS-Keg) with its variables
// (MS-Var) and indicators (MS-Ind) in forms generated from the schemas, check them with the same rules
// as `satudata validate`, and propose them as a pull request on a new branch. The token is kept in
// sessionStorage only (gone when the tab closes) and sent to nowhere but the configured API.

import { Form, el, fitAll } from "./formulir.js";
import { Checker } from "./periksa.js";
import { GitHub } from "./github.js";
import { newText, parse, same, updatedText } from "./yamltulis.js";

const root = document.getElementById("sds-sunting");
const state = { bundle: null, config: null, gh: null, user: null, tree: [], treeSha: null, roles: {}, opds: {}, act: null, YAML: null, checker: null };
const KEY = "satudata-sunting-token";

const slugify = (text) => String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
  .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
const announce = (text) => { const live = document.getElementById("sds-umum"); live.textContent = ""; setTimeout(() => { live.textContent = text; }, 50); };

function screen(name) {
  for (const s of root.querySelectorAll("section[data-layar]")) s.hidden = s.dataset.layar !== name;
  fitAll(root);
  const heading = root.querySelector(`section[data-layar="${name}"] h2`);
  if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
}

function problem(where, text) {
  const box = root.querySelector(`section[data-layar="${where}"] .sds-masalah`);
  box.hidden = !text;
  box.textContent = text || "";
  if (text) announce(text);
}

async function busy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = "Sedang diproses…";
  try { return await work(); } finally { button.disabled = false; button.textContent = label; }
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  const [bundle, config] = await Promise.all(["formulir.json", "konfigurasi.json"].map((f) => fetch(f).then((r) => r.json())));
  state.bundle = bundle;
  state.config = config;
  state.checker = new Checker(bundle, window.ajv2020);
  root.replaceChildren(layout());
  root.addEventListener("toggle", (e) => fitAll(e.target), true); // a folded block or card opened
  let resizing = null;
  window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(() => fitAll(root), 150); });
  const saved = sessionStorage.getItem(KEY);
  if (saved) await signIn(saved).catch(() => screen("masuk"));
  else screen("masuk");
}

function layout() {
  const token = el("input", { id: "sds-token", type: "password", autocomplete: "off", spellcheck: "false", "aria-describedby": "sds-token-bantuan" });
  const local = state.config.lokal;
  const signInButton = el("button", { type: "submit", class: "sds-tombol sds-tombol--utama", text: "Masuk" });
  const form = el("form", { class: "sds-masuk", onsubmit: (e) => { e.preventDefault(); busy(signInButton, () => signIn(token.value.trim()).catch((err) => problem("masuk", err.message))); } },
    el("label", { for: "sds-token", text: local ? "Token lokal" : "Token akses GitHub" }),
    el("p", { id: "sds-token-bantuan", class: "sds-bantuan", text: local
      ? "Mode lokal: salin token yang ditampilkan perintah satudata sunting di terminal."
      : "Token fine-grained untuk repositori katalog ini saja, dengan izin Contents dan Pull requests: Read and write. Token hanya disimpan di tab ini dan hilang saat tab ditutup." }),
    token, signInButton);
  return el("div", {},
    el("p", { id: "sds-umum", class: "sds-layar-pembaca", role: "status", "aria-live": "polite" }),
    el("section", { "data-layar": "masuk", hidden: true },
      el("h2", { text: "Masuk" }),
      el("p", { text: "Usulan metadata disimpan sebagai pull request di GitHub, tidak langsung ke cabang utama. Walidata dan BPS meninjaunya di sana." }),
      el("p", {}, "Belum punya token? Lihat ", el("a", { href: "../panduan/opd/", text: "panduan untuk OPD" }), "."),
      el("p", { class: "sds-masalah", role: "alert", hidden: true }), form),
    el("section", { "data-layar": "pilih", hidden: true }, el("h2", { text: "Pilih kegiatan" }), el("p", { class: "sds-masalah", role: "alert", hidden: true }), el("div", { class: "sds-pilih" })),
    el("section", { "data-layar": "sunting", hidden: true }, el("h2", { text: "Sunting kegiatan" }), el("div", { class: "sds-sunting-isi" })),
    el("section", { "data-layar": "selesai", hidden: true }, el("h2", { text: "Usulan terkirim" }), el("div", { class: "sds-selesai-isi" })));
}

async function signIn(token) {
  if (!token) throw new Error("Isi token terlebih dahulu.");
  const gh = new GitHub(state.config.api, token);
  const user = await gh.user();
  sessionStorage.setItem(KEY, token);
  state.gh = gh;
  state.user = user.login;
  await loadCatalog();
  showChooser();
}

async function loadCatalog() {
  const repo = state.config.repositori;
  const info = await state.gh.repo(repo);
  state.base = state.config.cabang || info.default_branch;
  state.baseSha = await state.gh.head(repo, state.base);
  const { entries } = await state.gh.treeOf(repo, state.baseSha);
  state.tree = entries;
  const blob = (path) => entries.find((e) => e.path === path);
  if (!state.YAML) state.YAML = await import("./lib/yaml/index.js");
  const read = async (path) => parse(state.YAML, await state.gh.text(repo, blob(path).sha)).data;
  state.opds = {};
  for (const e of entries) {
    const m = /^metadata\/([a-z0-9-]+)\/opd\.yaml$/.exec(e.path);
    if (m) state.opds[m[1]] = await read(e.path).catch(() => ({}));
  }
  state.roles = blob("roles.yaml") ? await read("roles.yaml").catch(() => ({})) : {};
}

// --- choosing what to edit ----------------------------------------------------------------------

function myOpds() {
  const account = Object.entries((state.roles || {}).akun || {}).find(([k]) => k.toLowerCase() === state.user.toLowerCase());
  const mine = account && Array.isArray(account[1].opd) ? account[1].opd : [];
  const managed = Object.entries(state.opds).filter(([, d]) => Array.isArray(d.pengelola) && d.pengelola.some((p) => String(p).toLowerCase() === state.user.toLowerCase())).map(([k]) => k);
  return [...new Set([...mine, ...managed])];
}

function activitiesOf(opd) {
  const out = [];
  for (const e of state.tree) {
    const m = new RegExp(`^metadata/${opd}/((?:19|20)\\d\\d-[a-z0-9-]+)/kegiatan\\.yaml$`).exec(e.path);
    if (m) out.push(m[1]);
  }
  return out.sort().reverse();
}

function showChooser() {
  const box = root.querySelector(".sds-pilih");
  const mine = myOpds();
  const names = Object.keys(state.opds).sort((a, b) => (mine.includes(b) - mine.includes(a)) || a.localeCompare(b));
  const select = el("select", { id: "sds-opd" }, names.map((n) => el("option", { value: n, text: `${state.opds[n].nama || n} (${n})` })));
  const list = el("ul", { class: "sds-kegiatan-daftar" });
  const fill = () => {
    list.replaceChildren();
    for (const folder of activitiesOf(select.value)) {
      const ident = `${select.value}/${folder}`;
      list.append(el("li", {}, el("span", { class: "sds-kegiatan-nama", text: folder }), " ",
        el("button", { type: "button", class: "sds-tombol", text: "Sunting", "aria-label": `Sunting: ${folder}`, onclick: (e) => busy(e.target, () => openExisting(ident, false)) }), " ",
        el("button", { type: "button", class: "sds-tombol", text: "Salin dari tahun lalu", "aria-label": `Salin dari tahun lalu: ${folder}`, onclick: (e) => busy(e.target, () => openExisting(ident, true)) })));
    }
    if (!list.children.length) list.append(el("li", { text: "Belum ada kegiatan untuk OPD ini." }));
  };
  select.addEventListener("change", fill);
  box.replaceChildren(
    el("p", { text: `Masuk sebagai ${state.user}. Repositori ${state.config.repositori}, cabang dasar ${state.base}.` }),
    el("label", { for: "sds-opd", text: "OPD" }), select,
    el("p", {}, el("button", { type: "button", class: "sds-tombol sds-tombol--utama", text: "Kegiatan baru", onclick: () => openNew(select.value) })),
    el("h3", { text: "Kegiatan yang sudah ada" }), list,
    el("p", {}, el("button", { type: "button", class: "sds-tombol sds-tombol--kecil", text: "Keluar", onclick: signOut })));
  fill();
  screen("pilih");
}

function signOut() { sessionStorage.removeItem(KEY); state.gh = null; screen("masuk"); }

async function openExisting(ident, copy) {
  const repo = state.config.repositori;
  const prefix = `metadata/${ident}/`;
  const files = state.tree.filter((e) => e.path.startsWith(prefix));
  const load = async (e) => { const text = await state.gh.text(repo, e.sha); return { path: e.path, text, data: parse(state.YAML, text).data }; };
  const keg = await load(files.find((e) => e.path === prefix + "kegiatan.yaml"));
  const kids = {};
  for (const kind of ["variabel", "indikator"]) {
    kids[kind] = [];
    for (const e of files.filter((f) => f.path.startsWith(`${prefix}${kind}/`) && f.path.endsWith(".yaml"))) {
      const rec = await load(e);
      kids[kind].push({ ...rec, slug: e.path.slice(prefix.length + kind.length + 1, -5) });
    }
  }
  const [opd, folder] = ident.split("/");
  if (!copy) {
    state.act = { opd, folder, isNew: false, kegiatan: keg, variabel: kids.variabel, indikator: kids.indikator, removed: [] };
  } else {
    const year = Number(folder.slice(0, 4)) + 1;
    const data = structuredClone(keg.data);
    for (const path of state.bundle.salin.kegiatan) removePath(data, path);
    const old = String(data.tahun ?? folder.slice(0, 4));
    data.tahun = year;
    if (typeof data.judul_kegiatan === "string") data.judul_kegiatan = data.judul_kegiatan.replace(new RegExp(`\\b${old}\\b`, "g"), String(year));
    // each new file is its source file edited in place (comments kept), as satudata salin writes it
    const fresh = (rec, kind) => { const d = structuredClone(rec.data); for (const p of state.bundle.salin[kind]) removePath(d, p); return { slug: rec.slug, path: null, text: rec.text, data: d }; };
    state.act = { opd, folder: `${year}-${folder.slice(5)}`, isNew: true, copiedFrom: ident,
      kegiatan: { path: null, text: keg.text, data }, variabel: kids.variabel.map((r) => fresh(r, "variabel")), indikator: kids.indikator.map((r) => fresh(r, "indikator")), removed: [] };
  }
  renderEditor();
}

function removePath(data, path) {
  let node = data;
  for (const part of path.slice(0, -1)) { node = node && node[part]; if (!node || typeof node !== "object") return; }
  if (node) delete node[path[path.length - 1]];
}

function openNew(opd) {
  const o = state.opds[opd] || {};
  const penyelenggara = {};
  for (const [from, to] of [["nama", "instansi"], ["alamat", "alamat"], ["telepon", "telepon"], ["email", "email"]]) if (o[from]) penyelenggara[to] = o[from];
  const year = new Date().getFullYear();
  state.act = { opd, folder: null, isNew: true, kegiatan: { path: null, text: null, data: { tahun: year, jenis_statistik: "Statistik Sektoral", penyelenggara } }, variabel: [], indikator: [], removed: [] };
  renderEditor();
}

// --- the editor ---------------------------------------------------------------------------------

const order = (kind) => (path) => {
  let node = state.bundle.skema[kind];
  for (const p of path) { node = (node.properties || {})[p] || {}; if (node.type === "array") node = node.items || {}; }
  return Object.keys(node.properties || {});
};

function recordForm(kind, rec, index) {
  const ctx = { prefix: `${kind}-${index}`, lists: state.bundle.kode, choices: {}, hidden: kind === "kegiatan" ? state.bundle.kunci_alur : [] };
  if (kind === "indikator") {
    ctx.choices.variabel_pembangun = state.act.variabel.map((v) => [slugOf(v), v.form ? v.form.value().nama || slugOf(v) : v.data.nama || v.slug]);
    ctx.choices.indikator_pembangun = state.act.indikator.filter((i) => i !== rec).map((i) => [slugOf(i), i.data.nama || i.slug]);
  }
  rec.form = new Form(state.bundle.skema[kind], rec.data, ctx);
  return rec.form;
}

function slugOf(rec) {
  if (rec.slug && rec.path) return rec.slug; // an existing file keeps its name
  const data = rec.form ? rec.form.value() : rec.data;
  return rec.slug && !rec.renamed ? rec.slug : slugify(data.nama) || rec.slug || "tanpa-nama";
}

function recordCard(kind, rec, holder) {
  state.serial = (state.serial || 0) + 1;
  const form = recordForm(kind, rec, state.serial);
  const title = el("summary", { text: rec.data.nama || (kind === "variabel" ? "Variabel baru" : "Indikator baru") });
  const details = el("details", { class: "sds-kartu", open: true, "data-awalan": form.ctx.prefix }, title, form.element);
  form.element.addEventListener("input", (e) => { if (e.target.id.endsWith("-nama")) { title.textContent = e.target.value || title.textContent; rec.renamed = !rec.path; } });
  const remove = el("button", { type: "button", class: "sds-tombol sds-tombol--kecil", text: kind === "variabel" ? "Hapus variabel ini" : "Hapus indikator ini", onclick: () => {
    const list = state.act[kind];
    list.splice(list.indexOf(rec), 1);
    if (rec.path) state.act.removed.push(rec.path);
    details.remove();
    announce(`${kind === "variabel" ? "Variabel" : "Indikator"} dihapus dari usulan.`);
  } });
  details.append(remove);
  holder.append(details);
  return details;
}

function renderEditor() {
  const act = state.act;
  const box = root.querySelector(".sds-sunting-isi");
  const summary = el("div", { class: "sds-ringkasan", id: "sds-ringkasan", tabindex: "-1" });
  const folder = el("input", { id: "sds-folder", type: "text", autocomplete: "off", "aria-describedby": "sds-folder-bantuan", value: act.folder ? act.folder.slice(5) : "" });
  folder.disabled = !act.isNew;
  const kegForm = recordForm("kegiatan", act.kegiatan, 0);
  kegForm.element.addEventListener("input", (e) => {
    if (act.isNew && !folder.dataset.diubah && e.target.id === "kegiatan-0-judul_kegiatan") folder.value = slugify(e.target.value).split("-").slice(0, 6).join("-");
  });
  folder.addEventListener("input", () => { folder.dataset.diubah = "1"; });
  const vars = el("div", { class: "sds-kartu-daftar" });
  const inds = el("div", { class: "sds-kartu-daftar" });
  for (const rec of act.variabel) recordCard("variabel", rec, vars);
  for (const rec of act.indikator) recordCard("indikator", rec, inds);
  const addVar = el("button", { type: "button", class: "sds-tombol", text: "Tambah variabel", onclick: () => {
    const rec = { slug: null, path: null, text: null, data: {} };
    act.variabel.push(rec);
    recordCard("variabel", rec, vars).querySelector("textarea, input, select").focus();
  } });
  const addInd = el("button", { type: "button", class: "sds-tombol", text: "Tambah indikator", onclick: () => {
    const rec = { slug: null, path: null, text: null, data: {} };
    act.indikator.push(rec);
    recordCard("indikator", rec, inds).querySelector("textarea, input, select").focus();
  } });
  const fill34 = el("button", { type: "button", class: "sds-tombol", text: "Isi 3.4 dari daftar MS-Var", onclick: () => {
    const list = kegForm.listParts.get("perencanaan.variabel_dikumpulkan");
    const keys = Object.keys(state.bundle.skema.kegiatan.properties.perencanaan.properties.variabel_dikumpulkan.items.properties);
    list.set(act.variabel.map((v) => { const d = v.form.value(); const o = {}; for (const k of keys) if (d[k] !== undefined) o[k] = d[k]; return o; }));
    announce(`3.4 diisi dengan ${act.variabel.length} variabel.`);
  } });
  const checkButton = el("button", { type: "button", class: "sds-tombol", text: "Periksa", onclick: () => check(true) });
  const saveButton = el("button", { type: "button", class: "sds-tombol sds-tombol--utama", text: "Ajukan usulan (pull request)", onclick: (e) => busy(e.target, save) });
  const title = act.copiedFrom ? `Salinan ${act.copiedFrom} untuk tahun ${act.kegiatan.data.tahun}` : act.isNew ? `Kegiatan baru — ${act.opd}` : `metadata/${act.opd}/${act.folder}`;
  box.replaceChildren(
    el("p", { class: "sds-judul-sunting", text: title }),
    el("p", { text: "Isian bertanda * wajib diisi. Tekan Periksa kapan saja; usulan hanya dapat diajukan bila tidak ada galat." }),
    summary,
    el("div", { class: "sds-isian" }, el("label", { for: "sds-folder", text: "Nama folder kegiatan (setelah tahun)" }),
      el("p", { id: "sds-folder-bantuan", class: "sds-bantuan", text: "Huruf kecil, angka dan tanda hubung, misalnya profil-kesehatan. Folder: metadata/OPD/TAHUN-nama." }), folder),
    el("h3", { text: "MS-Keg — Metadata Statistik Kegiatan" }), kegForm.element,
    el("h3", { text: "MS-Var — Metadata Statistik Variabel" }), vars, el("p", {}, addVar, " ", fill34),
    el("h3", { text: "MS-Ind — Metadata Statistik Indikator" }), inds, el("p", {}, addInd),
    el("div", { class: "sds-aksi" }, checkButton, " ", saveButton, " ", el("button", { type: "button", class: "sds-tombol sds-tombol--kecil", text: "Batal", onclick: showChooser })));
  screen("sunting");
}

function folderName() {
  const act = state.act;
  if (!act.isNew) return act.folder;
  const data = act.kegiatan.form.value();
  const slug = root.querySelector("#sds-folder").value.trim();
  return `${Number.isInteger(data.tahun) ? data.tahun : "tahun"}-${slug}`;
}

function collect() {
  const act = state.act;
  const folder = folderName();
  const ident = `${act.opd}/${folder}`;
  const base = `metadata/${ident}`;
  const keg = { berkas: act.kegiatan.path || `${base}/kegiatan.yaml`, data: act.kegiatan.form.value(), rec: act.kegiatan };
  const kids = {};
  for (const kind of ["variabel", "indikator"]) {
    const used = new Set();
    kids[kind] = act[kind].map((rec) => {
      let slug = slugOf(rec);
      while (used.has(slug)) slug += "-2";
      used.add(slug);
      return { slug, berkas: rec.path || `${base}/${kind}/${slug}.yaml`, data: rec.form.value(), rec };
    });
  }
  return { folder: ident, kegiatan: keg, variabel: kids.variabel, indikator: kids.indikator };
}

function exists(kind, ident, act) {
  const [o, f, s] = ident.split("/");
  if (`${o}/${f}` === act.folder) return act[kind].some((r) => r.slug === s);
  return state.tree.some((e) => e.path === `metadata/${o}/${f}/${kind}/${s}.yaml`);
}

function problemsOf(act) {
  const out = state.checker.activity(act, (kind, ident) => exists(kind, ident, act));
  const slug = act.folder.split("/")[1];
  if (!/^(19|20)\d\d-[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) {
    out.unshift({ kode: "slug-tidak-sah", tingkat: "galat", berkas: act.kegiatan.berkas, lokasi: null, nomor: null, label: "Nama folder kegiatan",
      formulir: "MS-Keg", pesan: state.checker.code("slug-tidak-sah").arti, saran: state.checker.code("slug-tidak-sah").saran, folder: true });
  }
  if (state.act.isNew && state.tree.some((e) => e.path.startsWith(`metadata/${act.folder}/`))) {
    out.unshift({ kode: "slug-tidak-sah", tingkat: "galat", berkas: act.kegiatan.berkas, lokasi: null, nomor: null, label: "Nama folder kegiatan",
      formulir: "MS-Keg", pesan: `Folder metadata/${act.folder}/ sudah ada.`, saran: "Pilih nama folder lain, atau sunting kegiatan yang sudah ada.", folder: true });
  }
  return out;
}

/** Check everything; show each finding at its field and a summary at the top. Returns the errors. */
function check(focus) {
  const act = collect();
  const findings = problemsOf(act);
  const byFile = new Map([[act.kegiatan.berkas, act.kegiatan.rec.form]]);
  for (const kind of ["variabel", "indikator"]) for (const r of act[kind]) byFile.set(r.berkas, r.rec.form);
  for (const form of byFile.values()) form.clear();
  const folderInput = root.querySelector("#sds-folder");
  folderInput.removeAttribute("aria-invalid");
  const summary = root.querySelector("#sds-ringkasan");
  const list = el("ul", {});
  for (const f of findings) {
    let node = null;
    if (f.folder) { folderInput.setAttribute("aria-invalid", "true"); node = folderInput; }
    else { const form = byFile.get(f.berkas); node = form ? form.show(f) : null; }
    const control = node && (node.matches("input, select, textarea") ? node : node.querySelector("input, select, textarea"));
    const where = [f.formulir, f.nomor, f.label].filter(Boolean).join(" ");
    const item = el("li", { class: f.tingkat === "galat" ? "sds-ringkasan--galat" : "sds-ringkasan--peringatan" });
    const link = el("a", { href: control ? `#${control.id}` : "#", text: `${f.tingkat === "galat" ? "Galat" : "Peringatan"}: ${where || f.berkas}`, onclick: (e) => {
      e.preventDefault();
      if (!control) return;
      let p = control.parentElement;
      while (p) { if (p.tagName === "DETAILS") p.open = true; p = p.parentElement; }
      control.focus();
    } });
    item.append(link, ` — ${f.pesan} Perbaikan: ${f.saran} `, el("code", { text: `[${f.kode}] ${f.berkas.split("/").slice(-2).join("/")}` }));
    list.append(item);
  }
  const errors = findings.filter((f) => f.tingkat === "galat");
  const warnings = findings.length - errors.length;
  const headline = errors.length ? `${errors.length} galat dan ${warnings} peringatan. Perbaiki galat sebelum mengajukan usulan.`
    : warnings ? `Tidak ada galat; ${warnings} peringatan (saran pemeriksa BPS).` : "Tidak ada galat maupun peringatan.";
  summary.replaceChildren(el("p", { class: errors.length ? "sds-ringkasan__judul sds-ringkasan__judul--galat" : "sds-ringkasan__judul" , text: headline }), findings.length ? list : "");
  summary.className = "sds-ringkasan" + (errors.length ? " sds-ringkasan--ada-galat" : "");
  announce(headline);
  if (focus) summary.focus();
  return { act, errors, findings };
}

async function save() {
  const { act, errors, findings } = check(false);
  if (errors.length) { root.querySelector("#sds-ringkasan").focus(); return; }
  const YAML = state.YAML;
  const files = {};
  try {
    const write = (kind, rec, data, berkas) => {
      if (rec.text === null) files[berkas] = newText(YAML, data);
      else if (!rec.path || !same(parse(YAML, rec.text).data, data)) files[berkas] = updatedText(YAML, rec.text, data, order(kind));
    };
    write("kegiatan", act.kegiatan.rec, act.kegiatan.data, act.kegiatan.berkas);
    for (const kind of ["variabel", "indikator"]) for (const r of act[kind]) write(kind, r.rec, r.data, r.berkas);
    for (const path of state.act.removed) files[path] = null;
  } catch (e) {
    announce(`Usulan tidak dapat ditulis: ${e.message}`);
    root.querySelector("#sds-ringkasan").replaceChildren(el("p", { class: "sds-ringkasan__judul sds-ringkasan__judul--galat", role: "alert", text: `Usulan tidak dapat ditulis dengan aman: ${e.message} Tidak ada yang dikirim; laporkan ke Walidata.` }));
    return;
  }
  if (!Object.keys(files).length) { announce("Tidak ada perubahan untuk diajukan."); return; }
  const judul = act.kegiatan.data.judul_kegiatan || act.folder;
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const branch = `usulan/${act.folder.replace("/", "-")}-${stamp}`;
  const verb = state.act.isNew ? "Usulan kegiatan baru" : "Perbaikan metadata";
  const body = [
    `${verb} **${act.folder}** dari penyunting web (akun ${state.user}).`, "",
    "Berkas:", ...Object.entries(files).map(([p, t]) => `- \`${p}\`${t === null ? " (dihapus)" : ""}`), "",
    `Pemeriksaan di peramban: 0 galat, ${findings.length} peringatan. Pemeriksaan otomatis (satudata validate dan check-pr) berjalan di pull request ini.`,
  ].join("\n");
  try {
    const pr = await state.gh.propose({ upstream: state.config.repositori, base: state.base, branch, login: state.user,
      message: `${verb}: ${act.folder}\n\nDiajukan lewat penyunting web oleh ${state.user}.`, title: `${verb}: ${judul}`, body, files });
    const done = root.querySelector(".sds-selesai-isi");
    done.replaceChildren(
      el("p", {}, "Usulan Anda tersimpan di cabang ", el("code", { text: branch }), " dan diajukan sebagai ", el("a", { href: pr.html_url, id: "sds-pr", text: `pull request #${pr.number}` }), "."),
      el("p", { text: "Pemeriksaan otomatis berjalan di pull request; hasilnya muncul sebagai komentar. Walidata dan BPS meninjau dan memberi catatan di sana." }),
      el("p", {}, el("button", { type: "button", class: "sds-tombol", text: "Kembali ke daftar kegiatan", onclick: async (e) => { await busy(e.target, loadCatalog); showChooser(); } })));
    screen("selesai");
    announce(`Usulan terkirim sebagai pull request #${pr.number}.`);
  } catch (e) {
    root.querySelector("#sds-ringkasan").replaceChildren(el("p", { class: "sds-ringkasan__judul sds-ringkasan__judul--galat", role: "alert", text: `Usulan belum terkirim: ${e.message}` }));
    root.querySelector("#sds-ringkasan").focus();
  }
}

start().catch((e) => {
  root.replaceChildren(el("p", { class: "sds-masalah", role: "alert", text: `Penyunting tidak dapat dimuat: ${e.message}` }));
});
