// The few GitHub REST calls the editor makes: read the catalog at the base branch, then write one
// commit on a new branch (of the repository, or of the user's fork without write access) and open a
// pull request. Never a commit on the base branch. `satudata sunting` answers the same calls locally.

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

const WORDS = {
  401: "Token tidak sah atau sudah kedaluwarsa. Buat token baru (lihat panduan), lalu masuk lagi.",
  403: "Token ini tidak diizinkan melakukan tindakan tersebut (izin Contents dan Pull requests: Read and write).",
  404: "Repositori atau berkas tidak ditemukan, atau token tidak memiliki akses ke repositori ini.",
  409: "Repositori sedang berubah; coba lagi sebentar lagi.",
  422: "GitHub menolak permintaan ini",
};

function decode(b64) {
  const bytes = Uint8Array.from(atob(b64.replace(/\s/g, "")), (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

export class GitHub {
  constructor(api, token) { this.api = api.replace(/\/$/, ""); this.token = token; }

  async req(method, path, body) {
    let response;
    try {
      response = await fetch(this.api + path, {
        method,
        headers: {
          Accept: "application/vnd.github+json",
          Authorization: `Bearer ${this.token}`,
          "X-GitHub-Api-Version": "2022-11-28",
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        cache: "no-store",
      });
    } catch (e) {
      throw new ApiError(0, "Tidak dapat menghubungi GitHub. Periksa koneksi internet, lalu coba lagi.");
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!response.ok) {
      const detail = data && data.message ? ` (${data.message})` : "";
      throw new ApiError(response.status, (WORDS[response.status] || `GitHub menjawab ${response.status}`) + detail + ".");
    }
    return data;
  }

  user() { return this.req("GET", "/user"); }
  repo(full) { return this.req("GET", `/repos/${full}`); }
  async head(full, branch) { return (await this.req("GET", `/repos/${full}/git/ref/heads/${encodeURIComponent(branch)}`)).object.sha; }
  async treeOf(full, commit) {
    const c = await this.req("GET", `/repos/${full}/git/commits/${commit}`);
    const t = await this.req("GET", `/repos/${full}/git/trees/${c.tree.sha}?recursive=1`);
    return { tree: c.tree.sha, entries: t.tree.filter((e) => e.type === "blob") };
  }
  async text(full, sha) { return decode((await this.req("GET", `/repos/${full}/git/blobs/${sha}`)).content); }

  async forkOf(full, login) {
    const fork = await this.req("POST", `/repos/${full}/forks`, { default_branch_only: true });
    for (let i = 0; i < 10; i++) {
      try { await this.repo(fork.full_name); break; } catch (e) { await new Promise((r) => setTimeout(r, 1500)); }
    }
    return fork.full_name;
  }

  /** One commit with ``files`` ({path: text or null to delete}) on a new branch, and its pull request. */
  async propose({ upstream, base, branch, message, title, body, files, login }) {
    const repo = await this.repo(upstream);
    const baseBranch = base || repo.default_branch;
    const parent = await this.head(upstream, baseBranch);
    const { tree: baseTree } = await this.treeOf(upstream, parent);
    let target = upstream;
    if (!(repo.permissions && repo.permissions.push)) {
      target = await this.forkOf(upstream, login);
      try { await this.req("POST", `/repos/${target}/merge-upstream`, { branch: baseBranch }); } catch (e) { /* a new fork is already current */ }
    }
    const tree = await this.req("POST", `/repos/${target}/git/trees`, {
      base_tree: baseTree,
      tree: Object.entries(files).map(([path, text]) => (text === null
        ? { path, mode: "100644", type: "blob", sha: null }
        : { path, mode: "100644", type: "blob", content: text })),
    });
    const commit = await this.req("POST", `/repos/${target}/git/commits`, { message, tree: tree.sha, parents: [parent] });
    await this.req("POST", `/repos/${target}/git/refs`, { ref: `refs/heads/${branch}`, sha: commit.sha });
    const head = target === upstream ? branch : `${target.split("/")[0]}:${branch}`;
    return this.req("POST", `/repos/${upstream}/pulls`, { title, head, base: baseBranch, body, maintainer_can_modify: true });
  }
}
