"""The editor's local mode: the few GitHub REST calls the web editor makes, answered by git.

``satudata sunting`` serves a built portal and, under ``/api/``, the subset of the GitHub REST API
that ``sunting/github.js`` uses (user, repository, refs, commits, trees, blobs, pulls), backed by
real git commands on a local repository, like decap-server is for Decap CMS. The editor runs the
same code against it as against GitHub: it reads the base branch, writes one commit on a new
branch and "opens a pull request" (recorded in the git directory). The base branch is never
written, nor anything outside ``metadata/``; every request is treated as hostile input.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..layout import identify
from ..read.git import GitError
from ..read.loader import MAX_BYTES
from .revision import Repo

MAX_BODY = 4 * MAX_BYTES  # one request carries one activity: a handful of records
SHA = re.compile(r"[0-9a-f]{40}")
PULLS_FILE = "satudata-usulan.json"


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class LocalForge:
    """A git repository seen through the editor's slice of the GitHub API."""

    repo: Path
    login: str
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    name: str = ""
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.repo = Path(self.repo).resolve()
        self.name = self.name or f"lokal/{self.repo.name}"
        if not self.base:
            try:
                self.base = self.git("symbolic-ref", "--short", "HEAD").decode().strip()
            except ApiError:
                self.base = "main"

    # --- git -----------------------------------------------------------------------------------

    def git(self, *args: str, data: bytes | None = None, env: dict | None = None) -> bytes:
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.repo), *args],
                input=data,
                capture_output=True,
                check=False,
                env={**os.environ, **(env or {})},
            )
        except FileNotFoundError:
            raise ApiError(500, "Perintah git tidak ditemukan.") from None
        if proc.returncode != 0:
            raise ApiError(422, proc.stderr.decode("utf-8", "replace").strip() or "git gagal")
        return proc.stdout

    def object_type(self, sha: str) -> str | None:
        if not SHA.fullmatch(sha or ""):
            return None
        try:
            return self.git("cat-file", "-t", sha).decode().strip()
        except ApiError:
            return None

    def need(self, sha, kind: str) -> str:
        if not isinstance(sha, str) or self.object_type(sha) != kind:
            raise ApiError(404, f"{kind} {str(sha)[:40]!r} tidak ada")
        return sha

    # --- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: str, body: dict | None) -> tuple[int, dict]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts == ["user"] and method == "GET":
            return 200, {"login": self.login, "type": "User"}
        if len(parts) < 3 or parts[0] != "repos" or "/".join(parts[1:3]) != self.name:
            raise ApiError(404, "Not Found")
        rest, write = parts[3:], method == "POST"
        if not rest and method == "GET":
            return 200, {
                "full_name": self.name,
                "default_branch": self.base,
                "permissions": {"push": True, "pull": True},
            }
        if rest[:3] == ["git", "ref", "heads"] and method == "GET":
            branch = "/".join(rest[3:])
            try:
                sha = self.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}").decode().strip()
            except ApiError:
                raise ApiError(404, "Not Found") from None
            return 200, {"ref": f"refs/heads/{branch}", "object": {"sha": sha, "type": "commit"}}
        if rest[:2] == ["git", "commits"] and len(rest) == 3 and method == "GET":
            sha = self.need(rest[2], "commit")
            tree = self.git("rev-parse", f"{sha}^{{tree}}").decode().strip()
            return 200, {"sha": sha, "tree": {"sha": tree}}
        if rest[:2] == ["git", "trees"] and len(rest) == 3 and method == "GET":
            return 200, self.tree(self.need(rest[2], "tree"))
        if rest[:2] == ["git", "blobs"] and len(rest) == 3 and method == "GET":
            sha = self.need(rest[2], "blob")
            raw = self.git("cat-file", "blob", sha)
            return 200, {"sha": sha, "size": len(raw), "encoding": "base64", "content": base64.b64encode(raw).decode()}
        if not write or not isinstance(body, dict):
            raise ApiError(404, "Not Found")
        with self.lock:
            if rest == ["git", "trees"]:
                return 201, {"sha": self.write_tree(body)}
            if rest == ["git", "commits"]:
                return 201, {"sha": self.write_commit(body)}
            if rest == ["git", "refs"]:
                return 201, self.write_ref(body)
            if rest == ["pulls"]:
                return 201, self.open_pull(body)
            if rest == ["forks"]:
                raise ApiError(403, "Mode lokal tidak membuat fork: akun lokal boleh menulis cabang baru")
        raise ApiError(404, "Not Found")

    def tree(self, sha: str) -> dict:
        try:
            entries = Repo(self.repo, "").entries(sha)
        except GitError as exc:
            raise ApiError(422, str(exc)) from None
        items = [{"path": e.path.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), "mode": e.mode,
                  "type": e.kind, "sha": e.sha, "size": e.size} for e in entries]  # fmt: skip
        return {"sha": sha, "tree": items, "truncated": False}

    def write_tree(self, body: dict) -> str:
        base = self.need(body.get("base_tree"), "tree")
        items = body.get("tree")
        if not isinstance(items, list) or not items or len(items) > 1000:
            raise ApiError(422, "tree harus berisi 1–1000 berkas")
        with tempfile.TemporaryDirectory(prefix="satudata-sunting-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self.git("read-tree", base, env=env)
            for item in items:
                path = item.get("path") if isinstance(item, dict) else None
                if not isinstance(path, str) or identify(path) is None or identify(path).kind == "opd":
                    raise ApiError(
                        422, f"Berkas {str(path)[:200]!r} bukan rekaman kegiatan, variabel atau indikator di metadata/"
                    )
                if item.get("mode") != "100644" or item.get("type") != "blob":
                    raise ApiError(422, f"{path}: hanya berkas biasa (mode 100644)")
                if "sha" in item and item["sha"] is None:
                    self.git("update-index", "--force-remove", "--", path, env=env)
                    continue
                content = item.get("content")
                if not isinstance(content, str) or len(content.encode("utf-8")) > MAX_BYTES:
                    raise ApiError(422, f"{path}: isi berkas harus teks sampai 1 MiB")
                blob = self.git("hash-object", "-w", "--stdin", data=content.encode("utf-8")).decode().strip()
                self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            return self.git("write-tree", env=env).decode().strip()

    def write_commit(self, body: dict) -> str:
        tree = self.need(body.get("tree"), "tree")
        parents = body.get("parents")
        message = body.get("message")
        if not isinstance(parents, list) or len(parents) != 1 or not isinstance(message, str) or not message.strip():
            raise ApiError(422, "commit butuh satu induk dan pesan")
        parent = self.need(parents[0], "commit")
        who = {"GIT_AUTHOR_NAME": self.login, "GIT_AUTHOR_EMAIL": f"{self.login}@users.noreply.github.com"}
        who |= {"GIT_COMMITTER_NAME": self.login, "GIT_COMMITTER_EMAIL": who["GIT_AUTHOR_EMAIL"]}
        return (
            self.git("commit-tree", tree, "-p", parent, "-F", "-", data=message.encode("utf-8"), env=who)
            .decode()
            .strip()
        )

    def write_ref(self, body: dict) -> dict:
        ref, sha = body.get("ref"), self.need(body.get("sha"), "commit")
        if not isinstance(ref, str) or not ref.startswith("refs/heads/"):
            raise ApiError(422, "ref harus refs/heads/NAMA")
        branch = ref.removeprefix("refs/heads/")
        if branch == self.base:
            raise ApiError(422, f"Cabang {self.base} dilindungi: usulan selalu di cabang baru")
        try:
            self.git("check-ref-format", "--branch", branch)
        except ApiError:
            raise ApiError(422, f"Nama cabang {branch[:100]!r} tidak sah") from None
        try:
            self.git("update-ref", ref, sha, "")  # the empty old value: only if the branch does not exist yet
        except ApiError:
            raise ApiError(422, "Reference already exists") from None
        return {"ref": ref, "object": {"sha": sha, "type": "commit"}}

    def pulls_file(self) -> Path:
        gitdir = Path(self.git("rev-parse", "--absolute-git-dir").decode().strip())
        return gitdir / PULLS_FILE

    def pulls(self) -> list[dict]:
        path = self.pulls_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return data if isinstance(data, list) else []

    def open_pull(self, body: dict) -> dict:
        head, base, title = body.get("head"), body.get("base"), body.get("title")
        if base != self.base or not isinstance(head, str) or not isinstance(title, str):
            raise ApiError(422, f"pull request butuh head dan base = {self.base}")
        self.need(self.git("rev-parse", "--verify", f"refs/heads/{head}^{{commit}}").decode().strip(), "commit")
        pulls = self.pulls()
        number = len(pulls) + 1
        text = body.get("body")
        pull = {"number": number, "title": title[:300], "head": {"ref": head}, "base": {"ref": base},
                "body": text[:65536] if isinstance(text, str) else "", "user": {"login": self.login},
                "html_url": f"/api/usulan/{number}"}  # fmt: skip
        path = self.pulls_file()
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps([*pulls, pull], ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)
        return pull


def handler_for(forge: LocalForge, site: Path):
    """The HTTP handler: the API under /api/, the editor's local configuration, the built site."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):  # quiet: the terminal shows the token and the address
            pass

        def send_json(self, status: int, data: dict) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(raw)

        def api(self, method: str) -> None:
            url = urlsplit(self.path)
            if self.headers.get("Authorization", "") not in (f"Bearer {forge.token}", f"token {forge.token}"):
                self.send_json(401, {"message": "Bad credentials"})
                return
            body = None
            if method == "POST":
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if not 0 < length <= MAX_BODY:
                    self.send_json(413, {"message": "Permintaan terlalu besar atau kosong"})
                    return
                try:
                    body = json.loads(self.rfile.read(length).decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    self.send_json(400, {"message": "Problems parsing JSON"})
                    return
            path = url.path.removeprefix("/api")
            if path.startswith("/usulan/") and method == "GET":
                found = [p for p in forge.pulls() if f"/usulan/{p['number']}" == path]
                self.send_json(200 if found else 404, found[0] if found else {"message": "Not Found"})
                return
            try:
                status, data = forge.handle(method, path, url.query, body)
            except ApiError as exc:
                self.send_json(exc.status, {"message": exc.message})
                return
            except (binascii.Error, KeyError, TypeError, ValueError) as exc:
                self.send_json(422, {"message": f"Permintaan tidak sah: {type(exc).__name__}"})
                return
            self.send_json(status, data)

        def do_GET(self):  # noqa: N802 (http.server's names)
            url = urlsplit(self.path)
            if url.path.startswith("/api/"):
                self.api("GET")
            elif url.path == "/sunting/konfigurasi.json":
                self.send_json(200, {"api": "/api", "repositori": forge.name, "cabang": forge.base, "lokal": True})
            else:
                super().do_GET()

        def do_POST(self):  # noqa: N802
            if urlsplit(self.path).path.startswith("/api/"):
                self.api("POST")
            else:
                self.send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"message": "Method Not Allowed"})

    return Handler
