package certificate

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
)

// The fixtures insert organisations, people and modules with plain SQL, so
// that these tests depend on the schema only.

func insertOrg(t *testing.T, db *sqlx.DB, name string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
		t.Fatalf("insert organisation %q: %v", name, err)
	}
	return id
}

func insertTeam(t *testing.T, db *sqlx.DB, orgID int64, name string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO teams (organisation_id, name) VALUES ($1, $2) RETURNING id`, orgID, name); err != nil {
		t.Fatalf("insert team %q: %v", name, err)
	}
	return id
}

func joinTeam(t *testing.T, db *sqlx.DB, teamID, userID int64) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, teamID, userID); err != nil {
		t.Fatalf("join team: %v", err)
	}
}

// insertUser adds a person; orgID 0 leaves them without organisation (for
// trainers and admins).
func insertUser(t *testing.T, db *sqlx.DB, orgID int64, role, email, name string) int64 {
	t.Helper()
	var id int64
	err := db.Get(&id, `INSERT INTO users (organisation_id, email, full_name, role)
		VALUES (NULLIF($1, 0), $2, $3, $4) RETURNING id`, orgID, email, name, role)
	if err != nil {
		t.Fatalf("insert user %q: %v", email, err)
	}
	return id
}

func insertModule(t *testing.T, db *sqlx.DB, slug, title string, minutes int) int64 {
	t.Helper()
	var id int64
	err := db.Get(&id, `INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html)
		VALUES ($1, (SELECT COALESCE(max(position), 0) + 1 FROM modules), $2, '', $3, '', '', '', '') RETURNING id`, slug, title, minutes)
	if err != nil {
		t.Fatalf("insert module %q: %v", slug, err)
	}
	return id
}

// completeModule issues a module certificate in a transaction of its own,
// as the learning capability would.
func completeModule(t *testing.T, db *sqlx.DB, iss *Issuer, userID, moduleID int64, at time.Time) {
	t.Helper()
	err := database.WithTx(context.Background(), db, func(tx *sqlx.Tx) error {
		return iss.ModuleCompleted(context.Background(), tx, userID, moduleID, at)
	})
	if err != nil {
		t.Fatalf("ModuleCompleted: %v", err)
	}
}

func completeProgramme(t *testing.T, db *sqlx.DB, iss *Issuer, userID int64, at time.Time) {
	t.Helper()
	err := database.WithTx(context.Background(), db, func(tx *sqlx.Tx) error {
		return iss.ProgrammeCompleted(context.Background(), tx, userID, at)
	})
	if err != nil {
		t.Fatalf("ProgrammeCompleted: %v", err)
	}
}

func countCertificates(t *testing.T, db *sqlx.DB, where string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM certificates WHERE `+where, args...); err != nil {
		t.Fatalf("count certificates: %v", err)
	}
	return n
}
