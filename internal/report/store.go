// Package report shows managers how their organisation is doing: completion
// per module and team, a people × modules matrix with a CSV export, a person's
// detail and per-question statistics. It reads the stored state in
// module_progress and never recomputes completion from lesson rows.
package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/certificate"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/learning"
)

// Store reads report figures. Every query on people's data takes the
// organisation id as a parameter.
type Store struct {
	db  Queryer
	due DueSource // nil: no assigned training (due.go)
}

// Queryer is what the store asks of the database: a *sqlx.DB, or the
// explainer of plans.go, which shows the plan of every statement the store
// runs, so the plans shown are those of the statements the pages run. A
// *sqlx.Tx is one too, for explaining within a transaction.
type Queryer interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// NewStore returns a store on db.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

// peopleWhere selects the people a report lists: the organisation's
// learners and managers whose account is neither deleted nor deactivated.
// Deleted accounts are anonymised and deactivated ones have left: neither
// counts in any figure, so the dashboard, the matrix and the CSV agree.
const peopleWhere = `u.organisation_id = $1 AND u.deleted_at IS NULL AND u.active AND u.role IN ('learner', 'manager')`

// Module is a module with its current lesson count.
type Module struct {
	ID          int64  `db:"id"`
	Slug        string `db:"slug"`
	Position    int    `db:"position"`
	Title       string `db:"title"`
	LessonCount int    `db:"lesson_count"`
}

// Modules lists the modules in order with their lesson counts.
func (s *Store) Modules(ctx context.Context) ([]Module, error) {
	var ms []Module
	err := s.db.SelectContext(ctx, &ms, `
		SELECT m.id, m.slug, m.position, m.title,
		       (SELECT count(*) FROM lessons l WHERE l.module_id = m.id) AS lesson_count
		FROM modules m ORDER BY m.position, m.id`)
	if err != nil {
		return nil, fmt.Errorf("report: modules: %w", err)
	}
	return ms, nil
}

// Team is a team of the organisation with its number of counted people.
type Team struct {
	ID      int64  `db:"id"`
	Name    string `db:"name"`
	Members int    `db:"members"`
}

// Teams lists the organisation's teams by name, without member counts.
func (s *Store) Teams(ctx context.Context, orgID int64) ([]Team, error) {
	var ts []Team
	err := s.db.SelectContext(ctx, &ts, `
		SELECT t.id, t.name, 0 AS members FROM teams t WHERE t.organisation_id = $1 ORDER BY t.name COLLATE nabij_nl, t.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("report: teams of organisation %d: %w", orgID, err)
	}
	return ts, nil
}

// Counts is how many people completed a module, are busy with it, or have
// not started it.
type Counts struct {
	Total      int
	Completed  int
	InProgress int
}

// NotStarted is the number of people without progress in the module.
func (c Counts) NotStarted() int { return c.Total - c.Completed - c.InProgress }

// Share returns part as a whole percentage of Total, rounded to the
// nearest (2 of 3 is 67 %, as a reader would compute it).
func (c Counts) Share(part int) int {
	if c.Total <= 0 {
		return 0
	}
	return roundedPercent(part, c.Total)
}

// roundedPercent is part/whole in whole percent, halves rounded up.
func roundedPercent(part, whole int) int { return (part*200 + whole) / (2 * whole) }

// ModuleCounts is a module's counts.
type ModuleCounts struct {
	Module Module
	Counts
}

// TeamCounts is a team's counts for each module, in module order.
type TeamCounts struct {
	Team    Team
	Modules []ModuleCounts
}

// Dashboard is the organisation's overview.
type Dashboard struct {
	People  int
	Modules []ModuleCounts
	Teams   []TeamCounts
}

// Dashboard counts, per module and per team and module, who completed, is
// busy with and has not started each module.
func (s *Store) Dashboard(ctx context.Context, orgID int64) (*Dashboard, error) {
	ms, err := s.Modules(ctx)
	if err != nil {
		return nil, err
	}
	teams, err := s.Teams(ctx, orgID)
	if err != nil {
		return nil, err
	}
	type row struct {
		TeamID    int64 `db:"team_id"`
		ModuleID  int64 `db:"module_id"`
		People    int   `db:"people"`
		Completed int   `db:"completed"`
	}
	// One statement: pt holds each counted person once with team_id 0 (the
	// whole organisation) and once per team, so one join with the progress
	// rows and one aggregate give every figure. module_id 0 counts people.
	// Every row is found from the organisation: its people in the index on
	// users (organisation_id), their teams' members by team, and their
	// progress per person in the primary key (through an array the planner
	// cannot count), never by scanning every organisation's rows for a hash
	// join, so the cost follows the organisation's size.
	var rows []row
	err = s.db.SelectContext(ctx, &rows, `
		WITH people AS MATERIALIZED (
			SELECT u.id FROM users u WHERE `+peopleWhere+`
		), pt AS MATERIALIZED (
			SELECT id AS user_id, 0::bigint AS team_id FROM people
			UNION ALL
			SELECT tm.user_id, tm.team_id
			FROM teams t JOIN team_members tm ON tm.team_id = t.id
			WHERE t.organisation_id = $1 AND tm.user_id IN (SELECT id FROM people)
		), mp AS MATERIALIZED (
			SELECT mp.user_id, mp.module_id, mp.completed_at FROM module_progress mp
			WHERE mp.user_id = ANY(ARRAY(SELECT id FROM people))
		)
		SELECT team_id, 0::bigint AS module_id, count(*) AS people, 0::bigint AS completed FROM pt GROUP BY team_id
		UNION ALL
		SELECT pt.team_id, mp.module_id, count(*), count(mp.completed_at)
		FROM pt JOIN mp ON mp.user_id = pt.user_id
		GROUP BY pt.team_id, mp.module_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("report: dashboard of organisation %d: %w", orgID, err)
	}
	type key struct{ team, module int64 }
	got := make(map[key]row, len(rows))
	for _, r := range rows {
		got[key{r.TeamID, r.ModuleID}] = r
	}
	counts := func(team int64, total int) []ModuleCounts {
		out := make([]ModuleCounts, len(ms))
		for i, m := range ms {
			r := got[key{team, m.ID}]
			out[i] = ModuleCounts{Module: m, Counts: Counts{Total: total, Completed: r.Completed, InProgress: r.People - r.Completed}}
		}
		return out
	}
	d := &Dashboard{People: got[key{0, 0}].People}
	d.Modules = counts(0, d.People)
	for _, t := range teams {
		t.Members = got[key{t.ID, 0}].People
		d.Teams = append(d.Teams, TeamCounts{Team: t, Modules: counts(t.ID, t.Members)})
	}
	return d, nil
}

// Status of a person in a module.
const (
	StatusCompleted  = "completed"
	StatusInProgress = "in_progress"
	StatusNotStarted = "not_started"
)

// Filter selects and orders the rows of the matrix. Its fields are checked
// against allowlists by ParseFilter; the SQL never contains request text.
type Filter struct {
	TeamID   int64  // 0: every team
	ModuleID int64  // 0: every module
	Status   string // "" or one of the Status constants
	Query    string // part of a name
	Sort     string // name, progress or activity
	Desc     bool
	Page     int // from 1
	PerPage  int
}

// sortColumns maps the allowed sort keys to SQL. Ties fall back to the name
// and id so pages are stable.
var sortColumns = map[string]string{
	"name":     "full_name COLLATE nabij_nl %s, id",
	"progress": "progress %s, full_name COLLATE nabij_nl, id",
	"activity": "last_activity %s NULLS LAST, full_name COLLATE nabij_nl, id",
}

// Cell is one person's state in one module.
type Cell struct {
	UserID         int64      `db:"user_id"`
	ModuleID       int64      `db:"module_id"`
	LessonsDone    int        `db:"lessons_done"`
	BestScore      *int       `db:"best_score"`
	CompletedAt    *time.Time `db:"completed_at"`
	LastActivityAt time.Time  `db:"last_activity_at"`
	Progress       int        `db:"progress"` // percentage, 100 when completed (learning.ProgressSQL)
	Started        bool
	DueOn          *time.Time // assigned and not completed: by when (due.go)
	Late           bool       // past DueOn
}

// Status returns the cell's status.
func (c Cell) Status() string {
	switch {
	case c.CompletedAt != nil:
		return StatusCompleted
	case c.Started:
		return StatusInProgress
	}
	return StatusNotStarted
}

// Person is one row of the matrix.
type Person struct {
	ID           int64      `db:"id"`
	Name         string     `db:"full_name"`
	Email        string     `db:"email"`
	Teams        string     `db:"teams"`
	Progress     int        `db:"progress"` // average over the modules shown
	LastActivity *time.Time `db:"last_activity"`
	Cells        []Cell     // in module order
}

// Matrix is a page of people with their state in each module.
type Matrix struct {
	Modules []Module
	People  []Person
	Total   int // people matching the filter, over all pages
}

// progressSQL is a person's progress in one module as a percentage, by the
// learning capability's one definition; mp is their module_progress row
// and lc.n the module's lesson count.
var progressSQL = learning.ProgressSQL("mp.lessons_done", "lc.n", "mp.passed_at", "mp.completed_at")

// Matrix returns the people of the organisation matching f with their
// cells. PerPage 0 returns every matching person (for the CSV export).
func (s *Store) Matrix(ctx context.Context, orgID int64, f Filter) (*Matrix, error) {
	ms, err := s.Modules(ctx)
	if err != nil {
		return nil, err
	}
	mx := &Matrix{Modules: ms}
	nmod := len(ms)
	if f.ModuleID != 0 {
		nmod = 1
	}
	if nmod == 0 {
		nmod = 1
	}
	order, ok := sortColumns[f.Sort]
	if !ok {
		order = sortColumns["name"]
	}
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	order = fmt.Sprintf(order, dir)

	var statusWhere string
	switch f.Status {
	case StatusCompleted:
		statusWhere = `completed = $4`
	case StatusInProgress:
		statusWhere = `started > 0 AND completed < $4`
	case StatusNotStarted:
		statusWhere = `started = 0`
	case StatusLate:
		statusWhere = `true` // the people come from the assignments, below
	default:
		statusWhere = `true`
	}
	limit := "ALL"
	if f.PerPage > 0 {
		page := max(f.Page, 1)
		limit = fmt.Sprintf("%d OFFSET %d", f.PerPage, (page-1)*f.PerPage)
	}
	// Sorted by name without a status filter, the page depends on the
	// people alone: it is cut before their progress is read, so only one
	// page of progress rows is aggregated. Otherwise every matching person's
	// progress is needed to filter and sort.
	byName := f.Sort == "name" || sortColumns[f.Sort] == ""
	baseCut, hitsCut, total := "", " LIMIT "+limit, "count(*) OVER ()"
	if byName && f.Status == "" {
		baseCut, hitsCut, total = " ORDER BY "+strings.ReplaceAll(order, "full_name", "u.full_name")+" LIMIT "+limit, "", "base_total"
		baseCut = strings.Replace(baseCut, ", id", ", u.id", 1)
	}
	who := peopleWhere + `
			  AND ($2 = 0 OR EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = $2 AND tm.user_id = u.id))
			  AND ($5 = '' OR unaccent(u.full_name) ILIKE '%' || unaccent($5) || '%' ESCAPE '\')
			  AND ($6::bigint[] IS NULL OR u.id = ANY($6))`
	baseTotal := "count(*) OVER ()"
	if baseCut != "" {
		// Cut by name: counted apart, so that the page is read in the
		// order of users_organisation_name (migration 161), 50 rows, not
		// sorted out of all the organisation's people.
		baseTotal = "(SELECT count(*) FROM users u WHERE " + who + ")"
	}
	q := `
		WITH lc AS MATERIALIZED (
			SELECT m.id AS module_id, (SELECT count(*) FROM lessons l WHERE l.module_id = m.id) AS n FROM modules m
		), base AS (
			SELECT u.id, u.full_name, u.email, ` + baseTotal + ` AS base_total
			FROM users u
			WHERE ` + who + baseCut + `
		), people AS (
			-- The progress of the people in base only, looked up per person
			-- in module_progress's primary key (an array the planner cannot
			-- count), never by a join that could scan every organisation's
			-- progress.
			SELECT b.id, b.full_name, b.email, b.base_total,
			       p.last_activity, coalesce(p.progress, 0)::int / $4 AS progress,
			       coalesce(p.completed, 0) AS completed, coalesce(p.started, 0) AS started
			FROM base b LEFT JOIN (
				SELECT mp.user_id, max(mp.last_activity_at) AS last_activity,
				       sum(` + progressSQL + `) AS progress,
				       count(mp.completed_at) AS completed,
				       count(*) AS started
				FROM module_progress mp JOIN lc ON lc.module_id = mp.module_id
				WHERE mp.user_id = ANY(ARRAY(SELECT id FROM base)) AND ($3 = 0 OR mp.module_id = $3)
				GROUP BY mp.user_id
			) p ON p.user_id = b.id
		), hits AS (
			SELECT *, ` + total + ` AS total FROM people WHERE ` + statusWhere + `
			ORDER BY ` + order + hitsCut + `
		), hit_teams AS (
			-- One grouped lookup of the hits' teams rather than a subquery
			-- per row, whose estimated cost alone made PostgreSQL compile
			-- the whole CSV statement (JIT, some 40 ms) before running it.
			SELECT tm.user_id, string_agg(t.name, ', ' ORDER BY t.name COLLATE nabij_nl) AS teams
			FROM team_members tm JOIN teams t ON t.id = tm.team_id
			WHERE tm.user_id = ANY(ARRAY(SELECT id FROM hits)) AND t.organisation_id = $1
			GROUP BY tm.user_id
		)
		SELECT h.id, h.full_name, h.email, h.last_activity, h.progress, h.total, coalesce(ht.teams, '') AS teams
		FROM hits h LEFT JOIN hit_teams ht ON ht.user_id = h.id
		ORDER BY ` + order
	type row struct {
		Person
		Total int `db:"total"`
	}
	var late []int64 // nil: no "te laat" filter
	if f.Status == StatusLate {
		late = []int64{}
		if s.due != nil {
			if late, err = s.due.LateUserIDs(ctx, orgID, f.ModuleID); err != nil {
				return nil, err
			}
		}
	}
	var rows []row
	err = s.db.SelectContext(ctx, &rows, q, orgID, f.TeamID, f.ModuleID, nmod, likeEscape(f.Query), lateArray(late))
	if err != nil {
		return nil, fmt.Errorf("report: matrix of organisation %d: %w", orgID, err)
	}
	if len(rows) == 0 {
		return mx, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	cells, err := s.cells(ctx, orgID, ids, ms)
	if err != nil {
		return nil, err
	}
	mx.Total = rows[0].Total
	mx.People = make([]Person, len(rows))
	for i, r := range rows {
		p := r.Person
		p.Cells = cells[p.ID]
		if p.Cells == nil {
			p.Cells = emptyCells(p.ID, ms)
		}
		mx.People[i] = p
	}
	if err := s.addDue(ctx, orgID, mx, time.Now()); err != nil {
		return nil, err
	}
	return mx, nil
}

// lateArray is nil (SQL NULL: no filter) or the ids.
func lateArray(ids []int64) any {
	if ids == nil {
		return nil
	}
	return pq.Array(ids)
}

func emptyCells(userID int64, ms []Module) []Cell {
	cs := make([]Cell, len(ms))
	for i, m := range ms {
		cs[i] = Cell{UserID: userID, ModuleID: m.ID}
	}
	return cs
}

// cells reads the stored progress of the given people, scoped to the
// organisation, as one cell per module in module order.
func (s *Store) cells(ctx context.Context, orgID int64, ids []int64, ms []Module) (map[int64][]Cell, error) {
	var rows []Cell
	// The people asked for are checked against the organisation once each,
	// and their progress is looked up per person in the primary key: the
	// array from a subquery hides its length from the planner, which would
	// otherwise choose, for a whole organisation's CSV, a scan of every
	// organisation's progress. The cost follows the people asked for.
	err := s.db.SelectContext(ctx, &rows, `
		WITH lc AS MATERIALIZED (
			SELECT m.id AS module_id, count(l.id) AS n FROM modules m LEFT JOIN lessons l ON l.module_id = m.id GROUP BY m.id
		)
		SELECT mp.user_id, mp.module_id, mp.lessons_done, mp.best_score, mp.completed_at, mp.last_activity_at,
		       `+progressSQL+` AS progress
		FROM module_progress mp JOIN lc ON lc.module_id = mp.module_id
		WHERE mp.user_id = ANY(ARRAY(SELECT u.id FROM users u WHERE u.id = ANY($2) AND u.organisation_id = $1))`, orgID, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("report: cells of organisation %d: %w", orgID, err)
	}
	index := make(map[int64]int, len(ms))
	for i, m := range ms {
		index[m.ID] = i
	}
	out := make(map[int64][]Cell, len(ids))
	for _, c := range rows {
		i, ok := index[c.ModuleID]
		if !ok {
			continue
		}
		cs := out[c.UserID]
		if cs == nil {
			cs = emptyCells(c.UserID, ms)
			out[c.UserID] = cs
		}
		c.Started = true
		cs[i] = c
	}
	return out, nil
}

// likeEscape escapes the wildcards of a LIKE pattern with a backslash.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(s))
}

// PersonDetail is what a manager sees of one person.
type PersonDetail struct {
	ID           int64  `db:"id"`
	Name         string `db:"full_name"`
	Email        string `db:"email"`
	Teams        string `db:"teams"`
	Modules      []PersonModule
	Attempts     []Attempt
	Certificates []Certificate
}

// PersonModule is a person's state in a module with the lessons done.
type PersonModule struct {
	Module  Module
	Cell    Cell
	Lessons []LessonDone
}

// LessonDone is a lesson a person marked as done.
type LessonDone struct {
	ModuleID int64     `db:"module_id"`
	Title    string    `db:"title"`
	DoneAt   time.Time `db:"done_at"`
}

// Attempt is a submitted quiz attempt.
type Attempt struct {
	ModuleTitle   string    `db:"module_title"`
	Seq           int       `db:"seq"`
	SubmittedAt   time.Time `db:"submitted_at"`
	CorrectCount  int       `db:"correct_count"`
	QuestionCount int       `db:"question_count"`
	Score         int       `db:"score"`
	Passed        bool      `db:"passed"`
}

// Certificate is a certificate issued to a person.
type Certificate struct {
	Code        string     `db:"code"`
	Title       string     `db:"title"`
	Programme   bool       `db:"programme"`
	CompletedAt time.Time  `db:"completed_at"`
	IssuedAt    time.Time  `db:"issued_at"`
	RevokedAt   *time.Time `db:"revoked_at"`
}

// FormattedCode is the code in the grouped form printed on the PDF.
func (c Certificate) FormattedCode() string { return certificate.FormatCode(c.Code) }

// Person returns one person of the organisation with their progress,
// attempts and certificates. A person of another organisation, or one
// deleted or deactivated, is database.ErrNotFound.
func (s *Store) Person(ctx context.Context, orgID, userID int64) (*PersonDetail, error) {
	var p PersonDetail
	err := s.db.GetContext(ctx, &p, `
		SELECT u.id, u.full_name, u.email,
		       coalesce((SELECT string_agg(t.name, ', ' ORDER BY t.name COLLATE nabij_nl)
		                 FROM team_members tm JOIN teams t ON t.id = tm.team_id
		                 WHERE tm.user_id = u.id AND t.organisation_id = $1), '') AS teams
		FROM users u WHERE u.id = $2 AND `+peopleWhere, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("report: person %d: %w", userID, database.NotFound(err))
	}
	ms, err := s.Modules(ctx)
	if err != nil {
		return nil, err
	}
	cells, err := s.cells(ctx, orgID, []int64{userID}, ms)
	if err != nil {
		return nil, err
	}
	cs := cells[userID]
	if cs == nil {
		cs = emptyCells(userID, ms)
	}
	var lessons []LessonDone
	err = s.db.SelectContext(ctx, &lessons, `
		SELECT lp.module_id, l.title, lp.done_at
		FROM lesson_progress lp JOIN lessons l ON l.id = lp.lesson_id
		WHERE lp.user_id = $1 ORDER BY l.position, l.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("report: lessons of person %d: %w", userID, err)
	}
	for i, m := range ms {
		pm := PersonModule{Module: m, Cell: cs[i]}
		for _, l := range lessons {
			if l.ModuleID == m.ID {
				pm.Lessons = append(pm.Lessons, l)
			}
		}
		p.Modules = append(p.Modules, pm)
	}
	err = s.db.SelectContext(ctx, &p.Attempts, `
		SELECT m.title AS module_title, a.seq, a.submitted_at, coalesce(a.correct_count, 0) AS correct_count,
		       coalesce(a.question_count, 0) AS question_count, coalesce(a.score, 0) AS score, coalesce(a.passed, false) AS passed
		FROM quiz_attempts a JOIN modules m ON m.id = a.module_id
		WHERE a.user_id = $1 AND a.submitted_at IS NOT NULL
		ORDER BY m.position, a.seq`, userID)
	if err != nil {
		return nil, fmt.Errorf("report: attempts of person %d: %w", userID, err)
	}
	err = s.db.SelectContext(ctx, &p.Certificates, `
		SELECT c.code, c.title, c.programme, c.completed_at, c.issued_at, c.revoked_at
		FROM certificates c WHERE c.user_id = $1 AND c.organisation_id = $2
		ORDER BY c.programme, c.completed_at`, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("report: certificates of person %d: %w", userID, err)
	}
	return &p, nil
}

// QuestionStat is how often a quiz question was answered correctly.
type QuestionStat struct {
	ModuleID    int64  `db:"module_id"`
	ModuleTitle string `db:"module_title"`
	Position    int    `db:"position"`
	Text        string `db:"text"`
	Answers     int    `db:"answers"`
	Correct     int    `db:"correct"`
}

// Share is the percentage of answers that were correct, rounded to the
// nearest.
func (q QuestionStat) Share() int {
	if q.Answers == 0 {
		return 0
	}
	return roundedPercent(q.Correct, q.Answers)
}

// QuestionStats returns, per quiz question, how many answers in submitted
// attempts were given and how many were correct: by the organisation's
// people when orgID is not 0, across all organisations otherwise. It names
// nobody. Attempts of accounts deleted or deactivated since still count: the
// figures are about the questions, not the people. An organisation's
// attempts are looked up per person (an array the planner cannot count), so
// the cost follows the organisation's size, not the installation's.
func (s *Store) QuestionStats(ctx context.Context, orgID int64) ([]QuestionStat, error) {
	var qs []QuestionStat
	err := s.db.SelectContext(ctx, &qs, `
		WITH a AS (
			SELECT aa.question_id, count(*) AS answers, count(*) FILTER (WHERE aa.correct) AS correct
			FROM quiz_attempts qa
			JOIN attempt_answers aa ON aa.attempt_id = qa.id
			WHERE qa.submitted_at IS NOT NULL
			  AND ($1 = 0 OR qa.user_id = ANY(ARRAY(SELECT u.id FROM users u WHERE u.organisation_id = $1)))
			GROUP BY aa.question_id
		)
		SELECT q.module_id, m.title AS module_title, q.position, q.text,
		       coalesce(a.answers, 0) AS answers, coalesce(a.correct, 0) AS correct
		FROM questions q JOIN modules m ON m.id = q.module_id
		LEFT JOIN a ON a.question_id = q.id
		ORDER BY m.position, q.position, q.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("report: question statistics: %w", err)
	}
	return qs, nil
}

// OrganisationName returns the name of an organisation.
func (s *Store) OrganisationName(ctx context.Context, orgID int64) (string, error) {
	var name string
	err := s.db.GetContext(ctx, &name, `SELECT name FROM organisations WHERE id = $1`, orgID)
	if err != nil {
		return "", fmt.Errorf("report: organisation %d: %w", orgID, database.NotFound(err))
	}
	return name, nil
}

// Score returns the best quiz score, 0 when there is none.
func (c Cell) Score() int {
	if c.BestScore == nil {
		return 0
	}
	return *c.BestScore
}

// CompletedDate returns the completion date as YYYY-MM-DD, or "".
func (c Cell) CompletedDate() string { return isoDate(c.CompletedAt) }

// ActivityDate returns the date of the last activity as YYYY-MM-DD, or "".
func (c Cell) ActivityDate() string {
	if !c.Started {
		return ""
	}
	return isoDate(&c.LastActivityAt)
}

// ActivityDate returns the date of the person's last activity as
// YYYY-MM-DD, or "".
func (p Person) ActivityDate() string { return isoDate(p.LastActivity) }
