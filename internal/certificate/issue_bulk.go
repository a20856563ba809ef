package certificate

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// IssueCompletions issues, in the caller's transaction, every certificate
// the given learners have earned and do not have yet: one per completed
// module and one for a completed programme, with the same columns and
// completion dates as ModuleCompleted and ProgrammeCompleted would have
// written at each completion. It is for bulk loads (the demo seeder) that
// store completions with set statements instead of one event at a time;
// the running platform issues through the Issuer. Codes come from NewCode,
// so they carry the same randomness and check symbol as any other.
func IssueCompletions(ctx context.Context, tx *sqlx.Tx, userIDs []int64) error {
	if len(userIDs) == 0 {
		return nil
	}
	ids := pq.Array(userIDs)
	// The certificates still missing, numbered, so that the i-th one takes
	// the i-th fresh code; issued in the order they were earned.
	const missing = `
		WITH due AS (
			SELECT mp.user_id, mp.module_id, false AS programme, mp.completed_at
			FROM module_progress mp
			WHERE mp.user_id = ANY($1) AND mp.completed_at IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM certificates c
			                  WHERE c.user_id = mp.user_id AND c.module_id = mp.module_id AND NOT c.programme)
			UNION ALL
			SELECT pc.user_id, NULL, true, pc.completed_at
			FROM programme_completions pc
			WHERE pc.user_id = ANY($1)
			  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.user_id = pc.user_id AND c.programme)
		), numbered AS (
			SELECT due.*, row_number() OVER (ORDER BY user_id, completed_at, programme, module_id) AS i FROM due
		)`
	var n int
	if err := tx.GetContext(ctx, &n, missing+` SELECT count(*) FROM numbered`, ids); err != nil {
		return fmt.Errorf("certificate: count completions to issue: %w", err)
	}
	if n == 0 {
		return nil
	}
	codes := make([]string, n)
	for i := range codes {
		code, err := NewCode()
		if err != nil {
			return err
		}
		codes[i] = code
	}
	// ON CONFLICT without a target, as in ModuleCompleted: a certificate
	// issued meanwhile by a concurrent event is kept, not duplicated.
	_, err := tx.ExecContext(ctx, missing+`
		INSERT INTO certificates
			(code, user_id, module_id, programme, name, organisation, organisation_id, title, minutes, completed_at)
		SELECT ($2::text[])[d.i], u.id, d.module_id, d.programme, u.full_name, COALESCE(o.name, ''), u.organisation_id,
		       CASE WHEN d.programme THEN $3 ELSE m.title END,
		       CASE WHEN d.programme THEN (SELECT COALESCE(sum(minutes), 0) FROM modules) ELSE m.minutes END,
		       d.completed_at
		FROM numbered d
		JOIN users u ON u.id = d.user_id
		LEFT JOIN organisations o ON o.id = u.organisation_id
		LEFT JOIN modules m ON m.id = d.module_id
		WHERE d.programme OR m.id IS NOT NULL
		ORDER BY d.i
		ON CONFLICT DO NOTHING`, ids, pq.Array(codes), ProgrammeTitle)
	if err != nil {
		return fmt.Errorf("certificate: issue %d completions: %w", n, err)
	}
	return nil
}
