package report

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// Plan is how PostgreSQL ran one statement of a manager's report page.
type Plan struct {
	Page    string  // the page, e.g. "matrix first page"
	Query   string  // the store method that ran it, e.g. "(*Store).cells"
	SQL     string  // the statement, exactly as the store runs it
	Args    []any   // its arguments
	Text    string  // EXPLAIN (ANALYZE, BUFFERS) as psql prints it
	Cost    float64 // the planner's estimated total cost
	Buffers int64   // shared buffers hit or read while it ran
	Rows    int64   // rows it returned
}

// Plans runs the statements of each manager report page (the dashboard's
// figures, the matrix's first page in each sort order, the CSV export, the
// first person's page and the question statistics) for the organisation,
// through the same Store methods the pages call, and returns the plan of
// every statement. It is for showing and testing that no page reads other
// organisations' rows (`nabij explain-reports`, scripts/plans.sh). Every
// statement runs three times: once explained as text, once as JSON for the
// figures, and once for real, for the rows the page's next statement needs.
// The due dates (the assignment capability's statements) are left out.
// db may be a transaction, e.g. one that dropped an index to compare.
func Plans(ctx context.Context, db Queryer, orgID int64) ([]Plan, error) {
	var plans []Plan
	plain := &Store{db: db}
	store := func(page string) *Store { return &Store{db: &explainer{db: db, page: page, plans: &plans}} }
	matrix := func(sort string, perPage int) func(*Store) error {
		return func(s *Store) error {
			// The handler checks the filter against the teams and modules first.
			if _, err := s.Teams(ctx, orgID); err != nil {
				return err
			}
			if _, err := s.Modules(ctx); err != nil {
				return err
			}
			_, err := s.Matrix(ctx, orgID, Filter{Sort: sort, Desc: sort != "name", Page: 1, PerPage: perPage})
			return err
		}
	}
	pages := []struct {
		name string
		run  func(*Store) error
	}{
		{"dashboard", func(s *Store) error { _, err := s.Dashboard(ctx, orgID); return err }},
		{"matrix first page", matrix("name", PerPage)},
		{"matrix first page by progress", matrix("progress", PerPage)},
		{"matrix first page by activity", matrix("activity", PerPage)},
		{"csv export", func(s *Store) error {
			if err := matrix("name", 0)(s); err != nil {
				return err
			}
			_, err := s.OrganisationName(ctx, orgID)
			return err
		}},
		{"person", func(s *Store) error {
			first, err := plain.Matrix(ctx, orgID, Filter{Sort: "name", Page: 1, PerPage: 1})
			if err != nil {
				return err
			}
			if len(first.People) == 0 {
				return fmt.Errorf("report: plans: organisation %d has nobody to show", orgID)
			}
			_, err = s.Person(ctx, orgID, first.People[0].ID)
			return err
		}},
		{"questions", func(s *Store) error { _, err := s.QuestionStats(ctx, orgID); return err }},
	}
	for _, p := range pages {
		if err := p.run(store(p.name)); err != nil {
			return nil, fmt.Errorf("report: plans of %s: %w", p.name, err)
		}
	}
	return plans, nil
}

// explainer is a querier that explains every statement before running it.
type explainer struct {
	db    Queryer
	page  string
	plans *[]Plan
}

func (e *explainer) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if err := e.explain(ctx, query, args); err != nil {
		return err
	}
	return e.db.GetContext(ctx, dest, query, args...)
}

func (e *explainer) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if err := e.explain(ctx, query, args); err != nil {
		return err
	}
	return e.db.SelectContext(ctx, dest, query, args...)
}

// explain records the plan of query, named after the store method that
// called GetContext or SelectContext.
func (e *explainer) explain(ctx context.Context, query string, args []any) error {
	p := Plan{Page: e.page, Query: "?", SQL: query, Args: args}
	if pc, _, _, ok := runtime.Caller(2); ok {
		if f := runtime.FuncForPC(pc); f != nil {
			name := f.Name()
			p.Query = name[strings.LastIndex(name, ".(")+1:]
		}
	}
	var lines []string
	if err := e.db.SelectContext(ctx, &lines, `EXPLAIN (ANALYZE, BUFFERS) `+query, args...); err != nil {
		return fmt.Errorf("report: explain %s: %w", p.Query, err)
	}
	p.Text = strings.Join(lines, "\n")
	var out []byte
	if err := e.db.GetContext(ctx, &out, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) `+query, args...); err != nil {
		return fmt.Errorf("report: explain %s: %w", p.Query, err)
	}
	var doc []struct {
		Plan struct {
			Cost  float64 `json:"Total Cost"`
			Rows  int64   `json:"Actual Rows"`
			Hit   int64   `json:"Shared Hit Blocks"`
			Read  int64   `json:"Shared Read Blocks"`
			Loops int64   `json:"Actual Loops"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc) != 1 {
		return fmt.Errorf("report: explain %s: unexpected output %.200q: %v", p.Query, out, err)
	}
	top := doc[0].Plan
	p.Cost, p.Buffers, p.Rows = top.Cost, top.Hit+top.Read, top.Rows*max(top.Loops, 1)
	*e.plans = append(*e.plans, p)
	return nil
}

// Arguments lists the statement's arguments as "$1 = …", arrays in
// PostgreSQL's text form and cut after 80 characters, strings quoted.
func (p Plan) Arguments() string {
	parts := make([]string, len(p.Args))
	for i, a := range p.Args {
		v := any(a)
		if dv, ok := a.(driver.Valuer); ok {
			if x, err := dv.Value(); err == nil {
				v = x
			}
		}
		var s string
		switch x := v.(type) {
		case nil:
			s = "NULL"
		case string:
			s = strconv.Quote(x)
		case []byte:
			s = string(x)
		default:
			s = fmt.Sprint(x)
		}
		if len(s) > 80 {
			s = s[:80] + "…"
		}
		parts[i] = fmt.Sprintf("$%d = %s", i+1, s)
	}
	return strings.Join(parts, ", ")
}
