package org

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/database"
)

// Organisation is a municipality or OCMW using the platform.
type Organisation struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	People int    `db:"people"`
	Teams  int    `db:"teams"`
}

// Team is a group of people within an organisation.
type Team struct {
	ID      int64  `db:"id"`
	Name    string `db:"name"`
	Members int    `db:"members"`
}

// Person is an account as managers and admins see it.
type Person struct {
	ID        int64      `db:"id"`
	Name      string     `db:"full_name"`
	Email     string     `db:"email"`
	Role      string     `db:"role"`
	Active    bool       `db:"active"`
	Invited   bool       `db:"invited"` // invited, no password chosen and never signed in (SSO accounts have no password)
	Teams     string     `db:"teams"`
	OrgName   string     `db:"organisation_name"`
	LastLogin *time.Time `db:"last_login_at"`
}

// Store holds the organisation queries. Every query about people takes the
// organisation id (from the session) as a parameter.
type Store struct{ db *sqlx.DB }

// NewStore returns the organisation store.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

// Organisations lists every organisation with counts, for admins.
func (s *Store) Organisations(ctx context.Context) ([]Organisation, error) {
	var os []Organisation
	err := s.db.SelectContext(ctx, &os, `
		SELECT o.id, o.name,
		       (SELECT count(*) FROM users u WHERE u.organisation_id = o.id AND u.deleted_at IS NULL) AS people,
		       (SELECT count(*) FROM teams t WHERE t.organisation_id = o.id) AS teams
		FROM organisations o ORDER BY o.name COLLATE nabij_nl, o.id`)
	if err != nil {
		return nil, fmt.Errorf("org: list organisations: %w", err)
	}
	return os, nil
}

// Organisation returns one organisation.
func (s *Store) Organisation(ctx context.Context, id int64) (*Organisation, error) {
	var o Organisation
	err := s.db.GetContext(ctx, &o, `SELECT id, name, 0 AS people, 0 AS teams FROM organisations WHERE id = $1`, id)
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &o, nil
}

// CreateOrganisation adds an organisation; created is false when the name
// is taken.
func (s *Store) CreateOrganisation(ctx context.Context, name string) (id int64, created bool, err error) {
	err = s.db.GetContext(ctx, &id, `INSERT INTO organisations (name) VALUES ($1)
		ON CONFLICT (lower(name)) DO NOTHING RETURNING id`, name)
	if err = database.NotFound(err); err == database.ErrNotFound {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("org: create organisation: %w", err)
	}
	return id, true, nil
}

// Teams lists the teams of an organisation.
func (s *Store) Teams(ctx context.Context, orgID int64) ([]Team, error) {
	var ts []Team
	err := s.db.SelectContext(ctx, &ts, `
		SELECT t.id, t.name, (SELECT count(*) FROM team_members m JOIN users u ON u.id = m.user_id
		                      WHERE m.team_id = t.id AND u.deleted_at IS NULL) AS members
		FROM teams t WHERE t.organisation_id = $1 ORDER BY t.name COLLATE nabij_nl, t.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org: teams of %d: %w", orgID, err)
	}
	return ts, nil
}

// CreateTeam adds a team; created is false when the name is taken.
func (s *Store) CreateTeam(ctx context.Context, orgID int64, name string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO teams (organisation_id, name) VALUES ($1, $2)
		ON CONFLICT (organisation_id, name) DO NOTHING`, orgID, name)
	if err != nil {
		return false, fmt.Errorf("org: create team: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const personColumns = `u.id, u.full_name, u.email, u.role, u.active, u.password_hash IS NULL AND u.last_login_at IS NULL AS invited, u.last_login_at,
	coalesce(o.name, '') AS organisation_name,
	coalesce((SELECT string_agg(t.name, ', ' ORDER BY t.name COLLATE nabij_nl) FROM team_members m JOIN teams t ON t.id = m.team_id
	          WHERE m.user_id = u.id), '') AS teams`

// People lists the living accounts of an organisation.
func (s *Store) People(ctx context.Context, orgID int64) ([]Person, error) {
	var ps []Person
	err := s.db.SelectContext(ctx, &ps, `SELECT `+personColumns+`
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.organisation_id = $1 AND u.deleted_at IS NULL ORDER BY u.full_name COLLATE nabij_nl, u.email COLLATE nabij_nl`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org: people of %d: %w", orgID, err)
	}
	return ps, nil
}

// PlatformPeople lists trainers and admins without an organisation.
func (s *Store) PlatformPeople(ctx context.Context) ([]Person, error) {
	var ps []Person
	err := s.db.SelectContext(ctx, &ps, `SELECT `+personColumns+`
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.organisation_id IS NULL AND u.deleted_at IS NULL ORDER BY u.full_name COLLATE nabij_nl, u.email`)
	if err != nil {
		return nil, fmt.Errorf("org: platform people: %w", err)
	}
	return ps, nil
}

// PersonInOrg returns a person of an organisation; someone of another
// organisation is ErrNotFound.
func (s *Store) PersonInOrg(ctx context.Context, orgID, userID int64) (*Person, error) {
	var p Person
	err := s.db.GetContext(ctx, &p, `SELECT `+personColumns+`
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.id = $2 AND u.organisation_id = $1 AND u.deleted_at IS NULL`, orgID, userID)
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &p, nil
}

// Person returns any living account, for admins.
func (s *Store) Person(ctx context.Context, userID int64) (*Person, error) {
	var p Person
	err := s.db.GetContext(ctx, &p, `SELECT `+personColumns+`
		FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.id = $1 AND u.deleted_at IS NULL`, userID)
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &p, nil
}

// MemberTeams returns the ids of the teams of an organisation a person is in.
func (s *Store) MemberTeams(ctx context.Context, orgID, userID int64) (map[int64]bool, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT m.team_id FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE m.user_id = $2 AND t.organisation_id = $1`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("org: teams of user %d: %w", userID, err)
	}
	set := map[int64]bool{}
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// SetTeams makes a person of orgID a member of exactly teamIDs (ids of
// other organisations' teams are ignored), in one statement each.
func (s *Store) SetTeams(ctx context.Context, orgID, userID int64, teamIDs []int64) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $2 AND organisation_id = $1 AND deleted_at IS NULL)`, orgID, userID); err != nil {
			return err
		}
		if !ok {
			return database.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_members m USING teams t
			WHERE m.team_id = t.id AND t.organisation_id = $1 AND m.user_id = $2`, orgID, userID); err != nil {
			return fmt.Errorf("org: set teams: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id)
			SELECT t.id, $2 FROM teams t WHERE t.organisation_id = $1 AND t.id = ANY($3) ON CONFLICT DO NOTHING`,
			orgID, userID, int64Array(teamIDs))
		if err != nil {
			return fmt.Errorf("org: set teams: %w", err)
		}
		return nil
	})
}

// GrantInvitedRole gives role to the invited people of organisation orgID
// with the given addresses (an admin inviting an organisation's first
// managers) and returns their ids. Only people who have not chosen a
// password yet change: an invitation never changes the role of someone
// already working in the organisation.
func (s *Store) GrantInvitedRole(ctx context.Context, orgID int64, role string, emails []string) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `UPDATE users SET role = $2
		WHERE organisation_id = $1 AND lower(email) = ANY($3) AND password_hash IS NULL AND deleted_at IS NULL
		RETURNING id`, orgID, role, pq.Array(lowered(emails)))
	if err != nil {
		return nil, fmt.Errorf("org: grant %s to invited people of organisation %d: %w", role, orgID, err)
	}
	return ids, nil
}

func lowered(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}
