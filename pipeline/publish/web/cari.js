// Portal search: the engine (Index) and the search page. The index is written by pipeline/search.py;
// its docstring describes the files. No dependencies, no network beyond this site.

const HERE = new URL("./", import.meta.url);
const SITE = new URL("../", import.meta.url);
const MAX_WORD = 32;
const PREFIX = 0.3; // a word that only starts with the query word counts for less than the word itself
const PAGE = 10;
const WORDS = /[\p{L}\p{N}]+/gu;
const SPANS = /[\p{L}\p{M}\p{N}]+/gu;

/** Normalized words, exactly as pipeline.search.words makes them at build time. */
export function words(text) {
  const folded = String(text).normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "");
  return (folded.match(WORDS) || []).map((w) => (w.length > MAX_WORD ? [...w].slice(0, MAX_WORD).join("") : w));
}

function shardKey(word) {
  return [...word].slice(0, 2).join("");
}

function hex(text) {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // a server inflated it already
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A shard: its words, each with df, idf and where its postings start. */
function parseShard(bytes) {
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== "SDC1") throw new Error("bukan berkas indeks");
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  let offset = bytes.byteOffset + 8 + length;
  return header.map(([word, df, idf]) => {
    const term = { word, df, idf, buffer: bytes.buffer, offset, docs: null, impacts: null };
    offset += df * 5 + ((4 - ((df * 5) % 4)) % 4);
    return term;
  });
}

function postings(term) {
  if (term.docs === null) {
    const gaps = new Uint32Array(term.buffer, term.offset, term.df);
    const docs = new Uint32Array(term.df);
    let doc = 0;
    for (let i = 0; i < term.df; i++) docs[i] = doc += gaps[i];
    term.docs = docs;
    term.impacts = new Uint8Array(term.buffer, term.offset + 4 * term.df, term.df);
  }
  return term;
}

export class Index {
  static async open(base = HERE) {
    const response = await fetch(new URL("indeks.json", base), { cache: "no-cache" });
    if (!response.ok) throw new Error(`indeks.json: HTTP ${response.status}`);
    const meta = await response.json();
    if (meta.format !== 1) throw new Error(`format indeks ${meta.format} tidak dikenal`);
    return new Index(base, meta);
  }

  constructor(base, meta) {
    this.meta = meta;
    this.root = new URL(`${meta.versi}/`, base);
    this.keys = new Set(meta.kunci);
    this.shards = new Map();
    this.fragments = new Map();
    this.facetsLoading = null;
  }

  /** The facets computed at build time: {nama: [[key, label]], nilai: {key: [values]}, dok: {key: [index per page]}}. */
  facets() {
    if (this.facetsLoading === null) {
      this.facetsLoading = fetchBytes(new URL("f.cari", this.root)).then((b) => JSON.parse(new TextDecoder().decode(b)));
      this.facetsLoading.catch(() => (this.facetsLoading = null));
    }
    return this.facetsLoading;
  }

  /** The query with each word that no indexed word equals or begins with replaced by the nearest
   * word of its shard (edit distance 1, or 2 for words of 6 letters or more; most pages first),
   * or null when every word is found or none can be corrected. */
  async correct(query) {
    const asked = [...new Set(words(query))].slice(0, 10);
    const shards = await Promise.all(asked.map((w) => this.shard(shardKey(w))));
    let changed = false;
    const fixed = asked.map((word, i) => {
      if (shards[i].some((t) => t.word.startsWith(word))) return word;
      const limit = [...word].length >= 6 ? 2 : 1;
      let best = null;
      for (const term of shards[i]) {
        const d = distance(word, term.word, limit);
        if (d <= limit && (!best || d < best.d || (d === best.d && term.df > best.df))) best = { word: term.word, d, df: term.df };
      }
      if (!best) return word;
      changed = true;
      return best.word;
    });
    return changed ? fixed.join(" ") : null;
  }

  shard(key) {
    if (!this.keys.has(key)) return Promise.resolve([]);
    if (!this.shards.has(key)) {
      const loading = fetchBytes(new URL(`k/${hex(key)}.cari`, this.root)).then(parseShard);
      loading.catch(() => this.shards.delete(key)); // let a later query try again
      this.shards.set(key, loading);
    }
    return this.shards.get(key);
  }

  /** Page ``id``: {u: URL from the site root, t: title, j: kind, s: [[anchor, heading, text], ...]}. */
  fragment(id) {
    if (!this.fragments.has(id)) {
      const loading = fetchBytes(new URL(`d/${id}.cari`, this.root)).then((b) => JSON.parse(new TextDecoder().decode(b)));
      loading.catch(() => this.fragments.delete(id));
      this.fragments.set(id, loading);
    }
    return this.fragments.get(id);
  }

  /** Pages holding every word of the query (the last letters of a word may be missing), best first. */
  async search(query) {
    const asked = [...new Set(words(query))].slice(0, 10);
    const found = { words: asked, terms: new Set(), total: 0, results: [] };
    if (!asked.length) return found;
    const shards = await Promise.all(asked.map((w) => this.shard(shardKey(w))));
    const n = this.meta.dokumen;
    const score = new Float32Array(n);
    const matched = new Uint8Array(n); // how many query words each page has so far
    let pages = [];
    for (let i = 0; i < asked.length; i++) {
      const word = asked[i];
      const best = new Float32Array(n);
      const seen = [];
      for (const term of shards[i]) {
        const exact = term.word === word;
        if (!exact && !term.word.startsWith(word)) continue;
        found.terms.add(term.word);
        const { docs, impacts } = postings(term);
        const weight = term.idf * (exact ? 1 : PREFIX);
        for (let j = 0; j < docs.length; j++) {
          const doc = docs[j];
          const s = weight * impacts[j];
          if (best[doc] === 0) seen.push(doc);
          if (s > best[doc]) best[doc] = s;
        }
      }
      pages = [];
      for (const doc of seen) {
        if (matched[doc] !== i) continue;
        matched[doc] = i + 1;
        score[doc] += best[doc];
        pages.push(doc);
      }
      if (!pages.length) break;
    }
    pages.sort((a, b) => score[b] - score[a] || a - b);
    found.total = pages.length;
    found.results = pages.map((id) => ({ id, score: score[id] }));
    return found;
  }
}

/** Optimal string alignment distance (Levenshtein plus swapped neighbours), stopping early past ``limit``. */
export function distance(a, b, limit = 2) {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let before = null;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (before && i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, before[j - 2] + 1);
      row.push(v);
      low = Math.min(low, v);
    }
    if (low > limit) return limit + 1;
    before = prev;
    prev = row;
  }
  return prev[t.length];
}

// --- the search page ------------------------------------------------------------------------

/** The words of ``text`` as [start, end, is-a-match] spans. */
function spans(text, terms) {
  const out = [];
  for (const m of text.matchAll(SPANS)) {
    out.push([m.index, m.index + m[0].length, words(m[0]).some((w) => terms.has(w))]);
  }
  return out;
}

/** The window of ``size`` words holding most matches, as a <p> with the matches marked. */
function excerpt(text, terms, size = 28) {
  const all = spans(text, terms);
  let from = 0;
  let most = 0;
  let hits = 0;
  for (let i = 0; i < all.length; i++) {
    hits += all[i][2];
    if (i >= size) hits -= all[i - size][2];
    if (hits > most) {
      most = hits;
      from = Math.max(0, i - size + 1);
    }
  }
  const first = all.findIndex((s, i) => i >= from && s[2]);
  if (first > from + 4) from = Math.max(0, Math.min(first - 4, all.length - size)); // some words before it
  const shown = all.slice(from, from + size);
  const p = document.createElement("p");
  p.className = "sd-cari__cuplikan";
  if (!shown.length) return { element: p, hits: 0 };
  let at = shown[0][0];
  if (from > 0) p.append("… ");
  for (const [start, end, hit] of shown) {
    if (!hit) continue;
    p.append(text.slice(at, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    p.append(mark);
    at = end;
  }
  p.append(text.slice(at, shown[shown.length - 1][1]));
  if (from + size < all.length) p.append(" …");
  return { element: p, hits: most };
}

function link(href, text, className) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  if (className) a.className = className;
  return a;
}

/** How many of the query's words ``text`` holds, and how many of its words match. */
function coverage(text, found) {
  const matching = words(text).filter((w) => found.terms.has(w));
  return [found.words.filter((a) => matching.some((w) => w.startsWith(a))).length, matching.length];
}

/** One result: kind, title, excerpt, and the variables (sections) that match, most query words first. */
function result(page, found) {
  const terms = found.terms;
  const url = new URL(page.u, SITE);
  const li = document.createElement("li");
  li.className = "sd-cari__item";
  const kind = document.createElement("span");
  kind.className = "sd-cari__jenis";
  kind.textContent = page.j;
  li.append(kind, link(url.href, page.t, "sd-cari__judul"));
  const [main, ...parts] = page.s;
  const sections = parts
    .map(([anchor, heading, text]) => ({ anchor, heading, text, rank: [...coverage(heading, found), ...coverage(text, found)] }))
    .filter((s) => s.rank[1] + s.rank[3] > 0)
    .sort((a, b) => b.rank[0] - a.rank[0] || b.rank[2] - a.rank[2] || b.rank[1] - a.rank[1] || b.rank[3] - a.rank[3]);
  const lead = excerpt(main[2], terms);
  li.append(lead.hits || !sections.length ? lead.element : excerpt(sections[0].text, terms).element);
  if (sections.length) {
    const ul = document.createElement("ul");
    ul.className = "sd-cari__bagian";
    for (const s of sections.slice(0, 3)) {
      const item = document.createElement("li");
      const target = new URL(url);
      target.hash = s.anchor;
      item.append(link(target.href, s.heading), excerpt(s.text, terms, 18).element);
      ul.append(item);
    }
    if (sections.length > 3) {
      const rest = document.createElement("li");
      rest.className = "sd-cari__lainnya";
      rest.textContent = `dan ${sections.length - 3} variabel lain yang cocok`;
      ul.append(rest);
    }
    li.append(ul);
  }
  return li;
}

const FILTERS = ["opd", "sektor", "tahun", "jenis"];

/** The values chosen in each facet, from the address (?opd=…&tahun=…). */
function chosen(params) {
  return Object.fromEntries(FILTERS.map((key) => [key, new Set(params.getAll(key))]));
}

/** For each facet with a choice, a Uint8Array: 1 at the index of each value chosen. */
function allowedValues(facets, picked) {
  const out = {};
  for (const key of FILTERS) {
    if (!picked[key].size) continue;
    const ok = new Uint8Array(facets.nilai[key].length);
    facets.nilai[key].forEach((v, i) => (ok[i] = picked[key].has(v) ? 1 : 0));
    out[key] = ok;
  }
  return out;
}

/** The pages of ``found`` that have one of the chosen values of every facet with a choice. */
export function narrow(found, facets, picked) {
  if (!facets) return found.results;
  const allowed = allowedValues(facets, picked);
  const active = Object.keys(allowed);
  if (!active.length) return found.results;
  return found.results.filter((r) => active.every((key) => allowed[key][facets.dok[key][r.id]]));
}

/** Per facet, how many of the pages found have each value among the pages the *other* facets'
 * choices allow (so a visitor sees what choosing a value would give). One pass over the pages. */
export function facetCounts(found, facets, picked) {
  const allowed = allowedValues(facets, picked);
  const counts = Object.fromEntries(FILTERS.map((key) => [key, new Uint32Array(facets.nilai[key].length)]));
  const pass = new Uint8Array(FILTERS.length);
  for (const r of found.results) {
    let failed = 0;
    FILTERS.forEach((key, k) => {
      const ok = allowed[key] ? allowed[key][facets.dok[key][r.id]] : 1;
      pass[k] = ok;
      failed += 1 - ok;
    });
    if (failed > 1) continue;
    FILTERS.forEach((key, k) => {
      if (failed === 0 || !pass[k]) counts[key][facets.dok[key][r.id]]++;
    });
  }
  return counts;
}

/** The facet boxes: for each facet, its values among the pages found (narrowed by the other facets), with counts. */
function drawFacets(box, found, facets, picked, onChange) {
  const wasOpen = box.querySelector("details")?.open;
  box.replaceChildren();
  if (!facets || !found.total) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const fold = document.createElement("details"); // folded on phones, so the results come first
  fold.open = wasOpen ?? window.matchMedia("(min-width: 60em)").matches;
  const heading = document.createElement("summary");
  heading.className = "sd-saring__judul";
  const n = FILTERS.reduce((sum, k) => sum + picked[k].size, 0);
  heading.textContent = n ? `Saring hasil (${n} dipilih)` : "Saring hasil";
  fold.append(heading);
  box.append(fold);
  const all = facetCounts(found, facets, picked);
  for (const [key, label] of facets.nama) {
    const counts = new Map();
    all[key].forEach((n, i) => {
      const value = facets.nilai[key][i];
      if (n || picked[key].has(value)) counts.set(value, n);
    });
    if (counts.size < 2 && !picked[key].size) continue;
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = label;
    set.append(legend);
    const order = [...counts].sort((a, b) => (key === "tahun" ? b[0].localeCompare(a[0]) : b[1] - a[1] || a[0].localeCompare(b[0], "id")));
    for (const [value, n] of order) {
      const row = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = key;
      input.value = value;
      input.checked = picked[key].has(value);
      input.addEventListener("change", () => {
        if (input.checked) picked[key].add(value);
        else picked[key].delete(value);
        onChange();
      });
      const name = document.createElement("span");
      name.textContent = value;
      const count = document.createElement("span");
      count.className = "sd-saring__n";
      count.textContent = n.toLocaleString("id-ID");
      row.append(input, name, count);
      set.append(row);
    }
    fold.append(set);
  }
  if (FILTERS.some((k) => picked[k].size)) {
    const clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = "Hapus semua saringan";
    clear.addEventListener("click", () => {
      for (const k of FILTERS) picked[k].clear();
      onChange();
    });
    fold.append(clear);
  }
}

/** Wire the search form of cari/: search as the visitor types, ?q= (and the facets) in the address,
 * a spelling suggestion when nothing is found, more results on request. */
function start(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector(".sd-cari__pesan");
  const hint = document.querySelector(".sd-cari__saran");
  const empty = document.querySelector(".sd-cari__kosong");
  const box = document.querySelector(".sd-saring");
  const list = document.querySelector(".sd-cari__hasil");
  const more = document.querySelector(".sd-cari__lagi");
  const index = Index.open();
  index.then((idx) => idx.facets()).catch(() => {}); // small (12 KB at 10,000 activities): fetched before the first query
  const picked = chosen(new URLSearchParams(window.location.search));
  let asked = 0;
  let current = null; // {found, shown: results after the facets, query, facets}
  let timer;

  function address(query) {
    const url = new URL(window.location.href);
    url.search = "";
    if (query.trim()) url.searchParams.set("q", query);
    for (const key of FILTERS) for (const v of picked[key]) url.searchParams.append(key, v);
    window.history.replaceState(null, "", url);
  }

  async function show(ticket) {
    const { found, shown } = current;
    const batch = shown.slice(list.children.length, list.children.length + PAGE);
    more.disabled = true;
    try {
      const pages = await Promise.all(batch.map((r) => index.then((idx) => idx.fragment(r.id))));
      if (ticket !== asked) return;
      list.append(...pages.map((p) => result(p, found)));
      more.hidden = list.children.length >= shown.length;
    } finally {
      more.disabled = false;
    }
  }

  async function redraw(ticket) {
    const { found, facets, query } = current;
    current.shown = narrow(found, facets, picked);
    list.replaceChildren();
    await show(ticket);
    if (ticket !== asked) return;
    drawFacets(box, found, facets, picked, () => {
      address(input.value);
      redraw(++asked);
    });
    const filtered = FILTERS.some((k) => picked[k].size);
    const n = current.shown.length.toLocaleString("id-ID");
    status.textContent = filtered ? `${n} dari ${found.total.toLocaleString("id-ID")} hasil untuk “${query}” sesuai saringan` : `${n} hasil untuk “${query}”`;
  }

  function link(query) {
    const a = document.createElement("a");
    const url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("q", query);
    a.href = url.href;
    a.textContent = query;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      input.value = query;
      run(query);
    });
    return a;
  }

  async function run(query) {
    const ticket = ++asked;
    address(query);
    hint.replaceChildren();
    hint.hidden = true;
    empty.hidden = true;
    if (!words(query).length) {
      list.replaceChildren();
      box.replaceChildren();
      box.hidden = true;
      more.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = "Mencari…";
    try {
      const idx = await index;
      let found = await idx.search(query);
      let q = query.trim();
      if (!found.total) {
        const better = await idx.correct(query);
        const other = better ? await idx.search(better) : null;
        if (ticket !== asked) return;
        if (other && other.total) {
          hint.append(`Tidak ada hasil untuk “${q}”. Mungkin maksud Anda: `, link(better), "?");
          hint.hidden = false;
          found = other;
          q = better;
        }
      }
      const facets = found.total ? await idx.facets().catch(() => null) : null;
      if (ticket !== asked) return;
      current = { found, facets, query: q, shown: [] };
      if (!found.total) {
        list.replaceChildren();
        box.replaceChildren();
        box.hidden = true;
        more.hidden = true;
        status.textContent = `Tidak ada hasil untuk “${q}”.`;
        empty.hidden = false;
        return;
      }
      await redraw(ticket);
    } catch (error) {
      if (ticket !== asked) return;
      console.error(error);
      status.textContent = "Indeks pencarian tidak dapat dimuat. Periksa koneksi lalu muat ulang halaman ini.";
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 120);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  more.addEventListener("click", () => {
    if (!current) return;
    show(asked).catch(() => {
      status.textContent = "Hasil berikutnya tidak dapat dimuat. Periksa koneksi lalu coba lagi.";
    });
  });
  const q = new URLSearchParams(window.location.search).get("q");
  if (q) {
    input.value = q;
    run(q);
  }
}

if (typeof document !== "undefined") {
  const form = document.querySelector("form.sd-cari");
  if (form) start(form);
}
