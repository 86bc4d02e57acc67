// County reference data: the categories (time limits, default urgency, units-only, skills, the report form's extra
// questions, and which emergencies are filed under each) and the account's message templates per notice kind.
import { $, view, esc, api, act, toast } from "./core.js";

const hazardNames = {
  gas: "燃气泄漏",
  fire: "火情",
  electric: "漏电触电",
  flood: "水浸漏水",
  violence: "暴力伤人",
  distress: "轻生求救",
  missing: "人员走失",
  trapped: "电梯被困",
  structure: "房屋险情",
  fall: "老人摔倒",
  injury: "受伤急救",
};

export async function categoriesPage() {
  const list = await api("/api/categories");
  const units = { working_days: "个工作日", hours: "小时" };
  view().innerHTML = `
    <h2>问题类别与办理时限</h2>
    <p class="muted">全县统一。改动对之后提交的诉求生效，已有工单保持原定期限。「补充问题」是居民报事时表单多问的问题；
      「紧急险情」是识别为该险情的紧急诉求直接归入的类别（一种险情只归一个类别）。</p>
    <div class="table-wrap"><table id="categories">
      <tr><th>类别</th><th>响应（小时）</th><th>办结</th><th>紧急办结（小时）</th><th>默认</th><th>党员可认领</th><th>技能</th><th></th></tr>
      ${list
        .map(
          (c) => `<tr data-id="${c.id}"><td>${esc(c.name)}</td>
            <td><input name="ack" type="number" min="1" max="720" value="${c.acknowledgeWithinHours}" aria-label="${esc(c.name)} 响应时限"></td>
            <td><input name="resolve" type="number" min="1" value="${c.resolveWithin}" aria-label="${esc(c.name)} 办结时限">
              <select name="unit">${Object.entries(units)
                .map(([k, v]) => `<option value="${k}"${k === c.resolveUnit ? " selected" : ""}>${v}</option>`)
                .join("")}</select></td>
            <td><input name="urgent" type="number" min="1" max="720" value="${c.urgentResolveWithinHours}"></td>
            <td><select name="urgency"><option value="normal"${c.defaultUrgency === "normal" ? " selected" : ""}>一般</option>
              <option value="urgent"${c.defaultUrgency === "urgent" ? " selected" : ""}>紧急</option></select></td>
            <td><input name="member" type="checkbox"${c.memberClaimable ? " checked" : ""} aria-label="${esc(c.name)} 党员可认领"></td>
            <td><input name="skills" value="${esc(c.skills.join("，"))}" size="14"></td>
            <td><button class="more">问题与险情</button> <button class="save">保存</button></td></tr>
          <tr class="more-row" data-for="${c.id}" hidden><td colspan="8">
            <div class="grid2">
              <label>补充问题（每行：英文标识 问题，最多 5 个）
                <textarea name="questions" rows="3">${esc((c.questions || []).map((q) => `${q.key} ${q.text}`).join("\n"))}</textarea></label>
              <div><p>紧急险情归入本类别</p><p class="inline">${Object.entries(hazardNames)
                .map(
                  ([k, v]) =>
                    `<label><input type="checkbox" name="hazards" value="${k}"${c.hazards.includes(k) ? " checked" : ""}> ${v}</label>`,
                )
                .join("")}</p></div>
            </div></td></tr>`,
        )
        .join("")}
    </table></div>`;
  document.querySelectorAll("#categories button.more").forEach((b) =>
    b.addEventListener("click", () => {
      const more = $(`#categories tr.more-row[data-for="${b.closest("tr").dataset.id}"]`);
      more.hidden = !more.hidden;
    }),
  );
  document.querySelectorAll("#categories button.save").forEach((b) =>
    b.addEventListener("click", () => {
      const row = b.closest("tr");
      const more = $(`#categories tr.more-row[data-for="${row.dataset.id}"]`);
      const v = (n) => row.querySelector(`[name=${n}]`);
      const questions = more
        .querySelector("textarea")
        .value.split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
          const [key, ...text] = l.split(/\s+/);
          return { key, text: text.join(" ") };
        });
      act(
        () =>
          api(`/api/categories/${row.dataset.id}`, {
            method: "PATCH",
            body: {
              acknowledgeWithinHours: Number(v("ack").value),
              resolveWithin: Number(v("resolve").value),
              resolveUnit: v("unit").value,
              urgentResolveWithinHours: Number(v("urgent").value),
              defaultUrgency: v("urgency").value,
              memberClaimable: v("member").checked,
              skills: v("skills").value.split(/[,，、\s]+/).filter((x) => x),
              questions,
              hazards: [...more.querySelectorAll("input[name=hazards]:checked")].map((h) => h.value),
            },
          }),
        "已保存",
      );
    }),
  );
}

const channelNames = { template: "公众号模板消息", subscribe: "小程序订阅消息" };

/** 消息模板: each notice kind's template id, keywords and page on the two WeChat channels. */
export async function templatesPage() {
  const list = await api("/api/notification-templates");
  const fieldsText = (fields) => fields.map((f) => `${f.key},${f.from},${f.type}`).join("\n");
  view().innerHTML = `
    <h2>消息模板</h2>
    <p class="muted">在公众号后台（模板消息）和小程序后台（订阅消息）选用模板后，在这里填写模板ID和关键词取值。
      某种通知在某个渠道没有模板时不走该渠道，改由其他渠道或站内信送达。改动从下一条消息起生效。</p>
    <div class="card"><h3>设置模板</h3>
      <form id="template-form">
        <div class="inline">
          <label>通知种类 <input name="kind" list="kinds" required pattern="[a-z][a-z_]{1,29}" size="20"></label>
          <label>渠道 <select name="channel">${Object.entries(channelNames)
            .map(([k, v]) => `<option value="${k}">${v}</option>`)
            .join("")}</select></label>
          <label>模板ID <input name="templateId" required maxlength="64" size="30"></label>
          <label>小程序页面 <input name="page" placeholder="pages/order/detail" size="22"></label>
        </div>
        <label>关键词（每行：关键词,取值,类型；取值为 title 标题、body 内容、code 工单号、time 时间、status 状态）
          <textarea name="fields" rows="4">thing1,title,thing
thing2,body,thing
time3,time,time</textarea></label>
        <button type="submit" class="primary">保存</button>
      </form>
      <datalist id="kinds">${[...new Set(list.map((t) => t.kind))].map((k) => `<option value="${esc(k)}">`).join("")}</datalist>
    </div>
    <div class="table-wrap"><table id="templates">
      <tr><th>通知种类</th><th>渠道</th><th>模板ID</th><th>关键词</th><th>页面</th><th></th></tr>
      ${list
        .map(
          (t) => `<tr data-kind="${esc(t.kind)}" data-channel="${esc(t.channel)}"><td>${esc(t.kind)}</td>
            <td>${channelNames[t.channel] || esc(t.channel)}</td><td><code>${esc(t.templateId)}</code></td>
            <td class="small">${t.fields.map((f) => `${esc(f.key)} ← ${esc(f.from)}（${esc(f.type)}）`).join("<br>")}</td>
            <td>${esc(t.page || "")}</td>
            <td><button class="edit">修改</button> <button class="remove">停用</button></td></tr>`,
        )
        .join("")}
    </table></div>`;
  const form = $("#template-form");
  document.querySelectorAll("#templates button.edit").forEach((b) =>
    b.addEventListener("click", () => {
      const row = b.closest("tr");
      const t = list.find((x) => x.kind === row.dataset.kind && x.channel === row.dataset.channel);
      form.kind.value = t.kind;
      form.channel.value = t.channel;
      form.templateId.value = t.templateId;
      form.page.value = t.page || "";
      form.fields.value = fieldsText(t.fields);
      form.scrollIntoView();
    }),
  );
  document.querySelectorAll("#templates button.remove").forEach((b) =>
    b.addEventListener("click", () => {
      const { kind, channel } = b.closest("tr").dataset;
      if (confirm(`停用后「${kind}」不再通过${channelNames[channel]}发送，确定？`))
        act(() => api(`/api/notification-templates/${kind}/${channel}`, { method: "DELETE" }), "已停用");
    }),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const fields = form.fields.value
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [key, from, type] = l.split(/[,，]/).map((x) => x.trim());
        return { key, from, type };
      });
    if (!fields.length) return toast("请至少填写一个关键词", true);
    act(
      () =>
        api(`/api/notification-templates/${encodeURIComponent(form.kind.value)}/${form.channel.value}`, {
          method: "PUT",
          body: { templateId: form.templateId.value.trim(), fields, page: form.page.value.trim() || null },
        }),
      "模板已保存",
    );
  });
}
