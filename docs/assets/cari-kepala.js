// A search box in the header of every page; it opens the Cari page (cari/?q=…) with the query.
(() => {
  const header = document.querySelector(".md-header__inner");
  const config = document.getElementById("__config");
  if (!header || !config || document.querySelector("form.sd-cari")) return; // the Cari page has its own
  const root = new URL(`${JSON.parse(config.textContent).base}/`, window.location.href);
  const form = document.createElement("form");
  form.className = "sd-cari-kepala";
  form.setAttribute("role", "search");
  form.setAttribute("aria-label", "Cari di seluruh katalog");
  form.action = new URL("cari/", root).href;
  const input = document.createElement("input");
  input.type = "search";
  input.name = "q";
  input.placeholder = "Cari metadata";
  input.setAttribute("aria-label", "Cari kegiatan, variabel atau indikator");
  form.append(input);
  header.append(form);
})();
