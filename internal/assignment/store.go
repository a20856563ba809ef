// Package assignment is assigned training: a manager asks the organisation,
// a team or a person to complete modules (or the whole programme) by a
// date; learners see what is required on their dashboard, reminders go out
// by mail before the date, and managers get a weekly digest of who is late.
package assignment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/database"
)

// Brussels is the time zone of due dates and of the hour reminders leave.
var Brussels = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		return loc
	}
	return time.UTC
}()

// Store holds the assignments' SQL.
type Store struct{ db *sqlx.DB }

// NewStore returns the store over db.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

// Target is who an assignment is for: the whole organisation (TeamID and
// UserID 0), a team or one person.
type Target struct {
	OrgID  int64
	TeamID int64
	UserID int64
}

// Due is when an assignment is due: on a fixed day, or Days after the
// person joined (the team, for a team assignment).
type Due struct {
	On   time.Time // a Brussels date; zero when Days applies
	Days int
}

// Draft is an assignment to create.
type Draft struct {
	Target
	ModuleIDs  []int64 // empty when Programme
	Programme  bool
	Due        Due
	RemindDays []int // of 7, 1 and 0; nil: all three
	CreatedBy  int64 // 0: the command line
}

// ErrInvalid is an assignment that cannot be made; the message says why (in
// English, for the command line; pages show their own Dutch sentence).
var ErrInvalid = errors.New("assignment: invalid")

// Create stores an assignment and returns its id. The team or person must
// belong to the organisation: tenancy is checked in the statement.
func (s *Store) Create(ctx context.Context, n Draft) (int64, error) {
	if !n.Programme && len(n.ModuleIDs) == 0 {
		return 0, fmt.Errorf("%w: no module", ErrInvalid)
	}
	if !n.Due.On.IsZero() && n.Due.Days != 0 {
		return 0, fmt.Errorf("%w: give a due date or a number of days, not both", ErrInvalid)
	}
	if n.Due.Days < 0 || n.Due.Days > 3650 {
		return 0, fmt.Errorf("%w: the number of days must lie between 0 and 3650", ErrInvalid)
	}
	remind := n.RemindDays
	if remind == nil {
		remind = []int{7, 1, 0}
	}
	for _, d := range remind {
		if d != 7 && d != 1 && d != 0 {
			return 0, fmt.Errorf("%w: reminders go 7 days, 1 day or 0 days before", ErrInvalid)
		}
	}
	var dueOn *string
	var dueDays *int
	if !n.Due.On.IsZero() {
		d := n.Due.On.Format(time.DateOnly)
		dueOn = &d
	} else {
		dueDays = &n.Due.Days
	}
	var id int64
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &id, `
			INSERT INTO assignments (organisation_id, team_id, user_id, programme, due_on, due_days, remind_days, created_by)
			SELECT o.id, $2, $3, $4, $5::date, $6, $7, $8
			FROM organisations o
			WHERE o.id = $1
			  AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM teams t WHERE t.id = $2 AND t.organisation_id = o.id))
			  AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = $3 AND u.organisation_id = o.id))
			RETURNING id`,
			n.OrgID, nullID(n.TeamID), nullID(n.UserID), n.Programme, dueOn, dueDays, pq.Array(remind), nullID(n.CreatedBy))
		if err := database.NotFound(err); errors.Is(err, database.ErrNotFound) {
			return fmt.Errorf("%w: the team or person is not in the organisation", ErrInvalid)
		} else if err != nil {
			return err
		}
		if n.Programme {
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO assignment_modules (assignment_id, module_id)
			SELECT $1, m.id FROM modules m WHERE m.id = ANY($2) ON CONFLICT DO NOTHING`, id, pq.Array(n.ModuleIDs))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); int(k) != len(dedup(n.ModuleIDs)) {
			return fmt.Errorf("%w: unknown module", ErrInvalid)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrInvalid) {
			return 0, err
		}
		return 0, fmt.Errorf("assignment: create: %w", err)
	}
	return id, nil
}

// Withdraw ends an assignment of the organisation: nobody is reminded of it
// any more. It reports false when there is no such (active) assignment.
func (s *Store) Withdraw(ctx context.Context, orgID, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE assignments SET withdrawn_at = now()
		WHERE id = $1 AND organisation_id = $2 AND withdrawn_at IS NULL`, id, orgID)
	if err != nil {
		return false, fmt.Errorf("assignment: withdraw %d: %w", id, err)
	}
	k, _ := res.RowsAffected()
	return k == 1, nil
}

// Extend gives one person of the organisation a later due date on an
// assignment. It reports false when the assignment or the person is not
// the organisation's.
func (s *Store) Extend(ctx context.Context, orgID, id, userID int64, on time.Time, by int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO assignment_extensions (assignment_id, user_id, due_on, granted_by)
		SELECT a.id, u.id, $4::date, $5
		FROM assignments a JOIN users u ON u.organisation_id = a.organisation_id
		WHERE a.id = $1 AND a.organisation_id = $2 AND a.withdrawn_at IS NULL AND u.id = $3
		ON CONFLICT (assignment_id, user_id) DO UPDATE SET due_on = EXCLUDED.due_on,
			granted_by = EXCLUDED.granted_by, granted_at = now()`,
		id, orgID, userID, on.Format(time.DateOnly), nullID(by))
	if err != nil {
		return false, fmt.Errorf("assignment: extend %d for %d: %w", id, userID, err)
	}
	k, _ := res.RowsAffected()
	return k == 1, nil
}

// dueCTE is the one rule of who must complete what by when: a WITH clause
// defining due (user_id, organisation_id, module_id, due_on, remind_days,
// assignment_id, completed_at), one row per person and module that an
// active assignment asks for, with the earliest due date when several do.
// People are the organisation's active learners and managers; a relative
// date counts from the day they joined the team (or the organisation),
// or from the assignment's day when they were there before it. $1 is an
// organisation id (0: all) and $2 a user id (0: all).
const dueCTE = `
WITH reached AS (
	SELECT a.id AS assignment_id, a.organisation_id, u.id AS user_id, a.programme, a.remind_days,
	       coalesce(x.due_on, a.due_on,
	                (greatest(j.joined_at, a.created_at) AT TIME ZONE 'Europe/Brussels')::date + a.due_days) AS due_on
	FROM assignments a
	-- The people an assignment reaches, with the day they joined: three
	-- branches, so that a team's assignment reads only its members.
	CROSS JOIN LATERAL (
		SELECT u.id, u.created_at AS joined_at FROM users u
		WHERE a.team_id IS NULL AND a.user_id IS NULL AND u.organisation_id = a.organisation_id
		UNION ALL
		SELECT tm.user_id, tm.joined_at FROM team_members tm
		WHERE a.team_id IS NOT NULL AND tm.team_id = a.team_id
		UNION ALL
		SELECT a.user_id, u.created_at FROM users u WHERE a.user_id IS NOT NULL AND u.id = a.user_id
	) j
	JOIN users u ON u.id = j.id AND u.organisation_id = a.organisation_id AND u.deleted_at IS NULL AND u.active
	            AND u.role IN ('learner', 'manager')
	LEFT JOIN assignment_extensions x ON x.assignment_id = a.id AND x.user_id = u.id
	WHERE a.withdrawn_at IS NULL
	  AND ($1::bigint = 0 OR a.organisation_id = $1)
	  AND ($2::bigint = 0 OR u.id = $2)
), due AS (
	SELECT DISTINCT ON (r.user_id, m.id)
	       r.user_id, r.organisation_id, m.id AS module_id, r.due_on, r.remind_days, r.assignment_id,
	       mp.completed_at
	FROM reached r
	JOIN modules m ON r.programme
	     OR EXISTS (SELECT 1 FROM assignment_modules am WHERE am.assignment_id = r.assignment_id AND am.module_id = m.id)
	LEFT JOIN module_progress mp ON mp.user_id = r.user_id AND mp.module_id = m.id
	ORDER BY r.user_id, m.id, r.due_on, r.assignment_id
)`

// Required is a module a person must complete, and by when.
type Required struct {
	ModuleID    int64      `db:"module_id"`
	DueOn       time.Time  `db:"due_on"`
	CompletedAt *time.Time `db:"completed_at"`
}

// Overdue reports whether the module was not completed by the end of its
// due day (Brussels) at now.
func (r Required) Overdue(now time.Time) bool {
	return r.CompletedAt == nil && Today(now).After(r.DueOn)
}

// ForUser returns what userID (of orgID) must complete, by module id.
func (s *Store) ForUser(ctx context.Context, userID, orgID int64) (map[int64]Required, error) {
	var rs []Required
	if err := s.db.SelectContext(ctx, &rs, dueCTE+`
		SELECT module_id, due_on, completed_at FROM due`, orgID, userID); err != nil {
		return nil, fmt.Errorf("assignment: for user %d: %w", userID, err)
	}
	out := make(map[int64]Required, len(rs))
	for _, r := range rs {
		out[r.ModuleID] = r
	}
	return out, nil
}

// Today is now's date in Brussels, as a UTC midnight (how dates scan from
// PostgreSQL).
func Today(now time.Time) time.Time {
	y, m, d := now.In(Brussels).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// OrganisationID finds an organisation by name (case-insensitive).
func (s *Store) OrganisationID(ctx context.Context, name string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM organisations WHERE lower(name) = lower($1)`, strings.TrimSpace(name))
	return id, database.NotFound(err)
}

// TeamID finds a team of the organisation by name.
func (s *Store) TeamID(ctx context.Context, orgID int64, name string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM teams WHERE organisation_id = $1 AND lower(name) = lower($2)`, orgID, strings.TrimSpace(name))
	return id, database.NotFound(err)
}

// PersonID finds a person of the organisation by e-mail address.
func (s *Store) PersonID(ctx context.Context, orgID int64, email string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM users WHERE organisation_id = $1 AND lower(email) = lower($2)
		AND deleted_at IS NULL`, orgID, strings.TrimSpace(email))
	return id, database.NotFound(err)
}

// ModuleID finds a module by slug.
func (s *Store) ModuleID(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM modules WHERE slug = $1`, slug)
	return id, database.NotFound(err)
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func dedup(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func moduleIDsArray(ids []int64) any { return pq.Array(ids) }

// Listed is an assignment as the managers' page shows it.
type Listed struct {
	ID         int64          `db:"id"`
	Team       *string        `db:"team"`
	Person     *string        `db:"person"`
	Programme  bool           `db:"programme"`
	Modules    pq.StringArray `db:"modules"`
	DueOn      *time.Time     `db:"due_on"`
	DueDays    *int           `db:"due_days"`
	RemindDays pq.Int64Array  `db:"remind_days"`
	People     int            `db:"people"`
	Late       int            `db:"late"`
	Done       int            `db:"done"`
}

// List returns the organisation's standing assignments, newest first, with
// how many people each reaches, how many are late and how many are done
// (for assignments of several modules, per person and module).
func (s *Store) List(ctx context.Context, orgID int64, now time.Time) ([]Listed, error) {
	var ls []Listed
	err := s.db.SelectContext(ctx, &ls, dueCTE+`, counts AS (
		SELECT assignment_id, count(*) AS people,
		       count(*) FILTER (WHERE completed_at IS NULL AND due_on < $3::date) AS late,
		       count(*) FILTER (WHERE completed_at IS NOT NULL) AS done
		FROM due GROUP BY assignment_id
	)
	SELECT a.id, t.name AS team, u.email AS person, a.programme, a.due_on, a.due_days, a.remind_days,
	       coalesce((SELECT array_agg(m.title ORDER BY m.position) FROM assignment_modules am
	                 JOIN modules m ON m.id = am.module_id WHERE am.assignment_id = a.id), '{}') AS modules,
	       coalesce(c.people, 0) AS people, coalesce(c.late, 0) AS late, coalesce(c.done, 0) AS done
	FROM assignments a
	LEFT JOIN teams t ON t.id = a.team_id
	LEFT JOIN users u ON u.id = a.user_id
	LEFT JOIN counts c ON c.assignment_id = a.id
	WHERE a.organisation_id = $1 AND a.withdrawn_at IS NULL
	ORDER BY a.created_at DESC, a.id DESC`, orgID, 0, Today(now).Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("assignment: list for organisation %d: %w", orgID, err)
	}
	return ls, nil
}

// Choice is a team or module to pick in the form.
type Choice struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// Teams lists the organisation's teams.
func (s *Store) Teams(ctx context.Context, orgID int64) ([]Choice, error) {
	var cs []Choice
	err := s.db.SelectContext(ctx, &cs, `SELECT id, name FROM teams WHERE organisation_id = $1 ORDER BY name`, orgID)
	return cs, err
}

// Modules lists the curriculum's modules in order.
func (s *Store) Modules(ctx context.Context) ([]Choice, error) {
	var cs []Choice
	err := s.db.SelectContext(ctx, &cs, `SELECT id, title AS name FROM modules ORDER BY position`)
	return cs, err
}

// Tally is how many required (person, module) pairs of one module or team
// are completed, open and late.
type Tally struct {
	Name string `db:"name"`
	Due  int    `db:"due"`
	Late int    `db:"late"`
	Done int    `db:"done"`
}

// Tallies counts the organisation's required modules by module and by team
// (a person in two teams counts in both).
func (s *Store) Tallies(ctx context.Context, orgID int64, now time.Time) (byModule, byTeam []Tally, err error) {
	counts := `count(*) FILTER (WHERE d.completed_at IS NULL AND d.due_on >= $3::date) AS due,
		count(*) FILTER (WHERE d.completed_at IS NULL AND d.due_on < $3::date) AS late,
		count(*) FILTER (WHERE d.completed_at IS NOT NULL) AS done`
	today := Today(now).Format(time.DateOnly)
	if err = s.db.SelectContext(ctx, &byModule, dueCTE+`
		SELECT m.title AS name, `+counts+` FROM due d JOIN modules m ON m.id = d.module_id
		GROUP BY m.id, m.title, m.position ORDER BY m.position`, orgID, 0, today); err != nil {
		return nil, nil, fmt.Errorf("assignment: tallies by module: %w", err)
	}
	if err = s.db.SelectContext(ctx, &byTeam, dueCTE+`
		SELECT t.name, `+counts+` FROM due d
		JOIN team_members tm ON tm.user_id = d.user_id JOIN teams t ON t.id = tm.team_id AND t.organisation_id = $1
		GROUP BY t.id, t.name ORDER BY t.name`, orgID, 0, today); err != nil {
		return nil, nil, fmt.Errorf("assignment: tallies by team: %w", err)
	}
	return byModule, byTeam, nil
}
