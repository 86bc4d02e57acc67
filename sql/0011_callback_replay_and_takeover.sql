-- A callback's (timestamp, nonce) is accepted once, across all nodes: a second message under the same pair is a
-- replay of a captured URL (in plaintext mode its signature covers nothing else). WeChat's own redeliveries reuse
-- the pair with the same message, and are answered from the record as before.
ALTER TABLE wechat_inbound
  ADD COLUMN request_ts BIGINT NULL COMMENT 'the callback''s timestamp parameter',
  ADD COLUMN request_nonce VARCHAR(64) NULL COMMENT 'the callback''s nonce parameter',
  ADD COLUMN takeovers INT NOT NULL DEFAULT 0 COMMENT 'times a redelivery took over a turn whose node died',
  ADD UNIQUE KEY ux_wechat_inbound_request (request_ts, request_nonce);
