// YAML for the web editor: read records as the Python loader does, write them as the Python writer
// (pipeline/edit/records.py, ruamel.yaml) does. New files are emitted in the writer's style; an
// existing file is edited in place, value by value, so its comments, quotes and `alur` stay as they
// were. Whatever is written is read back and must equal the intended data, else nothing is written.

const FOLD_WIDTH = 96;
const BREAKS = /[\x85\u2028\u2029\ufeff]/;
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

// --- reading: YAML 1.2 core schema, leading-zero codes stay text (pipeline/read/loader.py) ---------

const INT = /^[-+]?(0|[1-9][0-9]*)$/;
const FLOAT = /^(?:[-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+)$/;

export function resolvePlain(text) {
  if (text && !"0123456789+-.~nNtTfF".includes(text[0])) return text;
  if (["", "~", "null", "Null", "NULL"].includes(text)) return null;
  if (["true", "True", "TRUE"].includes(text)) return true;
  if (["false", "False", "FALSE"].includes(text)) return false;
  if (INT.test(text)) return parseInt(text, 10);
  if (FLOAT.test(text)) return parseFloat(text);
  return text;
}

function toData(YAML, node) {
  if (node == null) return null;
  if (YAML.isAlias(node)) throw new Error("alias YAML (& dan *) tidak didukung");
  if (node.tag && !["tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"].includes(node.tag) && node.tag !== "!") {
    throw new Error(`tag YAML ${node.tag} tidak didukung`);
  }
  if (YAML.isMap(node)) {
    const out = {};
    for (const pair of node.items) {
      if (pair.key !== null && !YAML.isScalar(pair.key)) throw new Error("nama isian berupa daftar atau objek");
      const key = pair.key == null ? "" : String(pair.key.value);
      if (key === "<<") throw new Error("kunci gabungan YAML '<<' tidak didukung");
      out[key] = toData(YAML, pair.value);
    }
    return out;
  }
  if (YAML.isSeq(node)) return node.items.map((n) => toData(YAML, n));
  return node.type === "PLAIN" ? resolvePlain(String(node.value)) : String(node.value);
}


/** YAML text → {doc, data}; throws with an Indonesian message when the text is not one plain record. */
export function parse(YAML, text) {
  const doc = YAML.parseDocument(text, { schema: "failsafe", version: "1.2", uniqueKeys: true });
  if (doc.errors.length) throw new Error(doc.errors[0].message);
  return { doc, data: doc.contents == null ? null : toData(YAML, doc.contents) };
}

/** Deep equality that tells 1 from true and "1" from 1 (edit/records.py same()). */
export function same(a, b) {
  if (typeof a === "boolean" || typeof b === "boolean") return a === b;
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
  }
  return a === b;
}

// --- writing scalars as ruamel.yaml does ------------------------------------------------------

const R_BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const R_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/;
const R_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const R_NULL = /^(?:~|null|Null|NULL|)$/;
const R_TIME = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

function ruamelImplicitText(s) {
  // would ruamel.yaml's YAML 1.2 resolver read this plain scalar back as text?
  const c = s[0] || "";
  if ("-+0123456789".includes(c) && R_INT.test(s)) return false;
  if ("-+.0123456789".includes(c) && R_FLOAT.test(s)) return false;
  if ("tTfF".includes(c) && R_BOOL.test(s)) return false;
  if (("~nN".includes(c) || s === "") && R_NULL.test(s)) return false;
  if ("0123456789".includes(c) && R_TIME.test(s)) return false;
  if (s === "<<" || s === "=") return false;
  return true;
}

const WS = "\0 \t\r\n\x85\u2028\u2029";

function plainAllowed(s) {
  // PyYAML/ruamel analyze_scalar, block context: may ``s`` be written without quotes?
  if (!s) return false;
  if (s.startsWith("---") || s.startsWith("...")) return false;
  if (s[0] === " " || s[s.length - 1] === " " || /[\n\x85\u2028\u2029]/.test(s)) return false;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const followed = i + 1 >= chars.length || WS.includes(chars[i + 1]);
    const preceded = i === 0 || WS.includes(chars[i - 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) return false;
      if ((ch === "?" || ch === ":" || ch === "-") && followed) return false;
    } else {
      if (ch === ":" && followed) return false;
      if (ch === "#" && preceded) return false;
    }
  }
  return true;
}

const ESCAPES = { "\0": "0", "\x07": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
  "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P" };

function doubleQuoted(s) {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    const printable = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff);
    if (ch === '"' || ch === "\\" || !printable || "\x85\u2028\u2029\ufeff".includes(ch)) {
      if (ESCAPES[ch] !== undefined && ch !== "\xa0") out += "\\" + ESCAPES[ch];
      else if (code <= 0xff) out += "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
      else if (code <= 0xffff) out += "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
      else out += "\\U" + code.toString(16).toUpperCase().padStart(8, "0");
    } else out += ch;
  }
  return out + '"';
}

const singleQuoted = (s) => "'" + s.replace(/'/g, "''") + "'";

function pythonFloat(x) {
  // repr(float) as Python writes it
  if (Number.isNaN(x)) return ".nan";
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : "-.inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e16) {
    const [m, e] = x.toExponential().split("e");
    const exp = parseInt(e, 10);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(x);
}

function printable(s) {
  return ![...s].some((ch) => ch !== " " && NOT_PRINTABLE.test(ch));
}

function foldPositions(s) {
  if (s.length <= FOLD_WIDTH || s !== s.trim() || s.includes("  ") || !printable(s)) return null;
  const folds = [];
  let start = 0, space = null;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === " ") space = i;
    if (i - start >= FOLD_WIDTH && space !== null && space > start) {
      folds.push(space);
      start = space + 1;
      space = null;
    }
  }
  return folds.length ? folds : null;
}

function isIsoDate(s) {
  if (!/^\d{4}-\d\d-\d\d$/.test(s)) return false;
  const [y, m, d] = s.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** A scalar as YAML: [first line text, continuation lines at ``indent``] (edit/records.py _scalar). */
function scalar(value, indent, block) {
  const pad = " ".repeat(indent);
  if (value === null || value === undefined) return ["null", []];
  if (typeof value === "boolean") return [value ? "true" : "false", []];
  if (typeof value === "number") return [Number.isInteger(value) ? String(value) : pythonFloat(value), []];
  const s = String(value);
  if (!printable(s.replace(/\n/g, "")) || BREAKS.test(s)) return [doubleQuoted(s), []];
  if (block && s.includes("\n")) {
    const trailing = s.length - s.replace(/\n+$/, "").length;
    const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
    const body = s.replace(/\n+$/, "");
    const lines = body.split("\n").map((l) => (l ? pad + l : ""));
    for (let i = 1; i < trailing; i++) lines.push("");
    return ["|" + (s[0] === " " ? "2" : "") + chomp, lines];
  }
  if (block) {
    const folds = foldPositions(s);
    if (folds) {
      const chars = [...s], lines = [];
      let start = 0;
      for (const f of folds) { lines.push(pad + chars.slice(start, f).join("")); start = f + 1; }
      lines.push(pad + chars.slice(start).join(""));
      return [">-", lines];
    }
  }
  if (isIsoDate(s)) return [s, []];
  const resolved = resolvePlain(s);
  if (resolved !== s || /^[0-9]+$/.test(s)) return [doubleQuoted(s), []];
  if (s.includes("\n")) return [doubleQuoted(s), []];
  if (ruamelImplicitText(s) && plainAllowed(s)) return [s, []];
  return [s.includes("'") ? doubleQuoted(s) : singleQuoted(s), []];
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function emitPair(key, value, col, block, out, first = null) {
  // one "key: value" at column ``col``; ``first`` is the prefix of the first line ("- " of a list item)
  const lead = first !== null ? first : " ".repeat(col);
  if (isObject(value) && Object.keys(value).length) {
    out.push(`${lead}${key}:`);
    emitMap(value, col + 2, block, out);
  } else if (Array.isArray(value) && value.length) {
    out.push(`${lead}${key}:`);
    emitSeq(value, col + 2, block, out);
  } else if (isObject(value) || Array.isArray(value)) {
    out.push(`${lead}${key}: ${Array.isArray(value) ? "[]" : "{}"}`);
  } else {
    const [head, rest] = scalar(value, col + 2, block);
    out.push(`${lead}${key}: ${head}`);
    out.push(...rest);
  }
}

function emitMap(obj, col, block, out) {
  for (const [k, v] of Object.entries(obj)) emitPair(k, v, col, block, out);
}

function emitSeq(list, dash, block, out) {
  const pad = " ".repeat(dash);
  for (const item of list) {
    if (isObject(item) && Object.keys(item).length) {
      const entries = Object.entries(item);
      entries.forEach(([k, v], i) => emitPair(k, v, dash + 2, block, out, i === 0 ? pad + "- " : null));
    } else if (Array.isArray(item) && item.length) {
      out.push(pad + "-");
      emitSeq(item, dash + 2, block, out);
    } else if (isObject(item) || Array.isArray(item)) {
      out.push(`${pad}- ${Array.isArray(item) ? "[]" : "{}"}`);
    } else {
      const [head, rest] = scalar(item, dash + 2, block);
      out.push(`${pad}- ${head}`);
      out.push(...rest);
    }
  }
}

function render(data, block) {
  const out = [];
  emitMap(data, 0, block, out);
  return out.join("\n") + "\n";
}

/** The text of a new record file (edit/records.py new_text), verified by reading it back. */
export function newText(YAML, data) {
  for (const block of [true, false]) {
    const text = render(data, block);
    try {
      if (same(parse(YAML, text).data, data)) return text;
    } catch (e) { /* try the next style */ }
  }
  throw new Error("Berkas YAML tidak dapat ditulis dengan setia.");
}

// --- editing an existing file ------------------------------------------------------------------

/** The edit from ``old`` to ``neu`` as operations on the deepest changed mapping keys. */
export function operations(old, neu, path = []) {
  const ops = [];
  for (const k of Object.keys(old)) if (!(k in neu)) ops.push(["del", [...path, k]]);
  for (const [k, v] of Object.entries(neu)) {
    if (!(k in old)) ops.push(["set", [...path, k], v]);
    else if (!same(old[k], v)) {
      if (isObject(old[k]) && isObject(v)) ops.push(...operations(old[k], v, [...path, k]));
      else ops.push(["set", [...path, k], v]);
    }
  }
  return ops;
}

function lineStart(text, pos) { return text.lastIndexOf("\n", pos - 1) + 1; }
function lineEnd(text, pos) { const i = text.indexOf("\n", pos); return i < 0 ? text.length : i; }
function column(text, pos) { return pos - lineStart(text, pos); }

function mapAt(YAML, doc, path) {
  let node = doc.contents;
  for (const part of path) {
    if (!YAML.isMap(node) || node.flow) return null;
    const pair = node.items.find((p) => p.key && String(p.key.value) === part);
    if (!pair) return null;
    node = pair.value;
  }
  return YAML.isMap(node) && !node.flow ? node : null;
}

function applyOne(YAML, text, op, order) {
  const { doc } = parse(YAML, text);
  const path = op[1], key = path[path.length - 1];
  const map = mapAt(YAML, doc, path.slice(0, -1));
  if (!map) throw new Error(`isian induk ${path.slice(0, -1).join(".")} tidak berbentuk blok`);
  const pairs = map.items;
  const index = pairs.findIndex((p) => String(p.key.value) === key);
  const col = pairs.length ? column(text, pairs[0].key.range[0]) : 0;
  const rendered = () => { const out = []; emitPair(key, op[2], col, true, out); return out; };
  const endOf = (pair) => {
    const v = pair.value;
    if (!v || !v.range) return lineEnd(text, pair.key.range[1]) + 1;
    const end = v.range[1];
    return text[end - 1] === "\n" ? end : Math.min(text.length, lineEnd(text, end) + 1);
  };
  if (op[0] === "del") {
    if (index < 0) return text;
    const pair = pairs[index];
    // the comment lines in front of a deleted field (its heading) go with it, as in the Python writer
    const from = index > 0 ? endOf(pairs[index - 1]) : lineStart(text, pair.key.range[0]);
    return text.slice(0, from) + text.slice(endOf(pair));
  }
  if (index >= 0 && YAML.isSeq(pairs[index].value) && !pairs[index].value.flow && Array.isArray(op[2]) && op[2].length) {
    return spliceList(YAML, text, pairs[index], op[2], col, endOf);
  }
  const lines = rendered();
  if (index >= 0) {
    const pair = pairs[index];
    const start = lineStart(text, pair.key.range[0]);
    const v = pair.value;
    const blockOld = !v || !v.range || text[v.range[1] - 1] === "\n" || lines.length > 1 || v.type === "BLOCK_FOLDED" || v.type === "BLOCK_LITERAL";
    if (blockOld) return text.slice(0, start) + lines.join("\n") + "\n" + text.slice(endOf(pair));
    return text.slice(0, start) + lines.join("\n") + text.slice(v.range[1]);
  }
  // a new key: after the last present key that comes before it in form order
  const rank = order.indexOf(key);
  let after = null;
  for (const p of pairs) {
    const r = order.indexOf(String(p.key.value));
    if (rank < 0 || (r >= 0 && r < rank)) after = p;
  }
  let at;
  if (after) at = endOf(after);
  else if (pairs.length) at = lineStart(text, pairs[0].key.range[0]);
  else at = text.length;
  let prefix = text.slice(0, at);
  if (prefix && !prefix.endsWith("\n")) prefix += "\n";
  return prefix + lines.join("\n") + "\n" + text.slice(at);
}

function spliceList(YAML, text, pair, items, col, endOf) {
  // a changed block list: items equal to an old one keep their text, the others are written anew
  const seq = pair.value;
  const olds = seq.items.map((node, i) => {
    const start = lineStart(text, node.range[0]);
    const next = seq.items[i + 1];
    const end = next ? lineStart(text, next.range[0]) : endOf(pair);
    return { data: toData(YAML, node), text: text.slice(start, end), used: false };
  });
  const dash = column(text, seq.items[0].range[0]) - 2;
  let body = "";
  for (const item of items) {
    const match = olds.find((o) => !o.used && same(o.data, item));
    if (match) {
      match.used = true;
      body += match.text.endsWith("\n") ? match.text : match.text + "\n";
    } else {
      const out = [];
      emitSeq([item], dash, true, out);
      body += out.join("\n") + "\n";
    }
  }
  const from = lineStart(text, seq.items[0].range[0]);
  return text.slice(0, from) + body + text.slice(endOf(pair));
}

/** ``text`` changed into ``expected``; ``order(path)`` gives the form order of the keys at ``path``.
 * Comments and values the edit does not touch stay byte for byte. */
export function updatedText(YAML, text, expected, order) {
  const crlf = text.includes("\r\n");
  let out = crlf ? text.replace(/\r\n/g, "\n") : text;
  const { data } = parse(YAML, out);
  for (const op of operations(data || {}, expected)) out = applyOne(YAML, out, op, order(op[1].slice(0, -1)));
  let back;
  try { back = parse(YAML, out).data; } catch (e) { back = undefined; }
  if (!same(back, expected)) throw new Error("Hasil penyuntingan tidak sama dengan data yang dimaksud.");
  return crlf ? out.replace(/\n/g, "\r\n") : out;
}
