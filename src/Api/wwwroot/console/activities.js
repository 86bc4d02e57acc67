// 活动与志愿服务: organise a community's activities with their posts, show the check-in code on site, approve the hours
// when it is over (each a line of the person's service record), and the community's volunteer-service figures.
import {
  $, view, esc, fmt, api, toast, act, communities, communityTabs, localInput, dayOffset, follow,
} from "./core.js";

const statusNames = { open: "报名中", closed: "已结束", cancelled: "已取消" };
const signupNames = { signed: "已报名", cancelled: "已取消", approved: "已审核", no_show: "未到" };

export async function activities(args) {
  if (args[0] === "a") return activity(Number(args[1]));
  const all = await communities();
  const community = Number(args[0]) || all[0].id;
  const [list, stats] = await Promise.all([
    api(`/api/communities/${community}/activities`),
    api(`/api/communities/${community}/service-stats?from=${dayOffset(-30)}&to=${dayOffset(0)}`),
  ]);
  const start = new Date(Date.now() + 2 * 86400000);
  start.setHours(9, 0, 0, 0);
  const end = new Date(start.getTime() + 3 * 3600000);
  const totals = (rows) =>
    rows.map((r) => `<tr><td>${esc(r.name)}</td><td>${r.personTimes}</td><td>${r.hours}</td></tr>`).join("") ||
    '<tr><td colspan="3" class="muted">无</td></tr>';
  view().innerHTML = `
    <h2>活动与志愿服务</h2>
    ${communityTabs(all, community, "activities")}
    <div class="tiles">
      <div class="tile">近 30 天活动<b id="stat-activities">${stats.activities}</b></div>
      <div class="tile">服务人次<b>${stats.personTimes}</b></div>
      <div class="tile">服务时长（小时）<b id="stat-hours">${stats.hours}</b></div>
    </div>
    <div class="card"><h3>组织活动</h3>
      <form id="new-activity">
        <div class="inline">
          <label>名称 <input name="title" maxlength="60" required></label>
          <label>地点 <input name="place" maxlength="100" value="社区党群服务中心" required></label>
          <label>开始 <input name="startsAt" type="datetime-local" value="${localInput(start)}" required></label>
          <label>结束 <input name="endsAt" type="datetime-local" value="${localInput(end)}" required></label>
        </div>
        <label>内容 <textarea name="description" maxlength="500"></textarea></label>
        <label>岗位（每行一个：岗位名 名额 技能要求，如「陪伴 8 陪护」）
          <textarea name="posts" required>志愿服务 10</textarea></label>
        <button type="submit" class="primary">发布活动</button>
      </form></div>
    <div class="table-wrap"><table id="activities">
      <tr><th>活动</th><th>时间</th><th>地点</th><th>组织</th><th>状态</th></tr>
      ${list
        .map(
          (a) => `<tr><td><a href="#/activities/a/${a.id}">${esc(a.title)}</a></td><td>${fmt(a.startsAt)}</td>
            <td>${esc(a.place)}</td><td>${esc(a.unitName || "社区")}</td><td>${statusNames[a.status] || esc(a.status)}</td></tr>`,
        )
        .join("") || '<tr><td colspan="5" class="muted">近 30 天没有活动</td></tr>'}
    </table></div>
    <div class="grid2">
      <div class="card"><h3>按服务队（近 30 天）</h3><table><tr><th>服务队</th><th>人次</th><th>小时</th></tr>${totals(stats.byTeam)}</table></div>
      <div class="card"><h3>按单位</h3><table><tr><th>单位</th><th>人次</th><th>小时</th></tr>${totals(stats.byUnit)}</table></div>
    </div>`;
  $("#new-activity").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    const posts = f.posts
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [name, slots, ...skills] = l.split(/\s+/);
        return { name, slots: Number(slots) || 0, skills: skills.join(",") };
      });
    try {
      const created = await api(`/api/communities/${community}/activities`, {
        method: "POST",
        body: {
          title: f.title,
          place: f.place,
          description: f.description,
          startsAt: new Date(f.startsAt).toISOString(),
          endsAt: new Date(f.endsAt).toISOString(),
          posts,
        },
      });
      toast("活动已发布，党员和志愿者可在小程序报名");
      location.hash = `#/activities/a/${created.activity.id}`;
    } catch (err) {
      toast(err.message, true);
    }
  });
}

async function activity(id) {
  const d = await api(`/api/activities/${id}`);
  const a = d.activity;
  const now = Date.now();
  const started = new Date(a.startsAt).getTime() - 30 * 60000 <= now;
  const ended = new Date(a.endsAt).getTime() <= now;
  const inWindow = started && new Date(a.endsAt).getTime() + 3600000 >= now;
  const open = a.status === "open";
  const code = open && inWindow ? await api(`/api/activities/${id}/checkin-code`) : null;
  const postName = new Map(d.posts.map((p) => [p.id, p.name]));
  const people = d.participants.filter((p) => p.status !== "cancelled");
  view().innerHTML = `
    <p><a href="#/activities/${a.communityId}">← 返回活动列表</a></p>
    <h2>${esc(a.title)} <span class="tag">${statusNames[a.status] || esc(a.status)}</span></h2>
    <p class="muted">${fmt(a.startsAt)} 至 ${fmt(a.endsAt).slice(11)} · ${esc(a.place)}${a.unitName ? ` · ${esc(a.unitName)}组织` : ""}</p>
    <div class="grid2">
      <div class="card"><h3>岗位</h3>
        <table id="posts"><tr><th>岗位</th><th>技能</th><th>已报 / 名额</th></tr>
        ${d.posts.map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.skills)}</td><td>${p.taken} / ${p.slots}</td></tr>`).join("")}
        </table>
        ${
          code
            ? `<h3>现场签到</h3><p>参加者用小程序扫码或输入签到码（每分钟更换），签到和签退都用它：</p>
               <p class="checkin-code" id="checkin-code">${esc(code.code)}</p>`
            : ""
        }
      </div>
      <div class="card"><h3>参加者（${people.length}）</h3>
        <form id="close-activity">
        <div class="table-wrap"><table id="participants">
          <tr><th>姓名</th><th>岗位</th><th>状态</th><th>签到</th><th>签退</th><th>时长（分钟）</th></tr>
          ${people
            .map(
              (p) => `<tr data-person="${p.personId}"><td>${esc(p.card.name)}${p.card.partyMember ? ' <span class="tag">党员</span>' : ""}</td>
                <td>${esc(postName.get(p.postId) || "")}</td><td>${signupNames[p.status] || esc(p.status)}</td>
                <td>${p.checkedInAt ? fmt(p.checkedInAt).slice(11) : '<span class="muted">—</span>'}</td>
                <td>${p.checkedOutAt ? fmt(p.checkedOutAt).slice(11) : '<span class="muted">—</span>'}</td>
                <td>${
                  open && ended && p.checkedInAt
                    ? `<input name="m${p.personId}" type="number" min="0" max="1440" size="5"
                         value="${p.proposedMinutes ?? ""}" placeholder="${p.proposedMinutes ?? "按签到签退"}">`
                    : p.approvedMinutes != null
                      ? p.approvedMinutes
                      : p.proposedMinutes != null
                        ? `<span class="muted">拟 ${p.proposedMinutes}</span>`
                        : ""
                }</td></tr>`,
            )
            .join("") || '<tr><td colspan="6" class="muted">还没有人报名</td></tr>'}
        </table></div>
        ${
          open && ended
            ? `<p class="muted small">审核后时长记入各人的服务记录；未签到的人记为未到。</p>
               <button type="submit" class="primary">审核时长并结束活动</button>`
            : open
              ? '<p class="muted small">活动结束后在这里审核时长。</p>'
              : ""
        }
        </form>
      </div>
    </div>`;
  $("#close-activity").addEventListener("submit", (e) => {
    e.preventDefault();
    const approvals = people
      .filter((p) => p.checkedInAt)
      .map((p) => {
        const v = e.target[`m${p.personId}`]?.value;
        return { personId: p.personId, minutes: v === "" || v == null ? null : Number(v) };
      });
    act(() => api(`/api/activities/${id}/close`, { method: "POST", body: { approvals } }), "时长已审核，活动结束");
  });
  // While people check in and out, the page follows them.
  if (open && inWindow && !ended) follow(`#/activities/a/${id}`);
}
