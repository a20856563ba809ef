package report_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// people is an organisation A with a manager and two learners (one with a
// formula in her name), an organisation B with a manager, and a trainer.
type people struct {
	env                         *apptest.Env
	managerA, managerB, learner string
	zoe, evil                   int64
	trainer                     string
}

func setup(t *testing.T) *people {
	t.Helper()
	env := apptest.New(t)
	p := &people{env: env}
	orgA := env.CreateOrg("OCMW Zoërsel-Dorp")
	orgB := env.CreateOrg("OCMW Anderdorp")
	team := env.CreateTeam(orgA, "Onthaal")
	env.CreateUser(orgA, "manager", "manager@a.example", "Mieke Maes")
	env.CreateUser(orgB, "manager", "manager@b.example", "Bart Ander")
	env.CreateUser(0, "trainer", "trainer@x.example", "Tine Trainer")
	p.managerA, p.managerB, p.trainer = "manager@a.example", "manager@b.example", "trainer@x.example"
	p.zoe, _ = env.CreateUser(orgA, "learner", "zoe@a.example", "Zoë Öztürk-Françoise")
	p.evil, _ = env.CreateUser(orgA, "learner", "evil@a.example", `=HYPERLINK("http://evil.example","klik")`)
	env.CreateUser(orgA, "learner", "plus@a.example", "+32 470 00 00 00")
	env.CreateUser(orgA, "learner", "at@a.example", "@SUM(1+1)")
	p.learner = "zoe@a.example"
	env.AddToTeam(team, p.zoe)
	_, err := env.DB.Exec(`INSERT INTO module_progress (user_id, module_id, lessons_done, best_score, passed_at, completed_at, last_activity_at)
		SELECT $1, id, 3, 85, '2026-10-05T09:00:00Z', '2026-10-05T09:00:00Z', '2026-10-05T09:00:00Z' FROM modules WHERE position = 1`, p.zoe)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *people) client(t *testing.T, email string) *apptest.Client {
	t.Helper()
	c := p.env.Client()
	if email != "" {
		c.Login(email, apptest.TestPassword)
	}
	return c
}

func TestManagerSeesOwnOrganisation(t *testing.T) {
	p := setup(t)
	c := p.client(t, p.managerA)
	for _, tc := range []struct{ path, want string }{
		{"/rapport", `role="img"`},
		{"/rapport", "<desc id=\"chart-desc\">"},
		{"/rapport/mensen", "Zoë Öztürk-Françoise"},
		{"/rapport/mensen?sort=progress&dir=desc", "Zoë Öztürk-Françoise"},
		{"/rapport/mensen?q=zoe", "Zoë Öztürk-Françoise"},
		{fmt.Sprintf("/rapport/mensen/%d", p.zoe), "Zoë Öztürk-Françoise"},
		{"/rapport/vragen", "<table"},
	} {
		r := c.Get(tc.path)
		if r.Status != http.StatusOK || !r.Contains(tc.want) {
			t.Errorf("GET %s: status %d, contains %q = %v; want 200 and true; page says %q", tc.path, r.Status, tc.want, r.Contains(tc.want), r.Flash())
		}
	}
	// Parameters outside the allowlists are ignored, never SQL.
	for _, q := range []string{"sort=full_name%3BDROP%20TABLE%20users", "dir=sideways", "status=everything", "team=abc", "module=999999", "page=-4", "sort=name%20DESC%2C(SELECT%201)"} {
		r := c.Get("/rapport/mensen?" + q)
		if r.Status != http.StatusOK || !r.Contains("Zoë Öztürk-Françoise") {
			t.Errorf("GET /rapport/mensen?%s: status %d; want 200 with the full list; page says %q", q, r.Status, r.Flash())
		}
	}
	// The query parameter of search: an SQL fragment is just text.
	if r := c.Get("/rapport/mensen?q=%27%20OR%201%3D1%20--"); r.Status != http.StatusOK || r.Contains("Zoë Öztürk") {
		t.Errorf("search for an SQL fragment: status %d, lists Zoë = %v; want 200 and nobody", r.Status, r.Contains("Zoë Öztürk"))
	}
}

func TestScoping(t *testing.T) {
	p := setup(t)
	routes := []string{"/rapport", "/rapport/mensen", fmt.Sprintf("/rapport/mensen/%d", p.zoe), "/rapport/vragen", "/rapport/export.csv"}

	// A manager of another organisation sees none of A's people.
	b := p.client(t, p.managerB)
	for _, path := range routes {
		r := b.Get(path)
		if r.Contains("Zoë") || r.Contains("HYPERLINK") {
			t.Errorf("manager B GET %s: shows a person of organisation A", path)
		}
	}
	if r := b.Get(fmt.Sprintf("/rapport/mensen/%d", p.zoe)); r.Status != http.StatusNotFound {
		t.Errorf("manager B GET A's person: status %d, want 404", r.Status)
	}
	if r := b.Get("/rapport"); r.Status != http.StatusOK || !r.Contains("1 medewerker telt mee") {
		t.Errorf("manager B dashboard: status %d; want 200 counting only B's manager; page says %q", r.Status, r.Flash())
	}

	// A learner and a trainer get 403; a guest is sent to the login page.
	for _, who := range []string{p.learner, p.trainer} {
		c := p.client(t, who)
		for _, path := range routes {
			r := c.Get(path)
			if r.Status != http.StatusForbidden || r.Contains("Zoë Öztürk-Françoise</a>") {
				t.Errorf("%s GET %s: status %d, want 403 without data", who, path, r.Status)
			}
		}
	}
	guest := p.client(t, "")
	for _, path := range routes {
		r := guest.Get(path)
		if r.URL.Path != "/aanmelden" || r.Contains("Öztürk") {
			t.Errorf("guest GET %s: ended at %s (status %d), want the login page without data", path, r.URL.Path, r.Status)
		}
	}

	// Trainers get the anonymous statistics of all organisations; managers
	// do not.
	if r := p.client(t, p.trainer).Get("/statistieken/vragen"); r.Status != http.StatusOK || r.Contains("Öztürk") {
		t.Errorf("trainer GET /statistieken/vragen: status %d; want 200 without names", r.Status)
	}
	if r := p.client(t, p.managerA).Get("/statistieken/vragen"); r.Status != http.StatusForbidden {
		t.Errorf("manager GET /statistieken/vragen: status %d, want 403", r.Status)
	}
}

func TestCSVExport(t *testing.T) {
	p := setup(t)
	r := p.client(t, p.managerA).Get("/rapport/export.csv?sort=name")
	if r.Status != http.StatusOK {
		t.Fatalf("export: status %d, want 200; page says %q", r.Status, r.Flash())
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/csv; charset=utf-8", ct)
	}
	cd := r.Header.Get("Content-Disposition")
	if !strings.Contains(cd, `filename="rapport-ocmw-zoersel-dorp-`) || !strings.Contains(cd, `filename*=UTF-8''rapport-ocmw-zo%C3%ABrsel-dorp-20`) {
		t.Errorf("Content-Disposition = %q, want the organisation and date in filename and filename*", cd)
	}
	body, ok := strings.CutPrefix(r.Body, "\ufeff")
	if !ok {
		t.Fatalf("export does not start with a UTF-8 byte order mark: %q", r.Body[:min(20, len(r.Body))])
	}
	cr := csv.NewReader(strings.NewReader(body))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("parse export: %v", err)
	}
	if len(rows) != 6 { // header + manager + four learners
		t.Fatalf("rows = %d, want 6:\n%s", len(rows), body)
	}
	// Five columns, four per module, and the assigned training's due date
	// and status per module (issue 20) at the end.
	if rows[0][0] != "Naam" || len(rows[0]) != 5+4*5+2*5 {
		t.Errorf("header = %q (%d columns), want Naam… with 35 columns", rows[0], len(rows[0]))
	}
	byEmail := map[string][]string{}
	for _, row := range rows[1:] {
		byEmail[row[1]] = row
	}
	zoe := byEmail["zoe@a.example"]
	if zoe == nil || zoe[0] != "Zoë Öztürk-Françoise" || zoe[2] != "Onthaal" || zoe[5] != "Voltooid" || zoe[6] != "2026-10-05" || zoe[8] != "85" {
		t.Errorf("Zoë's row = %q, want her name with accents, team Onthaal, Voltooid 2026-10-05 score 85", zoe)
	}
	for email, want := range map[string]string{
		"evil@a.example": `'=HYPERLINK("http://evil.example","klik")`,
		"plus@a.example": "'+32 470 00 00 00",
		"at@a.example":   "'@SUM(1+1)",
	} {
		if got := byEmail[email]; got == nil || got[0] != want {
			t.Errorf("name cell of %s = %q, want %q", email, got, want)
		}
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts with a formula character", cell)
			}
		}
	}

	// The export follows the filter.
	r = p.client(t, p.managerA).Get("/rapport/export.csv?q=zoe")
	if n := strings.Count(r.Body, "\r\n"); n != 2 {
		t.Errorf("filtered export has %d lines, want 2 (header and Zoë)", n)
	}
}

// TestPersonPageAndTeamCaption: the person page prints a certificate's code
// in the grouped form that is on the PDF and that /verifieer expects, labels
// each attempt's own score (not "best score"), and a team of one is "1 lid".
func TestPersonPageAndTeamCaption(t *testing.T) {
	p := setup(t)
	if _, err := p.env.DB.Exec(`INSERT INTO certificates (code, user_id, module_id, name, organisation, organisation_id, title, minutes, completed_at)
		SELECT 'NBCQ26SAPCTH6NN2N87ZMWQR0GCK', $1, m.id, 'Zoë', 'OCMW Zoërsel-Dorp', u.organisation_id, m.title, 60, '2026-10-05T09:00:00Z'
		FROM modules m, users u WHERE m.position = 1 AND u.id = $1`, p.zoe); err != nil {
		t.Fatal(err)
	}
	if _, err := p.env.DB.Exec(`INSERT INTO quiz_attempts (user_id, module_id, seq, layout, submitted_at, correct_count, question_count, score, passed)
		SELECT $1, id, 1, '{"questions": []}', now(), 12, 14, 85, true FROM modules WHERE position = 1`, p.zoe); err != nil {
		t.Fatal(err)
	}
	c := p.client(t, p.managerA)
	r := c.Get(fmt.Sprintf("/rapport/mensen/%d", p.zoe))
	if !r.Contains("NBCQ-26SA-PCTH-6NN2-N87Z-MWQR-0GCK") {
		t.Errorf("person page: certificate code not in its grouped form NBCQ-26SA-…; page says %q", r.Flash())
	}
	if !r.Contains(`<th scope="col">Score</th>`) {
		t.Errorf("person page: the attempts table has no column headed Score (each attempt's own score)")
	}
	if r := c.Get("/rapport"); !r.Contains("· 1 lid<") {
		t.Errorf("dashboard: team of one person not captioned \"1 lid\"")
	}
}
