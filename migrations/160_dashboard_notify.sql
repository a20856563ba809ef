-- Announce every change a learner's dashboard shows, so that an instance
-- may keep each person's dashboard ready and drop it the moment it is out
-- of date: stored progress, quiz attempts, completions and certificates of
-- one person (payload: the user id), and the assigned training of an
-- organisation (payload empty: everyone, as assignments change seldom).
-- Lesson progress is announced on nabij_progress already (migration 006);
-- accounts and organisations on nabij_session; content on nabij_content.
CREATE TRIGGER module_progress_dashboard AFTER INSERT OR UPDATE OR DELETE ON module_progress
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_dashboard');
CREATE TRIGGER quiz_attempts_dashboard AFTER INSERT OR DELETE OR UPDATE OF submitted_at ON quiz_attempts
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_dashboard');
CREATE TRIGGER certificates_dashboard AFTER INSERT OR UPDATE OR DELETE ON certificates
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_dashboard');
CREATE TRIGGER programme_completions_dashboard AFTER INSERT OR UPDATE OR DELETE ON programme_completions
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_dashboard');
CREATE TRIGGER team_members_dashboard AFTER INSERT OR UPDATE OR DELETE ON team_members
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_dashboard');
CREATE TRIGGER assignment_extensions_dashboard AFTER INSERT OR UPDATE OR DELETE ON assignment_extensions
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_dashboard');
CREATE TRIGGER assignments_dashboard AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignments
	FOR EACH STATEMENT EXECUTE FUNCTION notify_everyone_changed('nabij_dashboard');
CREATE TRIGGER assignment_modules_dashboard AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignment_modules
	FOR EACH STATEMENT EXECUTE FUNCTION notify_everyone_changed('nabij_dashboard');

-- Announce every change the manager dashboard counts, per organisation
-- (payload: the organisation id), so that an instance may keep an
-- organisation's figures until something in it changes: who is counted
-- (people joining, leaving, changing role or team), teams, and who started
-- or completed which module. Content changes come on nabij_content.
CREATE FUNCTION notify_org_of_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	org bigint;
BEGIN
	IF TG_OP = 'DELETE' THEN
		SELECT organisation_id INTO org FROM users WHERE id = OLD.user_id;
	ELSE
		SELECT organisation_id INTO org FROM users WHERE id = NEW.user_id;
	END IF;
	IF org IS NOT NULL THEN
		PERFORM pg_notify('nabij_org', org::text);
	END IF;
	RETURN NULL;
END;
$$;

CREATE FUNCTION notify_org_of_team() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	org bigint;
BEGIN
	IF TG_OP = 'DELETE' THEN
		SELECT organisation_id INTO org FROM teams WHERE id = OLD.team_id;
	ELSE
		SELECT organisation_id INTO org FROM teams WHERE id = NEW.team_id;
	END IF;
	IF org IS NOT NULL THEN
		PERFORM pg_notify('nabij_org', org::text);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM pg_notify('nabij_org', ''); -- the team went with its members
	END IF;
	RETURN NULL;
END;
$$;

CREATE FUNCTION notify_org_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.organisation_id IS NOT NULL THEN
		PERFORM pg_notify('nabij_org', OLD.organisation_id::text);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.organisation_id IS NOT NULL THEN
		PERFORM pg_notify('nabij_org', NEW.organisation_id::text);
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER module_progress_org AFTER INSERT OR DELETE OR UPDATE OF completed_at ON module_progress
	FOR EACH ROW EXECUTE FUNCTION notify_org_of_user();
CREATE TRIGGER team_members_org AFTER INSERT OR UPDATE OR DELETE ON team_members
	FOR EACH ROW EXECUTE FUNCTION notify_org_of_team();
CREATE TRIGGER teams_org AFTER INSERT OR UPDATE OR DELETE ON teams
	FOR EACH ROW EXECUTE FUNCTION notify_org_of_row();
CREATE TRIGGER users_org_joined AFTER INSERT OR DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION notify_org_of_row();
CREATE TRIGGER users_org_counted AFTER UPDATE OF organisation_id, active, deleted_at, role ON users
	FOR EACH ROW EXECUTE FUNCTION notify_org_of_row();
