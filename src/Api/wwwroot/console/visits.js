// 网格走访: today's plan (must-visits first, then the households longest unvisited this two-month cycle), logging a
// visit with what was found and a need for the community's list, a household's visit history, and the coverage of the
// caller's area by grid, visitor and 包联 assignee.
import { $, view, esc, fmt, api, toast, homeArea, hooks } from "./core.js";

const attention = {
  difficulty: "困难家庭",
  illness: "重病",
  unemployed: "失业",
  elderly_alone: "独居老人",
  correction: "社区矫正",
};
const tags = (h) =>
  (h.mustVisit ? '<span class="tag urgent">每月必访</span> ' : "") +
  h.categories.map((c) => `<span class="tag">${esc(attention[c] || c)}</span>`).join(" ");
const percent = (r) => `${Math.round(r * 1000) / 10}%`;

export async function visits(args) {
  if (args[0] === "h") return household(Number(args[1]));
  const [plan, coverage, { area: home }] = await Promise.all([
    api("/api/visits/plan"),
    api(`/api/areas/${homeArea()}/visit-coverage`),
    api(`/api/areas/${homeArea()}`),
  ]);
  // A grid worker registers the households of the grid's buildings.
  const buildings = home.kind === "grid" ? await api(`/api/areas?parentId=${home.id}`) : [];
  view().innerHTML = `
    <h2>网格走访</h2>
    <div class="tiles">
      <div class="tile">本轮（${esc(coverage.cycleStart)} 至 ${esc(coverage.cycleEnd)}）已走访<b id="visited">${coverage.visited} / ${coverage.households}</b></div>
      <div class="tile">覆盖率<b>${percent(coverage.rate)}</b></div>
    </div>
    <div class="card"><h3>今日走访计划（${esc(plan.date)}，每天 ${plan.perDay} 户）</h3>
      <div class="table-wrap"><table id="plan">
        <tr><th>住户</th><th>户主</th><th>人数</th><th>关注</th><th>上次走访</th><th></th></tr>
        ${plan.households
          .map(
            (h) => `<tr data-household="${h.id}"><td><a href="#/visits/h/${h.id}">${esc(h.buildingName)} ${esc(h.room)}</a></td>
              <td>${esc(h.headName)}${h.phone ? `<div class="muted small">${esc(h.phone)}</div>` : ""}</td><td>${h.people}</td>
              <td>${tags(h)}</td><td>${h.lastVisitedAt ? fmt(h.lastVisitedAt).slice(0, 10) : '<span class="muted">本轮未访</span>'}</td>
              <td><button class="log-visit">记录走访</button></td></tr>`,
          )
          .join("") || '<tr><td colspan="6" class="muted">今天没有要走访的住户</td></tr>'}
      </table></div>
      <form id="visit-form" class="card" hidden>
        <h3 id="visit-title"></h3>
        <label>走访情况 <textarea name="found" maxlength="1000" required placeholder="家中情况、身体状况、反映的问题"></textarea></label>
        <label>需求（填写后列入社区需求清单） <input name="need" maxlength="100" placeholder="如：希望有人帮忙买菜"></label>
        <label class="inline"><input type="checkbox" name="survey"> 入户需求调查</label>
        <button type="submit" class="primary">保存走访记录</button> <button type="button" id="visit-cancel">取消</button>
      </form>
    </div>
    ${
      buildings.length
        ? `<div class="card"><h3>登记住户</h3>
            <form id="new-household">
              <div class="inline">
                <label>楼栋 <select name="building">${buildings.map((b) => `<option value="${b.id}">${esc(b.name)}</option>`).join("")}</select></label>
                <label>房号 <input name="room" maxlength="20" required size="8"></label>
                <label>户主 <input name="headName" maxlength="30" required size="8"></label>
                <label>电话 <input name="phone" inputmode="numeric" maxlength="11" size="12"></label>
                <label>人数 <input name="people" type="number" min="1" max="30" value="1" required></label>
              </div>
              <p class="inline">${Object.entries(attention)
                .map(([k, v]) => `<label><input type="checkbox" name="categories" value="${k}"> ${v}</label>`)
                .join("")}</p>
              <button type="submit">登记</button>
            </form></div>`
        : ""
    }
    <div class="grid2">
      <div class="card"><h3>各网格覆盖</h3><table id="grids">
        <tr><th>网格</th><th>已访 / 住户</th><th>覆盖率</th><th>本月必访</th></tr>
        ${coverage.grids
          .map(
            (g) => `<tr><td>${esc(g.gridName)}</td><td>${g.visited} / ${g.households}</td><td>${percent(g.rate)}</td>
              <td>${g.mustVisitedThisMonth} / ${g.mustVisit}</td></tr>`,
          )
          .join("") || '<tr><td colspan="4" class="muted">没有登记住户</td></tr>'}
      </table></div>
      <div class="card"><h3>走访人员（本轮）</h3><table id="visitors">
        <tr><th>姓名</th><th>走访次数</th><th>户数</th></tr>
        ${coverage.visitors.map((v) => `<tr><td>${esc(v.name)}</td><td>${v.visits}</td><td>${v.households}</td></tr>`).join("") ||
          '<tr><td colspan="3" class="muted">本轮还没有走访</td></tr>'}
      </table>
      ${
        coverage.assignees.length
          ? `<h3>包联（本月走访 / 任务）</h3><table>${coverage.assignees
              .map((a) => `<tr><td>${esc(a.name)}</td><td>${esc(a.areaName)}</td><td>${a.visitsThisMonth} / ${a.monthlyQuota}</td></tr>`)
              .join("")}</table>`
          : ""
      }</div>
    </div>`;
  $("#new-household")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target;
    try {
      await api(`/api/buildings/${f.building.value}/households`, {
        method: "POST",
        body: {
          room: f.room.value.trim(),
          headName: f.headName.value.trim(),
          phone: f.phone.value.trim() || null,
          people: Number(f.people.value),
          categories: [...f.querySelectorAll("input[name=categories]:checked")].map((c) => c.value),
        },
      });
      toast("住户已登记");
      await hooks.redraw();
    } catch (err) {
      if (err.status !== 401) toast(err.message, true);
    }
  });
  const form = $("#visit-form");
  let current = null;
  document.querySelectorAll("button.log-visit").forEach((b) =>
    b.addEventListener("click", () => {
      const row = b.closest("tr");
      current = Number(row.dataset.household);
      $("#visit-title").textContent = `走访 ${row.cells[0].textContent} ${row.cells[1].childNodes[0].textContent}`;
      form.hidden = false;
      form.found.focus();
    }),
  );
  $("#visit-cancel").addEventListener("click", () => (form.hidden = true));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const visit = await api(`/api/households/${current}/visits`, {
        method: "POST",
        body: { found: form.found.value, need: form.need.value.trim() || null, survey: form.survey.checked },
      });
      toast(visit.needItemId ? "走访已记录，需求已列入社区需求清单" : "走访已记录");
      location.hash = `#/visits/h/${current}`;
    } catch (err) {
      if (err.status !== 401) toast(err.message, true);
    }
  });
}

async function household(id) {
  const list = await api(`/api/households/${id}/visits`);
  view().innerHTML = `
    <p><a href="#/visits">← 返回走访计划</a></p>
    <h2>走访记录</h2>
    <div class="table-wrap"><table id="household-visits">
      <tr><th>时间</th><th>走访人</th><th>情况</th><th>需求 / 工单</th><th>照片</th></tr>
      ${list
        .map(
          (v) => `<tr><td>${fmt(v.visitedAt)}</td><td>${esc(v.visitorName)}</td><td>${esc(v.found)}</td>
            <td>${v.needItemId ? '<span class="tag">已列入需求清单</span>' : ""}${v.orderCode ? ` <a href="#/orders/${esc(v.orderCode)}">${esc(v.orderCode)}</a>` : ""}</td>
            <td>${v.photos.map((p) => `<a href="${esc(p.url)}" target="_blank" rel="noopener">照片</a>`).join(" ")}</td></tr>`,
        )
        .join("") || '<tr><td colspan="5" class="muted">还没有走访记录</td></tr>'}
    </table></div>`;
}
