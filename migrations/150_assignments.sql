-- Assigned training: a manager (or a trainer or admin) asks the whole
-- organisation, a team or one person to complete modules, or the whole
-- programme, by a date. The date is fixed (due_on) or a number of days after
-- the person joined (due_days): the day they joined the team for a team
-- assignment, the day their account was made otherwise, but never before
-- the assignment itself was made (people already there get the days from
-- the assignment's day on). People who join the team later get it too: the
-- people an assignment reaches are computed, never copied.
CREATE TABLE assignments (
	id               bigserial PRIMARY KEY,
	organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	team_id          bigint REFERENCES teams (id) ON DELETE CASCADE,
	user_id          bigint REFERENCES users (id) ON DELETE CASCADE,
	programme        boolean NOT NULL DEFAULT false,
	due_on           date,
	due_days         integer CHECK (due_days BETWEEN 0 AND 3650),
	-- Days before the due date on which a reminder goes out (0: on the day).
	remind_days      integer[] NOT NULL DEFAULT '{7,1,0}'
		CHECK (remind_days <@ '{7,1,0}'::integer[]),
	created_by       bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at       timestamptz NOT NULL DEFAULT now(),
	withdrawn_at     timestamptz,
	CHECK (team_id IS NULL OR user_id IS NULL),
	CHECK ((due_on IS NULL) <> (due_days IS NULL))
);
CREATE INDEX assignments_organisation ON assignments (organisation_id) WHERE withdrawn_at IS NULL;

-- The modules of an assignment that is not for the whole programme.
CREATE TABLE assignment_modules (
	assignment_id  bigint NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
	module_id      bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	PRIMARY KEY (assignment_id, module_id)
);

-- A later due date for one person.
CREATE TABLE assignment_extensions (
	assignment_id  bigint NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
	user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	due_on         date NOT NULL,
	granted_by     bigint REFERENCES users (id) ON DELETE SET NULL,
	granted_at     timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (assignment_id, user_id)
);

-- When a person joined a team: relative due dates count from it. Existing
-- memberships count from the account's creation.
ALTER TABLE team_members ADD COLUMN joined_at timestamptz;
UPDATE team_members tm SET joined_at = u.created_at FROM users u WHERE u.id = tm.user_id;
ALTER TABLE team_members ALTER COLUMN joined_at SET DEFAULT now(), ALTER COLUMN joined_at SET NOT NULL;

-- One row per reminder that went out: the UNIQUE key is what makes two
-- instances (or a job run twice) send a reminder once.
CREATE TABLE reminders_sent (
	user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	module_id    bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	due_on       date NOT NULL,
	days_before  integer NOT NULL,
	sent_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, module_id, due_on, days_before)
);

-- One weekly digest per manager and week (the Monday it covers up to).
CREATE TABLE digests_sent (
	user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	week_of  date NOT NULL,
	sent_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, week_of)
);

-- Reminder and digest mail a person turned off. Invitations and password
-- resets are not optional and are not listed here.
CREATE TABLE mail_preferences (
	user_id       bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	no_reminders  boolean NOT NULL DEFAULT false,
	no_digest     boolean NOT NULL DEFAULT false,
	changed_at    timestamptz NOT NULL DEFAULT now()
);
