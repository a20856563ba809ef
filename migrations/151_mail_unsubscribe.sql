-- Optional mail (reminders, digests) carries a one-click unsubscribe link
-- (RFC 8058); invitations and resets leave it NULL.
ALTER TABLE mail_outbox ADD COLUMN unsubscribe_url text;
