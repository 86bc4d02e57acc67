-- 网站应用微信登录 for the staff console: an account can be bound to its holder's WeChat, by the unionid the Open
-- Platform answers for every app of the same account, after which scanning the QR code signs in without a password.
-- One WeChat signs in to one account at most.
ALTER TABLE staff_account
  ADD COLUMN wechat_unionid  VARCHAR(64) NULL AFTER password_hash,
  ADD COLUMN wechat_bound_at DATETIME(3) NULL AFTER wechat_unionid,
  ADD UNIQUE KEY ux_staff_account_wechat (wechat_unionid);
