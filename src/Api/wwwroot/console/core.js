// The console's shared parts: state, the API client with its antiforgery header, messages, and role checks. Pages are
// modules that import these; app.js is the shell that signs in, draws the menu and routes.
export const state = {
  me: null,
  csrf: null,
  categories: [],
  areaNames: new Map(),
  options: { wechatLogin: false, messages: {} },
};
export const $ = (sel, root = document) => root.querySelector(sel);
export const view = () => $("#view");

export const esc = (v) =>
  String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

export const fmt = (iso) => {
  if (!iso) return "";
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};
export const pct = (v) => (v == null ? "—" : `${Math.round(v * 10) / 10}%`); // the API's rates are percentages

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.title) || `请求失败（${status}）`);
    this.status = status;
    this.code = body && body.code;
  }
}

/** A page's read that came back after the user had moved on: the page must not draw over the newer one. */
export class Stale extends Error {}
/** Set by the shell: what a 401 shows, and how the current page is drawn again after an action. */
export const hooks = { signIn: () => {}, redraw: async () => {} };

let routeSeq = 0;
/** A new page is being drawn: reads started for the one before it are now stale. */
export const nextRoute = () => ++routeSeq;
export const currentRoute = () => routeSeq;

export async function api(path, { method = "GET", body } = {}) {
  const seq = routeSeq;
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-TOKEN"] = state.csrf;
  const r = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 204) return null;
  const type = r.headers.get("content-type") || "";
  const data = type.includes("json") ? await r.json() : await r.text();
  if (r.status === 401 && !path.startsWith("/api/console/sign-in")) {
    hooks.signIn();
    throw new ApiError(401, data);
  }
  if (!r.ok) throw new ApiError(r.status, data);
  if (method === "GET" && seq !== routeSeq) throw new Stale();
  return data;
}

let toastTimer;
export function toast(message, bad = false) {
  const t = $("#toast");
  t.textContent = message;
  t.className = bad ? "toast bad" : "toast";
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), 4000);
}

/** Runs an action, tells the outcome, and re-renders the current route on success. */
export async function act(work, done) {
  try {
    await work();
    if (done) toast(done);
    await hooks.redraw();
  } catch (e) {
    if (e.status !== 401) toast(e.message, true);
  }
}

export const roleNames = {
  county_admin: "县级管理员",
  street_admin: "街道管理员",
  secretary: "社区书记",
  grid_worker: "网格员",
};
export const has = (...roles) => state.me.staff.some((s) => roles.includes(s.role));
export const isAdmin = () => has("street_admin", "county_admin");
export const canManage = () => has("secretary", "street_admin", "county_admin");
export const homeArea = () => (state.me.staff[0] ? state.me.staff[0].areaId : null);


/** The communities a secretary, street or county admin works for (theirs, or all below their street or county). */
export async function communities() {
  const list = [];
  for (const s of state.me.staff.filter((s) => s.role !== "grid_worker")) {
    const { area } = await api(`/api/areas/${s.areaId}`);
    if (area.kind === "community") list.push(area);
    else if (area.kind === "street") list.push(...(await api(`/api/areas?parentId=${area.id}`)));
    else {
      const streets = await api(`/api/areas?parentId=${area.id}`);
      const below = await Promise.all(streets.map((street) => api(`/api/areas?parentId=${street.id}`)));
      list.push(...below.flat());
    }
  }
  return list;
}

/** The community tabs over a page that works one community at a time. */
export const communityTabs = (all, current, base) =>
  `<p class="filters">${all
    .map((c) => `<a class="button${c.id === current ? " primary" : ""}" href="#/${base}/${c.id}">${esc(c.name)}</a>`)
    .join("")}</p>`;

/** A date as a datetime-local input's value, in the browser's time zone. */
export const localInput = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

/** Today and n days back as yyyy-mm-dd (China time: the browser's zone is the desk's). */
export const dayOffset = (n) => localInput(new Date(Date.now() + n * 86400000)).slice(0, 10);

/**
 * Redraws a page that follows live events (check-ins) every few seconds while it is shown, never while a form on it
 * is being typed in.
 */
export function follow(hash, every = 3000) {
  clearTimeout(follow.timer);
  const tick = () => {
    if (location.hash !== hash) return;
    if (document.activeElement?.closest("form")) follow.timer = setTimeout(tick, every);
    else hooks.redraw();
  };
  follow.timer = setTimeout(tick, every);
}

/**
 * A picker over the whole area tree below the caller's scopes: each node opens to load its children (to the grids and
 * buildings), and a radio button chooses it. Answers the chosen id through the named form field.
 */
export async function areaTree(container, roles, { name = "areaId", checked = null } = {}) {
  const node = (a) => `<li data-id="${a.id}">
      <button type="button" class="twisty" aria-label="展开">${a.kind === "building" ? "·" : "▸"}</button>
      <label class="inline"><input type="radio" name="${name}" value="${a.id}"${a.id === checked ? " checked" : ""}> ${esc(a.name)}</label>
      <ul hidden></ul></li>`;
  const roots = [];
  for (const s of state.me.staff.filter((s) => !roles || roles.includes(s.role)))
    roots.push((await api(`/api/areas/${s.areaId}`)).area);
  container.innerHTML = `<ul class="tree">${roots.map(node).join("")}</ul>`;
  container.addEventListener("click", async (e) => {
    const twisty = e.target.closest("button.twisty");
    if (!twisty) return;
    const li = twisty.closest("li");
    const list = li.querySelector(":scope > ul");
    if (!li.dataset.loaded) {
      const children = await api(`/api/areas?parentId=${li.dataset.id}`);
      list.innerHTML = children.map(node).join("");
      li.dataset.loaded = "1";
      if (!children.length) twisty.textContent = "·";
    }
    list.hidden = !list.hidden;
    if (twisty.textContent !== "·") twisty.textContent = list.hidden ? "▸" : "▾";
  });
}
