package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
)

// NewAccount describes an account made from the command line or the demo.
type NewAccount struct {
	Email    string
	Name     string
	Role     string // learner, manager, trainer, admin
	Org      string // organisation name; created when missing; may be empty for trainer and admin
	Teams    []string
	Password string
}

// ValidEmail reports whether s is a plain e-mail address (no display name).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"\r\n,;") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// Provision creates or updates an account by e-mail address, with its
// organisation and teams, in one transaction. Running it twice gives the
// same result. It returns the user's id.
func Provision(ctx context.Context, db *sqlx.DB, n NewAccount) (int64, error) {
	n.Email = strings.TrimSpace(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	switch {
	case !ValidEmail(n.Email):
		return 0, fmt.Errorf("auth: %q is not an e-mail address", n.Email)
	case n.Name == "":
		return 0, errors.New("auth: a name is needed")
	case n.Role != "learner" && n.Role != "manager" && n.Role != "trainer" && n.Role != "admin":
		return 0, fmt.Errorf("auth: role %q is not learner, manager, trainer or admin", n.Role)
	case (n.Role == "learner" || n.Role == "manager") && strings.TrimSpace(n.Org) == "":
		return 0, fmt.Errorf("auth: a %s needs an organisation (--org)", n.Role)
	}
	if err := CheckPassword(n.Password); err != nil {
		return 0, fmt.Errorf("auth: password: %w", err)
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return 0, err
	}
	var userID int64
	err = database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		var orgID *int64
		if name := strings.TrimSpace(n.Org); name != "" {
			var id int64
			if err := tx.GetContext(ctx, &id, `
				WITH ins AS (
					INSERT INTO organisations (name) VALUES ($1)
					ON CONFLICT (lower(name)) DO NOTHING RETURNING id
				)
				SELECT id FROM ins UNION ALL SELECT id FROM organisations WHERE lower(name) = lower($1)
				LIMIT 1`, name); err != nil {
				return fmt.Errorf("auth: organisation %q: %w", name, err)
			}
			orgID = &id
		}
		if err := tx.GetContext(ctx, &userID, `
			INSERT INTO users (organisation_id, email, full_name, role, password_hash)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO UPDATE SET
				organisation_id = EXCLUDED.organisation_id, full_name = EXCLUDED.full_name,
				role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, active = true
			RETURNING id`, orgID, n.Email, n.Name, n.Role, hash); err != nil {
			return fmt.Errorf("auth: account %s: %w", n.Email, err)
		}
		for _, team := range n.Teams {
			if orgID == nil {
				return errors.New("auth: teams need an organisation")
			}
			if _, err := tx.ExecContext(ctx, `
				WITH t AS (
					INSERT INTO teams (organisation_id, name) VALUES ($1, $2)
					ON CONFLICT (organisation_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id
				)
				INSERT INTO team_members (team_id, user_id) SELECT id, $3 FROM t ON CONFLICT DO NOTHING`,
				*orgID, team, userID); err != nil {
				return fmt.Errorf("auth: team %q: %w", team, err)
			}
		}
		return nil
	})
	return userID, err
}

// GeneratePassword returns a random password of four lower-case words'
// worth of letters and digits, easy to type and 100+ bits strong.
func GeneratePassword() string {
	token, _ := NewToken()
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(token))[:20]
}
