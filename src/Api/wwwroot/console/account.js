// 我的账号: one's own password, and the binding to WeChat that lets one sign in by scanning the QR code.
import { state, view, api, toast, act } from "./core.js";

export async function account() {
  const session = await api("/api/console/session");
  const wechat = state.options.wechatLogin;
  view().innerHTML = `
    <h2>我的账号</h2>
    <div class="card">
      <h3>微信扫码登录</h3>
      ${
        !wechat
          ? '<p class="muted">本系统未开通微信扫码登录，请使用用户名和密码登录。</p>'
          : session.wechatBound
            ? `<p id="wechat-state">已绑定微信：在登录页点「微信扫码登录」，用手机微信扫一扫即可登录。</p>
               <button id="unbind">解除绑定</button>`
            : `<p id="wechat-state">未绑定微信。绑定后在登录页用手机微信扫一扫即可登录，不必输入密码。</p>
               <a id="bind" class="button primary" href="/api/console/wechat/bind">绑定微信</a>`
      }
    </div>
    <div class="card">
      <h3>修改密码</h3>
      <form id="password-form" autocomplete="off">
        <label>当前密码 <input name="current" type="password" autocomplete="current-password" required></label>
        <label>新密码 <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
        <label>再输一次新密码 <input name="again" type="password" autocomplete="new-password" required></label>
        <p class="muted small">至少 8 位，须同时包含字母和数字。</p>
        <button type="submit" class="primary">修改密码</button>
      </form>
    </div>`;
  const unbind = document.getElementById("unbind");
  if (unbind)
    unbind.addEventListener("click", () => {
      if (confirm("解除后只能用用户名和密码登录，确定解除？"))
        act(() => api("/api/console/wechat", { method: "DELETE" }), "已解除微信绑定");
    });
  const form = document.getElementById("password-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (form.password.value !== form.again.value) return toast("两次输入的新密码不一致", true);
    try {
      await api("/api/console/password", {
        method: "POST",
        body: { current: form.current.value, password: form.password.value },
      });
      form.reset();
      toast("密码已修改");
    } catch (err) {
      if (err.status !== 401) toast(err.message, true);
    }
  });
}
