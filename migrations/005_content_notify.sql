-- Every change to published content tells all app instances, at commit, to
-- drop their in-memory copy of the catalogue (see internal/catalog/cache.go).
CREATE FUNCTION notify_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('nabij_content', TG_TABLE_NAME);
	RETURN NULL;
END;
$$;

CREATE TRIGGER modules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON modules
	FOR EACH STATEMENT EXECUTE FUNCTION notify_content_changed();
CREATE TRIGGER lessons_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lessons
	FOR EACH STATEMENT EXECUTE FUNCTION notify_content_changed();
