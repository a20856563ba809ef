package certificate

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ProgrammeTitle is the title on the certificate of the whole programme.
const ProgrammeTitle = "Volledig programma OCMW N@BIJ"

// Issuer issues certificates when the learning capability reports a
// completion. It holds no state of its own: the database's unique indexes
// make "once per learner and module" a fact, whatever runs concurrently.
type Issuer struct {
	store *Store
}

// NewIssuer returns an issuer that lists certificates from store.
func NewIssuer(store *Store) *Issuer { return &Issuer{store: store} }

// ModuleCompleted issues the certificate of a completed module, in the
// caller's transaction, unless the learner already has it. The learner's
// name and organisation, the module's title and study load are copied, so
// the certificate keeps saying what was true on the day.
func (i *Issuer) ModuleCompleted(ctx context.Context, tx *sqlx.Tx, userID, moduleID int64, at time.Time) error {
	code, err := NewCode()
	if err != nil {
		return err
	}
	// ON CONFLICT without a target also covers the partial unique index
	// (user_id, module_id) WHERE NOT programme: a second, concurrent
	// transaction waits for the first and then inserts nothing.
	_, err = tx.ExecContext(ctx, `INSERT INTO certificates
			(code, user_id, module_id, programme, name, organisation, organisation_id, title, minutes, completed_at)
		SELECT $1, u.id, m.id, false, u.full_name, COALESCE(o.name, ''), u.organisation_id, m.title, m.minutes, $4
		FROM users u
		LEFT JOIN organisations o ON o.id = u.organisation_id
		CROSS JOIN modules m
		WHERE u.id = $2 AND m.id = $3
		ON CONFLICT DO NOTHING`, code, userID, moduleID, at)
	if err != nil {
		return fmt.Errorf("certificate: issue module %d for user %d: %w", moduleID, userID, err)
	}
	return nil
}

// ProgrammeCompleted issues the certificate of the whole programme, in the
// caller's transaction, unless the learner already has it. Its study load is
// that of all modules together.
func (i *Issuer) ProgrammeCompleted(ctx context.Context, tx *sqlx.Tx, userID int64, at time.Time) error {
	code, err := NewCode()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO certificates
			(code, user_id, module_id, programme, name, organisation, organisation_id, title, minutes, completed_at)
		SELECT $1, u.id, NULL, true, u.full_name, COALESCE(o.name, ''), u.organisation_id, $3,
			(SELECT COALESCE(sum(minutes), 0) FROM modules), $4
		FROM users u
		LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.id = $2
		ON CONFLICT DO NOTHING`, code, userID, ProgrammeTitle, at)
	if err != nil {
		return fmt.Errorf("certificate: issue programme for user %d: %w", userID, err)
	}
	return nil
}
