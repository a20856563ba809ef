-- The people matrix's first page, sorted by name (the default), reads the
-- organisation's people in this order and stops after one page, instead of
-- sorting all of them with the Dutch collation: 13.7 ms → 3.5 ms for an
-- organisation of 10,000 (EXPLAIN ANALYZE, most of it the separate count).
CREATE INDEX users_organisation_name ON users (organisation_id, (full_name COLLATE nabij_nl), id)
	WHERE deleted_at IS NULL;
