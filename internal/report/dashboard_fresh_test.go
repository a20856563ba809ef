package report_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/report"
)

// With the caches on, as in production, the manager dashboard shows a
// completion within report.DashboardMaxAge, and never a figure of another
// organisation.
func TestDashboardShowsACompletionWithinTwoSeconds(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, func(c *config.Config) {
		c.CacheMaxAge = 30 * time.Second // the production default: the dashboard cache is on
	})
	orgA, orgB := env.CreateOrg("OCMW Vers"), env.CreateOrg("OCMW Ander")
	env.CreateUser(orgA, "manager", "manager@vers.example", "Mieke Maes")
	env.CreateUser(orgB, "manager", "manager@ander.example", "Bart Ander")
	zoe, _ := env.CreateUser(orgA, "learner", "zoe@vers.example", "Zoë Peeters")
	other, _ := env.CreateUser(orgB, "learner", "ander@ander.example", "Anna Ander")

	completed := regexp.MustCompile(`<title>Voltooid: (\d+) `)
	count := func(c *apptest.Client) int {
		t.Helper()
		r := c.Get("/rapport")
		if r.Status != http.StatusOK {
			t.Fatalf("/rapport: status %d (%s)", r.Status, r.Flash())
		}
		total := 0
		for _, m := range completed.FindAllStringSubmatch(r.Body, -1) {
			n := 0
			for _, d := range m[1] {
				n = n*10 + int(d-'0')
			}
			total += n
		}
		return total
	}
	a := env.Client()
	a.Login("manager@vers.example", apptest.TestPassword)
	b := env.Client()
	b.Login("manager@ander.example", apptest.TestPassword)
	if n := count(a); n != 0 {
		t.Fatalf("before any completion org A's dashboard shows %d completed", n)
	}
	count(b) // org B's figures are now kept too

	complete := func(userID int64) {
		if _, err := env.DB.Exec(`INSERT INTO module_progress (user_id, module_id, lessons_done, best_score, passed_at, completed_at, last_activity_at)
			SELECT $1, id, 3, 90, now(), now(), now() FROM modules WHERE position = 1`, userID); err != nil {
			t.Fatal(err)
		}
	}
	complete(zoe)
	done := time.Now()
	for count(a) != 1 {
		if time.Since(done) > report.DashboardMaxAge+500*time.Millisecond {
			t.Fatalf("%v after the completion org A's dashboard does not show it (at most %v)", time.Since(done).Round(time.Millisecond), report.DashboardMaxAge)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the completion showed after %v", time.Since(done).Round(time.Millisecond))
	complete(other)
	time.Sleep(report.DashboardMaxAge + 100*time.Millisecond)
	if n, m := count(a), count(b); n != 1 || m != 1 {
		t.Errorf("after a completion in each organisation: A shows %d, B shows %d, want 1 and 1", n, m)
	}
}
