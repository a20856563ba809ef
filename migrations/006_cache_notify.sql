-- Announce changes that in-memory caches of the app instances depend on:
-- a person's sessions and account (auth's session cache) and their lesson
-- progress (learning's done-lessons cache). The payload is the user id; an
-- empty payload means "everyone".
CREATE FUNCTION notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM pg_notify(TG_ARGV[0], OLD.user_id::text);
	ELSE
		PERFORM pg_notify(TG_ARGV[0], NEW.user_id::text);
	END IF;
	RETURN NULL;
END;
$$;

CREATE FUNCTION notify_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('nabij_session', NEW.id::text);
	RETURN NULL;
END;
$$;

CREATE FUNCTION notify_everyone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify(TG_ARGV[0], '');
	RETURN NULL;
END;
$$;

CREATE TRIGGER sessions_ended AFTER DELETE ON sessions
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_session');
CREATE TRIGGER users_changed AFTER UPDATE ON users
	FOR EACH ROW EXECUTE FUNCTION notify_account_changed();
CREATE TRIGGER organisations_changed AFTER UPDATE OR DELETE ON organisations
	FOR EACH STATEMENT EXECUTE FUNCTION notify_everyone_changed('nabij_session');
CREATE TRIGGER lesson_progress_changed AFTER INSERT OR DELETE ON lesson_progress
	FOR EACH ROW EXECUTE FUNCTION notify_user_changed('nabij_progress');
