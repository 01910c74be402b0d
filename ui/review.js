// The review page: sentences with their mentions and candidate facts; accept, reject or
// correct each fact (or with the keyboard: j/k, a, r, e); filter by kind, confidence and
// status; accept a whole paragraph or every fact of a kind; write the accepted ones into data/.
const $ = (s, el = document) => el.querySelector(s);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

let state = null;

// The per-run secret `amity review` printed in the URL (?token=…): kept for this tab only and
// taken out of the address bar, then sent with every /api/ request as X-Amity-Token. Without
// it the server answers 403: another page the analyst has open cannot read or write here.
const TOKEN = (() => {
  const url = new URL(location.href);
  const given = url.searchParams.get("token");
  if (given) {
    sessionStorage.setItem("amity-review-token", given);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return given || sessionStorage.getItem("amity-review-token") || "";
})();

function setStatus(text, cls = "") {
  const el = $("#status");
  el.textContent = text;
  el.className = cls;
}

async function call(method, url, body) {
  const write = method !== "GET";
  const headers = { "x-amity-token": TOKEN };
  if (write) headers["content-type"] = "application/json";
  const r = await fetch(url, {
    method,
    headers,
    body: write ? JSON.stringify(body ?? {}) : undefined,
  });
  const j = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
  return j;
}

function marked(p, mentions) {
  const chars = [...p.text];
  const ms = mentions.filter((m) => m.passage === p.id).sort((a, b) => a.start - b.start);
  let out = "", at = 0;
  for (const m of ms) {
    if (m.start < at) continue;
    out += esc(chars.slice(at, m.start).join(""));
    const title = m.kind + ": " + m.id + (m.part_of.length ? " ⊂ " + m.part_of.join(" ⊂ ") : "");
    out += `<mark class="${esc(m.kind)}" title="${esc(title)}">${esc(chars.slice(m.start, m.end).join(""))}</mark>`;
    at = m.end;
  }
  return out + esc(chars.slice(at).join(""));
}

function factHtml(f) {
  const x = f.fact, d = f.decision;
  const cps = x.counterparts.map((c) => `${c.name_zh}${c.name_en ? " " + c.name_en : ""}${c.new ? " (new)" : ""}`).join("、");
  const year = x.year ? `${x.year.value} (${x.year.basis})` : "—";
  const count = x.count ? ` · ${x.count.value}${x.count.unit}${x.partial ? " (partial)" : ""}` : (x.partial ? " · partial" : "");
  const kinds = state.kinds.map((k) => `<option ${k === (d.kind || x.kind) ? "selected" : ""}>${k}</option>`).join("");
  return `<div class="fact ${esc(d.status)}" data-fact="${f.index}">
    <div><span class="kind">${esc(d.kind || x.kind)}</span> · ${esc(x.home.name_zh)} ↔ ${esc(cps || "—")} · ${esc(year)}${esc(count)}
      · <span class="quote">“${esc(x.quote)}”</span></div>
    <div class="rule" title="the rule that fired, and its confidence">rule: ${esc(x.rule)} · confidence ${x.confidence}</div>
    <div class="row">
      <button class="accept" type="button" data-act="accepted">接受 Accept</button>
      <button class="reject" type="button" data-act="rejected">拒绝 Reject</button>
      <label>kind <select class="kind-select">${kinds}</select></label>
      <label>counterparts <input class="cps" placeholder="ids or 中文名, ; separated" value="${esc((d.counterparts || x.counterparts.map((c) => c.id)).join(";"))}"></label>
      <label>year <input class="year" inputmode="numeric" value="${esc(d.year ?? (x.year ? x.year.value : ""))}"></label>
      <span class="state">${esc(d.status)}</span>
    </div></div>`;
}

function render() {
  const h = state.header;
  $("#meta").textContent = `${h.id} · ${h.title || "(no title)"} · ${h.date || "no date"} · home ${h.home} · ${state.facts.length} candidate facts → ${state.data}`;
  const byPara = new Map();
  for (const p of state.passages) {
    if (!byPara.has(p.paragraph)) byPara.set(p.paragraph, []);
    byPara.get(p.paragraph).push(p);
  }
  let html = "";
  for (const [n, ps] of byPara) {
    const facts = state.facts.filter((f) => ps.some((p) => p.id === f.fact.passage));
    html += `<section class="para" data-paragraph="${n}"><div class="para-head"><span>¶ ${n}</span>${
      facts.length ? `<button type="button" class="accept-para" data-paragraph="${n}">本段全部接受 Accept all in this paragraph</button>` : ""}</div>`;
    for (const p of ps) {
      html += `<div class="sentence" data-passage="${esc(p.id)}"><span class="sid">${esc(p.id)}</span>${marked(p, state.mentions)}</div>`;
      for (const f of facts.filter((f) => f.fact.passage === p.id)) html += factHtml(f);
    }
    html += "</section>";
  }
  $("#report").innerHTML = html;
}

// Filters (kind, confidence floor, status) hide facts; j/k move among the shown ones.
let focused = null;

function shown() {
  return [...document.querySelectorAll(".fact:not([hidden])")];
}

function applyFilters() {
  const kind = $("#f-kind").value, min = Number($("#f-conf").value || 0), status = $("#f-status").value;
  let n = 0;
  for (const el of document.querySelectorAll(".fact")) {
    const f = state.facts[el.dataset.fact];
    const st = f.decision.status || "pending";
    const hide = (kind && f.fact.kind !== kind) || f.fact.confidence < min || (status && st !== status);
    el.hidden = hide;
    if (!hide) n += 1;
  }
  $("#count").textContent = `${n} of ${state.facts.length} shown`;
  $("#accept-kind").disabled = !kind;
  if (focused !== null && !shown().some((el) => el.dataset.fact === String(focused))) focus(null);
  else if (focused !== null) focus(focused, false);
}

function focus(i, scroll = true) {
  for (const el of document.querySelectorAll(".fact.focused")) el.classList.remove("focused");
  for (const el of document.querySelectorAll(".sentence.current")) el.classList.remove("current");
  focused = i;
  if (i === null) return;
  const el = document.querySelector(`.fact[data-fact="${i}"]`);
  if (!el) return;
  el.classList.add("focused");
  // The fact's sentence, highlighted in its paragraph.
  const s = document.querySelector(`.sentence[data-passage="${CSS.escape(state.facts[i].fact.passage)}"]`);
  if (s) s.classList.add("current");
  if (scroll) el.scrollIntoView({ block: "center" });
}

function fillKinds() {
  const sel = $("#f-kind"), keep = sel.value;
  const kinds = [...new Set(state.facts.map((f) => f.fact.kind))].sort();
  sel.innerHTML = `<option value="">all</option>` + kinds.map((k) => {
    const n = state.facts.filter((f) => f.fact.kind === k).length;
    return `<option value="${esc(k)}">${esc(k)} (${n})</option>`;
  }).join("");
  sel.value = kinds.includes(keep) ? keep : "";
}

function rerender() {
  render();
  fillKinds();
  applyFilters();
}

async function decide(i, status) {
  const el = document.querySelector(`.fact[data-fact="${i}"]`);
  const f = state.facts[i];
  const body = { status };
  const kind = $(".kind-select", el).value;
  if (kind !== f.fact.kind) body.kind = kind;
  const cps = $(".cps", el).value.split(/[;；,，、]/).map((s) => s.trim()).filter(Boolean);
  if (cps.join(";") !== f.fact.counterparts.map((c) => c.id).join(";")) body.counterparts = cps;
  const y = $(".year", el).value.trim();
  if (y && (!f.fact.year || Number(y) !== f.fact.year.value)) body.year = Number(y);
  state = await call("POST", `/api/facts/${i}`, body);
  rerender();
  setStatus(`fact ${i}: ${status}`, "ok");
}

async function load() {
  state = await call("GET", "/api/review");
  rerender();
}

for (const id of ["#f-kind", "#f-conf", "#f-status"]) document.querySelector(id)?.addEventListener("input", applyFilters);

document.addEventListener("keydown", async (e) => {
  const typing = e.target.closest("input, select, textarea");
  if (e.key === "Escape" && typing) { e.target.blur(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey || !state) return;
  const list = shown();
  const at = list.findIndex((el) => el.dataset.fact === String(focused));
  try {
    if (e.key === "j" || e.key === "k") {
      e.preventDefault();
      const next = e.key === "j" ? Math.min(at + 1, list.length - 1) : Math.max(at - 1, 0);
      if (list[next]) focus(Number(list[next].dataset.fact));
    } else if ((e.key === "a" || e.key === "r") && focused !== null) {
      e.preventDefault();
      const i = focused;
      await decide(i, e.key === "a" ? "accepted" : "rejected");
      // On to the next shown fact, as a reviewer works down the report.
      const after = shown();
      const k = after.findIndex((el) => Number(el.dataset.fact) > i);
      focus(k >= 0 ? Number(after[k].dataset.fact) : i);
    } else if (e.key === "e" && focused !== null) {
      e.preventDefault();
      document.querySelector(`.fact[data-fact="${focused}"] .cps`)?.focus();
    }
  } catch (err) {
    setStatus(String(err.message || err), "error");
  }
});

document.addEventListener("click", async (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  try {
    if (b.dataset.act) {
      const i = Number(b.closest(".fact").dataset.fact);
      focus(i, false);
      await decide(i, b.dataset.act);
    } else if (b.classList.contains("accept-para")) {
      state = await call("POST", `/api/paragraphs/${b.dataset.paragraph}/accept`);
      rerender();
      setStatus(`paragraph ${b.dataset.paragraph}: accepted`, "ok");
    } else if (b.id === "accept-kind") {
      const kind = $("#f-kind").value, min = Number($("#f-conf").value || 0);
      const before = state.facts.filter((f) => f.decision.status === "accepted").length;
      state = await call("POST", `/api/kinds/${encodeURIComponent(kind)}/accept?min=${min}`);
      rerender();
      const after = state.facts.filter((f) => f.decision.status === "accepted").length;
      setStatus(`${kind} (confidence ≥ ${min}): ${after - before} accepted`, "ok");
    } else if (b.id === "commit") {
      setStatus("writing into data/ and validating…");
      const r = await call("POST", "/api/commit");
      setStatus("written and validated: " + r.written.map((w) => `${w.file} +${w.rows}`).join(", "), "ok");
    }
  } catch (err) {
    setStatus(String(err.message || err), "error");
  }
});

if (!TOKEN) setStatus("This page needs the URL `amity review` printed (it ends in ?token=…).", "error");
else load().catch((e) => setStatus(String(e.message || e), "error"));
