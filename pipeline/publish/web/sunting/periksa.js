// The checks the web editor runs before it opens a pull request: the same JSON Schemas (ajv, draft
// 2020-12), the same code lists and the same rules of one activity as `satudata validate`, giving the
// same finding codes (pipeline/codes.py). Wording comes from the finding registry and the schemas
// (x-pesan/x-saran, title, x-nomor, description, x-contoh), all exported by `satudata build`.
// CI's Python checker stays the authority: it also checks across the whole catalog.

const SKIP = new Set(["if", "anyOf", "oneOf", "allOf", "$ref"]);

export class Checker {
  constructor(bundle, Ajv2020) {
    this.b = bundle;
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    this.validators = {};
    for (const [kind, schema] of Object.entries(bundle.skema)) {
      this.validators[kind] = this.ajv.compile(browserSchema(schema));
    }
  }

  code(kode) {
    if (this.b.temuan[kode]) return this.b.temuan[kode];
    const prefix = Object.keys(this.b.keluarga).find((p) => kode.startsWith(p));
    if (!prefix) throw new Error(`kode temuan tak terdaftar: ${kode}`);
    return this.b.keluarga[prefix];
  }

  finding(kind, berkas, path, kode, pesan, saran, tingkat) {
    const schema = this.b.skema[kind];
    const fld = nearestField(schema, path);
    const reg = this.code(kode);
    return {
      kode, tingkat: tingkat || reg.tingkat, berkas,
      lokasi: path.length ? path.join(".") : null,
      nomor: fld ? fld["x-nomor"] || null : null,
      label: fld ? fld.title || null : null,
      formulir: schema["x-formulir"] || kind,
      pesan: pesan || reg.arti,
      saran: saran || reg.saran,
    };
  }

  /** Findings of one record: schema (with the x-aturan rules) and code lists. */
  record(kind, berkas, data) {
    const out = [];
    const schema = this.b.skema[kind];
    const validate = this.validators[kind];
    if (!validate(data)) {
      const seenExtra = new Set();
      for (const e of validate.errors) {
        if (SKIP.has(e.keyword)) continue;
        out.push(this.translate(kind, berkas, schema, e, seenExtra));
      }
    }
    out.push(...this.codelists(kind, berkas, data));
    out.push(...this.characters(kind, berkas, data));
    if (data && typeof data === "object" && !Array.isArray(data)) {
      if (kind === "variabel" || kind === "indikator") out.push(...this.names(kind, berkas, data));
      out.push(...this.options(kind, berkas, data));
    }
    return out.filter(Boolean);
  }

  /** Text no record may hold (yaml-karakter; the Python reader refuses the whole file at its line). */
  characters(kind, berkas, data) {
    const bad = new RegExp(this.b.karakter_terlarang, "u");
    const out = [];
    const walk = (value, path) => {
      if (typeof value === "string") {
        const m = value.match(bad);
        if (m) {
          const hex = m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
          out.push(this.finding(kind, berkas, path, "yaml-karakter", `U+${hex}: ${this.code("yaml-karakter").arti}`));
        }
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => walk(v, [...path, i]));
      } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      }
    };
    walk(data, []);
    return out;
  }

  /** check/naming.py for MS-Var and MS-Ind: abbreviations, classifications, konsep, Word equations. */
  names(kind, berkas, data) {
    const out = [];
    const rules = this.b.nama;
    const warn = (path, kode) => out.push(this.finding(kind, berkas, path, kode, null, null, "peringatan"));
    const name = data.nama;
    if (typeof name === "string" && name.trim()) {
      const bare = (name.includes("(") ? name.replace(/\([^)]*\)/g, "") : name).trim();
      if ([...bare].length <= 12 && !/\p{Ll}/u.test(bare) && /\p{L}/u.test(bare)) warn(["nama"], "nama-singkatan");
      if (kind === "indikator") {
        const first = words(name).trim().split(" ")[0];
        const shown = data.klasifikasi_penyajian;
        const same = Array.isArray(shown) && shown.some((s) => typeof s === "string" && words(s) === words(name));
        if ((first && rules.bukan_indikator.includes(first)) || same) warn(["nama"], "indikator-bukan-ukuran");
      }
    }
    const { konsep, definisi } = data;
    if (typeof konsep === "string" && konsep.trim()) {
      const length = (s) => [...s].length;
      const copied = typeof definisi === "string" && Math.abs(length(konsep) - length(definisi)) <= 8 && words(konsep) === words(definisi);
      if (!/[\p{L}\p{N}_]/u.test(konsep) || copied || length(konsep) > rules.konsep_maks) warn(["konsep"], "konsep-tidak-tepat");
    }
    const formula = data.metode_perhitungan;
    if (kind === "indikator" && typeof formula === "string") {
      const word = [...formula].some((c) => rules.rumus_word.some(([a, b]) => c.codePointAt(0) >= a && c.codePointAt(0) <= b));
      if (word) warn(["metode_perhitungan"], "rumus-word");
    }
    return out;
  }

  /** check/records.py option_findings: options of another form version, a 'Lainnya' text that is an option. */
  options(kind, berkas, data) {
    const out = [];
    const version = data.versi_formulir;
    const fields = schemaFields(this.b.skema[kind]);
    const paths = new Set(fields.map(([path]) => path.join("\u0000")));
    for (const [path, sub] of fields) {
      const opts = sub.enum || (sub.items || {}).enum || [];
      const otherPath = [...path.slice(0, -1), `${path[path.length - 1]}_lainnya`];
      const versions = sub["x-versi-pilihan"] || {};
      if (!opts.length || !(sub["x-versi-pilihan"] || paths.has(otherPath.join("\u0000")))) continue;
      const value = dataAt(data, path);
      if (value === null || value === undefined) continue;
      const chosen = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
      for (const option of chosen) {
        if (typeof version === "string" && option in versions && !versions[option].includes(version)) {
          out.push(this.finding(kind, berkas, path, "versi-pilihan", null, null, "peringatan"));
        }
      }
      const other = dataAt(data, otherPath);
      if (typeof other === "string" && chosen.includes("Lainnya") && namedOption(other, opts.filter((o) => o !== "Lainnya"))) {
        out.push(this.finding(kind, berkas, otherPath, "lainnya-sama", null, null, "peringatan"));
      }
    }
    return out;
  }

  /** check/naming.py for an MS-Keg title: its opening, its collection method, no year when recurring. */
  title(keg) {
    const out = [];
    const data = keg.data;
    const title = data.judul_kegiatan;
    if (typeof title !== "string" || !title.trim()) return out;
    const warn = (kode) => out.push(this.finding("kegiatan", keg.berkas, ["judul_kegiatan"], kode, null, null, "peringatan"));
    const rules = this.b.nama;
    if (rules.awalan_judul.some((p) => title.toLowerCase().startsWith(p))) warn("judul-awalan");
    const method = data.cara_pengumpulan_data;
    const names = (text, phrases) => phrases.filter((p) => words(text).includes(` ${p} `));
    if (typeof method === "string" && method in rules.cara) {
      const others = Object.entries(rules.cara).filter(([m, ws]) => m !== method && names(title, ws).length);
      if (others.length || !names(title, rules.cara[method]).length) warn("judul-cara");
    }
    const recurring = (data.desain_kegiatan || {}).kegiatan_dilakukan === "Berulang";
    if (recurring && new RegExp(rules.tahun.replace(/\\d/g, "\\p{Nd}"), "u").test(title)) warn("judul-tahun");
    return out;
  }

  /** check/records.py coverage_findings: 4.5 as a count of kabupaten/kota, not more than the province has. */
  coverage(keg) {
    const out = [];
    const rows = (keg.data.desain_kegiatan || {}).wilayah_kegiatan;
    const regions = this.b.kode.wilayah;
    if (!Array.isArray(rows) || !regions) return out;
    rows.forEach((row, i) => {
      if (!row || typeof row !== "object" || !Number.isInteger(row.jumlah_kabupaten_kota)) return;
      const count = regions.baris.filter((r) => r.tingkat === "kabupaten" && r.induk === row.provinsi).length;
      if (count && row.jumlah_kabupaten_kota > count) {
        out.push(this.finding("kegiatan", keg.berkas, ["desain_kegiatan", "wilayah_kegiatan", i, "jumlah_kabupaten_kota"],
          "wilayah-jumlah", null, null, "peringatan"));
      }
    });
    return out;
  }

  translate(kind, berkas, schema, e, seenExtra) {
    let path = pointer(e.instancePath);
    const rule = ruleOf(schema, e.schemaPath);
    const named = { required: "skema-wajib", additionalProperties: "skema-isian-tak-dikenal", "false schema": "skema-dilarang" };
    let kode = named[e.keyword] || "skema-" + e.keyword;
    if (!this.b.temuan[kode]) kode = "skema-lain"; // as the Python checker names an unregistered keyword
    let pesan = null, saran = null, tingkat = null;
    const sub = subschema(schema, path);
    if (e.keyword === "required") {
      path = [...path, e.params.missingProperty];
      const fld = subschema(schema, path);
      if (fld && fld.description) saran = `${this.code(kode).saran} ${fld.description}`;
    } else if (e.keyword === "additionalProperties") {
      const key = path.join(".");
      if (seenExtra.has(key)) return null; // one finding per object, as the Python checker gives
      seenExtra.add(key);
      path = [...path, e.params.additionalProperty];
      const known = Object.keys((subschema(schema, path.slice(0, -1)) || {}).properties || {});
      saran = `${this.code(kode).saran} ${known.join(", ")}.`;
    } else if (e.keyword === "enum") {
      saran = `${this.code(kode).saran} ${e.params.allowedValues.join("; ")}.`;
    } else if (e.keyword === "const") {
      saran = `${this.code(kode).saran} '${e.params.allowedValue}'.`;
    } else if (e.keyword === "pattern") {
      const example = sub && (sub["x-contoh"] || (sub.items || {})["x-contoh"]);
      if (example) saran = `${this.code(kode).saran} ${example}.`;
    }
    if (rule) {
      kode = "aturan-" + rule["x-aturan"];
      if (rule["x-tingkat"] === "peringatan") tingkat = "peringatan";
      if (rule["x-bidang"] && e.keyword === "not") path = [...path, rule["x-bidang"]];
      pesan = rule["x-pesan"];
      saran = rule["x-saran"];
    }
    return this.finding(kind, berkas, path, kode, pesan, saran, tingkat || "galat");
  }

  codelists(kind, berkas, data) {
    const out = [];
    const schema = this.b.skema[kind];
    for (const [pattern, ref] of codedPaths(schema)) {
      for (const [path, value] of valuesAt(data, pattern)) {
        if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value))) continue;
        if (ref.daftar === "@daftar") {
          const names = Object.keys(this.b.kode).sort();
          if (!names.includes(value)) {
            out.push(this.finding(kind, berkas, path, "kode-daftar-tak-dikenal", null, `${this.code("kode-daftar-tak-dikenal").saran} ${names.join("; ")}.`));
          }
          continue;
        }
        const list = this.b.kode[ref.daftar];
        const column = ref.kolom || list.kunci;
        const allowed = list.baris.filter((r) => !ref.tingkat || r.tingkat === ref.tingkat).map((r) => r[column]);
        if (allowed.includes(String(value))) continue;
        out.push(this.finding(kind, berkas, path, "kode-tidak-dikenal", null,
          allowed.length <= 30 ? `${this.code("kode-tidak-dikenal").saran} ${allowed.join("; ")}.` : `${this.code("kode-tidak-dikenal").saran} ${list.berkas}`,
          ref.peringatan ? "peringatan" : "galat"));
      }
    }
    if (kind === "variabel" && Array.isArray(data.klasifikasi_isian)) {
      const list = this.b.kode[data.klasifikasi_referensi || ""];
      if (list) {
        const known = new Set(list.baris.map((r) => r[list.kunci]));
        data.klasifikasi_isian.forEach((item, i) => {
          if (item && typeof item === "object" && "kode" in item && !known.has(String(item.kode))) {
            out.push(this.finding(kind, berkas, ["klasifikasi_isian", i, "kode"], "kode-klasifikasi"));
          }
        });
      }
    }
    return out;
  }

  /** The rules of one activity that need nothing but its own files (check/records.py, check/groups.py). */
  activity(act, exists) {
    // act = {folder: "opd/2025-x", kegiatan: {berkas, data}, variabel: [{slug, berkas, data}], indikator: [...]}
    const out = [];
    const keg = act.kegiatan;
    out.push(...this.record("kegiatan", keg.berkas, keg.data));
    for (const kind of ["variabel", "indikator"]) for (const r of act[kind]) out.push(...this.record(kind, r.berkas, r.data));
    const data = keg.data;
    const year = act.folder.split("/")[1].split("-")[0];
    if (Number.isInteger(data.tahun) && String(data.tahun) !== year) out.push(this.finding("kegiatan", keg.berkas, ["tahun"], "tahun-folder"));
    out.push(...this.title(keg), ...this.coverage(keg));
    out.push(...this.schedule(keg));
    if (data.cara_pengumpulan_data === "Survei") {
      for (const v of act.variabel) {
        const q = v.data && v.data.kalimat_pertanyaan;
        if (!(typeof q === "string" && q.trim())) out.push(this.finding("variabel", v.berkas, ["kalimat_pertanyaan"], "kalimat-pertanyaan-survei"));
      }
    }
    // 3.4 against MS-Var; names unique inside the activity
    const names = new Set(act.variabel.map((v) => String(v.data.nama || "").trim().toLowerCase()));
    const listed = (data.perencanaan || {}).variabel_dikumpulkan;
    if (!act.variabel.length) out.push(this.finding("kegiatan", keg.berkas, [], "msvar-kosong"));
    else if (Array.isArray(listed)) {
      listed.forEach((item, i) => {
        const name = item && typeof item === "object" ? item.nama : null;
        if (typeof name === "string" && !names.has(name.trim().toLowerCase())) {
          out.push(this.finding("kegiatan", keg.berkas, ["perencanaan", "variabel_dikumpulkan", i, "nama"], "msvar-tidak-ada",
            `${this.code("msvar-tidak-ada").arti} ${name}`));
        }
      });
    }
    for (const kind of ["variabel", "indikator"]) {
      const seen = new Map();
      for (const r of act[kind]) {
        if (typeof r.data.nama !== "string") continue;
        const key = r.data.nama.trim().toLowerCase();
        if (seen.has(key)) out.push(this.finding(kind, r.berkas, ["nama"], "nama-ganda", `${this.code("nama-ganda").arti} ${seen.get(key)}`));
        else seen.set(key, r.berkas);
      }
    }
    // an indicator's building blocks must exist
    for (const r of act.indikator) {
      const ident = `${act.folder}/${r.slug}`;
      const fields = [["indikator", "indikator_pembangun"]];
      if (!("kegiatan_penghasil" in r.data)) fields.unshift(["variabel", "variabel_pembangun"]);
      for (const [kind, key] of fields) {
        const refs = Array.isArray(r.data[key]) ? r.data[key] : [];
        refs.forEach((ref, i) => {
          if (typeof ref !== "string") return;
          const target = ref.includes("/") ? ref : `${act.folder}/${ref}`;
          if (kind === "indikator" && target === ident) out.push(this.finding("indikator", r.berkas, [key, i], "rujukan-diri"));
          else if (!exists(kind, target)) {
            out.push(this.finding("indikator", r.berkas, [key, i], `rujukan-${kind}`, `${this.code(`rujukan-${kind}`).arti} '${ref}'`));
          }
        });
      }
    }
    return out;
  }

  schedule(keg) {
    const out = [];
    const jadwal = ((keg.data || {}).perencanaan || {}).jadwal;
    if (!jadwal || typeof jadwal !== "object" || Array.isArray(jadwal)) return out;
    const bound = (v) => (v.length === 10 ? v : v + "-01");
    const bEnd = (v) => (v.length === 10 ? v : v + "-31");
    const starts = [];
    for (const [phase, ranges] of Object.entries(jadwal)) {
      if (!Array.isArray(ranges)) continue;
      ranges.forEach((r, i) => {
        if (!(r && typeof r.awal === "string" && typeof r.akhir === "string")) return;
        if (bound(r.awal) > bEnd(r.akhir)) out.push(this.finding("kegiatan", keg.berkas, ["perencanaan", "jadwal", phase, i, "akhir"], "jadwal-terbalik"));
      });
      const firsts = ranges.filter((r) => r && typeof r.awal === "string").map((r) => r.awal);
      if (firsts.length) starts.push([phase, firsts.reduce((a, b) => (bound(b) < bound(a) ? b : a))]);
    }
    const earlier = (a, b) => (a.length === 7 || b.length === 7 ? bound(a).slice(0, 7) < bound(b).slice(0, 7) : bound(a) < bound(b));
    for (let i = 1; i < starts.length; i++) {
      if (earlier(starts[i][1], starts[i - 1][1])) {
        out.push(this.finding("kegiatan", keg.berkas, ["perencanaan", "jadwal", starts[i][0]], "jadwal-urutan"));
      }
    }
    return out;
  }
}

// --- text helpers (check/naming.py, check/records.py) ----------------------------------------------

/** ' a b ' : the lower-case words of a text, as check/naming.py's _words. */
function words(text) {
  return " " + (text.toLowerCase().match(/[a-z0-9]+/g) || []).join(" ") + " ";
}

/** The option a free text is: the same words, or the abbreviation in its brackets (check/records.py). */
function namedOption(text, options) {
  const tokens = text.toLowerCase().match(/[a-z0-9]+/g) || [];
  const folded = tokens.join(" ");
  for (const option of options) {
    const plain = (option.toLowerCase().match(/[a-z0-9]+/g) || []).join(" ");
    const short = [...option.matchAll(/\(([^)]+)\)/g)].map((m) => m[1].toLowerCase());
    if (folded === plain || short.some((s) => tokens.includes(s))) return option;
  }
  return null;
}

// --- schema helpers (contract/schema.py) -----------------------------------------------------------

/** [path, subschema] of every property in form order, as RecordSchema.fields (no array indexes). */
function schemaFields(node, prefix = []) {
  const out = [];
  for (const [key, sub] of Object.entries(node.properties || {})) {
    const path = [...prefix, key];
    out.push([path, sub]);
    if (sub.type === "object") out.push(...schemaFields(sub, path));
    else if (sub.type === "array" && (sub.items || {}).type === "object") out.push(...schemaFields(sub.items, path));
  }
  return out;
}

/** The value at a path of keys, or null (through a list: null, as read/catalog.py's data_at). */
function dataAt(data, path) {
  for (const part of path) {
    if (!data || typeof data !== "object" || Array.isArray(data) || !(part in data)) return null;
    data = data[part];
  }
  return data;
}


export function browserSchema(schema) {
  // Python's \d matches every decimal digit (as jsonschema and jsonschema-rs read it); so does \p{Nd}
  return JSON.parse(JSON.stringify(schema, (k, v) => (k === "pattern" && typeof v === "string" ? v.replace(/\\d/g, "\\p{Nd}") : v)));
}

function pointer(p) {
  if (!p) return [];
  return p.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function subschema(schema, path) {
  let node = schema;
  for (const part of path) {
    node = typeof part === "number" ? node.items : (node.properties || {})[part];
    if (!node || typeof node !== "object") return null;
  }
  return node;
}

export function nearestField(schema, path) {
  path = [...path];
  while (path.length) {
    const node = subschema(schema, path);
    if (node && node.title) return node;
    path.pop();
  }
  return null;
}

function ruleOf(schema, schemaPath) {
  let node = schema, found = null;
  for (const part of schemaPath.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(key)];
    else if (node && typeof node === "object") node = node[key];
    else break;
    if (node && typeof node === "object" && !Array.isArray(node) && "x-aturan" in node) found = node;
  }
  return found;
}

export function codedPaths(schema) {
  const out = [];
  const visit = (node, path) => {
    if (node["x-daftar-kode"]) out.push([path, node["x-daftar-kode"]]);
    for (const [k, sub] of Object.entries(node.properties || {})) visit(sub, [...path, k]);
    if (node.items && typeof node.items === "object") visit(node.items, [...path, "*"]);
  };
  visit(schema, []);
  return out;
}

function valuesAt(data, pattern) {
  let frontier = [[[], data]];
  for (const part of pattern) {
    const next = [];
    for (const [path, node] of frontier) {
      if (part === "*" && Array.isArray(node)) node.forEach((v, i) => next.push([[...path, i], v]));
      else if (node && typeof node === "object" && !Array.isArray(node) && part in node) next.push([[...path, part], node[part]]);
    }
    frontier = next;
  }
  return frontier;
}
