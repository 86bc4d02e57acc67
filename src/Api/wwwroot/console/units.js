// 本单位 (unit admins): what the unit has been summoned to (吹哨报到) and its answers, and its monthly report to each
// community it serves. 单位报告 (community staff): every serving unit's report for a month, accepted or returned.
import { $, view, esc, fmt, api, toast, act, state, communities, communityTabs } from "./core.js";

const lastMonth = () => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
};
const summonsNames = { summoned: "待报到", reported: "已报到", done: "已完成" };
const reportNames = { missing: "未报送", submitted: "待审核", accepted: "已通过", returned: "已退回" };

export async function unitPage() {
  const units = state.me.units.filter((u) => u.status === "approved");
  const ids = [...new Set(units.flatMap((u) => u.communities))];
  const names = new Map((await Promise.all(ids.map((id) => api(`/api/areas/${id}`)))).map((r) => [r.area.id, r.area.name]));
  // Only departments are summoned: for other units the list is refused, and the card is left out.
  const summons = await Promise.all(units.map((u) => api(`/api/units/${u.unitId}/summons`).catch(() => null)));
  const bookings = await Promise.all(units.map((u) => unitBookings(u.unitId)));
  view().innerHTML = `
    <h2>本单位</h2>
    ${units
      .map(
        (u, i) => `<div class="card" data-unit="${u.unitId}"><h3>${esc(u.name)}</h3>
          ${
            summons[i]
              ? `<h3>吹哨报到</h3><div class="table-wrap"><table class="summons">
                  <tr><th>工单</th><th>事由</th><th>吹哨时间</th><th>状态</th><th>答复</th></tr>
                  ${summons[i]
                    .map(
                      (s) => `<tr data-summons="${s.id}"><td><a href="#/orders/${esc(s.orderCode)}">${esc(s.orderCode)}</a></td>
                        <td>${esc(s.reason)}</td><td>${fmt(s.summonedAt)}</td><td>${summonsNames[s.status] || esc(s.status)}</td>
                        <td>${esc(s.answer || "")}${
                          s.status !== "done"
                            ? `<form class="answer inline"><input name="answer" maxlength="500" required placeholder="${
                                s.status === "summoned" ? "报到：将如何处理" : "完成情况"
                              }">
                              <label><input type="checkbox" name="done"${s.status === "reported" ? " checked" : ""}> 已完成</label>
                              <button type="submit">提交</button></form>`
                            : ""
                        }</td></tr>`,
                    )
                    .join("") || '<tr><td colspan="5" class="muted">没有吹哨</td></tr>'}
                </table></div>`
              : ""
          }
          ${bookings[i]}
          <h3>月度报告</h3>
          <form class="report">
            <div class="inline">
              <label>社区 <select name="communityId">${u.communities
                .map((c) => `<option value="${c}">${esc(names.get(c))}</option>`)
                .join("")}</select></label>
              <label>月份 <input name="month" type="month" value="${lastMonth()}" required></label>
              <label>参与人数 <input name="people" type="number" min="0" value="0" required></label>
              <label>时长（小时） <input name="hours" type="number" min="0" step="0.5" value="0" required></label>
            </div>
            <label>本月共建工作 <textarea name="content" maxlength="2000" required></textarea></label>
            <label>提供的资源 <input name="resources" maxlength="500" placeholder="如：开放会议室、捐赠物资"></label>
            <button type="submit" class="primary">报送</button>
          </form></div>`,
      )
      .join("") || '<p class="muted">没有已通过审核的单位</p>'}`;
  document.querySelectorAll("form.answer").forEach((form) =>
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const id = form.closest("tr").dataset.summons;
      act(
        () =>
          api(`/api/summons/${id}/answer`, {
            method: "POST",
            body: { answer: form.answer.value, done: form.done.checked },
          }),
        "已答复",
      );
    }),
  );
  document.querySelectorAll("button.confirm-booking, button.decline-booking").forEach((b) =>
    b.addEventListener("click", () => {
      const id = b.closest("tr").dataset.booking;
      const confirm = b.classList.contains("confirm-booking");
      act(
        () => api(`/api/bookings/${id}/decision`, { method: "POST", body: { confirm } }),
        confirm ? "预约已确认" : "已拒绝，时段已释放",
      );
    }),
  );
  document.querySelectorAll("form.report").forEach((form) =>
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const unit = form.closest("[data-unit]").dataset.unit;
      const f = Object.fromEntries(new FormData(form));
      act(
        () =>
          api(`/api/units/${unit}/reports`, {
            method: "POST",
            body: {
              communityId: Number(f.communityId),
              month: f.month,
              content: f.content,
              people: Number(f.people),
              hours: Number(f.hours),
              resources: f.resources || null,
            },
          }),
        "已报送，等待社区审核",
      );
    }),
  );
}

export async function unitReports(args) {
  const all = await communities();
  const community = Number(args[0]) || all[0].id;
  const month = args[1] || lastMonth();
  const lines = await api(`/api/communities/${community}/unit-reports?month=${month}`);
  view().innerHTML = `
    <h2>单位月度报告</h2>
    ${communityTabs(all, community, "unit-reports")}
    <p class="inline"><label>月份 <input id="report-month" type="month" value="${esc(month)}"></label></p>
    <div class="table-wrap"><table id="unit-reports">
      <tr><th>单位</th><th>状态</th><th>工作内容</th><th>人数</th><th>时长</th><th>资源</th><th></th></tr>
      ${lines
        .map(
          (l) => `<tr data-report="${l.reportId ?? ""}"><td>${esc(l.unitName)}</td>
            <td>${reportNames[l.status] || esc(l.status)}${l.late ? ' <span class="tag urgent">逾期</span>' : ""}
              ${l.reviewNote ? `<div class="muted small">${esc(l.reviewNote)}</div>` : ""}</td>
            <td>${esc(l.content || "")}</td><td>${l.people ?? ""}</td><td>${l.hours ?? ""}</td><td>${esc(l.resources || "")}</td>
            <td>${
              l.status === "submitted"
                ? `<button class="accept">通过</button> <button class="return">退回</button>`
                : ""
            }</td></tr>`,
        )
        .join("") || '<tr><td colspan="7" class="muted">没有服务本社区的单位</td></tr>'}
    </table></div>`;
  $("#report-month").addEventListener("change", (e) => (location.hash = `#/unit-reports/${community}/${e.target.value}`));
  const review = (b, accept) => {
    const id = b.closest("tr").dataset.report;
    const note = accept ? null : prompt("退回理由");
    if (!accept && !note) return toast("退回须写明理由", true);
    act(() => api(`/api/unit-reports/${id}/review`, { method: "POST", body: { accept, note } }), accept ? "已通过" : "已退回");
  };
  document.querySelectorAll("#unit-reports button.accept").forEach((b) => b.addEventListener("click", () => review(b, true)));
  document.querySelectorAll("#unit-reports button.return").forEach((b) => b.addEventListener("click", () => review(b, false)));
}

// Whom the desk books for (the unit books for its own staff and other units from the mini-program).
const audienceNames = { community: "社区使用", resident: "居民使用" };
const bookingNames = { requested: "待单位确认", confirmed: "已确认" };

/** 资源预约 from the desk: a unit's resource on a day, hour by hour, and booking whole hours for the community. */
export async function bookResource(community, item, day) {
  const date = (day || "").split("?")[0] || new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const audience = new URLSearchParams(location.hash.split("?")[1] || "").get("audience") || "community";
  const d = await api(`/api/lists/${item}/availability?date=${date}&audience=${audience}`);
  const r = d.resource;
  const hour = (iso) => new Date(iso).getHours();
  view().innerHTML = `
    <p><a href="#/lists/${community}/resource">← 返回资源清单</a></p>
    <h2>预约：${esc(r.item.title)}</h2>
    <p class="muted">${esc(r.item.unitName || "")} · 开放时段：${r.described.map(esc).join("；") || "未设置"}</p>
    <form id="book" class="card">
      <div class="inline">
        <label>日期 <input name="date" type="date" value="${esc(date)}" required></label>
        <label>用途 <select name="audience">${Object.keys(audienceNames)
          .map((k) => `<option value="${k}"${k === audience ? " selected" : ""}>${audienceNames[k]}</option>`)
          .join("")}</select></label>
        <label>从 <select name="from">${d.hours
          .filter((h) => h.open && !h.taken)
          .map((h) => `<option value="${esc(h.startsAt)}">${hour(h.startsAt)}:00</option>`)
          .join("")}</select></label>
        <label>小时数 <input name="hours" type="number" min="1" max="12" value="2" required></label>
      </div>
      <label>事由 <input name="purpose" maxlength="200" required placeholder="如：社区老年人健康讲座"></label>
      <button type="submit" class="primary">提交预约</button>
      <p class="muted small">${d.workingDay ? "工作日" : "休息日"}：<span id="hours">${d.hours
        .map((h) => `<span class="tag ${h.taken ? "urgent" : h.open ? "ok" : ""}">${hour(h.startsAt)}时${h.taken ? "已约" : h.open ? "可约" : "不开放"}</span>`)
        .join(" ")}</span></p>
    </form>`;
  const form = $("#book");
  const reload = () => (location.hash = `#/lists/${community}/book/${item}/${form.date.value}?audience=${form.audience.value}`);
  form.date.addEventListener("change", reload);
  form.audience.addEventListener("change", reload);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!form.from.value) return toast("这一天没有可预约的时段", true);
    const start = new Date(form.from.value);
    const end = new Date(start.getTime() + Number(form.hours.value) * 3600000);
    act(
      () =>
        api(`/api/lists/${item}/bookings`, {
          method: "POST",
          body: {
            startsAt: start.toISOString(),
            endsAt: end.toISOString(),
            purpose: form.purpose.value,
            audience: form.audience.value,
          },
        }),
      "已提交预约，等待单位确认",
    );
  });
}

/** The unit's side: bookings of its resources to confirm or decline. */
export async function unitBookings(unitId) {
  const list = await api(`/api/units/${unitId}/bookings`).catch(() => []);
  return `<h3>资源预约</h3><div class="table-wrap"><table class="bookings">
    <tr><th>资源</th><th>时间</th><th>用途</th><th>事由</th><th>状态</th><th></th></tr>
    ${list
      .map(
        (b) => `<tr data-booking="${b.id}"><td>${esc(b.itemTitle)}</td><td>${fmt(b.startsAt)} 至 ${fmt(b.endsAt).slice(11)}</td>
          <td>${esc(b.audienceName)}</td><td>${esc(b.purpose)}</td>
          <td>${esc(bookingNames[b.status] || b.status)}</td>
          <td>${b.status === "requested" ? '<button class="confirm-booking primary">确认</button> <button class="decline-booking">拒绝</button>' : ""}</td></tr>`,
      )
      .join("") || '<tr><td colspan="6" class="muted">没有待办的预约</td></tr>'}
  </table></div>`;
}
