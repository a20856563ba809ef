package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
)

// Account is a person's login record.
type Account struct {
	ID           int64   `db:"id"`
	OrgID        *int64  `db:"organisation_id"`
	Email        string  `db:"email"`
	Name         string  `db:"full_name"`
	Role         string  `db:"role"`
	PasswordHash *string `db:"password_hash"`
	Lang         string  `db:"lang"`
	Active       bool    `db:"active"`
}

// Store holds the account queries of the auth capability.
type Store struct{ db *sqlx.DB }

// NewStore returns the account store.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

const accountColumns = `id, organisation_id, email, full_name, role, password_hash, lang, active`

// AccountByEmail finds a living (not deleted) account by e-mail address,
// case-insensitively.
func (s *Store) AccountByEmail(ctx context.Context, email string) (*Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM users
		WHERE lower(email) = lower($1) AND deleted_at IS NULL`, strings.TrimSpace(email))
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &a, nil
}

// AccountByID finds a living account by id.
func (s *Store) AccountByID(ctx context.Context, id int64) (*Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM users WHERE id = $1 AND deleted_at IS NULL`, id)
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &a, nil
}

// LoggedIn records the time of a successful login.
func (s *Store) LoggedIn(ctx context.Context, userID int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("auth: record login of user %d: %w", userID, err)
	}
	return nil
}

// SetPassword stores a new password hash and ends the user's sessions
// except keep (0 ends all), in one transaction.
func SetPassword(ctx context.Context, db *sqlx.DB, userID int64, password string, keep int64) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash); err != nil {
			return fmt.Errorf("auth: set password of user %d: %w", userID, err)
		}
		return EndAll(ctx, tx, userID, keep)
	})
}
