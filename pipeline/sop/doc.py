"""The SOP as documentation: the steps table and flow diagram in docs/alur-sop.md."""

from __future__ import annotations

from .definition import Sop, SopError

DOC_START = "<!-- sop:mulai (dibuat dari schemas/sop.yaml oleh `satudata sop --perbarui`; jangan disunting) -->"
DOC_END = "<!-- sop:selesai -->"


FORGE_WORDS = {
    "dibuka": "PR dibuka",
    "setuju": "Approve",
    "minta-perubahan": "Request changes",
    "perbaikan": "commit perbaikan",
    "digabung": "PR digabung",
    "ditutup": "PR ditutup tanpa digabung",
}


def _recorded(step) -> str:
    if not step.by_forge:
        return "diketik (`satudata langkah`)"
    words = [FORGE_WORDS[o] for o in step.forge]
    return "GitHub: " + ", ".join(words) + (f" (atas catatan {step.catatan_dari})" if step.catatan_dari else "")


def markdown(sop: Sop) -> str:
    """The steps table and a flow diagram, for docs/alur-sop.md."""
    rows = [
        "| No. | Uraian prosedur | Pelaksana | Waktu baku | Persyaratan | Output | Langkah berikutnya | Dicatat |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in sop.langkah.values():
        after = list(s.berikutnya) + (
            [f"{n} (siklus baru)" for n in sop.siklus_baru] if s.nomor in sop.siklus_setelah else []
        )
        rows.append(
            f"| {s.nomor} | {s.nama} | {sop.roles_text(s.pelaksana)} | {s.waktu} | {s.persyaratan} | {s.output} "
            f"| {', '.join(map(str, after)) or 'selesai'} | {_recorded(s)} |"
        )
    if sop.akhir:
        rows += [
            "",
            "| Keadaan akhir | Oleh | Boleh setelah langkah | Dicatat | Lalu boleh |",
            "| --- | --- | --- | --- | --- |",
        ]
        for key, end in sop.akhir.items():
            rows.append(
                f"| `{key}`: {end.nama} | {sop.roles_text(end.pelaksana)} | {', '.join(map(str, end.setelah))} "
                f"| GitHub: {', '.join(FORGE_WORDS[o] for o in end.forge)} | {', '.join(map(str, end.berikutnya))} |"
            )
    diagram = ["```mermaid", "flowchart TD"]
    for s in sop.langkah.values():
        diagram.append(f'    L{s.nomor}["{s.nomor}. {s.ringkas}<br/>{sop.roles_text(s.pelaksana)}, {s.waktu}"]')
    for s in sop.langkah.values():
        for n in s.berikutnya:
            label = "|bukan survei|" if (s.nomor, n) == (sop.awal[0], sop.sebelum) else ""
            diagram.append(f"    L{s.nomor} -->{label} L{n}")
        if s.nomor in sop.siklus_setelah:
            diagram += [f"    L{s.nomor} -.->|siklus baru| L{n}" for n in sop.siklus_baru]
    diagram.append("```")
    return "\n".join(rows) + "\n\n" + "\n".join(diagram) + "\n"


def update_doc(text: str, sop: Sop) -> str:
    """``text`` with the block between the SOP markers replaced by :func:`markdown`."""
    start, end = text.find(DOC_START), text.find(DOC_END)
    if start < 0 or end < start:
        raise SopError(f"penanda {DOC_START!r} dan {DOC_END!r} tidak ditemukan di dokumen.")
    return text[: start + len(DOC_START)] + "\n\n" + markdown(sop) + "\n" + text[end:]
