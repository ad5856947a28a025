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

/** Wire the search form of cari/: search as the visitor types, ?q= in the address, more on request. */
function start(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector(".sd-cari__pesan");
  const list = document.querySelector(".sd-cari__hasil");
  const more = document.querySelector(".sd-cari__lagi");
  const index = Index.open();
  index.catch(() => {});
  let asked = 0;
  let current = null;
  let timer;

  async function show(found, ticket) {
    const batch = found.results.slice(list.children.length, list.children.length + PAGE);
    more.disabled = true;
    try {
      const pages = await Promise.all(batch.map((r) => index.then((idx) => idx.fragment(r.id))));
      if (ticket !== asked) return;
      list.append(...pages.map((p) => result(p, found)));
      more.hidden = list.children.length >= found.total;
    } finally {
      more.disabled = false;
    }
  }

  async function run(query) {
    const ticket = ++asked;
    const url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!words(query).length) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = "Mencari…";
    try {
      const found = await (await index).search(query);
      if (ticket !== asked) return;
      current = found;
      list.replaceChildren();
      await show(found, ticket);
      if (ticket !== asked) return;
      const q = query.trim();
      status.textContent = found.total
        ? `${found.total.toLocaleString("id-ID")} hasil untuk “${q}”`
        : `Tidak ada hasil untuk “${q}”. Coba kata lain atau lebih sedikit kata.`;
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
    show(current, asked).catch(() => {
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
