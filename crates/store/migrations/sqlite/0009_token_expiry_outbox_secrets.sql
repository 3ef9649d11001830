-- API tokens expire (existing ones 90 days after they were made); the outbox keeps what a
-- person may read (`body`, with secrets such as reset links left out) apart from what only the
-- mail transport reads (`delivery_body`, the message as sent).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens
   SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+90 days')
 WHERE expires_at IS NULL;

ALTER TABLE outbox ADD COLUMN delivery_body TEXT;
UPDATE outbox
   SET delivery_body = body,
       body = '(password reset link, not shown)'
 WHERE body LIKE '%token=%';
