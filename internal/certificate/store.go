package certificate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
)

// Record is an issued certificate as stored. Name, organisation, title and
// minutes are frozen at issue.
type Record struct {
	ID             int64          `db:"id"`
	Code           string         `db:"code"` // raw form, see NormalizeCode
	UserID         sql.NullInt64  `db:"user_id"`
	ModuleID       sql.NullInt64  `db:"module_id"`
	Programme      bool           `db:"programme"`
	Name           string         `db:"name"`
	Organisation   string         `db:"organisation"`
	OrganisationID sql.NullInt64  `db:"organisation_id"`
	Title          string         `db:"title"`
	Minutes        int            `db:"minutes"`
	CompletedAt    time.Time      `db:"completed_at"`
	IssuedAt       time.Time      `db:"issued_at"`
	RevokedAt      sql.NullTime   `db:"revoked_at"`
	RevokedReason  sql.NullString `db:"revoked_reason"`
}

// Revoked reports whether the certificate was withdrawn.
func (r Record) Revoked() bool { return r.RevokedAt.Valid }

// DisplayCode is the code as printed: groups of four.
func (r Record) DisplayCode() string { return FormatCode(r.Code) }

const recordColumns = `c.id, c.code, c.user_id, c.module_id, c.programme, c.name, c.organisation,
	c.organisation_id, c.title, c.minutes, c.completed_at, c.issued_at, c.revoked_at, c.revoked_reason`

// Store reads and changes issued certificates.
type Store struct {
	db *sqlx.DB
}

// NewStore returns a store on db.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

// ByCode returns the certificate with a raw code, for verification.
func (s *Store) ByCode(ctx context.Context, code string) (*Record, error) {
	var r Record
	err := s.db.GetContext(ctx, &r, `SELECT `+recordColumns+` FROM certificates c WHERE c.code = $1`, code)
	if err != nil {
		return nil, fmt.Errorf("certificate: by code: %w", database.NotFound(err))
	}
	return &r, nil
}

// OwnedBy returns the certificate with a raw code if it belongs to userID;
// anyone else's certificate is ErrNotFound.
func (s *Store) OwnedBy(ctx context.Context, userID int64, code string) (*Record, error) {
	var r Record
	err := s.db.GetContext(ctx, &r,
		`SELECT `+recordColumns+` FROM certificates c WHERE c.code = $1 AND c.user_id = $2`, code, userID)
	if err != nil {
		return nil, fmt.Errorf("certificate: of user %d: %w", userID, database.NotFound(err))
	}
	return &r, nil
}

// ForUser lists a learner's certificates, the programme first, then by
// completion.
func (s *Store) ForUser(ctx context.Context, userID int64) ([]Record, error) {
	var rs []Record
	err := s.db.SelectContext(ctx, &rs, `SELECT `+recordColumns+` FROM certificates c
		WHERE c.user_id = $1
		ORDER BY c.programme DESC, c.completed_at, c.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("certificate: for user %d: %w", userID, err)
	}
	return rs, nil
}

// ForOrganisation lists the valid certificates issued to people of an
// organisation, optionally only those of the current members of one team
// (teamID 0 for all). The caller checks that the team is the
// organisation's, with TeamInOrganisation.
func (s *Store) ForOrganisation(ctx context.Context, orgID, teamID int64) ([]Record, error) {
	var rs []Record
	err := s.db.SelectContext(ctx, &rs, `SELECT `+recordColumns+` FROM certificates c
		WHERE c.organisation_id = $1 AND c.revoked_at IS NULL
		  AND ($2::bigint = 0 OR c.user_id IN (
			SELECT tm.user_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
			WHERE tm.team_id = $2 AND t.organisation_id = $1))
		ORDER BY c.name, c.programme, c.title, c.id`, orgID, teamID)
	if err != nil {
		return nil, fmt.Errorf("certificate: for organisation %d: %w", orgID, err)
	}
	return rs, nil
}

// TeamInOrganisation reports whether team teamID belongs to organisation
// orgID.
func (s *Store) TeamInOrganisation(ctx context.Context, orgID, teamID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok,
		`SELECT EXISTS (SELECT 1 FROM teams WHERE id = $1 AND organisation_id = $2)`, teamID, orgID)
	if err != nil {
		return false, fmt.Errorf("certificate: team %d: %w", teamID, err)
	}
	return ok, nil
}

// SearchLimit caps the rows of an administrator's search.
const SearchLimit = 100

// Search finds certificates for administrators: by code when q is a
// well-formed code, otherwise by a part of the learner's name or of the
// code. An empty q lists the latest issued.
func (s *Store) Search(ctx context.Context, q string) ([]Record, error) {
	q = strings.TrimSpace(q)
	var (
		rs  []Record
		err error
	)
	switch raw, ok := NormalizeCode(q); {
	case ok:
		err = s.db.SelectContext(ctx, &rs, `SELECT `+recordColumns+` FROM certificates c WHERE c.code = $1`, raw)
	case q == "":
		err = s.db.SelectContext(ctx, &rs, `SELECT `+recordColumns+` FROM certificates c
			ORDER BY c.issued_at DESC, c.id DESC LIMIT $1`, SearchLimit)
	default:
		pattern := "%" + likeEscape(q) + "%"
		codePart := "%" + likeEscape(strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(q))) + "%"
		err = s.db.SelectContext(ctx, &rs, `SELECT `+recordColumns+` FROM certificates c
			WHERE unaccent(c.name) ILIKE unaccent($1) OR c.code LIKE $2
			ORDER BY c.name, c.issued_at DESC LIMIT $3`, pattern, codePart, SearchLimit)
	}
	if err != nil {
		return nil, fmt.Errorf("certificate: search: %w", err)
	}
	return rs, nil
}

// likeEscape escapes the wildcards of a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ErrAlreadyRevoked means a certificate was revoked before.
var ErrAlreadyRevoked = errors.New("certificate: already revoked")

// Revoke withdraws a certificate, recording who did it and why. Revoking
// twice is ErrAlreadyRevoked; the first reason stays.
func (s *Store) Revoke(ctx context.Context, code string, by int64, reason string) (*Record, error) {
	var r Record
	err := s.db.GetContext(ctx, &r, `UPDATE certificates c
		SET revoked_at = now(), revoked_reason = $2, revoked_by = NULLIF($3, 0)
		WHERE c.code = $1 AND c.revoked_at IS NULL
		RETURNING `+recordColumns, code, reason, by)
	if err == nil {
		return &r, nil
	}
	if err = database.NotFound(err); !errors.Is(err, database.ErrNotFound) {
		return nil, fmt.Errorf("certificate: revoke: %w", err)
	}
	if _, err := s.ByCode(ctx, code); err != nil {
		return nil, err
	}
	return nil, ErrAlreadyRevoked
}
