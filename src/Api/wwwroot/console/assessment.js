// 考核评议 (street and county admins): 双向评议 rounds between units and the communities they serve, 满意度测评
// (residents called back about a sample of closed orders), and the yearly assessment schemes with their indicators,
// manual entries with evidence, computed scores and tiers, finalised with their consequences; each exported as Excel.
import { $, view, esc, api, toast, act, dayOffset, state } from "./core.js";

const adminArea = () => state.me.staff.find((s) => s.role === "street_admin" || s.role === "county_admin").areaId;
const statusNames = { open: "进行中", closed: "已结束", draft: "草稿", final: "已确定" };
const answerNames = {
  satisfied: "满意",
  basically_satisfied: "基本满意",
  unsatisfied: "不满意",
  unreachable: "联系不上",
};
const subjectNames = { community: "社区", unit: "单位" };
const sourceNames = { computed: "统计", evaluation: "双向评议", survey: "满意度测评", manual: "录入" };
const score = (v) => (v == null ? '<span class="muted">—</span>' : String(v));

/** Lines of "text weight" (or "a,b,c") into objects; blank lines are skipped. */
const lines = (text, split) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map(split);

async function submit(form, work) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await work(Object.fromEntries(new FormData(form)));
    } catch (err) {
      if (err.status !== 401) toast(err.message, true);
    }
  });
}

export async function assessment(args) {
  if (args[0] === "round") return round(Number(args[1]));
  if (args[0] === "survey") return survey(Number(args[1]));
  if (args[0] === "scheme") return scheme(Number(args[1]));
  const area = adminArea();
  const o = await api(`/api/areas/${area}/assessment`);
  const year = new Date().getFullYear();
  const list = (items, href, cells) =>
    items.map((i) => `<tr><td><a href="#/assessment/${href}/${i.id}">${esc(i.title)}</a></td>${cells(i)}</tr>`).join("") ||
    '<tr><td colspan="4" class="muted">还没有</td></tr>';
  view().innerHTML = `
    <h2>考核评议</h2>
    <div class="card"><h3>双向评议</h3>
      <table id="rounds"><tr><th>名称</th><th>年度</th><th>截止</th><th>状态</th></tr>
        ${list(o.rounds, "round", (r) => `<td>${r.year}</td><td>${esc(r.closesOn)}</td><td>${statusNames[r.status] || esc(r.status)}</td>`)}
      </table>
      <details><summary>发起双向评议</summary>
      <form id="new-round">
        <div class="inline">
          <label>年度 <input name="year" type="number" value="${year}" required></label>
          <label>名称 <input name="title" value="${year}年度双向评议" maxlength="100" required></label>
          <label>截止 <input name="closesOn" type="date" value="${dayOffset(30)}" required></label>
        </div>
        <label>单位评社区（每行：问题 权重） <textarea name="u2c">社区为驻区单位党员提供服务的情况 50
社区组织联建共建活动的情况 50</textarea></label>
        <label>社区评单位（每行：问题 权重） <textarea name="c2u">单位在职党员到社区报到服务的情况 50
单位认领并完成清单事项的情况 50</textarea></label>
        <button type="submit" class="primary">发起并通知单位和社区</button>
      </form></details>
    </div>
    <div class="card"><h3>满意度测评</h3>
      <table id="surveys"><tr><th>名称</th><th>办结时间</th><th>样本</th><th>状态</th></tr>
        ${list(o.surveys, "survey", (s) => `<td>${esc(s.from)} 至 ${esc(s.to)}</td><td>${s.sampleSize}</td><td>${statusNames[s.status] || esc(s.status)}</td>`)}
      </table>
      <details><summary>发起满意度回访</summary>
      <form id="new-survey" class="inline">
        <label>名称 <input name="title" value="${new Date().getMonth() + 1}月群众满意度回访" maxlength="100" required></label>
        <label>办结自 <input name="from" type="date" value="${dayOffset(-30)}" required></label>
        <label>至 <input name="to" type="date" value="${dayOffset(0)}" required></label>
        <label>抽样件数 <input name="sampleSize" type="number" min="1" value="50" required></label>
        <button type="submit" class="primary">抽样并发起</button>
      </form></details>
    </div>
    <div class="card"><h3>年度考核</h3>
      <table id="schemes"><tr><th>名称</th><th>年度</th><th>对象</th><th>状态</th></tr>
        ${list(o.schemes, "scheme", (s) => `<td>${s.year}</td><td>${subjectNames[s.subject] || esc(s.subject)}</td><td>${statusNames[s.status] || esc(s.status)}</td>`)}
      </table>
      <details><summary>制定考核方案</summary>
      <form id="new-scheme">
        <div class="inline">
          <label>年度 <input name="year" type="number" value="${year}" required></label>
          <label>对象 <select name="subject"><option value="community">社区</option><option value="unit">单位</option></select></label>
          <label>名称 <input name="title" value="${year}年度社区考核" maxlength="100" required></label>
          <label>双向评议 <select name="round"><option value="">（不用）</option>${o.rounds
            .map((r) => `<option value="${r.id}">${esc(r.title)}</option>`)
            .join("")}</select></label>
          <label>单位考核中社区评价占比 <input name="communityWeight" type="number" min="0" max="100" value="0"></label>
        </div>
        <label>指标（每行：名称,来源,统计项,权重,目标值；来源为 computed 统计、evaluation 评议、survey 测评、manual 录入）
          <textarea name="indicators" rows="5">群众满意率,computed,satisfactionRate,40,95
问题解决率,computed,resolutionRate,30,90
第三方测评,manual,,30,100</textarea></label>
        <p class="muted small">统计项：satisfactionRate 满意率、responseRate 响应率、resolutionRate 解决率、serviceHours 服务时长、visits 走访、claimsDone 认领完成、meetings 联席会议、activities 活动、listItems 清单事项；survey 的统计项填测评编号。</p>
        <button type="submit" class="primary">保存方案</button>
      </form></details>
    </div>`;
  submit($("#new-round"), async (f) => {
    const questions = [
      ...lines(f.u2c, (l) => ({ direction: "unit_to_community", ...question(l) })),
      ...lines(f.c2u, (l) => ({ direction: "community_to_unit", ...question(l) })),
    ];
    const r = await api("/api/evaluations", {
      method: "POST",
      body: { areaId: area, year: Number(f.year), title: f.title, closesOn: f.closesOn, questions },
    });
    location.hash = `#/assessment/round/${r.id}`;
  });
  submit($("#new-survey"), async (f) => {
    const s = await api("/api/surveys", {
      method: "POST",
      body: { areaId: area, title: f.title, from: f.from, to: f.to, sampleSize: Number(f.sampleSize) },
    });
    location.hash = `#/assessment/survey/${s.id}`;
  });
  submit($("#new-scheme"), async (f) => {
    const indicators = lines(f.indicators, (l) => {
      const [name, source, metric, weight, target] = l.split(/[,，]/).map((x) => x.trim());
      return { name, source, metric: metric || null, weight: Number(weight), target: Number(target) };
    });
    const s = await api("/api/assessments", {
      method: "POST",
      body: {
        areaId: area,
        year: Number(f.year),
        subject: f.subject,
        title: f.title,
        communityWeight: Number(f.communityWeight) || 0,
        evaluationRoundId: f.round ? Number(f.round) : null,
        indicators,
      },
    });
    location.hash = `#/assessment/scheme/${s.id}`;
  });
}

function question(line) {
  const m = line.match(/^(.*?)\s+(\d+)$/);
  return m ? { text: m[1], weight: Number(m[2]) } : { text: line, weight: 1 };
}

const back = '<p><a href="#/assessment">← 返回考核评议</a></p>';

async function round(id) {
  const r = await api(`/api/evaluations/${id}`);
  const results = await api(`/api/evaluations/${id}/results`);
  const table = (rows, label) =>
    `<table><tr><th>${label}</th><th>得分</th><th>已评 / 应评</th></tr>${rows
      .map((x) => `<tr><td>${esc(x.name)}</td><td>${score(x.score)}</td><td>${x.responses} / ${x.expected}</td></tr>`)
      .join("")}</table>`;
  view().innerHTML = `${back}
    <h2>${esc(r.title)} <span class="tag">${statusNames[r.status] || esc(r.status)}</span></h2>
    <p class="muted">截止 ${esc(r.closesOn)} · ${r.pairs} 对结对，单位已评 ${r.unitResponses}，社区已评 ${r.communityResponses}</p>
    <p class="actions"><a class="button" id="export-round" href="/api/evaluations/${id}/export?format=xlsx">导出 Excel</a>
      ${r.status === "open" ? '<button id="close-round">结束评议</button>' : ""}</p>
    <div class="grid2">
      <div class="card"><h3>社区得分（单位评）</h3><div id="community-scores">${table(results.communities, "社区")}</div></div>
      <div class="card"><h3>单位得分（社区评）</h3><div id="unit-scores">${table(results.units, "单位")}</div></div>
    </div>
    <div class="card"><h3>结对</h3><div class="table-wrap"><table id="pairs">
      <tr><th>单位</th><th>社区</th><th>单位评社区</th><th>社区评单位</th></tr>
      ${r.pairList
        .map(
          (p) => `<tr><td>${esc(p.unitName)}</td><td>${esc(p.communityName)}</td><td>${score(p.unitToCommunity)}</td>
            <td>${score(p.communityToUnit)}</td></tr>`,
        )
        .join("")}</table></div></div>`;
  $("#close-round")?.addEventListener("click", () =>
    act(() => api(`/api/evaluations/${id}/close`, { method: "POST" }), "评议已结束"),
  );
}

async function survey(id) {
  const s = await api(`/api/surveys/${id}`);
  const open = s.status === "open";
  view().innerHTML = `${back}
    <h2>${esc(s.title)} <span class="tag">${statusNames[s.status] || esc(s.status)}</span></h2>
    <div class="tiles">
      <div class="tile">抽样<b>${s.sampled}</b></div><div class="tile">已回访<b id="answered">${s.answered}</b></div>
      <div class="tile">联系不上<b>${s.unreachable}</b></div>
      <div class="tile">满意率<b>${s.satisfactionRate == null ? "—" : `${Math.round(s.satisfactionRate * 10) / 10}%`}</b></div>
    </div>
    ${open ? '<p class="actions"><button id="close-survey">结束测评</button></p>' : ""}
    <div class="card"><h3>回访（工单办结后再问居民）</h3><div class="table-wrap"><table id="calls">
      <tr><th>工单</th><th>社区</th><th>回答</th><th>备注</th><th></th></tr>
      ${s.calls
        .map(
          (c) => `<tr data-order="${esc(c.orderCode)}"><td><a href="#/orders/${esc(c.orderCode)}">${esc(c.orderCode)}</a></td>
            <td>${esc(c.communityName)}</td><td>${c.answer ? esc(answerNames[c.answer] || c.answer) : '<span class="muted">未回访</span>'}</td>
            <td>${esc(c.note || "")}</td>
            <td>${
              open && !c.answer
                ? `<select class="answer"><option value="">记录回访结果</option>${Object.entries(answerNames)
                    .map(([k, v]) => `<option value="${k}">${v}</option>`)
                    .join("")}</select>`
                : ""
            }</td></tr>`,
        )
        .join("") || '<tr><td colspan="5" class="muted">这段时间没有办结的工单</td></tr>'}
    </table></div></div>`;
  $("#close-survey")?.addEventListener("click", () =>
    act(() => api(`/api/surveys/${id}/close`, { method: "POST" }), "测评已结束"),
  );
  document.querySelectorAll("select.answer").forEach((sel) =>
    sel.addEventListener("change", () => {
      if (!sel.value) return;
      const orderCode = sel.closest("tr").dataset.order;
      act(
        () => api(`/api/surveys/${id}/answers`, { method: "POST", body: { orderCode, answer: sel.value } }),
        "已记录回访结果",
      );
    }),
  );
}

async function scheme(id) {
  const s = await api(`/api/assessments/${id}`);
  const draft = s.status !== "final";
  const manual = s.indicators.filter((i) => i.source === "manual");
  view().innerHTML = `${back}
    <h2>${esc(s.title)} <span class="tag">${statusNames[s.status] || esc(s.status)}</span></h2>
    <p class="muted">${s.year} 年 · 考核${subjectNames[s.subject] || esc(s.subject)} · 好 ≥ ${s.goodFrom}，较好 ≥ ${s.fairlyGoodFrom}，一般 ≥ ${s.fairFrom}
      ${s.communityWeight ? ` · 社区评价占 ${s.communityWeight}%` : ""}</p>
    <div class="card"><h3>指标</h3><table id="indicators"><tr><th>指标</th><th>来源</th><th>统计项</th><th>权重</th><th>目标值</th></tr>
      ${s.indicators
        .map((i) => `<tr><td>${esc(i.name)}</td><td>${esc(sourceNames[i.source] || i.source)}</td><td>${esc(i.metric || "")}</td><td>${i.weight}</td><td>${i.target}</td></tr>`)
        .join("")}</table></div>
    ${
      draft && manual.length
        ? `<div class="card"><h3>录入（附依据）</h3><form id="entry-form" class="inline">
            <label>指标 <select name="indicatorId">${manual.map((i) => `<option value="${i.id}">${esc(i.name)}</option>`).join("")}</select></label>
            <label>对象 <select name="subjectId">${s.results
              .map((r) => `<option value="${r.subjectId}">${esc(r.name)}</option>`)
              .join("")}</select></label>
            <label>分值 <input name="value" type="number" step="0.1" min="0" required></label>
            <label>依据 <input name="evidence" maxlength="200" placeholder="如：第三方评估报告第3页" required></label>
            <button type="submit">录入</button></form>
            ${s.results.length ? "" : '<p class="muted small">先点「计算得分」列出考核对象。</p>'}</div>`
        : ""
    }
    <p class="actions"><a class="button" href="/api/assessments/${id}/export?format=xlsx">导出 Excel</a>
      ${draft ? '<button id="compute">计算得分</button> <button id="finalise" class="primary">确定结果</button>' : ""}</p>
    <div class="table-wrap"><table id="results">
      <tr><th>对象</th><th>得分</th><th>等次</th><th>各项（分值 → 得分 × 权重）</th><th>后果</th></tr>
      ${s.results
        .map(
          (r) => `<tr><td>${esc(r.name)}</td><td>${r.score}</td><td>${esc(r.tierName)}</td>
            <td class="small">${r.inputs.indicators
              .map((i) => `${esc(i.name)}：${i.value ?? "—"} → ${i.points} × ${i.weight}${i.evidence ? `（${esc(i.evidence)}）` : ""}`)
              .join("<br>")}${r.inputs.communityScore != null ? `<br>社区评价：${r.inputs.communityScore}` : ""}</td>
            <td>${r.consequences.map((c) => `<span class="tag urgent">${esc(c)}</span>`).join(" ")}</td></tr>`,
        )
        .join("") || '<tr><td colspan="5" class="muted">还没有计算</td></tr>'}
    </table></div>`;
  const form = $("#entry-form");
  if (form)
    submit(form, async (f) => {
      await api(`/api/assessments/${id}/entries`, {
        method: "PUT",
        body: {
          indicatorId: Number(f.indicatorId),
          subjectId: Number(f.subjectId),
          value: Number(f.value),
          evidence: f.evidence,
        },
      });
      await api(`/api/assessments/${id}/compute`, { method: "POST" });
      toast("已录入并重新计算");
      await act(async () => {});
    });
  $("#compute")?.addEventListener("click", () =>
    act(() => api(`/api/assessments/${id}/compute`, { method: "POST" }), "已按当前数据计算"),
  );
  $("#finalise")?.addEventListener("click", () => {
    if (confirm("确定后结果不能再修改，并按规则记录约谈等后果。确定？"))
      act(() => api(`/api/assessments/${id}/compute?finalise=true`, { method: "POST" }), "考核结果已确定");
  });
}
