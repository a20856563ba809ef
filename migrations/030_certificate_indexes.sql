-- Certificates by learner (the learner's list and downloads). The unique
-- indexes of 004 are partial, so they do not serve a plain user_id lookup.
CREATE INDEX certificates_user ON certificates (user_id);
