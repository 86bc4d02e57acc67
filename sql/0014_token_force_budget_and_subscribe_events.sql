-- Access tokens are recovered in stable_token's normal mode; force mode (which revokes the token for every other
-- system sharing the AppId) is the last resort, allowed 20 times a China day and 30 seconds apart by WeChat. The
-- budget is shared by all nodes, so it lives with the token.
ALTER TABLE wechat_token
  ADD COLUMN forced_at    DATETIME(3) NULL COMMENT 'the last force refresh',
  ADD COLUMN forced_day   DATE        NULL COMMENT 'the China day forced_count counts',
  ADD COLUMN forced_count INT         NOT NULL DEFAULT 0 COMMENT 'force refreshes on forced_day';

-- Subscribe-message grants are reported twice for one accept: by the mini-program (its API call after
-- wx.requestSubscribeMessage) and by WeChat's push (subscribe_msg_popup_event). The source and time of the last
-- grant let the second report of the same accept count once; refusals are recorded too.
ALTER TABLE subscribe_grant
  ADD COLUMN granted_at   DATETIME(3) NULL COMMENT 'the last accept',
  ADD COLUMN grant_source VARCHAR(8)  NULL COMMENT 'who reported the last accept: client or push',
  ADD COLUMN refused_at   DATETIME(3) NULL COMMENT 'the last reject or switch-off';
