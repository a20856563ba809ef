-- Secrets of the installation, shared by every instance: each is made
-- once, by the first instance that needs it (INSERT … ON CONFLICT DO
-- NOTHING), and read by all. The flash message cookie is sealed with one.
CREATE TABLE installation_secrets (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
