-- An invitation names the organisation that sent it: two organisations may
-- invite the same not yet registered address, and the person joins the one
-- whose invitation they accept. NULL (invitations from before) means the
-- invited person's organisation.
ALTER TABLE invitations ADD COLUMN organisation_id bigint REFERENCES organisations (id) ON DELETE CASCADE;
