package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/certificate"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/learning"
)

// demoProgress gives the first demo learner a completed first module, with
// its certificate, so the dashboard, the certificate download and the
// verification page have something to show from the start. It goes through
// the learning store, so completion and certificate come about exactly as
// for a real learner. Running it again changes nothing.
func demoProgress(ctx context.Context, db *sqlx.DB, email string) error {
	var who struct {
		UserID int64 `db:"id"`
		OrgID  int64 `db:"organisation_id"`
	}
	err := db.GetContext(ctx, &who, `SELECT id, organisation_id FROM users WHERE lower(email) = lower($1) AND organisation_id IS NOT NULL`, email)
	if err != nil {
		return fmt.Errorf("demo: learner %s: %w", email, err)
	}
	var moduleID int64
	if err := db.GetContext(ctx, &moduleID, `SELECT id FROM modules ORDER BY position LIMIT 1`); err != nil {
		return nil // no curriculum yet: nothing to complete
	}
	store := learning.NewStore(db, certificate.NewIssuer(certificate.NewStore(db)))
	now := time.Now()
	return database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		if err := learning.LockLearner(ctx, tx, who.UserID, who.OrgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO lesson_progress (user_id, lesson_id, module_id, done_at)
			SELECT $1, id, module_id, $3 FROM lessons WHERE module_id = $2
			ON CONFLICT (user_id, lesson_id) DO NOTHING`, who.UserID, moduleID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO quiz_attempts (user_id, module_id, seq, layout, started_at, submitted_at, correct_count, question_count, score, passed)
			SELECT $1, $2, 1, '{"questions": []}', $3, $3, n, n, 100, true
			FROM (SELECT count(*)::int AS n FROM questions WHERE module_id = $2) q
			WHERE NOT EXISTS (SELECT 1 FROM quiz_attempts WHERE user_id = $1 AND module_id = $2)`, who.UserID, moduleID, now); err != nil {
			return err
		}
		_, err := store.Refresh(ctx, tx, who.UserID, moduleID, now)
		return err
	})
}
