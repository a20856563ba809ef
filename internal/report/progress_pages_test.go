package report_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// figure returns the first submatch of re in a page as a number.
func figure(t *testing.T, where string, r *apptest.Response, re *regexp.Regexp) int {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("%s: status %d; page says %q", where, r.Status, r.Flash())
	}
	m := re.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("%s: no progress figure matching %s", where, re)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// One learner's progress in one module reads the same on every page that
// shows it: their dashboard and module page, and their manager's matrix,
// CSV export and person page. The learner read every lesson of module 1
// but has not passed its quiz: the quiz is a step still to do.
func TestProgressIsTheSameOnEveryPage(t *testing.T) {
	p := setup(t)
	env := p.env
	var mod struct {
		ID    int64  `db:"id"`
		Slug  string `db:"slug"`
		Title string `db:"title"`
	}
	if err := env.DB.Get(&mod, `SELECT id, slug, title FROM modules WHERE position = 2`); err != nil {
		t.Fatal(err)
	}
	var lessons []string
	if err := env.DB.Select(&lessons, `SELECT slug FROM lessons WHERE module_id = $1 ORDER BY position`, mod.ID); err != nil {
		t.Fatal(err)
	}
	learner := p.client(t, p.learner)
	for _, l := range lessons {
		r := learner.PostForm("/modules/"+mod.Slug+"/"+l+"/gelezen", url.Values{})
		if r.Status != http.StatusOK {
			t.Fatalf("mark %s done: status %d; page says %q", l, r.Status, r.Flash())
		}
	}
	want := len(lessons) * 100 / (len(lessons) + 1)

	bar := regexp.MustCompile(fmt.Sprintf(`id="voortgang-%d" max="100" value="(\d+)"`, mod.ID))
	got := map[string]int{
		"dashboard":   figure(t, "dashboard", learner.Get("/mijn-leertraject"), bar),
		"module page": figure(t, "module page", learner.Get("/modules/"+mod.Slug), bar),
	}
	manager := p.client(t, p.managerA)
	cell := regexp.MustCompile(`Bezig \((\d+)%\)`)
	got["matrix"] = figure(t, "matrix", manager.Get(fmt.Sprintf("/rapport/mensen?q=%s&module=%d", url.QueryEscape("Zoë"), mod.ID)), cell)
	got["person page"] = figure(t, "person page", manager.Get(fmt.Sprintf("/rapport/mensen/%d", p.zoe)), cell)

	r := manager.Get("/rapport/export.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("csv: status %d", r.Status)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if strings.Contains(h, mod.Title) && strings.Contains(strings.ToLower(h), "voortgang") {
			col = i
		}
	}
	for _, row := range rows[1:] {
		if col >= 0 && row[1] == p.learner {
			got["csv"], _ = strconv.Atoi(row[col])
		}
	}
	if _, ok := got["csv"]; !ok {
		t.Fatalf("csv: no progress column for %q and %s in %q", mod.Title, p.learner, rows[0])
	}
	for where, n := range got {
		if n != want {
			t.Errorf("%s shows %d %%, want %d %% (%d lessons read, quiz not passed)", where, n, want, len(lessons))
		}
	}
}
