// The tlsearch page: plain JavaScript over the JSON API, no build step.
//
// Safety rule: event text and queries reach the DOM only through
// textContent, attributes set with setAttribute, and links whose URL was
// checked to be http(s). The one exception is a search snippet, which the
// server sends HTML-escaped with <mark> highlights: it is inserted as HTML
// only after checking that <mark> and </mark> are its only tags.
//
// The URL holds the whole state (query, filters, sort, page, open event), so
// a link reproduces the view and back/forward work.
"use strict";

(function () {
  const PAGE_SIZE = 20;
  const FACET_LIMIT = 10;
  const FILTERS = [  // URL/API parameter, facet name in the API, label
    ["lane", "lanes", "Lane"],
    ["actor", "actors", "Actor"],
    ["tag", "tags", "Tag"],
    ["status", "status", "Status"],
    ["type", "type", "Type"],
  ];
  const SIDEBAR = ["lanes", "actors", "tags", "status", "importance"];
  const FACET_TITLES = {
    lanes: "Lanes", actors: "Actors", tags: "Tags", status: "Status",
    type: "Type", importance: "Importance",
  };
  const DEBOUNCE_MS = 180;
  const MAX_MONTH_BARS = 36;

  const $ = (id) => document.getElementById(id);
  const els = {
    q: $("q"), form: $("search-form"), facets: $("facets"), sidebar: $("sidebar"),
    filtersToggle: $("filters-toggle"), filtersCount: $("filters-count"),
    histogram: $("histogram"), histogramTitle: $("histogram-title"),
    summary: $("summary"), sort: $("sort"), chips: $("chips"), notices: $("notices"),
    hits: $("hits"), empty: $("empty"), pager: $("pager"), progress: $("progress"),
    eventView: $("event-view"), event: $("event"),
  };

  // ---- State <-> URL -------------------------------------------------------

  function emptyState() {
    const s = { q: "", from: "", to: "", min_importance: "", sort: "", page: 1, event: "" };
    for (const [param] of FILTERS) s[param] = [];
    return s;
  }

  function stateFromUrl() {
    const p = new URLSearchParams(location.search);
    const s = emptyState();
    s.q = p.get("q") || "";
    for (const [param] of FILTERS) s[param] = p.getAll(param).filter(Boolean);
    s.from = p.get("from") || "";
    s.to = p.get("to") || "";
    s.min_importance = p.get("min_importance") || "";
    s.sort = p.get("sort") || "";
    s.page = Math.max(1, parseInt(p.get("page") || "1", 10) || 1);
    s.event = p.get("event") || "";
    return s;
  }

  // Query string of `s` for the page URL (`forPage`) or the API.
  function stateParams(s, forPage) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    for (const [param] of FILTERS) for (const v of s[param]) p.append(param, v);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    if (s.min_importance) p.set("min_importance", s.min_importance);
    if (forPage) {
      if (s.sort) p.set("sort", s.sort);
      if (s.page > 1) p.set("page", String(s.page));
      if (s.event) p.set("event", s.event);
    } else {
      // Browsing reads best newest first; a query, best match first.
      p.set("sort", s.sort || (s.q.trim() ? "relevance" : "-date"));
    }
    return p;
  }

  function pageUrl(s) {
    const qs = stateParams(s, true).toString();
    return qs ? "?" + qs : location.pathname;
  }

  let state = stateFromUrl();

  // Applies `change` to a copy of the state and records it in history:
  // pushState for deliberate steps, replaceState while typing.
  function navigate(change, { replace = false, keepPage = false } = {}) {
    const next = Object.assign(cloneState(state), change);
    if (!keepPage && !("page" in change)) next.page = 1;
    const url = pageUrl(next);
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    const searchChanged = stateParams(next, false).toString() !==
      stateParams(state, false).toString() || next.page !== state.page;
    state = next;
    if (searchChanged) runSearch();
    syncEventView();
  }

  function cloneState(s) {
    const c = Object.assign({}, s);
    for (const [param] of FILTERS) c[param] = s[param].slice();
    return c;
  }

  // ---- API -----------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  async function api(path, signal) {
    let res;
    try {
      res = await fetch(path, { signal, headers: { Accept: "application/json" } });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiError("cannot reach the tlsearch server", 0);
    }
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const message = body && body.error && body.error.message ? body.error.message
        : "request failed (" + res.status + ")";
      throw new ApiError(message, res.status);
    }
    return body;
  }

  // ---- DOM helpers ---------------------------------------------------------

  // Bidi embedding, override and isolate controls (U+202A-U+202E,
  // U+2066-U+2069) in event text would reorder what follows them on the
  // page (a title running backwards, an actor's name swallowing the count
  // beside it): dropped from every text shown, as the server drops them
  // from snippets.
  const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
  function visible(text) {
    return String(text).replace(BIDI_CONTROLS, "");
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = visible(v);
        else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
        else if (k === "title" || k.startsWith("aria-")) node.setAttribute(k, visible(v));
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(visible(child)));
    }
    return node;
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  // A URL safe to put in href: absolute http or https only.
  function safeHttpUrl(text) {
    if (typeof text !== "string") return null;
    let url;
    try { url = new URL(text.trim()); } catch (e) { return null; }
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  }

  // Fills `node` with a server snippet: as HTML only when its only tags are
  // <mark> and </mark> (the server escapes everything else), else as text.
  function setSnippet(node, snippet) {
    const text = String(snippet || "");
    if (!/[<>]/.test(text.replace(/<\/?mark>/g, ""))) {
      node.innerHTML = text;
    } else {
      node.textContent = text.replace(/<\/?mark>/g, "");
    }
  }

  function formatCount(n) {
    return Number(n).toLocaleString("en");
  }

  function plural(n, word) {
    return formatCount(n) + " " + word + (n === 1 ? "" : "s");
  }

  // ---- Search --------------------------------------------------------------

  let searchController = null;
  let lastResult = null;
  const expanded = new Set();  // facets showing more values
  const facetFilters = {};     // facet name -> text in its filter box

  async function runSearch() {
    if (searchController) searchController.abort();
    const controller = new AbortController();
    searchController = controller;
    const s = state;
    const params = stateParams(s, false);
    params.set("offset", String((s.page - 1) * PAGE_SIZE));
    params.set("limit", String(PAGE_SIZE));
    params.set("facet_limit", String(FACET_LIMIT));
    els.progress.hidden = false;
    document.body.classList.add("loading");
    // The histogram draws on its own, so hits never wait for its requests.
    renderHistogram(s, controller.signal).catch((e) => {
      if (e.name !== "AbortError" && controller === searchController)
        els.histogram.replaceChildren(el("p", { class: "error small", text: e.message }));
    });
    try {
      const [result] = await Promise.all([
        api("api/search?" + params.toString(), controller.signal),
        loadExpandedFacets(s, controller.signal),
      ]);
      if (controller !== searchController) return;
      lastResult = result;
      renderResult(result, s);
    } catch (e) {
      if (e.name === "AbortError" || controller !== searchController) return;
      renderError(e);
    } finally {
      if (controller === searchController) {
        els.progress.hidden = true;
        document.body.classList.remove("loading");
      }
    }
  }

  function renderError(e) {
    lastResult = null;
    els.hits.replaceChildren();
    els.pager.replaceChildren();
    els.summary.replaceChildren();
    els.notices.replaceChildren();
    els.empty.hidden = false;
    els.empty.replaceChildren(
      el("p", { class: "error", text: e.status === 400 ? "That search cannot be run: " + e.message
        : "Something went wrong: " + e.message }));
  }

  function renderResult(result, s) {
    renderSummary(result, s);
    renderChips(s);
    renderNotices(result);
    renderHits(result, s);
    renderPager(result, s);
    renderFacets(result, s);
    document.title = (s.q ? s.q + " · " : "") + "tlsearch";
  }

  function renderSummary(result, s) {
    const parts = [el("strong", { text: plural(result.total, "event") })];
    if (s.q.trim()) parts.push(" for ", el("q", { class: "query", text: s.q.trim() }));
    if (result.total > 0) {
      const first = result.offset + 1;
      const last = result.offset + result.hits.length;
      if (result.total > PAGE_SIZE && result.hits.length)
        parts.push(el("span", { class: "muted", text: " · " + formatCount(first) + "–" + formatCount(last) }));
    }
    parts.push(el("span", { class: "muted small", text: " · " + Math.max(1, Math.round(result.elapsed_ms)) + " ms" }));
    els.summary.replaceChildren(...parts);
    els.sort.value = s.sort;
  }

  function activeFilters(s) {
    const list = [];
    for (const [param, , label] of FILTERS)
      for (const v of s[param]) list.push({ label: label, value: v, remove: () => {
        navigate({ [param]: state[param].filter((x) => x !== v) });
      } });
    if (s.from || s.to) list.push({
      label: "Date", value: dateRangeLabel(s.from, s.to),
      remove: () => navigate({ from: "", to: "" }),
    });
    if (s.min_importance) list.push({
      label: "Importance", value: "≥ " + s.min_importance,
      remove: () => navigate({ min_importance: "" }),
    });
    return list;
  }

  function dateRangeLabel(from, to) {
    if (from && to) return from === to ? from : from + " – " + to;
    if (from) return "from " + from;
    return "until " + to;
  }

  function renderChips(s) {
    const filters = activeFilters(s);
    els.filtersCount.textContent = filters.length ? "(" + filters.length + ")" : "";
    if (!filters.length) { els.chips.replaceChildren(); return; }
    const chips = filters.map((f) => el("button", {
      type: "button", class: "chip removable", title: "Remove this filter",
      "aria-label": "Remove filter " + f.label + ": " + f.value, onclick: f.remove,
    }, el("span", { class: "chip-label", text: f.label + ":" }), " ", f.value,
    el("span", { class: "x", "aria-hidden": "true", text: "×" })));
    if (filters.length > 1) chips.push(el("button", {
      type: "button", class: "link-button", text: "Clear all",
      onclick: () => {
        const cleared = { from: "", to: "", min_importance: "" };
        for (const [param] of FILTERS) cleared[param] = [];
        navigate(cleared);
      },
    }));
    els.chips.replaceChildren(...chips);
  }

  function renderNotices(result) {
    els.notices.replaceChildren(...(result.notices || []).map((n) =>
      el("p", { class: "notice", text: n })));
  }

  function renderHits(result, s) {
    els.hits.replaceChildren(...result.hits.map((hit, i) => renderHit(hit, s, i)));
    els.empty.hidden = result.total > 0;
    if (result.total === 0) renderEmpty(result, s);
    els.hits.setAttribute("start", String(result.offset + 1));
  }

  function renderHit(hit, s, index) {
    const open = (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      openEvent(hit.id);
    };
    const title = el("a", {
      class: "hit-title", href: pageUrl(Object.assign(cloneState(s), { event: hit.id })),
      "data-index": index, onclick: open,
    }, hit.title || hit.id);
    const meta = el("div", { class: "hit-meta" },
      el("time", { text: hit.date || "undated" }),
      hit.importance !== null && hit.importance !== undefined
        ? el("span", { class: "importance imp-" + importanceBand(hit.importance),
          title: "importance " + hit.importance + " of 10", text: "★ " + hit.importance })
        : null,
      hit.status ? el("span", { class: "status", text: hit.status }) : null);
    const lanes = el("div", { class: "hit-lanes" }, ...(hit.lanes || []).map((lane) =>
      el("button", {
        type: "button", class: "chip lane" + (s.lane.some((v) => sameKey(v, lane)) ? " on" : ""),
        title: "Filter by lane " + lane,
        onclick: () => toggleValue("lane", lane),
      }, lane)));
    const snippet = el("p", { class: "snippet" });
    setSnippet(snippet, hit.snippet);
    return el("li", { class: "hit", "data-id": hit.id }, meta, el("h2", {}, title), snippet, lanes);
  }

  function importanceBand(n) {
    return n >= 8 ? "high" : n >= 5 ? "mid" : "low";
  }

  // Loose comparison of facet values, like the server's facet keys.
  function keyOf(v) {
    return String(v).toLowerCase().replace(/["']/g, "").replace(/&/g, " and ")
      .replace(/[-_/\s]+/g, " ").trim();
  }
  function sameKey(a, b) { return keyOf(a) === keyOf(b); }

  function renderEmpty(result, s) {
    const parts = [el("p", { class: "empty-title", text: s.q.trim()
      ? "No events match this search." : "No events match these filters." })];
    if (result.suggestion) {
      const suggested = Object.assign(cloneState(s), { q: result.suggestion, page: 1 });
      parts.push(el("p", {}, "Did you mean ", el("a", {
        href: pageUrl(suggested), class: "suggestion",
        onclick: (e) => { e.preventDefault(); els.q.value = result.suggestion; navigate({ q: result.suggestion }); },
      }, result.suggestion), "?"));
    }
    if (activeFilters(s).length)
      parts.push(el("p", { class: "muted", text: "Try removing a filter above." }));
    else if (s.q.trim())
      parts.push(el("p", { class: "muted", text: "Try fewer words, a word* wildcard, or OR between words." }));
    els.empty.replaceChildren(...parts);
  }

  function renderPager(result, s) {
    const pages = Math.ceil(result.total / PAGE_SIZE);
    if (pages <= 1) { els.pager.replaceChildren(); return; }
    const link = (page, label, extra) => {
      const attrs = Object.assign({ class: "page" + (page === s.page ? " current" : "") }, extra || {});
      if (page === s.page || page < 1 || page > pages) {
        return el("span", Object.assign(attrs, { "aria-current": page === s.page ? "page" : null,
          class: attrs.class + " disabled" }), label);
      }
      return el("a", Object.assign(attrs, {
        href: pageUrl(Object.assign(cloneState(s), { page: page, event: "" })),
        onclick: (e) => { e.preventDefault(); navigate({ page: page, event: "" }); window.scrollTo(0, 0); },
      }), label);
    };
    const items = [link(s.page - 1, "← Previous", { rel: "prev" })];
    const shown = new Set([1, pages]);
    for (let p = s.page - 2; p <= s.page + 2; ++p) if (p >= 1 && p <= pages) shown.add(p);
    let previous = 0;
    for (const p of [...shown].sort((a, b) => a - b)) {
      if (p - previous > 1) items.push(el("span", { class: "gap", text: "…" }));
      items.push(link(p, String(p)));
      previous = p;
    }
    items.push(link(s.page + 1, "Next →", { rel: "next" }));
    els.pager.replaceChildren(...items);
  }

  // ---- Facets --------------------------------------------------------------

  const expandedValues = {};  // facet -> values from the "more" request

  async function loadExpandedFacets(s, signal) {
    await Promise.all([...expanded].map(async (facet) => {
      const params = stateParams(s, false);
      params.set("limit", "0");
      params.set("facet_limit", "100");
      params.set("facets", facet);
      const result = await api("api/search?" + params.toString(), signal);
      expandedValues[facet] = result.facets[facet] || [];
    }));
  }

  function paramOfFacet(facet) {
    const f = FILTERS.find(([, name]) => name === facet);
    return f ? f[0] : null;
  }

  function toggleValue(param, value) {
    const current = state[param];
    const on = current.some((v) => sameKey(v, value));
    navigate({ [param]: on ? current.filter((v) => !sameKey(v, value)) : current.concat([value]) });
  }

  function renderFacets(result, s) {
    const sections = [];
    for (const facet of SIDEBAR) {
      const values = result.facets[facet];
      if (!values) continue;
      sections.push(facet === "importance" ? renderImportance(values, s)
        : renderFacet(facet, values, result.facet_distinct[facet] || 0, s));
    }
    // Keep focus in a facet's filter box across re-renders.
    const active = document.activeElement;
    const focusedFacet = active && active.dataset ? active.dataset.facetFilter : null;
    const caret = focusedFacet ? active.selectionStart : 0;
    els.facets.replaceChildren(...sections);
    if (focusedFacet) {
      const box = els.facets.querySelector('input[data-facet-filter="' + focusedFacet + '"]');
      if (box) { box.focus(); box.setSelectionRange(caret, caret); }
    }
  }

  function facetButton(param, value, count, selected, extraClass) {
    return el("li", {}, el("button", {
      type: "button", class: "facet-value" + (selected ? " on" : "") + (extraClass || ""),
      "aria-pressed": selected ? "true" : "false",
      onclick: () => toggleValue(param, value),
    }, el("span", { class: "check", "aria-hidden": "true" }),
    el("span", { class: "facet-label", text: value, title: value }),
    el("span", { class: "count", text: formatCount(count) })));
  }

  function renderFacet(facet, values, distinct, s) {
    const param = paramOfFacet(facet);
    const more = expanded.has(facet) && expandedValues[facet] ? expandedValues[facet] : values;
    const list = el("ul", { class: "facet-values" });
    const filterText = facetFilters[facet] || "";
    for (const v of more) list.append(facetButton(param, v.value, v.count, v.selected));
    const section = el("section", { class: "facet", "data-facet": facet },
      el("h3", {}, FACET_TITLES[facet],
        el("span", { class: "muted small", text: distinct ? " " + formatCount(distinct) : "" })));
    if (distinct > FACET_LIMIT) {
      const box = el("input", {
        type: "search", class: "facet-filter", placeholder: "Find " + FACET_TITLES[facet].toLowerCase() + "…",
        "aria-label": "Find " + FACET_TITLES[facet].toLowerCase(), "data-facet-filter": facet,
        value: filterText,
      });
      const found = el("ul", { class: "facet-values found" });
      box.addEventListener("input", debounce(() => {
        facetFilters[facet] = box.value;
        findFacetValues(facet, box.value, found, list);
      }, DEBOUNCE_MS));
      section.append(box, found);
      if (filterText) findFacetValues(facet, filterText, found, list);
    }
    section.append(list);
    if (distinct > values.length || expanded.has(facet)) {
      section.append(el("button", {
        type: "button", class: "link-button more",
        text: expanded.has(facet) ? "Show fewer" : "Show more",
        onclick: () => {
          if (expanded.has(facet)) expanded.delete(facet); else expanded.add(facet);
          runSearch();
        },
      }));
    }
    return section;
  }

  // The filter box inside a long facet: values of the whole index starting
  // with the text (any word of them), from /api/facets. Their counts are
  // over all events, so they are shown as such.
  let facetController = null;
  async function findFacetValues(facet, text, found, list) {
    if (facetController) facetController.abort();
    if (!text.trim()) { found.replaceChildren(); list.hidden = false; return; }
    const controller = new AbortController();
    facetController = controller;
    try {
      const params = new URLSearchParams({ prefix: text.trim(), limit: "15" });
      const body = await api("api/facets/" + encodeURIComponent(facet) + "?" + params, controller.signal);
      const param = paramOfFacet(facet);
      list.hidden = true;
      const items = body.values.map((v) => facetButton(param, v.value, v.count,
        state[param].some((x) => sameKey(x, v.value)), " index-wide"));
      if (!items.length) items.push(el("li", { class: "muted small", text: "No " + FACET_TITLES[facet].toLowerCase() + " match." }));
      else items.unshift(el("li", { class: "muted small found-note", text: "Counts over all events" }));
      found.replaceChildren(...items);
    } catch (e) {
      if (e.name !== "AbortError") found.replaceChildren(el("li", { class: "error small", text: e.message }));
    }
  }

  // Importance as thresholds: "≥ 8" with the number of events at 8 or more.
  function renderImportance(values, s) {
    const byLevel = new Map(values.map((v) => [parseInt(v.value, 10), v.count]));
    const levels = [...byLevel.keys()].filter((n) => n >= 1 && n <= 10).sort((a, b) => b - a);
    const list = el("ul", { class: "facet-values" });
    let running = 0;
    for (const level of levels) {
      running += byLevel.get(level);
      const selected = String(level) === s.min_importance;
      list.append(el("li", {}, el("button", {
        type: "button", class: "facet-value" + (selected ? " on" : ""),
        "aria-pressed": selected ? "true" : "false",
        onclick: () => navigate({ min_importance: selected ? "" : String(level) }),
      }, el("span", { class: "check radio", "aria-hidden": "true" }),
      el("span", { class: "facet-label" }, el("span", { class: "importance imp-" + importanceBand(level), text: "★ " + level }),
        level < 10 ? " or more" : ""),
      el("span", { class: "count", text: formatCount(running) }))));
    }
    return el("section", { class: "facet", "data-facet": "importance" },
      el("h3", {}, FACET_TITLES.importance), list);
  }

  // ---- Histogram -----------------------------------------------------------

  let histogramBins = [];
  let histogramState = null;
  window.addEventListener("resize", debounce(() => {
    if (histogramState) drawHistogram(histogramBins, histogramState);
  }, 150));

  // Events per year (in bins of several years when the span is long), or
  // per month when the range is narrow; each bin knows its date range.
  async function renderHistogram(s, signal) {
    const params = stateParams(s, false);
    params.set("limit", "0");
    params.set("facet_limit", "1000");
    params.set("facets", "year");
    const result = await api("api/search?" + params.toString(), signal);
    const years = (result.facets.year || []).map((v) => [parseInt(v.value, 10), v.count])
      .filter(([y]) => Number.isFinite(y));
    let lo = Math.min(...years.map(([y]) => y));
    let hi = Math.max(...years.map(([y]) => y));
    const fromYear = parseInt(s.from, 10), toYear = parseInt(s.to, 10);
    if (Number.isFinite(fromYear) && years.length) lo = Math.max(lo, fromYear);
    if (Number.isFinite(toYear) && years.length) hi = Math.min(hi, toYear);
    let bins;
    let title;
    if (!years.length) {
      bins = [];
      title = "Events by year";
    } else if (hi - lo <= 2) {
      bins = await monthBins(s, lo, hi, signal);
      title = "Events by month";
    } else {
      const span = hi - lo + 1;
      const size = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find((n) => span / n <= 80) || 1000;
      const start = Math.floor(lo / size) * size;
      const counts = new Map(years);
      bins = [];
      for (let y = start; y <= hi; y += size) {
        let count = 0;
        for (let k = y; k < y + size; ++k) count += counts.get(k) || 0;
        const last = y + size - 1;
        bins.push({ label: size === 1 ? String(y) : y + "–" + last, short: String(y),
          from: String(y), to: String(last), count: count });
      }
      title = size === 1 ? "Events by year" : "Events by " + size + " years";
    }
    histogramBins = bins;
    histogramState = s;
    if (signal.aborted) return;
    const peak = Math.max(0, ...bins.map((b) => b.count));
    els.histogramTitle.textContent = title + (peak ? " · tallest bar " + plural(peak, "event") : "");
    drawHistogram(bins, s);
  }

  async function monthBins(s, lo, hi, signal) {
    const bins = [];
    let startMonth = 1, endMonth = 12;
    const from = /^(\d{4})-(\d{2})/.exec(s.from), to = /^(\d{4})-(\d{2})/.exec(s.to);
    if (from && parseInt(from[1], 10) === lo) startMonth = parseInt(from[2], 10);
    if (to && parseInt(to[1], 10) === hi) endMonth = parseInt(to[2], 10);
    for (let y = lo; y <= hi; ++y) {
      for (let m = y === lo ? startMonth : 1; m <= (y === hi ? endMonth : 12); ++m) {
        const ym = y + "-" + String(m).padStart(2, "0");
        bins.push({ label: new Date(Date.UTC(y, m - 1, 1)).toLocaleString("en", { month: "short", year: "numeric", timeZone: "UTC" }),
          short: m === 1 ? String(y) : new Date(Date.UTC(y, m - 1, 1)).toLocaleString("en", { month: "short", timeZone: "UTC" }),
          from: ym, to: ym, count: 0 });
      }
    }
    if (bins.length > MAX_MONTH_BARS) bins.length = MAX_MONTH_BARS;
    await Promise.all(bins.map(async (bin) => {
      const params = stateParams(s, false);
      params.set("from", bin.from);
      params.set("to", bin.to);
      params.set("limit", "0");
      params.set("facet_limit", "0");
      bin.count = (await api("api/search?" + params.toString(), signal)).total;
    }));
    return bins;
  }

  function drawHistogram(bins, s) {
    const box = els.histogram;
    if (!bins.length) {
      box.replaceChildren(el("p", { class: "muted small", text: "No dated events." }));
      return;
    }
    // Drawn at the box's pixel size, so labels are not stretched; redrawn
    // when the window is resized.
    const width = Math.max(200, box.clientWidth || 1000), height = 92, axis = 18;
    const max = Math.max(1, ...bins.map((b) => b.count));
    const step = width / bins.length;
    const gap = Math.min(4, step * 0.2);
    const svg = svgEl("svg", { viewBox: "0 0 " + width + " " + (height + axis),
      preserveAspectRatio: "none", role: "img", class: "histogram-svg",
      "aria-label": "Number of matching events over time" });
    const selection = svgEl("rect", { class: "drag", x: 0, y: 0, width: 0, height: height, visibility: "hidden" });
    svg.append(selection);
    bins.forEach((bin, i) => {
      const h = bin.count ? Math.max(2, (bin.count / max) * (height - 6)) : 0;
      const inRange = isBinSelected(bin, s);
      const bar = svgEl("rect", { x: i * step + gap / 2, y: height - h, width: Math.max(1, step - gap),
        height: h, class: "bar" + (inRange ? " on" : "") });
      const hit = svgEl("rect", { x: i * step, y: 0, width: step, height: height, class: "bar-hit", "data-index": i });
      const tip = svgEl("title");
      tip.textContent = bin.label + ": " + plural(bin.count, "event");
      hit.append(tip);
      svg.append(bar, hit);
    });
    const base = svgEl("line", { x1: 0, x2: width, y1: height + 0.5, y2: height + 0.5, class: "axis" });
    svg.append(base);
    // A few labels, evenly spread, never overlapping.
    const every = Math.max(1, Math.ceil(bins.length / Math.max(2, Math.floor(width / 90))));
    bins.forEach((bin, i) => {
      if (i % every !== 0) return;
      const label = svgEl("text", { x: i * step + step / 2, y: height + axis - 4, class: "tick",
        "text-anchor": i === 0 ? "start" : "middle" });
      if (i === 0) label.setAttribute("x", String(i * step + 1));
      label.textContent = bin.short;
      svg.append(label);
    });
    let dragStart = -1;
    const indexAt = (event) => {
      const rect = svg.getBoundingClientRect();
      const x = ((event.clientX - rect.left) / rect.width) * width;
      return Math.max(0, Math.min(bins.length - 1, Math.floor(x / step)));
    };
    const showDrag = (a, b) => {
      const lo = Math.min(a, b), hi = Math.max(a, b);
      selection.setAttribute("x", String(lo * step));
      selection.setAttribute("width", String((hi - lo + 1) * step));
      selection.setAttribute("visibility", "visible");
    };
    svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      dragStart = indexAt(e);
      svg.setPointerCapture(e.pointerId);
      showDrag(dragStart, dragStart);
      e.preventDefault();
    });
    svg.addEventListener("pointermove", (e) => { if (dragStart >= 0) showDrag(dragStart, indexAt(e)); });
    svg.addEventListener("pointerup", (e) => {
      if (dragStart < 0) return;
      const end = indexAt(e);
      const lo = Math.min(dragStart, end), hi = Math.max(dragStart, end);
      dragStart = -1;
      selection.setAttribute("visibility", "hidden");
      navigate({ from: bins[lo].from, to: bins[hi].to });
    });
    svg.addEventListener("pointercancel", () => { dragStart = -1; selection.setAttribute("visibility", "hidden"); });
    box.replaceChildren(svg);
  }

  // Whether a bin overlaps the date filter. Dates compare as strings once
  // padded: a partial `from` starts at its beginning, a partial `to` ends
  // at its end (like the server's bounds).
  function isBinSelected(bin, s) {
    if (!s.from && !s.to) return false;
    const start = (d) => (d + "-00-00").slice(0, 10);
    const end = (d) => (d + "-99-99").slice(0, 10);
    return (!s.from || end(bin.to) >= start(s.from)) && (!s.to || start(bin.from) <= end(s.to));
  }

  // ---- One event -----------------------------------------------------------

  let eventController = null;
  let returnFocus = null;

  function openEvent(id) {
    returnFocus = document.activeElement;
    navigate({ event: id }, { keepPage: true });
  }

  function closeEvent() {
    if (!state.event) return;
    navigate({ event: "" }, { keepPage: true });
  }

  async function syncEventView() {
    const id = state.event;
    if (!id) {
      if (!els.eventView.hidden) {
        els.eventView.hidden = true;
        document.body.classList.remove("event-open");
        if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
      }
      return;
    }
    if (els.eventView.dataset.id === id && !els.eventView.hidden) return;
    if (eventController) eventController.abort();
    const controller = new AbortController();
    eventController = controller;
    els.eventView.dataset.id = id;
    els.eventView.hidden = false;
    document.body.classList.add("event-open");
    els.event.replaceChildren(el("p", { class: "muted", text: "Loading…" }));
    try {
      const body = await api("api/events/" + encodeURIComponent(id), controller.signal);
      if (controller !== eventController) return;
      renderEvent(body.events[0], body.events.length);
    } catch (e) {
      if (e.name === "AbortError") return;
      els.event.replaceChildren(closeButton(), el("h2", { id: "event-title", text: "Event not found" }),
        el("p", { class: "error", text: e.message }));
    }
    els.event.focus();
  }

  function closeButton() {
    return el("button", { type: "button", class: "close", "aria-label": "Close", title: "Close (Esc)",
      text: "×", onclick: closeEvent });
  }

  function renderEvent(ev, copies) {
    const facts = el("dl", { class: "facts" });
    const fact = (label, ...value) => { facts.append(el("dt", { text: label }), el("dd", {}, ...value)); };
    fact("Date", ev.date || "undated");
    if (ev.importance !== null && ev.importance !== undefined)
      fact("Importance", el("span", { class: "importance imp-" + importanceBand(ev.importance), text: "★ " + ev.importance }), " of 10");
    if (ev.status) fact("Status", ev.status);
    if (ev.location) fact("Location", ev.location);
    if (ev.type) fact("Type", ev.type);

    const chipList = (param, values, cls) => el("div", { class: "chip-list" }, ...values.map((v) =>
      el("button", { type: "button", class: "chip " + cls, title: "Filter by this",
        onclick: () => { navigate({ [param]: state[param].some((x) => sameKey(x, v)) ? state[param] : state[param].concat([v]), event: "" }); },
      }, v)));
    const sections = [];
    if (ev.lanes && ev.lanes.length) sections.push(el("h3", { text: "Lanes" }), chipList("lane", ev.lanes, "lane"));
    if (ev.actors && ev.actors.length) sections.push(el("h3", { text: "Actors" }), chipList("actor", ev.actors, "actor"));
    if (ev.tags && ev.tags.length) sections.push(el("h3", { text: "Tags" }), chipList("tag", ev.tags, "tag"));

    const body = el("div", { class: "event-body" });
    renderMarkdown(body, ev.body || ev.description || "");
    const sources = el("ol", { class: "sources" }, ...(ev.sources || []).map(renderSource));
    const related = el("ul", { class: "related" });

    // replaceChildren() would write a null as the text "null".
    els.event.replaceChildren(...[
      closeButton(),
      el("h2", { id: "event-title", text: ev.title || ev.id }),
      el("p", { class: "event-id muted small", text: ev.id + (copies > 1 ? " · " + copies + " files share this id" : "") }),
      facts, ...sections,
      body,
      ev.description && ev.body ? el("p", { class: "description", text: ev.description }) : null,
      ev.notes ? el("div", { class: "notes" }, el("h3", { text: "Notes" }), el("p", { text: ev.notes })) : null,
      (ev.sources || []).length ? el("h3", { text: "Sources" }) : null,
      (ev.sources || []).length ? sources : null,
      (ev.links || []).length ? el("h3", { text: "Related events" }) : null,
      (ev.links || []).length ? related : null].filter((child) => child !== null));
    loadRelated(ev.links || [], related);
  }

  function renderSource(src) {
    const href = safeHttpUrl(src.url);
    const title = src.title || src.url || "untitled source";
    const main = href
      ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: title })
      : el("span", { class: "unlinked", text: title });
    return el("li", { class: "source" },
      src.tier ? el("span", { class: "tier tier-" + String(src.tier).charAt(0), title: "source tier " + src.tier, text: "Tier " + src.tier }) : null,
      main,
      el("span", { class: "muted small", text: [src.outlet, src.date].filter(Boolean).join(" · ") ? " " + [src.outlet, src.date].filter(Boolean).join(" · ") : "" }),
      !href && src.url ? el("div", { class: "muted small url", text: src.url }) : null);
  }

  // Wikilinks can be written with a folder ("kb/2020-01-01--x"); ids are the
  // last part.
  function linkId(target) {
    const parts = String(target).split("/");
    return parts[parts.length - 1].trim();
  }

  async function loadRelated(links, list) {
    const targets = links.slice(0, 30);
    const items = targets.map((target) => {
      const id = linkId(target);
      const item = el("li", {}, el("button", { type: "button", class: "link-button related-link",
        text: id, onclick: () => openRelated(id) }));
      list.append(item);
      return [id, item];
    });
    await Promise.all(items.map(async ([id, item]) => {
      try {
        const body = await api("api/events/" + encodeURIComponent(id));
        const ev = body.events[0];
        item.replaceChildren(el("button", { type: "button", class: "link-button related-link",
          onclick: () => openRelated(id) }, el("time", { text: ev.date || "" }), " ", ev.title || id));
      } catch (e) {
        item.replaceChildren(el("span", { class: "muted", title: "not in this index", text: id + " (not in the index)" }));
      }
    }));
  }

  function openRelated(id) {
    navigate({ event: id }, { keepPage: true });
  }

  // A safe subset of Markdown for event bodies: headings, paragraphs,
  // lists, [[wikilinks]] (open the event) and [text](http-url) links. Built
  // with DOM calls only; nothing in the text is ever parsed as HTML.
  function renderMarkdown(container, markdown) {
    const lines = visible(markdown).replace(/\r\n?/g, "\n").split("\n");
    let para = [];
    let list = null;
    const flush = () => {
      if (para.length) container.append(inline(el("p"), para.join(" ")));
      para = [];
    };
    for (const raw of lines) {
      const line = raw.trimEnd();
      const heading = /^(#{1,6})\s+(.*)$/.exec(line);
      const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
      if (!line.trim()) { flush(); list = null; continue; }
      if (heading) {
        flush(); list = null;
        container.append(inline(el(heading[1].length <= 2 ? "h3" : "h4"), heading[2]));
      } else if (item) {
        flush();
        if (!list) { list = el("ul"); container.append(list); }
        list.append(inline(el("li"), item[1]));
      } else {
        list = null;
        para.push(line.trim());
      }
    }
    flush();
  }

  function inline(node, text) {
    // A link's URL may hold one level of brackets (`.../Foo_(bar)`).
    const pattern = /\[\[([^\]|]+)(?:\|([^\]]+))?\]\]|\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|\*\*([^*]+)\*\*/g;
    let last = 0;
    for (let m; (m = pattern.exec(text));) {
      if (m.index > last) node.append(text.slice(last, m.index));
      if (m[1]) {
        const id = linkId(m[1]);
        node.append(el("button", { type: "button", class: "link-button wikilink", title: "Open " + id,
          onclick: () => openRelated(id) }, m[2] || m[1]));
      } else if (m[3]) {
        const href = safeHttpUrl(m[4]);
        node.append(href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: m[3] })
          : m[3]);
      } else {
        node.append(el("strong", { text: m[5] }));
      }
      last = pattern.lastIndex;
    }
    if (last < text.length) node.append(text.slice(last));
    return node;
  }

  // ---- Input and keyboard --------------------------------------------------

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  // One history entry per burst of typing: the first change pushes, the
  // rest replace it, so Back returns to the search before the typing.
  let typing = false;
  const onType = debounce(() => {
    if (els.q.value === state.q) return;
    navigate({ q: els.q.value, event: "" }, { replace: typing });
    typing = true;
  }, DEBOUNCE_MS);
  els.q.addEventListener("input", onType);
  els.q.addEventListener("blur", () => { typing = false; });
  els.form.addEventListener("submit", (e) => {
    e.preventDefault();
    typing = false;
    if (els.q.value !== state.q) navigate({ q: els.q.value, event: "" });
    focusHit(0);
  });
  els.sort.addEventListener("change", () => navigate({ sort: els.sort.value }));
  els.filtersToggle.addEventListener("click", () => {
    const open = !document.body.classList.contains("filters-open");
    document.body.classList.toggle("filters-open", open);
    els.filtersToggle.setAttribute("aria-expanded", String(open));
  });
  els.eventView.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.hasAttribute("data-close")) closeEvent();
  });

  function hitLinks() {
    return [...els.hits.querySelectorAll("a.hit-title")];
  }

  function focusHit(index) {
    const links = hitLinks();
    if (!links.length) return;
    const i = Math.max(0, Math.min(links.length - 1, index));
    links[i].focus();
    links[i].closest("li").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target;
    const inField = target instanceof HTMLElement &&
      (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
    if (e.key === "Escape") {
      if (state.event) { e.preventDefault(); closeEvent(); }
      else if (document.body.classList.contains("filters-open")) els.filtersToggle.click();
      else if (target === els.q) els.q.blur();
      return;
    }
    if (state.event) return;
    if (e.key === "/" && !inField) {
      e.preventDefault();
      els.q.focus();
      els.q.select();
      return;
    }
    const links = hitLinks();
    const current = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && (current >= 0 || target === els.q)) {
      e.preventDefault();
      focusHit(current + 1);
    } else if (e.key === "ArrowUp" && current >= 0) {
      e.preventDefault();
      if (current === 0) els.q.focus(); else focusHit(current - 1);
    }
  });

  window.addEventListener("popstate", () => {
    const next = stateFromUrl();
    const searchChanged = stateParams(next, false).toString() !==
      stateParams(state, false).toString() || next.page !== state.page;
    state = next;
    typing = false;
    if (els.q.value !== state.q) els.q.value = state.q;
    if (searchChanged) runSearch();
    syncEventView();
  });

  els.q.value = state.q;
  runSearch();
  syncEventView();
})();
