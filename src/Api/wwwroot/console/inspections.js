// 督查整改: a street's quarterly inspection rounds and their findings (a problem in a community, what must be done, who
// does it, by when); the responsible community or unit reports progress and hands in the rectification; the inspectors
// close it out (销号) or send it back. Secretaries and unit admins see what is theirs to rectify.
import { $, view, esc, fmt, api, toast, act, state, has, dayOffset } from "./core.js";

const eventNames = {
  found: "发现问题",
  progress: "整改进展",
  submitted: "提交整改",
  returned: "退回",
  closed: "销号",
};
const inspectorArea = () => {
  const s = state.me.staff.find((x) => x.role === "street_admin" || x.role === "county_admin");
  return s ? s.areaId : null;
};
const quarter = () => {
  const d = new Date();
  return `${d.getFullYear()}Q${Math.floor(d.getMonth() / 3) + 1}`;
};
const findingRows = (list, round) =>
  list
    .map(
      (f) => `<tr class="${f.overdue ? "overdue" : ""}"><td><a href="#/inspections/f/${f.id}">${esc(f.problem)}</a>
        ${round ? "" : `<div class="muted small">${esc(f.roundTitle)}</div>`}</td>
        <td>${esc(f.communityName)}</td><td>${esc(f.responsible)}</td><td>${esc(f.requirement)}</td>
        <td class="due">${esc(String(f.deadline).slice(0, 10))}${f.overdue ? ' <span class="tag urgent">超期</span>' : ""}</td>
        <td>${esc(f.statusName)}</td></tr>`,
    )
    .join("") || '<tr><td colspan="6" class="muted">没有</td></tr>';
const findingHead = "<tr><th>问题</th><th>社区</th><th>整改责任</th><th>整改要求</th><th>期限</th><th>状态</th></tr>";

export async function inspections(args) {
  if (args[0] === "r") return round(Number(args[1]));
  if (args[0] === "f") return finding(Number(args[1]));
  const area = inspectorArea();
  const [rounds, mine] = await Promise.all([
    area ? api(`/api/areas/${area}/inspections`) : Promise.resolve(null),
    api("/api/findings/mine"),
  ]);
  view().innerHTML = `
    <h2>督查整改</h2>
    <div class="card"><h3>待我方整改（${mine.length}）</h3>
      <div class="table-wrap"><table id="my-findings">${findingHead}${findingRows(mine, false)}</table></div></div>
    ${
      rounds
        ? `<div class="card"><h3>督查轮次</h3>
            <table id="rounds"><tr><th>督查</th><th>季度</th><th>地区</th><th>问题</th><th>已销号</th><th>超期</th></tr>
            ${rounds
              .map(
                (r) => `<tr><td><a href="#/inspections/r/${r.id}">${esc(r.title)}</a></td><td>${esc(r.quarter)}</td>
                  <td>${esc(r.areaName)}</td><td>${r.findings}</td><td>${r.closed}</td>
                  <td>${r.overdue ? `<span class="tag urgent">${r.overdue}</span>` : 0}</td></tr>`,
              )
              .join("") || '<tr><td colspan="6" class="muted">还没有督查</td></tr>'}
            </table>
            ${
              has("street_admin")
                ? `<form id="new-round" class="inline">
                    <label>名称 <input name="title" value="${quarter()}季度专项督查" maxlength="100" required></label>
                    <label>季度 <input name="quarter" value="${quarter()}" pattern="\\d{4}Q[1-4]" required size="7"></label>
                    <button type="submit" class="primary">开始督查</button></form>`
                : ""
            }</div>`
        : ""
    }`;
  $("#new-round")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      const r = await api(`/api/areas/${area}/inspections`, { method: "POST", body: f });
      location.hash = `#/inspections/r/${r.id}`;
    } catch (err) {
      if (err.status !== 401) toast(err.message, true);
    }
  });
}

async function round(id) {
  const d = await api(`/api/inspections/${id}`);
  const r = d.round;
  const within = await api(`/api/areas?parentId=${r.areaId}`); // a round is a street's: its communities
  view().innerHTML = `
    <p><a href="#/inspections">← 返回督查整改</a></p>
    <h2>${esc(r.title)} <span class="tag">${esc(r.quarter)}</span></h2>
    <p class="muted">${esc(r.areaName)} · 问题 ${r.findings} 个，已销号 ${r.closed}，超期 ${r.overdue}</p>
    <div class="card"><h3>记录问题</h3>
      <form id="new-finding">
        <div class="inline">
          <label>社区 <select name="communityId">${within.map((c) => `<option value="${c.id}">${esc(c.name)}</option>`).join("")}</select></label>
          <label>整改期限 <input name="deadline" type="date" value="${dayOffset(14)}" required></label>
        </div>
        <label>发现的问题 <textarea name="problem" maxlength="500" required></textarea></label>
        <label>整改要求 <input name="requirement" maxlength="500" required></label>
        <button type="submit" class="primary">记录并通知整改</button>
      </form></div>
    <div class="table-wrap"><table id="findings">${findingHead}${findingRows(d.findings, true)}</table></div>`;
  $("#new-finding").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    act(
      () =>
        api(`/api/inspections/${id}/findings`, {
          method: "POST",
          body: { communityId: Number(f.communityId), problem: f.problem, requirement: f.requirement, deadline: f.deadline },
        }),
      "已记录，整改责任方已收到通知",
    );
  });
}

async function finding(id) {
  const d = await api(`/api/findings/${id}`);
  const f = d.finding;
  const mine = (await api("/api/findings/mine")).some((x) => x.id === id);
  const inspector = inspectorArea() != null && has("street_admin", "county_admin");
  view().innerHTML = `
    <p><a href="#/inspections">← 返回督查整改</a></p>
    <h2>${esc(f.problem)} <span class="tag">${esc(f.statusName)}</span></h2>
    <p class="muted">${esc(f.roundTitle)} · ${esc(f.communityName)} · 整改责任：${esc(f.responsible)} ·
      期限 ${esc(String(f.deadline).slice(0, 10))}${f.overdue ? ' <span class="tag urgent">超期</span>' : ""}</p>
    <div class="grid2">
      <div class="card"><h3>整改要求</h3><p>${esc(f.requirement)}</p>
        ${f.evidence ? `<h3>整改情况</h3><p id="evidence">${esc(f.evidence)}</p>` : ""}
        ${d.photos.map((p) => `<a href="${esc(p.url)}" target="_blank" rel="noopener">照片</a>`).join(" ")}
        ${
          mine && f.status !== "closed" && f.status !== "submitted"
            ? `<form id="rectify"><label>整改情况 <textarea name="evidence" maxlength="1000" required></textarea></label>
                <button type="button" id="progress">记录进展</button> <button type="submit" class="primary">提交整改，申请销号</button></form>`
            : ""
        }
        ${
          inspector && f.status === "submitted"
            ? `<form id="close-out"><label>退回理由（退回时填写） <input name="reason" maxlength="200"></label>
                <button type="submit" class="primary" data-accept="true">销号</button> <button type="submit" data-accept="false">退回重新整改</button></form>`
            : ""
        }
      </div>
      <div class="card"><h3>经过</h3><ul class="timeline" id="finding-events">${d.events
        .map((e) => `<li><b>${fmt(e.createdAt)}</b> ${esc(e.personName)} ${esc(eventNames[e.kind] || e.kind)}${e.note ? `：${esc(e.note)}` : ""}</li>`)
        .join("")}</ul></div>
    </div>`;
  const rectify = $("#rectify");
  if (rectify) {
    const send = (verb, done) =>
      act(() => api(`/api/findings/${id}/${verb}`, { method: "POST", body: { evidence: rectify.evidence.value } }), done);
    $("#progress").addEventListener("click", () => rectify.reportValidity() && send("progress", "进展已记录"));
    rectify.addEventListener("submit", (e) => {
      e.preventDefault();
      send("submit", "已提交整改，等待督查组销号");
    });
  }
  $("#close-out")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const accept = e.submitter.dataset.accept === "true";
    const reason = e.target.reason.value.trim() || null;
    act(() => api(`/api/findings/${id}/close`, { method: "POST", body: { accept, reason } }), accept ? "已销号" : "已退回");
  });
}
