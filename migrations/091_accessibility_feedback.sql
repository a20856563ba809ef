-- Messages sent with the form of the accessibility statement
-- (/toegankelijkheid): what someone could not use, on which page, and how
-- to answer them if they want an answer. Admins read them at /beheer.
CREATE TABLE accessibility_feedback (
	id         bigserial PRIMARY KEY,
	created_at timestamptz NOT NULL DEFAULT now(),
	page       text NOT NULL DEFAULT '' CHECK (length(page) <= 500),
	message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
	contact    text NOT NULL DEFAULT '' CHECK (length(contact) <= 320),
	user_id    bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX accessibility_feedback_created ON accessibility_feedback (created_at DESC);
