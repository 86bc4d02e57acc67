// The staff console: one page over the same JSON API the mini-program uses, signed in with the console cookie.
// Every write carries the antiforgery token from /api/console/session; every error shows the API's Chinese title.
import {
  state, $, view, esc, fmt, pct, api, toast, act, hooks, nextRoute, currentRoute, Stale,
  roleNames, has, isAdmin, canManage, homeArea, communities, areaTree,
} from "./core.js";
import { account } from "./account.js";
import { activities } from "./activities.js";
import { visits } from "./visits.js";
import { assessment } from "./assessment.js";
import { inspections } from "./inspections.js";
import { categoriesPage, templatesPage } from "./categories.js";
import { unitPage, unitReports, bookResource } from "./units.js";

// ---------- sign-in and the shell ----------

function showSignIn() {
  $("#shell").hidden = true;
  $("#signin").hidden = false;
  $("#username").focus();
}

$("#signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("#signin-error").textContent = "";
  $("#signin-button").disabled = true;
  try {
    await api("/api/console/sign-in", {
      method: "POST",
      body: { username: $("#username").value.trim(), password: $("#password").value },
    });
    $("#password").value = "";
    await start();
  } catch (err) {
    $("#signin-error").textContent = err.message;
  } finally {
    $("#signin-button").disabled = false;
  }
});

$("#signout").addEventListener("click", async () => {
  await api("/api/console/sign-out", { method: "POST" }).catch(() => {});
  state.me = null;
  showSignIn();
});
$("#menu-toggle").addEventListener("click", () => $("#nav").classList.toggle("open"));

const pages = [
  { path: "dashboard", name: "工作台", show: () => homeArea() != null, render: dashboard },
  { path: "orders", name: "工单", show: () => true, render: orders },
  { path: "map", name: "地图", show: () => homeArea() != null, render: map },
  { path: "entry", name: "代录诉求", show: () => state.me.staff.length > 0, render: entry },
  { path: "urgent", name: "紧急诉求", show: () => state.me.staff.length > 0, render: urgent },
  { path: "broadcasts", name: "群发通知", show: canManage, render: broadcasts },
  { path: "approvals", name: "报到审核", show: canManage, render: approvals },
  { path: "meetings", name: "联席会议", show: canManage, render: meetings },
  { path: "lists", name: "三张清单", show: canManage, render: listsPage },
  { path: "activities", name: "活动与时长", show: canManage, render: activities },
  { path: "visits", name: "网格走访", show: () => homeArea() != null, render: visits },
  { path: "phrases", name: "常用语", show: () => state.me.staff.length > 0, render: phraseBook },
  { path: "statistics", name: "统计与台账", show: () => homeArea() != null, render: statistics },
  { path: "unit", name: "本单位", show: () => state.me.units.length > 0, render: unitPage },
  { path: "unit-reports", name: "单位报告", show: canManage, render: unitReports },
  { path: "inspections", name: "督查整改", show: () => canManage() || state.me.units.length > 0, render: inspections },
  { path: "assessment", name: "考核评议", show: isAdmin, render: assessment },
  { path: "admin", name: "区域与人员", show: canManage, render: admin },
  { path: "categories", name: "问题类别", show: () => has("county_admin"), render: categoriesPage },
  { path: "templates", name: "消息模板", show: () => has("county_admin"), render: templatesPage },
  { path: "calendar", name: "工作日历", show: isAdmin, render: calendar },
  { path: "jobs", name: "定时任务", show: isAdmin, render: jobs },
  { path: "account", name: "我的账号", show: () => true, render: account },
];

/**
 * The sign-in choices, and what a return from WeChat's QR page says (?wechat=<code>): shown on the sign-in form, or as
 * a notice once signed in; the address is then cleaned so a reload does not say it again.
 */
async function boot() {
  state.options = await api("/api/console/options").catch(() => ({ wechatLogin: false, messages: {} }));
  $("#wechat-signin").hidden = !state.options.wechatLogin;
  const outcome = new URLSearchParams(location.search).get("wechat");
  if (outcome) history.replaceState(null, "", location.pathname + location.hash);
  try {
    await start();
    if (outcome === "bound") toast("已绑定微信，下次可扫码登录");
    else if (outcome) toast(state.options.messages[outcome] || "微信登录未成功", true);
  } catch (e) {
    if (e.status !== 401) toast(e.message, true);
    showSignIn();
    if (outcome && outcome !== "bound")
      $("#signin-error").textContent = state.options.messages[outcome] || "微信登录未成功，请重试";
  }
}

async function start() {
  const session = await api("/api/console/session");
  state.me = session.me;
  state.csrf = session.csrf;
  state.categories = await api("/api/categories");
  const scopes = state.me.staff.map((s) => roleNames[s.role] || s.role);
  if (state.me.units && state.me.units.length) scopes.push("单位管理员");
  $("#who").textContent = `${state.me.name}（${scopes.join("、")}）`;
  $("#nav").innerHTML =
    pages
      .filter((p) => p.show())
      .map((p) => `<a href="#/${p.path}" data-path="${p.path}">${p.name}</a>`)
      .join("") + `<a href="/docs" target="_blank" rel="noopener">接口文档</a>`;
  $("#signin").hidden = true;
  $("#shell").hidden = false;
  if (!location.hash || location.hash === "#/")
    location.hash = homeArea() != null ? "#/dashboard" : state.me.units.length ? "#/unit" : "#/orders";
  else await route();
}

async function route() {
  if (!state.me) return;
  const seq = nextRoute();
  const [, path = "", ...rest] = location.hash.split("/");
  const page = pages.find((p) => p.path === path && p.show()) || pages.find((p) => p.show());
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.path === page.path));
  $("#nav").classList.remove("open");
  try {
    view().dataset.route = "";
    await page.render(rest.map(decodeURIComponent));
    if (seq === currentRoute()) view().dataset.route = location.hash; // drawn: what tests and timings wait for
  } catch (e) {
    if (e instanceof Stale || seq !== currentRoute()) return; // a newer page is being drawn
    if (e.status !== 401) view().innerHTML = `<div class="card error">${esc(e.message)}</div>`;
  }
}
window.addEventListener("hashchange", route);
hooks.signIn = showSignIn;
hooks.redraw = route;

// ---------- dashboard ----------

async function dashboard() {
  const area = homeArea();
  const d = await api(`/api/statistics/areas/${area}/dashboard`);
  const live = d.live || {};
  const tile = (label, value, href, alert) =>
    `<a class="tile${alert && value ? " alert" : ""}" href="${href}">${label}<b>${value ?? 0}</b></a>`;
  view().innerHTML = `
    <h2>${esc(d.areaName)} · 工作台</h2>
    <div class="tiles">
      ${tile("今日新增", live.newToday, "#/orders/list/submitted")}
      ${tile("办理中", live.open, "#/orders")}
      ${tile("紧急诉求", live.urgent, "#/urgent", true)}
      ${tile("已超期", live.overdue, "#/orders/list/overdue", true)}
      ${tile("已升级督办", live.escalated, "#/orders", true)}
    </div>
    <div class="card">
      <h3>近 30 天三率（${esc(d.from)} 至 ${esc(d.to)}）</h3>
      <div class="tiles">
        <div class="tile">响应率<b>${pct(d.period.responseRate)}</b></div>
        <div class="tile">解决率<b>${pct(d.period.resolutionRate)}</b></div>
        <div class="tile">满意率<b>${pct(d.period.satisfactionRate)}</b></div>
        <div class="tile">收到诉求<b>${d.period.received}</b></div>
      </div>
      <div id="rates" class="chart"></div>
    </div>
    <div class="card">
      <h3>下级情况</h3>
      <div class="table-wrap"><table>
        <tr><th>区域</th><th>收到</th><th>响应率</th><th>解决率</th><th>满意率</th></tr>
        ${(d.children || [])
          .map(
            (c) => `<tr><td>${esc(c.name)}</td><td>${c.figures.received}</td><td>${pct(c.figures.responseRate)}</td>
              <td>${pct(c.figures.resolutionRate)}</td><td>${pct(c.figures.satisfactionRate)}</td></tr>`,
          )
          .join("")}
      </table></div>
    </div>`;
  const chart = echarts.init($("#rates"));
  const series = d.series || [];
  const line = (name, key) => ({
    name,
    type: "line",
    smooth: true,
    connectNulls: true,
    data: series.map((s) => s.figures[key]),
  });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: series.map((s) => s.period) },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [line("响应率", "responseRate"), line("解决率", "resolutionRate"), line("满意率", "satisfactionRate")],
  });
}

// ---------- orders ----------

const statusNames = {
  submitted: "待受理",
  accepted: "已受理",
  published: "认领池",
  claimed: "已认领",
  in_progress: "办理中",
  resolved: "已办结",
  closed: "已关闭",
  rejected: "不予受理",
  merged: "已合并",
  cancelled: "已撤销",
};
const openStatuses = "submitted,accepted,published,claimed,in_progress";

// 常用语: the words staff use every day for this category and state, offered as suggestions (they can still type
// their own); kept per area on the 常用语 page.
async function datalists(order) {
  const lists = await Promise.all(
    ["reject", "extend"].map((purpose) =>
      api(`/api/reply-templates?purpose=${purpose}&categoryId=${order.category.id}&status=${order.status}`),
    ),
  );
  return ["reject", "extend"]
    .map(
      (purpose, i) =>
        `<datalist id="phrases-${purpose}">${lists[i].map((t) => `<option value="${esc(t.text)}">`).join("")}</datalist>`,
    )
    .join("");
}

async function orders(args) {
  if (args[0] && args[0] !== "list") return orderDetail(args[0]);
  const preset = args[1] || "";
  const q = new URLSearchParams(location.hash.split("?")[1] || "");
  const status = q.get("status") ?? (preset === "submitted" ? "submitted" : preset === "overdue" ? "" : openStatuses);
  const overdue = q.get("overdue") ?? (preset === "overdue" ? "true" : "");
  const category = q.get("categoryId") || "";
  const shortlist = q.get("shortlist") || (preset === "shortlist" ? "true" : "");
  const page = Number(q.get("page") || 1);
  const params = new URLSearchParams({ page, pageSize: 20 });
  if (status) params.set("status", status);
  if (overdue) params.set("overdue", overdue);
  if (category) params.set("categoryId", category);
  if (shortlist) params.set("shortlist", shortlist);
  const [list, saved] = await Promise.all([api(`/api/orders?${params}`), api("/api/me/filters")]);
  const option = (value, label, current) =>
    `<option value="${value}"${value === current ? " selected" : ""}>${label}</option>`;
  view().innerHTML = `
    <h2>工单</h2>
    <form id="order-filters" class="filters">
      <select name="status" aria-label="状态">
        ${option(openStatuses, "全部未办结", status)}
        ${option("", "全部", status)}
        ${Object.entries(statusNames).map(([k, v]) => option(k, v, status)).join("")}
      </select>
      <select name="categoryId" aria-label="类别">
        ${option("", "全部类别", category)}
        ${state.categories.map((c) => option(String(c.id), esc(c.name), category)).join("")}
      </select>
      <label class="inline"><input type="checkbox" name="overdue" value="true"${overdue === "true" ? " checked" : ""}> 只看超期</label>
      <label class="inline"><input type="checkbox" name="shortlist" value="true"${shortlist === "true" ? " checked" : ""}> 我的关注</label>
      <button type="submit">筛选</button>
      <button type="button" id="save-filter">保存筛选</button>
      <span class="muted">共 ${list.total} 件</span>
    </form>
    <p class="filters" id="saved-filters">${saved
      .map(
        (f) => `<span class="tag"><a href="#/orders/list/?${esc(f.query)}">${esc(f.name)}</a>
          <button class="link forget" data-id="${f.id}" aria-label="删除筛选 ${esc(f.name)}">×</button></span>`,
      )
      .join("")}</p>
    <div class="bulk">
      <span class="muted">选中的工单：</span>
      <button id="bulk-accept">批量受理</button>
      <button id="bulk-publish">批量发布到认领池</button>
    </div>
    <div class="table-wrap"><table id="order-table">
      <tr><th><input type="checkbox" id="check-all" aria-label="全选"></th><th>编号</th><th>类别</th><th>诉求</th>
        <th>位置</th><th>状态</th><th>办理期限</th></tr>
      ${list.items
        .map(
          (o) => `<tr class="${o.overdue ? "overdue" : ""}">
            <td><input type="checkbox" class="pick" value="${esc(o.code)}" data-status="${o.status}" aria-label="选择 ${esc(o.code)}"></td>
            <td><a href="#/orders/${encodeURIComponent(o.code)}">${esc(o.code)}</a></td>
            <td>${esc(o.category.name)}</td>
            <td>${o.urgency === "urgent" ? '<span class="tag urgent">紧急</span> ' : ""}${esc(o.description)}</td>
            <td>${esc(o.area.fullName)}</td>
            <td><span class="tag">${esc(o.statusName)}</span>${o.escalationLevel ? ` <span class="tag urgent">督办${o.escalationLevel}级</span>` : ""}</td>
            <td class="due">${fmt(o.resolveBy)}${o.overdue ? " 已超期" : ""}</td></tr>`,
        )
        .join("")}
    </table></div>
    <div class="pager">
      <button id="prev"${page <= 1 ? " disabled" : ""}>上一页</button>
      <span>第 ${page} 页</span>
      <button id="next"${page * 20 >= list.total ? " disabled" : ""}>下一页</button>
    </div>`;
  const query = (p) => {
    const f = new FormData($("#order-filters"));
    return new URLSearchParams({
      status: f.get("status"),
      categoryId: f.get("categoryId"),
      overdue: f.get("overdue") || "",
      shortlist: f.get("shortlist") || "",
      page: p,
    });
  };
  const go = (p) => (location.hash = `#/orders/list/?${query(p)}`);
  $("#save-filter").addEventListener("click", () => {
    const name = prompt("给这个筛选起个名字（如：本周超期的环境卫生）");
    if (!name) return;
    // Saved and applied: the board shows what was just named.
    api("/api/me/filters", { method: "POST", body: { name, query: query(1).toString() } })
      .then(() => {
        toast("已保存");
        const next = `#/orders/list/?${query(1)}`;
        if (location.hash === next) route();
        else location.hash = next;
      })
      .catch((e) => toast(e.message, true));
  });
  document.querySelectorAll("button.forget").forEach((b) =>
    b.addEventListener("click", () => act(() => api(`/api/me/filters/${b.dataset.id}`, { method: "DELETE" }), "已删除")),
  );
  $("#order-filters").addEventListener("submit", (e) => {
    e.preventDefault();
    go(1);
  });
  $("#prev").addEventListener("click", () => go(page - 1));
  $("#next").addEventListener("click", () => go(page + 1));
  $("#check-all").addEventListener("change", (e) =>
    document.querySelectorAll(".pick").forEach((c) => (c.checked = e.target.checked)),
  );
  const bulk = (verb, from, label) => async () => {
    const picked = [...document.querySelectorAll(".pick:checked")];
    const eligible = picked.filter((c) => c.dataset.status === from).map((c) => c.value);
    if (!eligible.length) return toast(`选中的工单里没有可${label}的`, true);
    let done = 0;
    const failed = [];
    for (const code of eligible) {
      try {
        await api(`/api/orders/${encodeURIComponent(code)}/${verb}`, { method: "POST" });
        done++;
      } catch (e) {
        failed.push(`${code}：${e.message}`);
      }
    }
    toast(`已${label} ${done} 件${failed.length ? `；未成功：${failed.join("；")}` : ""}`, failed.length > 0);
    await route();
  };
  $("#bulk-accept").addEventListener("click", bulk("accept", "submitted", "受理"));
  $("#bulk-publish").addEventListener("click", bulk("publish", "accepted", "发布"));
}

async function orderDetail(code) {
  const o = await api(`/api/orders/${encodeURIComponent(code)}`);
  const [phrases, shortlist] = await Promise.all([datalists(o), api("/api/me/shortlist")]);
  const starred = shortlist.includes(o.code);
  const path = `/api/orders/${encodeURIComponent(code)}`;
  const open = openStatuses.split(",").includes(o.status);
  const actions = [];
  if (o.status === "submitted") {
    actions.push(`<button id="accept" class="primary">受理</button>`);
    actions.push(`<form id="reject"><input name="reason" list="phrases-reject" placeholder="不予受理的理由" required size="28">
      <button type="submit">不予受理</button></form>`);
    actions.push(`<form id="merge"><input name="intoCode" placeholder="合并到工单编号" required size="18">
      <button type="submit">合并</button></form>`);
  }
  if (o.status === "accepted") actions.push(`<button id="publish" class="primary">发布到认领池</button>`);
  if (["submitted", "accepted", "published"].includes(o.status)) {
    actions.push(`<form id="recategorize"><select name="categoryId" aria-label="新类别">${state.categories
      .map((c) => `<option value="${c.id}"${c.id === o.category.id ? " selected" : ""}>${esc(c.name)}</option>`)
      .join("")}</select><button type="submit">调整类别</button></form>`);
  }
  if (["accepted", "published"].includes(o.status))
    actions.push(`<form id="assign"><input name="personId" type="number" placeholder="党员编号" size="8">
      <input name="unitId" type="number" placeholder="或单位编号" size="8"><button type="submit">派单</button></form>`);
  if (open)
    actions.push(`<form id="extend"><input name="resolveBy" type="datetime-local" required aria-label="新期限">
      <input name="reason" list="phrases-extend" placeholder="延期理由" required size="24"><button type="submit">延期</button></form>`);
  if (o.urgency === "urgent" && open) actions.push(`<button id="acknowledge" class="primary">响应紧急诉求</button>`);
  view().innerHTML = `
    ${phrases}
    <p><a href="#/orders">← 返回工单列表</a>
      <button id="star" class="link" aria-pressed="${starred}">${starred ? "★ 已关注" : "☆ 关注"}</button></p>
    <div class="grid2">
      <div class="card">
        <h2>${esc(o.code)} <span class="tag">${esc(o.statusName)}</span>
          ${o.urgency === "urgent" ? '<span class="tag urgent">紧急</span>' : ""}
          ${o.overdue ? '<span class="tag urgent">已超期</span>' : ""}</h2>
        <dl class="facts">
          <dt>类别</dt><dd>${esc(o.category.name)}</dd>
          <dt>诉求</dt><dd>${esc(o.description)}</dd>
          <dt>位置</dt><dd>${esc(o.area.fullName)} ${esc(o.locationText)}</dd>
          <dt>反映人</dt><dd>${o.reporter ? `${esc(o.reporter.name)} ${esc(o.reporter.phone)}` : "—"}</dd>
          <dt>来源</dt><dd>${esc(o.source)}</dd>
          <dt>响应期限</dt><dd>${fmt(o.acknowledgeBy)}</dd>
          <dt>办理期限</dt><dd id="resolve-by">${fmt(o.resolveBy)}</dd>
          <dt>承办</dt><dd>${o.claimer ? esc(o.claimer.unitName || o.claimer.name) : "—"}</dd>
          ${o.rejectReason ? `<dt>不予受理</dt><dd>${esc(o.rejectReason)}</dd>` : ""}
        </dl>
        <div class="photos">${(o.photos || [])
          .map((p) => `<img alt="现场照片" src="${path}/photos/${p.id}">`)
          .join("")}</div>
        <div class="actions">${actions.join("") || '<span class="muted">当前状态没有可做的操作</span>'}</div>
      </div>
      <div class="card">
        <h3>办理过程</h3>
        <ul class="timeline">${o.timeline
          .map(
            (e) => `<li><b>${esc(e.title)}</b> <span class="muted small">${fmt(e.at)} · ${esc(e.actor)}</span>
              ${e.note ? `<div>${esc(e.note)}</div>` : ""}
              ${(e.photos || []).map((p) => `<img alt="照片" src="${path}/photos/${p.id}">`).join("")}</li>`,
          )
          .join("")}</ul>
      </div>
    </div>`;
  const on = (id, work, done) => {
    const el = $(`#${id}`);
    if (!el) return;
    el.addEventListener(el.tagName === "FORM" ? "submit" : "click", (e) => {
      e.preventDefault();
      const form = el.tagName === "FORM" ? Object.fromEntries(new FormData(el)) : {};
      act(() => work(form), done);
    });
  };
  $("#star").addEventListener("click", () =>
    act(
      () => api(`/api/me/shortlist/${encodeURIComponent(o.code)}`, { method: starred ? "DELETE" : "PUT" }),
      starred ? "已取消关注" : "已加入我的关注",
    ),
  );
  on("accept", () => api(`${path}/accept`, { method: "POST" }), "已受理");
  on("publish", () => api(`${path}/publish`, { method: "POST" }), "已发布到认领池");
  on("acknowledge", () => api(`${path}/acknowledge`, { method: "POST" }), "已响应");
  on("reject", (f) => api(`${path}/reject`, { method: "POST", body: { reason: f.reason } }), "已不予受理");
  on("merge", (f) => api(`${path}/merge`, { method: "POST", body: { intoCode: f.intoCode.trim() } }), "已合并");
  on(
    "recategorize",
    (f) => api(`${path}/recategorize`, { method: "POST", body: { categoryId: Number(f.categoryId) } }),
    "已调整类别",
  );
  on(
    "assign",
    (f) =>
      api(`${path}/assign`, {
        method: "POST",
        body: { personId: f.personId ? Number(f.personId) : null, unitId: f.unitId ? Number(f.unitId) : null },
      }),
    "已派单",
  );
  on(
    "extend",
    (f) =>
      api(`${path}/extend`, {
        method: "POST",
        body: { resolveBy: new Date(f.resolveBy).toISOString(), reason: f.reason },
      }),
    "已延期",
  );
}

// ---------- the map: the area's outlines, its orders as points or heat ----------

const mapGroups = [
  { name: "待受理", color: "#c8161d", test: (p) => p.status === "submitted" && !p.overdue },
  { name: "办理中", color: "#e6a23c", test: (p) => openStatuses.split(",").includes(p.status) && p.status !== "submitted" && !p.overdue },
  { name: "已超期", color: "#6b0f12", test: (p) => p.overdue },
  { name: "已办结", color: "#2e7d32", test: (p) => !openStatuses.split(",").includes(p.status) },
];

async function map(args) {
  const area = homeArea();
  const days = Number(args[0]) || 30;
  const m = await api(`/api/areas/${area}/map?days=${days}`);
  view().innerHTML = `
    <h2>地图 · ${esc(m.areaName)}</h2>
    <div class="filters">
      ${[7, 30, 90].map((d) => `<a class="button${d === days ? " primary" : ""}" href="#/map/${d}">近 ${d} 天</a>`).join("")}
      <select id="map-layer" aria-label="图层"><option value="points">点位（按状态）</option><option value="heat">热力</option></select>
      <select id="map-category" aria-label="类别"><option value="">全部类别</option>${state.categories
        .map((c) => `<option value="${c.id}">${esc(c.name)}</option>`)
        .join("")}</select>
      <span class="muted" id="map-count"></span>
    </div>
    ${m.shapes.length ? "" : '<p class="muted">本区域还没有绘制边界，只显示工单位置。</p>'}
    <div class="card"><div id="map" class="chart map"></div></div>`;
  const chart = echarts.init($("#map"));
  const mapName = `area-${area}`;
  if (m.shapes.length)
    echarts.registerMap(mapName, {
      type: "FeatureCollection",
      features: m.shapes.map((s) => ({ type: "Feature", properties: { name: s.name }, geometry: JSON.parse(s.boundary) })),
    });
  const draw = () => {
    const category = $("#map-category").value;
    const points = m.orders.filter((p) => !category || String(p.categoryId) === category);
    $("#map-count").textContent = `${points.length} 件有位置的工单`;
    const coords = m.shapes.length ? "geo" : "cartesian2d";
    const heat = $("#map-layer").value === "heat";
    const series = heat
      ? [{ type: "heatmap", coordinateSystem: coords, data: points.map((p) => [p.longitude, p.latitude, 1]), pointSize: 14, blurSize: 18 }]
      : mapGroups.map((g) => ({
          name: g.name,
          type: "scatter",
          coordinateSystem: coords,
          symbolSize: 12,
          itemStyle: { color: g.color },
          data: points.filter(g.test).map((p) => ({ value: [p.longitude, p.latitude], code: p.code })),
        }));
    chart.setOption(
      {
        tooltip: { formatter: (x) => (x.data && x.data.code ? x.data.code : x.name) },
        legend: heat ? undefined : { top: 0 },
        visualMap: heat
          ? { min: 0, max: 5, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#fde0dc", "#c8161d"] } }
          : undefined,
        geo: m.shapes.length
          ? { map: mapName, roam: true, label: { show: true, fontSize: 11 }, itemStyle: { areaColor: "#f7f8fa", borderColor: "#999" } }
          : undefined,
        xAxis: m.shapes.length ? undefined : { type: "value", scale: true, name: "经度" },
        yAxis: m.shapes.length ? undefined : { type: "value", scale: true, name: "纬度" },
        series,
      },
      true,
    );
  };
  chart.on("click", (x) => {
    if (x.data && x.data.code) location.hash = `#/orders/${encodeURIComponent(x.data.code)}`;
  });
  $("#map-layer").addEventListener("change", draw);
  $("#map-category").addEventListener("change", draw);
  draw();
}

/** Where a desk can place an order: the caller's areas and two levels below (community → compound → grid). */
async function placeOptions() {
  const options = await areasUnder(null, ["community", "grid"]);
  return options.filter((o) => o.depth > 0 || !["street", "county"].includes(o.kind));
}

// 代录: a resident phoned or walked in; the desk enters the order for them.
async function entry() {
  const places = await placeOptions();
  view().innerHTML = `
    <h2>代录诉求</h2>
    <div class="card">
      <form id="entry">
        <div class="inline">
          <label>居民手机号 <input name="phone" inputmode="numeric" maxlength="11" required></label>
          <label>姓名 <input name="name" maxlength="20" placeholder="新居民必填"></label>
          <label>来源 <select name="channel"><option value="phone">电话反映</option><option value="walk_in">来访反映</option></select></label>
        </div>
        <p id="resident-found" class="muted"></p>
        <div class="inline">
          <label>类别 <select name="categoryId">${state.categories
            .map((c) => `<option value="${c.id}">${esc(c.name)}</option>`)
            .join("")}</select></label>
          <label>地点 <select name="place">${places
            .map((a) => `<option value="${a.kind === "building" ? "b" : "a"}${a.id}">${"　".repeat(a.depth)}${esc(a.name)}</option>`)
            .join("")}</select></label>
          <label><input type="checkbox" name="urgent" value="urgent"> 紧急</label>
        </div>
        <label>具体位置 <input name="locationText" maxlength="100" placeholder="如：3栋2单元门口"></label>
        <label>问题描述 <textarea name="description" maxlength="1000" required></textarea></label>
        <button type="submit" class="primary">登记诉求</button>
      </form>
    </div>`;
  const form = $("#entry");
  form.phone.addEventListener("change", async () => {
    const phone = form.phone.value.trim();
    if (!/^1[3-9]\d{9}$/.test(phone)) return;
    try {
      const found = await api(`/api/residents?phone=${phone}`);
      $("#resident-found").textContent = found.length
        ? `已登记：${found.map((p) => p.name).join("、")}（诉求将记在 ${found[0].name} 名下）`
        : "新居民：请填写姓名，诉求记在其姓名和手机号下；居民以后在小程序验证这个手机号，就能看到这件诉求";
      if (found.length) form.name.value = found[0].name;
    } catch (e) {
      $("#resident-found").textContent = e.message;
    }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    const place = f.place || "";
    try {
      const order = await api("/api/orders/entry", {
        method: "POST",
        body: {
          phone: f.phone.trim(),
          name: f.name.trim() || null,
          channel: f.channel,
          categoryId: Number(f.categoryId),
          description: f.description,
          locationText: f.locationText || null,
          buildingId: place.startsWith("b") ? Number(place.slice(1)) : null,
          areaId: place.startsWith("a") ? Number(place.slice(1)) : null,
          urgency: f.urgent ? "urgent" : null,
        },
      });
      toast(`已登记 ${order.code}`);
      location.hash = `#/orders/${encodeURIComponent(order.code)}`;
    } catch (err) {
      toast(err.message, true);
    }
  });
}

async function urgent() {
  const list = await api(`/api/orders?urgency=urgent&status=${openStatuses}&pageSize=50`);
  view().innerHTML = `
    <h2>紧急诉求</h2>
    <p class="muted">紧急诉求不分工作日，按小时计时；响应后停止向上级告警。</p>
    <div class="table-wrap"><table>
      <tr><th>编号</th><th>诉求</th><th>位置</th><th>状态</th><th>办结期限</th><th></th></tr>
      ${list.items
        .map(
          (o) => `<tr class="${o.overdue ? "overdue" : ""}"><td><a href="#/orders/${encodeURIComponent(o.code)}">${esc(o.code)}</a></td>
            <td>${esc(o.description)}</td><td>${esc(o.area.fullName)}</td><td>${esc(o.statusName)}</td>
            <td class="due">${fmt(o.resolveBy)}</td>
            <td><button class="ack" data-code="${esc(o.code)}">响应</button></td></tr>`,
        )
        .join("") || '<tr><td colspan="6" class="muted">没有未办结的紧急诉求</td></tr>'}
    </table></div>`;
  document.querySelectorAll("button.ack").forEach((b) =>
    b.addEventListener("click", () =>
      act(() => api(`/api/orders/${encodeURIComponent(b.dataset.code)}/acknowledge`, { method: "POST" }), "已响应"),
    ),
  );
}

// ---------- broadcasts ----------

/**
 * The areas of the caller's scopes (those held in one of <roles>, or all) and the areas below them: their children,
 * and their grandchildren where the scope is of a kind in <deeperFor> — for pickers of where to send or place.
 */
async function areasUnder(roles, deeperFor) {
  const options = [];
  for (const s of state.me.staff.filter((s) => !roles || roles.includes(s.role))) {
    const { area: top } = await api(`/api/areas/${s.areaId}`);
    options.push({ id: top.id, name: top.name, depth: 0, kind: top.kind });
    for (const c of await api(`/api/areas?parentId=${top.id}`)) {
      options.push({ id: c.id, name: c.name, depth: 1, kind: c.kind });
      if (deeperFor.includes(top.kind))
        for (const g of await api(`/api/areas?parentId=${c.id}`))
          options.push({ id: g.id, name: g.name, depth: 2, kind: g.kind });
    }
  }
  return options;
}

/** Where a broadcast can go: the areas of a secretary's, street's or county's scope, down to compounds. */
const areaOptions = () => areasUnder(["secretary", "street_admin", "county_admin"], ["community"]);

async function broadcasts(args) {
  if (args[0]) return broadcastDetail(Number(args[0]));
  const [list, areas] = await Promise.all([api("/api/broadcasts"), areaOptions()]);
  const statusNames = { draft: "草稿", scheduled: "已定时", sending: "发送中", sent: "已发送", cancelled: "已取消" };
  view().innerHTML = `
    <h2>群发通知</h2>
    <div class="card">
      <h3>写通知</h3>
      <form id="compose">
        <label>标题 <input name="title" maxlength="40" required></label>
        <label>内容 <textarea name="body" maxlength="1000" required></textarea></label>
        <div class="grid2">
          <div><p>发给哪里（展开选择社区、小区、网格或楼栋）</p><div id="area-tree"></div></div>
          <div>
            <label>发给谁 <select name="audience">
              <option value="members">在职党员</option><option value="residents">居民</option>
              <option value="both">党员和居民</option><option value="list">指定名单</option></select></label>
            <div id="list-audience" hidden>
              <label>名单手机号（每行一个，须在所选范围内） <textarea name="phones" rows="5"></textarea></label>
              <button type="button" id="find-people">查找</button> <span id="people-found" class="muted"></span>
            </div>
          </div>
        </div>
        <button type="submit" class="primary">保存并预览</button>
      </form>
    </div>
    <div class="table-wrap"><table>
      <tr><th>标题</th><th>范围</th><th>状态</th><th>发送时间</th><th>送达</th></tr>
      ${list.items
        .map(
          (b) => `<tr><td><a href="#/broadcasts/${b.id}">${esc(b.title)}</a></td>
            <td>${esc(areas.find((a) => a.id === b.areaId)?.name ?? b.areaId)}</td>
            <td>${esc(statusNames[b.status] || b.status)}</td><td>${fmt(b.sentAt || b.sendAt)}</td>
            <td>${b.totals ? `${b.totals.sent}/${b.totals.total}` : "—"}</td></tr>`,
        )
        .join("") || '<tr><td colspan="5" class="muted">还没有群发过通知</td></tr>'}
    </table></div>`;
  await areaTree($("#area-tree"), ["secretary", "street_admin", "county_admin"], { checked: areas[0]?.id });
  const compose = $("#compose");
  compose.audience.addEventListener("change", () => ($("#list-audience").hidden = compose.audience.value !== "list"));
  // A named list: each phone looked up among the people the desk may reach; those not found are named.
  async function findPeople() {
    const phones = compose.phones.value.split(/\s+/).filter(Boolean);
    const found = [];
    const missing = [];
    for (const phone of phones) {
      const matches = await api(`/api/residents?phone=${encodeURIComponent(phone)}`).catch(() => []);
      if (matches.length) found.push(matches[0]);
      else missing.push(phone);
    }
    $("#people-found").textContent =
      (found.length ? `找到：${found.map((p) => p.name).join("、")}` : "没有找到") +
      (missing.length ? `；没有找到：${missing.join("、")}` : "");
    if (missing.length) toast(`有 ${missing.length} 个手机号没有找到，请核对`, true);
    return missing.length ? [] : found.map((p) => p.personId);
  }
  $("#find-people").addEventListener("click", () => findPeople());
  compose.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      if (!f.areaId) return toast("请在区域树上选择发给哪里", true);
      const personIds = f.audience === "list" ? await findPeople() : null;
      if (personIds && !personIds.length) return;
      const b = await api("/api/broadcasts", {
        method: "POST",
        body: { title: f.title, body: f.body, areaId: Number(f.areaId), audience: f.audience, personIds },
      });
      location.hash = `#/broadcasts/${b.id}`;
    } catch (err) {
      toast(err.message, true);
    }
  });
}

const channelNames = { template: "公众号模板消息", subscribe: "小程序订阅消息", inbox: "站内信", sms: "短信" };
let pollTimer;

async function broadcastDetail(id) {
  clearTimeout(pollTimer);
  const b = await api(`/api/broadcasts/${id}`);
  const totals = b.totals || {};
  let preview = "";
  if (b.status === "draft") {
    const p = await api(`/api/broadcasts/${id}/preview`);
    preview = `<p id="preview">将发给 <b>${p.recipients}</b> 人：${Object.entries(p.byChannel || {})
      .map(([k, v]) => `${esc(channelNames[k] || k)} ${v} 人`)
      .join("，")}</p>
      <div class="actions">
        <button id="send-now" class="primary">立即发送</button>
        <form id="schedule"><input name="sendAt" type="datetime-local" required aria-label="发送时间">
          <button type="submit">定时发送</button></form>
        <button id="cancel">取消</button>
      </div>`;
  }
  const done = totals.sent || 0;
  const all = totals.total || b.recipients || 0;
  const failed = b.status === "draft" ? null : await api(`/api/broadcasts/${id}/recipients?status=dead&pageSize=50`);
  view().innerHTML = `
    <p><a href="#/broadcasts">← 返回群发列表</a></p>
    <div class="card">
      <h2>${esc(b.title)}</h2>
      <p>${esc(b.body)}</p>
      <p class="muted">状态：<span id="broadcast-status">${esc(b.status)}</span>
        ${b.sendAt ? ` · 定时 ${fmt(b.sendAt)}` : ""}${b.sentAt ? ` · 发送于 ${fmt(b.sentAt)}` : ""}</p>
      ${preview}
      ${
        b.status === "draft"
          ? ""
          : `<h3>送达进度</h3><div class="progress"><div style="width:${all ? Math.round((done * 100) / all) : 0}%"></div></div>
             <p id="delivery">已送达 <b id="delivered">${done}</b> / <span id="total">${all}</span> ·
               待发 ${totals.pending || 0} · 发送中 ${totals.sending || 0} · 重试中 ${totals.failed || 0} ·
               失败 <span id="dead">${totals.dead || 0}</span></p>
             <p class="muted small">${Object.entries(totals.byChannel || {})
               .map(([k, v]) => `${esc(channelNames[k] || k)} ${v}`)
               .join(" · ")}</p>`
      }
      ${
        failed && failed.items && failed.items.length
          ? `<h3>发送失败</h3><div class="table-wrap"><table><tr><th>收件人</th><th>渠道</th><th>原因</th><th></th></tr>
             ${failed.items
               .map(
                 (r) => `<tr><td>${esc(r.name)}</td><td>${esc(channelNames[r.channel] || r.channel)}</td>
                   <td>${esc(r.lastError)}</td>
                   <td><button class="retry" data-id="${r.deliveryId}">重发</button></td></tr>`,
               )
               .join("")}</table></div>`
          : ""
      }
    </div>`;
  const path = `/api/broadcasts/${id}`;
  $("#send-now")?.addEventListener("click", () => act(() => api(`${path}/send`, { method: "POST", body: {} }), "已开始发送"));
  $("#cancel")?.addEventListener("click", () => act(() => api(`${path}/cancel`, { method: "POST" }), "已取消"));
  $("#schedule")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const at = new Date(new FormData(e.target).get("sendAt")).toISOString();
    act(() => api(`${path}/send`, { method: "POST", body: { sendAt: at } }), "已定时");
  });
  document.querySelectorAll("button.retry").forEach((btn) =>
    btn.addEventListener("click", () =>
      act(() => api(`/api/deliveries/${btn.dataset.id}/retry`, { method: "POST" }), "已重新排队发送"),
    ),
  );
  // Watch the progress while it sends.
  const settled = (totals.pending || 0) + (totals.sending || 0) + (totals.failed || 0) === 0;
  if (["sending", "scheduled"].includes(b.status) || (b.status === "sent" && !settled))
    pollTimer = setTimeout(() => {
      if (location.hash === `#/broadcasts/${id}`) broadcastDetail(id).catch(() => {});
    }, 2000);
}

// ---------- approvals ----------

async function approvals() {
  const [regs, units] = await Promise.all([api("/api/registrations?status=pending"), api("/api/units/pending")]);
  const kinds = { residence: "居住地报到", unit: "单位所在地报到" };
  view().innerHTML = `
    <h2>报到审核</h2>
    <div class="card"><h3>党员报到（${regs.items.length}）</h3>
      <div class="table-wrap"><table>
        <tr><th>党员</th><th>电话</th><th>单位</th><th>社区</th><th>类型</th><th>特长</th><th>申请时间</th><th></th></tr>
        ${regs.items
          .map(
            (r) => `<tr><td>${esc(r.personName)}</td><td>${esc(r.phone)}</td><td>${esc(r.unitName)}</td>
              <td>${esc(r.communityName)}</td><td>${esc(kinds[r.kind] || r.kind)}</td><td>${esc((r.skills || []).join("、"))}</td>
              <td>${fmt(r.createdAt)}</td>
              <td><button class="decide primary" data-id="${r.id}" data-approve="true">通过</button>
                <button class="decide" data-id="${r.id}" data-approve="false">不通过</button></td></tr>`,
          )
          .join("") || '<tr><td colspan="8" class="muted">没有待审核的报到</td></tr>'}
      </table></div></div>
    <div class="card"><h3>单位报到与结对（${units.units.length + units.pairings.length}）</h3>
      <div class="table-wrap"><table>
        <tr><th>单位</th><th>事项</th><th></th></tr>
        ${units.units
          .map(
            (u) => `<tr><td>${esc(u.name)}</td><td>单位报到</td>
              <td><button class="unit primary" data-id="${u.id}" data-approve="true">通过</button>
                <button class="unit" data-id="${u.id}" data-approve="false">不通过</button></td></tr>`,
          )
          .join("")}
        ${units.pairings
          .map(
            (p) => `<tr><td>${esc(p.unitName)}</td><td>与${esc(p.communityName)}结对</td>
              <td><button class="pairing primary" data-unit="${p.unitId}" data-community="${p.communityId}" data-approve="true">通过</button>
                <button class="pairing" data-unit="${p.unitId}" data-community="${p.communityId}" data-approve="false">不通过</button></td></tr>`,
          )
          .join("") || ""}
      </table></div></div>`;
  const reasonFor = (approve) => (approve ? null : prompt("不通过的理由（会告知申请人）") || null);
  document.querySelectorAll("button.decide").forEach((b) =>
    b.addEventListener("click", () => {
      const approve = b.dataset.approve === "true";
      const reason = reasonFor(approve);
      if (!approve && !reason) return;
      act(
        () => api(`/api/registrations/${b.dataset.id}/decision`, { method: "POST", body: { approve, reason } }),
        approve ? "已通过，已通知党员" : "已退回，已通知党员",
      );
    }),
  );
  document.querySelectorAll("button.unit").forEach((b) =>
    b.addEventListener("click", () => {
      const approve = b.dataset.approve === "true";
      const reason = reasonFor(approve);
      if (!approve && !reason) return;
      act(() => api(`/api/units/${b.dataset.id}/decision`, { method: "POST", body: { approve, reason } }), "已处理");
    }),
  );
  document.querySelectorAll("button.pairing").forEach((b) =>
    b.addEventListener("click", () => {
      const approve = b.dataset.approve === "true";
      const reason = reasonFor(approve);
      if (!approve && !reason) return;
      act(
        () =>
          api(`/api/units/${b.dataset.unit}/pairings/${b.dataset.community}/decision`, {
            method: "POST",
            body: { approve, reason },
          }),
        "已处理",
      );
    }),
  );
}

// ---------- 需求、资源、项目清单 and their claims ----------

const listKinds = { need: "需求清单", resource: "资源清单", project: "项目清单" };
const itemStates = { open: "待认领", claimed: "已认领", done: "已完成", closed: "已关闭" };
const listSources = { report: "居民反映", visit: "走访", survey: "问卷", meeting: "会议", community: "社区", unit: "单位" };

async function listsPage(args) {
  if (args[1] === "book") return bookResource(Number(args[0]), Number(args[2]), args[3]);
  const all = await communities();
  const community = Number(args[0]) || all[0].id;
  const kind = args[1] || "need";
  const [items, claims] = await Promise.all([
    api(`/api/communities/${community}/lists?kind=${kind}`),
    api(`/api/communities/${community}/claims?status=submitted`),
  ]);
  view().innerHTML = `
    <h2>三张清单</h2>
    <p class="filters">${all
      .map((c) => `<a class="button${c.id === community ? " primary" : ""}" href="#/lists/${c.id}/${kind}">${esc(c.name)}</a>`)
      .join("")}</p>
    <div class="card"><h3>待销号的认领（${claims.length}）</h3>
      <div class="table-wrap"><table id="claims"><tr><th>事项</th><th>认领方</th><th>完成情况</th><th>期限</th><th></th></tr>
        ${claims
          .map(
            (c) => `<tr><td>${esc(c.itemTitle)}</td><td>${esc(c.unitName || c.ownerName)}</td><td>${esc(c.evidence)}</td>
              <td>${esc(String(c.deadline).slice(0, 10))}</td>
              <td><button class="confirm primary" data-id="${c.id}">销号</button>
                <button class="return" data-id="${c.id}">退回</button></td></tr>`,
          )
          .join("") || '<tr><td colspan="5" class="muted">没有待销号的认领</td></tr>'}
      </table></div></div>
    <div class="card">
      <p class="filters">${Object.entries(listKinds)
        .map(([k, v]) => `<a class="button${k === kind ? " primary" : ""}" href="#/lists/${community}/${k}">${v}</a>`)
        .join("")}</p>
      <div class="table-wrap"><table id="items"><tr><th>事项</th><th>说明</th><th>来源</th><th>单位</th><th>状态</th></tr>
        ${items
          .map(
            (i) => `<tr><td>${esc(i.title)}</td><td>${esc(i.description)}</td><td>${esc(listSources[i.source] || i.source)}</td>
              <td>${esc(i.unitName || "")}</td><td>${esc(itemStates[i.status] || i.status)}${
                kind === "resource" && i.unitId ? ` <a class="button" href="#/lists/${community}/book/${i.id}">预约</a>` : ""
              }</td></tr>`,
          )
          .join("") || '<tr><td colspan="5" class="muted">清单是空的</td></tr>'}
      </table></div>
      ${
        kind === "resource"
          ? '<p class="muted">资源由驻区单位在小程序中发布。</p>'
          : `<h3>列入${listKinds[kind]}</h3><form id="add-item" class="inline">
              <label>事项 <input name="title" required maxlength="100"></label>
              <label>说明 <input name="description" maxlength="500" size="30"></label>
              <label>来源 <select name="source">${["visit", "survey", "report", "community"]
                .map((k) => `<option value="${k}">${listSources[k]}</option>`)
                .join("")}</select></label>
              <button type="submit" class="primary">列入</button></form>`
      }
    </div>`;
  $("#add-item")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    act(
      () =>
        api(`/api/communities/${community}/lists`, {
          method: "POST",
          body: { kind, title: f.title, description: f.description || null, source: f.source },
        }),
      "已列入清单",
    );
  });
  document.querySelectorAll("#claims button").forEach((b) =>
    b.addEventListener("click", () => {
      const accept = b.classList.contains("confirm");
      const reason = accept ? null : prompt("退回的理由（会告知认领方）");
      if (!accept && !reason) return;
      act(
        () => api(`/api/claims/${b.dataset.id}/decision`, { method: "POST", body: { accept, reason } }),
        accept ? "已销号" : "已退回",
      );
    }),
  );
}

// ---------- 常用语 ----------

const purposeNames = { reject: "不予受理理由", progress: "办理进展", close: "办结答复", extend: "延期理由" };

async function phraseBook() {
  const list = await api("/api/reply-templates");
  const category = (id) => state.categories.find((c) => c.id === id)?.name || "全部类别";
  view().innerHTML = `
    <h2>常用语</h2>
    <div class="card"><h3>添加</h3>
      <form id="add-phrase" class="inline">
        <label>用途 <select name="purpose">${Object.entries(purposeNames)
          .map(([k, v]) => `<option value="${k}">${v}</option>`)
          .join("")}</select></label>
        <label>类别 <select name="categoryId"><option value="">全部类别</option>${state.categories
          .map((c) => `<option value="${c.id}">${esc(c.name)}</option>`)
          .join("")}</select></label>
        <label>状态 <select name="status"><option value="">任何状态</option>${Object.entries(statusNames)
          .slice(0, 6)
          .map(([k, v]) => `<option value="${k}">${v}</option>`)
          .join("")}</select></label>
        <label>内容 <input name="text" maxlength="100" required size="40"></label>
        <button type="submit" class="primary">添加</button>
      </form></div>
    <div class="table-wrap"><table id="phrases">
      <tr><th>用途</th><th>类别</th><th>状态</th><th>内容</th><th>范围</th><th></th></tr>
      ${list
        .map(
          (t) => `<tr><td>${esc(purposeNames[t.purpose])}</td><td>${esc(category(t.categoryId))}</td>
            <td>${esc(statusNames[t.status] || "任何状态")}</td><td>${esc(t.text)}</td><td>${esc(t.areaName || "通用")}</td>
            <td>${t.areaId ? `<button class="link drop" data-id="${t.id}">删除</button>` : ""}</td></tr>`,
        )
        .join("")}
    </table></div>`;
  $("#add-phrase").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    act(
      () =>
        api("/api/reply-templates", {
          method: "POST",
          body: {
            purpose: f.purpose,
            categoryId: f.categoryId ? Number(f.categoryId) : null,
            status: f.status || null,
            text: f.text,
          },
        }),
      "已添加",
    );
  });
  document.querySelectorAll("button.drop").forEach((b) =>
    b.addEventListener("click", () => act(() => api(`/api/reply-templates/${b.dataset.id}`, { method: "DELETE" }), "已删除")),
  );
}

// ---------- joint meetings (联席会议) ----------

/** The communities the caller holds meetings for: their own, or those of their street or county. */
let meetingTimer;
const drafts = new Map();

async function meetings(args) {
  clearTimeout(meetingTimer);
  if (args[0] === "m") return meeting(Number(args[1]));
  const all = await communities();
  const community = Number(args[0]) || all[0].id;
  const list = await api(`/api/communities/${community}/meetings`);
  const tomorrow = new Date(Date.now() + 86400000);
  tomorrow.setHours(15, 0, 0, 0);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  view().innerHTML = `
    <h2>联席会议</h2>
    <p class="filters">${all
      .map((c) => `<a class="button${c.id === community ? " primary" : ""}" href="#/meetings/${c.id}">${esc(c.name)}</a>`)
      .join("")}</p>
    <div class="card"><h3>召集会议</h3>
      <form id="schedule-meeting" class="inline">
        <label>名称 <input name="title" value="${new Date().getMonth() + 1}月联席会议" required maxlength="100"></label>
        <label>时间 <input name="scheduledAt" type="datetime-local" value="${local(tomorrow)}" required></label>
        <label>地点 <input name="place" value="社区党群服务中心" required maxlength="100"></label>
        <button type="submit" class="primary">召集并通知参会单位</button>
      </form></div>
    <div class="table-wrap"><table id="meetings">
      <tr><th>会议</th><th>时间</th><th>地点</th><th>状态</th></tr>
      ${list
        .map(
          (m) => `<tr><td><a href="#/meetings/m/${m.id}">${esc(m.title)}</a></td><td>${fmt(m.scheduledAt)}</td>
            <td>${esc(m.place)}</td><td>${m.status === "closed" ? "已结束" : "待召开"}</td></tr>`,
        )
        .join("") || '<tr><td colspan="4" class="muted">还没有会议</td></tr>'}
    </table></div>`;
  $("#schedule-meeting").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      const m = await api(`/api/communities/${community}/meetings`, {
        method: "POST",
        body: { title: f.title, place: f.place, scheduledAt: new Date(f.scheduledAt).toISOString() },
      });
      location.hash = `#/meetings/m/${m.id}`;
    } catch (err) {
      toast(err.message, true);
    }
  });
}

async function meeting(id) {
  const m = await api(`/api/meetings/${id}`);
  const open = m.status !== "closed";
  const [proposal, code] = open
    ? await Promise.all([api(`/api/meetings/${id}/proposal`), api(`/api/meetings/${id}/checkin-code`)])
    : [null, null];
  const states = { open: "待认领", claimed: "已认领", done: "已完成" };
  const present = m.invitees.filter((i) => i.checkedInAt).length;
  view().innerHTML = `
    <p><a href="#/meetings/${m.areaId}">← 返回会议列表</a></p>
    <h2>${esc(m.title)} <span class="tag">${open ? "进行中" : "已结束"}</span></h2>
    <p class="muted">${fmt(m.scheduledAt)} · ${esc(m.place)}</p>
    <div class="grid2">
      <div class="card"><h3>议程</h3>
        <div class="table-wrap"><table id="agenda"><tr><th>议题</th><th>状态</th><th>认领</th></tr>
          ${m.items
            .map(
              (i) => `<tr><td>${esc(i.title)}${i.orderCode ? ` <span class="muted small">${esc(i.orderCode)}</span>` : ""}
                ${i.carriedFrom ? ' <span class="tag">上次遗留</span>' : ""}</td>
                <td>${esc(states[i.state] || i.state)}</td><td class="claimed">${esc(i.claimedBy || "")}</td></tr>`,
            )
            .join("") || '<tr><td colspan="3" class="muted">还没有议题</td></tr>'}
        </table></div>
        ${
          open
            ? `<form id="add-item" class="actions"><input name="title" placeholder="议题（或填工单号）" required size="30">
                <button type="submit">加入议程</button></form>
               ${
                 proposal.overdueOrders.length + proposal.unclaimedItems.length
                   ? `<h3>建议议题</h3><ul id="proposal">${proposal.overdueOrders
                       .map(
                         (o) => `<li>超期工单 ${esc(o.code)} ${esc(o.description)}
                           <button class="link propose" data-order="${esc(o.code)}">加入</button></li>`,
                       )
                       .join("")}${proposal.unclaimedItems
                       .map(
                         (i) => `<li>待认领清单 ${esc(i.title)}
                           <button class="link propose" data-item="${i.id}">加入</button></li>`,
                       )
                       .join("")}</ul>`
                   : ""
               }`
            : ""
        }
      </div>
      <div class="card">
        ${
          open
            ? `<h3>现场签到</h3><p>参会人用小程序扫码或输入签到码（每分钟更换）：</p>
               <p class="checkin-code" id="checkin-code">${esc(code.code)}</p>`
            : ""
        }
        <h3>参会（已签到 ${present} / ${m.invitees.length}）</h3>
        <ul id="attendance">${m.invitees
          .map(
            (i) => `<li>${esc(i.name)}${i.unitName ? `（${esc(i.unitName)}）` : ""}
              ${i.checkedInAt ? `<span class="tag ok">${fmt(i.checkedInAt).slice(11)} 签到</span>` : '<span class="muted">未签到</span>'}</li>`,
          )
          .join("")}</ul>
        ${
          open
            ? `<h3>会议纪要</h3><form id="close-meeting"><textarea name="minutes" required placeholder="会议决定、认领事项和分工"></textarea>
               <button type="submit" class="primary">结束会议</button></form>`
            : `<h3>会议纪要</h3><p>${esc(m.minutes)}</p>`
        }
      </div>
    </div>`;
  const path = `/api/meetings/${id}`;
  $("#add-item")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = new FormData(e.target).get("title").trim();
    const body = /^GD\d{8}-\d{4}$/.test(text) ? { orderCode: text } : { title: text };
    act(() => api(`${path}/items`, { method: "POST", body }), "已加入议程");
  });
  document.querySelectorAll("button.propose").forEach((b) =>
    b.addEventListener("click", () =>
      act(
        () =>
          api(`${path}/items`, {
            method: "POST",
            body: b.dataset.order ? { orderCode: b.dataset.order } : { listItemId: Number(b.dataset.item) },
          }),
        "已加入议程",
      ),
    ),
  );
  $("#close-meeting")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const minutes = new FormData(e.target).get("minutes");
    act(() => api(`${path}/close`, { method: "POST", body: { minutes } }), "会议已结束");
  });
  // While the meeting runs, the page follows check-ins and on-the-spot claims (and the code's minute).
  // The minutes being written survive those refreshes; a form being typed in is never redrawn.
  const minutes = $("#close-meeting textarea");
  if (minutes) {
    minutes.value = drafts.get(id) || "";
    minutes.addEventListener("input", () => drafts.set(id, minutes.value));
  }
  const tick = () => {
    if (location.hash !== `#/meetings/m/${id}`) return;
    if (document.activeElement?.closest("form")) meetingTimer = setTimeout(tick, 3000);
    else route();
  };
  if (open) meetingTimer = setTimeout(tick, 3000);
}

// ---------- statistics and ledgers ----------

const levelOrder = ["county", "street", "community", "compound", "grid"];
const levelNames = { street: "街道", community: "社区", grid: "网格", unit: "单位", member: "党员" };
const metricNames = {
  satisfaction: "满意率",
  response: "响应率",
  resolution: "解决率",
  hours: "志愿服务时长",
  visits: "走访户数",
  claims: "认领办结",
};
const defaultLevel = (kind) => ({ county: "street", street: "community" })[kind] || "member";

async function drawRanking(area) {
  const f = Object.fromEntries(new FormData($("#ranking")));
  const r = await api(`/api/statistics/areas/${area}/rankings?level=${f.level}&metric=${f.metric}`);
  const shown = (v) => (v == null ? "—" : r.definition.unit === "%" ? pct(v) : `${Math.round(v * 10) / 10}`);
  $("#ranking-table").innerHTML =
    `<tr><th>名次</th><th>名称</th><th>所属</th><th>${esc(r.definition.name)}</th><th>样本</th><th>上期名次</th><th>变化</th></tr>` +
    (r.entries
      .map(
        (e) => `<tr><td>${e.rank ?? '<span class="tag">样本不足</span>'}</td><td>${esc(e.name)}</td><td>${esc(e.parent)}</td>
          <td>${shown(e.value)}</td><td>${e.sample}</td><td>${e.previousRank ?? "—"}</td>
          <td>${e.change == null ? "—" : (e.change > 0 ? "+" : "") + Math.round(e.change * 10) / 10}</td></tr>`,
      )
      .join("") || '<tr><td colspan="7" class="muted">本期没有数据</td></tr>');
  $("#ranking-note").textContent =
    `${r.from} 至 ${r.to}；样本少于 ${r.minSample} 的不参与排名。${r.definition.definition}`;
}

async function statistics() {
  const area = homeArea();
  const [{ area: top }, defs] = await Promise.all([api(`/api/areas/${area}`), api("/api/statistics/definitions")]);
  const tables = { areas: "各区域", units: "各单位", categories: "各类别", members: "党员", rankings: "排行榜" };
  const ledgers = { claims: "认领台账", meetings: "联席会议台账", members: "党员报到台账", services: "服务台账", inspections: "网格走访台账" };
  const ledgerBase = top.kind === "community" ? `/api/communities/${area}` : `/api/areas/${area}`;
  view().innerHTML = `
    <h2>统计与台账 · ${esc(top.name)}</h2>
    <div class="card"><h3>统计报表（近 30 天，Excel）</h3>
      <div class="actions">${Object.entries(tables)
        .map(([k, v]) => `<a class="button" href="/api/statistics/areas/${area}/exports/${k}">${v}</a>`)
        .join("")}</div></div>
    <div class="card"><h3>工作台账（Excel）</h3>
      <div class="actions">${Object.entries(ledgers)
        .map(([k, v]) => `<a class="button ledger" href="${ledgerBase}/exports/${k}">${v}</a>`)
        .join("")}</div></div>
    <div class="card"><h3>排行榜（近 30 天，与上一期比较）</h3>
      <form id="ranking" class="filters">
        <select name="level" aria-label="排名对象">${Object.entries(levelNames)
          .filter(([k]) => levelOrder.indexOf(k) > levelOrder.indexOf(top.kind) || ["unit", "member"].includes(k))
          .map(([k, v]) => `<option value="${k}"${k === defaultLevel(top.kind) ? " selected" : ""}>${v}</option>`)
          .join("")}</select>
        <select name="metric" aria-label="指标">${Object.entries(metricNames)
          .map(([k, v]) => `<option value="${k}">${v}</option>`)
          .join("")}</select>
      </form>
      <div class="table-wrap"><table id="ranking-table"></table></div>
      <p class="muted small" id="ranking-note"></p></div>
    <div class="card"><h3>指标口径</h3>
      <dl class="facts">${defs.map((d) => `<dt>${esc(d.name)}</dt><dd>${esc(d.definition)}</dd>`).join("")}</dl></div>`;
  $("#ranking").addEventListener("change", () => drawRanking(area).catch((e) => toast(e.message, true)));
  await drawRanking(area);
}

// ---------- the area tree and its staff ----------

const kindNames = { county: "县", street: "街道", community: "社区", compound: "小区", grid: "网格", building: "楼栋" };
const staffRoleNames = { ...roleNames };

async function admin(args) {
  const id = Number(args[0]) || homeArea();
  const [{ area, lineage, children }, staff] = await Promise.all([
    api(`/api/areas/${id}`),
    api(`/api/areas/${id}/staff`).catch(() => []),
  ]);
  const mine = (a) => state.me.staff.some((s) => lineage.concat([area]).some((l) => l.id === s.areaId) || a.id === s.areaId);
  // Where this area could move: under another child of its grandparent (a grid to another compound of the community).
  const [parent, grand] = [lineage[lineage.length - 2], lineage[lineage.length - 3]];
  const moveTo = grand && !state.me.staff.some((s) => s.areaId === area.id)
    ? (await api(`/api/areas?parentId=${grand.id}`)).filter((a) => a.id !== parent.id)
    : [];
  const targets = [area, ...children].filter((a) => ["grid", "community", "street", "county"].includes(a.kind));
  view().innerHTML = `
    <h2>区域与人员 · ${esc(area.name)} <span class="tag">${esc(kindNames[area.kind] || area.kind)}</span></h2>
    <p class="muted">${lineage.map((l) => (mine(l) ? `<a href="#/admin/${l.id}">${esc(l.name)}</a>` : esc(l.name))).join(" › ")}</p>
    <div class="grid2">
      <div class="card"><h3>下级区域（${children.length}）</h3>
        <div class="table-wrap"><table id="children"><tr><th>名称</th><th>类型</th><th>下级</th><th></th></tr>
          ${children
            .map(
              (c) => `<tr data-id="${c.id}"><td><a href="#/admin/${c.id}">${esc(c.name)}</a></td><td>${esc(kindNames[c.kind])}</td>
                <td>${c.childCount}</td><td><button class="link rename" data-id="${c.id}" data-name="${esc(c.name)}">改名</button></td></tr>`,
            )
            .join("") || '<tr><td colspan="4" class="muted">没有下级区域</td></tr>'}
        </table></div>
        ${
          area.kind === "building"
            ? ""
            : `<form id="add-area" class="actions"><input name="name" placeholder="新的下级区域名称" required maxlength="50">
                <input name="latitude" type="number" step="0.000001" placeholder="纬度" size="9">
                <input name="longitude" type="number" step="0.000001" placeholder="经度" size="9">
                <button type="submit">添加</button></form>`
        }
        ${
          moveTo.length
            ? `<form id="move-area" class="actions"><label class="inline">把${esc(area.name)}移到
                <select name="parentId">${moveTo.map((m) => `<option value="${m.id}">${esc(m.name)}</option>`).join("")}</select></label>
                <button type="submit">移动</button></form>`
            : ""
        }
        <details><summary>边界（GeoJSON）</summary>
          <form id="boundary"><textarea name="boundary" placeholder='{"type":"Polygon","coordinates":[[[经度,纬度],…]]}'></textarea>
          <button type="submit">保存边界</button></form></details>
      </div>
      <div class="card"><h3>工作人员</h3>
        <div class="table-wrap"><table id="staff"><tr><th>姓名</th><th>电话</th><th>角色</th><th>区域</th><th>工作台账号</th><th></th></tr>
          ${staff
            .map(
              (s) => `<tr><td>${esc(s.name)}</td><td>${esc(s.phone)}</td><td>${esc(staffRoleNames[s.role] || s.role)}</td>
                <td>${esc(s.areaName)}</td><td>${esc(s.username || "—")}</td>
                <td><button class="link revoke" data-id="${s.id}" data-name="${esc(s.name)}">撤销</button></td></tr>`,
            )
            .join("") || '<tr><td colspan="6" class="muted">没有工作人员</td></tr>'}
        </table></div>
        ${
          targets.length
            ? `<h3>任命</h3><form id="grant">
                <label>任职区域 <select name="areaId">${targets
                  .map((t) => `<option value="${t.id}">${esc(t.name)}（${esc(kindNames[t.kind])}）</option>`)
                  .join("")}</select></label>
                <div class="inline"><label>手机号 <input name="phone" required maxlength="11"></label>
                  <label>姓名 <input name="name" maxlength="20" placeholder="新人员必填"></label></div>
                <div class="inline"><label>工作台用户名 <input name="username" maxlength="40"></label>
                  <label>初始密码 <input name="password" type="password" autocomplete="new-password"></label></div>
                <button type="submit" class="primary">任命</button></form>`
            : ""
        }
      </div>
    </div>`;
  $("#add-area")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    act(
      () =>
        api(`/api/areas/${id}/children`, {
          method: "POST",
          body: {
            name: f.name,
            latitude: f.latitude ? Number(f.latitude) : null,
            longitude: f.longitude ? Number(f.longitude) : null,
          },
        }),
      "已添加",
    );
  });
  $("#move-area")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const select = e.target.parentId;
    const to = select.options[select.selectedIndex].text;
    if (!confirm(`把${area.name}及其下级区域、工单移到${to}？移动后由${to}的工作人员负责。`)) return;
    act(async () => {
      const moved = await api(`/api/areas/${id}/move`, { method: "POST", body: { parentId: Number(select.value) } });
      toast(`已移动：${moved.areas} 个区域、${moved.orders} 件工单`);
    });
  });
  $("#boundary").addEventListener("submit", (e) => {
    e.preventDefault();
    const boundary = new FormData(e.target).get("boundary").trim();
    act(() => api(`/api/areas/${id}`, { method: "PATCH", body: { boundary } }), boundary ? "边界已保存" : "边界已清除");
  });
  document.querySelectorAll("button.rename").forEach((b) =>
    b.addEventListener("click", () => {
      const name = prompt("新的名称", b.dataset.name);
      if (name && name !== b.dataset.name)
        act(() => api(`/api/areas/${b.dataset.id}`, { method: "PATCH", body: { name } }), "已改名");
    }),
  );
  document.querySelectorAll("button.revoke").forEach((b) =>
    b.addEventListener("click", () => {
      if (confirm(`撤销 ${b.dataset.name} 的这项任职？`))
        act(() => api(`/api/staff/${b.dataset.id}`, { method: "DELETE" }), "已撤销");
    }),
  );
  $("#grant")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    act(
      () =>
        api(`/api/areas/${f.areaId}/staff`, {
          method: "POST",
          body: { phone: f.phone, name: f.name || null, username: f.username || null, password: f.password || null },
        }),
      "已任命",
    );
  });
}

// ---------- categories (county admins) ----------

// ---------- working-day calendar ----------

async function calendar(args) {
  const year = Number(args[0]) || new Date().getFullYear();
  const days = await api(`/api/calendar/${year}`);
  const kinds = { holiday: "放假", workday: "调休上班" };
  view().innerHTML = `
    <h2>工作日历 · ${year} 年</h2>
    <p class="filters">${[year - 1, year, year + 1].map((y) => `<a class="button" href="#/calendar/${y}">${y}</a>`).join("")}</p>
    <div class="grid2">
      <div class="card"><h3>周一至周五以外的安排（${days.length} 天）</h3>
        <div class="table-wrap"><table id="calendar-days"><tr><th>日期</th><th>安排</th><th>说明</th></tr>
        ${days.map((d) => `<tr><td>${esc(d.day)}</td><td>${esc(kinds[d.kind])}</td><td>${esc(d.name)}</td></tr>`).join("")}
        </table></div></div>
      <div class="card"><h3>导入国务院放假通知</h3>
        <p class="muted">每行一天：日期,类型,说明。类型写 holiday（休）或 workday（班）。导入后替换本年全部安排，
          未办结工单的期限按新日历重新计算，并记入工单办理过程。</p>
        <form id="import">
          <textarea name="csv" rows="12" placeholder="${year}-01-01,holiday,元旦">${esc(
            days.map((d) => `${d.day},${d.kind},${d.name || ""}`).join("\n"),
          )}</textarea>
          <button type="submit" class="primary">导入并重算期限</button>
        </form>
        <p id="import-result"></p>
      </div>
    </div>`;
  $("#import").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const r = await api(`/api/calendar/${year}`, {
        method: "PUT",
        body: { csv: new FormData(e.target).get("csv") },
      });
      await calendar(args);
      $("#import-result").textContent =
        `已导入：放假 ${r.holidays} 天，调休上班 ${r.workdays} 天；${r.ordersMoved} 件工单的期限已重新计算` +
        (r.moved.length ? `（${r.moved.join("、")}）` : "");
      toast("日历已更新");
    } catch (err) {
      toast(err.message, true);
    }
  });
}

// ---------- scheduled jobs ----------

const jobNames = {
  "send-scheduled-broadcasts": "发送定时群发",
  "send-reminders": "期限提醒",
  "escalate-overdue": "超期升级督办",
  "send-weekly-digest": "每周工作提醒",
  "follow-up-resolved": "办结回访",
  "check-participation": "党员参与情况检查",
  "expire-claims": "认领超时退回",
  "raise-urgent-alerts": "紧急诉求告警",
  "remind-practices": "清单与会议提醒",
  "compute-statistics": "统计计算",
  "remind-assessment": "评议与满意度提醒",
};

async function jobs() {
  const list = await api("/api/jobs");
  const states = { normal: "运行中", paused: "已暂停", blocked: "执行中", error: "出错", none: "未注册" };
  view().innerHTML = `
    <h2>定时任务</h2>
    <p class="muted">任务在集群中由任一任务节点执行；暂停在重启后仍保持。</p>
    <div class="table-wrap"><table id="jobs-table">
      <tr><th>任务</th><th>计划</th><th>状态</th><th>下次执行</th><th>最近执行</th><th></th></tr>
      ${list
        .map((j) => {
          const last = j.runs[0];
          return `<tr data-job="${esc(j.name)}"><td>${esc(jobNames[j.name] || j.name)}<div class="muted small">${esc(j.name)}</div></td>
            <td><code>${esc(j.schedule)}</code></td>
            <td class="state">${esc(states[j.state] || j.state)}</td>
            <td>${fmt(j.nextFire)}</td>
            <td>${
              last
                ? `${fmt(last.scheduledAt)} <span class="tag ${last.outcome === "ok" ? "ok" : "urgent"}">${esc(last.outcome)}</span>
                   ${last.seconds != null ? `${last.seconds.toFixed(1)} 秒` : ""}<div class="muted small">${esc(last.node)}
                   ${last.result ? ` · ${esc(last.result)}` : ""}</div>`
                : '<span class="muted">尚未执行</span>'
            }</td>
            <td><button class="job" data-verb="${j.state === "paused" ? "resume" : "pause"}">${j.state === "paused" ? "恢复" : "暂停"}</button>
              <button class="job" data-verb="trigger">立即执行</button></td></tr>`;
        })
        .join("")}
    </table></div>`;
  document.querySelectorAll("button.job").forEach((b) =>
    b.addEventListener("click", () => {
      const job = b.closest("tr").dataset.job;
      const done = { pause: "已暂停", resume: "已恢复", trigger: "已安排立即执行" }[b.dataset.verb];
      act(() => api(`/api/jobs/${encodeURIComponent(job)}/${b.dataset.verb}`, { method: "POST" }), done);
    }),
  );
}

// ---------- start ----------

boot();
