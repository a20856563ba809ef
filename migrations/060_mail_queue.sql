-- Mail goes through a queue: every message is a mail_outbox row written in
-- the same transaction as the change that causes it, and (with SMTP) a job
-- in river_job that sends it with retries. The row is what admins read on
-- /beheer/mail; the body is emptied once the message is sent, because it
-- holds a live one-time link.
--
--   outbox  no SMTP_URL: kept here for local use, never sent
--   queued  waiting for its first or next attempt
--   sent    accepted by the SMTP server
--   failed  every attempt failed; an admin may retry it
ALTER TABLE mail_outbox
	ADD COLUMN status text NOT NULL DEFAULT 'outbox'
		CHECK (status IN ('outbox', 'queued', 'sent', 'failed')),
	ADD COLUMN lang text NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en')),
	ADD COLUMN attempts integer NOT NULL DEFAULT 0,
	ADD COLUMN last_attempt_at timestamptz,
	ADD COLUMN next_attempt_at timestamptz,
	ADD COLUMN message_id text;

UPDATE mail_outbox SET status = CASE
	WHEN sent_at IS NOT NULL THEN 'sent'
	WHEN error IS NOT NULL THEN 'failed'
	ELSE 'outbox' END;

CREATE INDEX mail_outbox_status ON mail_outbox (status, created_at DESC);
