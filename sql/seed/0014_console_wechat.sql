-- Demo console accounts already bound to a WeChat, so the sandbox's QR sign-in can be tried at once (the sandbox's
-- QR page offers these people as the one scanning).
UPDATE staff_account SET wechat_unionid = CONCAT('oUnionDemo_', username), wechat_bound_at = UTC_TIMESTAMP(3)
 WHERE username IN ('street1', 'sec11', 'grid1111') AND wechat_unionid IS NULL;
