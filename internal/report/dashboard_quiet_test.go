package report

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// An organisation in which nothing changes keeps its figures past
// DashboardMaxAge, up to the cache's lifetime: its dashboard costs no
// query. Every change the figures count, announced by the database, has
// them computed afresh once they are DashboardMaxAge old; a change in
// another organisation does not.
func TestDashboardCacheKeepsQuietFigures(t *testing.T) {
	db, url := dbtest.NewWithURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	one := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.GetContext(ctx, &id, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	m := one(`INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html)
		VALUES ('een', 1, 'Online informeren', '', 10, '', '', '', '') RETURNING id`)
	orgA := one(`INSERT INTO organisations (name) VALUES ('OCMW Stil') RETURNING id`)
	orgB := one(`INSERT INTO organisations (name) VALUES ('OCMW Druk') RETURNING id`)
	team := one(`INSERT INTO teams (organisation_id, name) VALUES ($1, 'Onthaal') RETURNING id`, orgA)
	user := `INSERT INTO users (organisation_id, email, full_name, role) VALUES ($1, $2, $3, 'learner') RETURNING id`
	anna := one(user, orgA, "anna@stil.example", "Anna Peeters")
	bert := one(user, orgA, "bert@stil.example", "Bert Maes")
	other := one(user, orgB, "olga@druk.example", "Olga Druk")

	store := NewStore(db)
	var mu sync.Mutex
	loads := 0
	rp := &Report{store: store}
	rp.dashboards = newDashboardCache(DashboardMaxAge, func(ctx context.Context, orgID int64) (*Dashboard, error) {
		mu.Lock()
		loads++
		mu.Unlock()
		return store.Dashboard(ctx, orgID)
	})
	clock := time.Now()
	rp.dashboards.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	lis := database.NewListener()
	rp.Subscribe(lis, time.Hour)
	go lis.Run(ctx, url, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := lis.Sync(ctx, db); err != nil { // listening
		t.Fatal(err)
	}
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	get := func() *Dashboard {
		t.Helper()
		d, err := rp.dashboards.Get(ctx, orgA)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	loaded := func() int { mu.Lock(); defer mu.Unlock(); return loads }
	get()
	// A reconnect of the listener when it started may mark the entry:
	// start from figures computed after the listener was up.
	advance(DashboardMaxAge)
	get()
	start := loaded()

	advance(10 * time.Minute)
	if get(); loaded() != start {
		t.Fatalf("a quiet organisation's figures were computed again after 10 minutes (%d queries)", loaded()-start)
	}
	// A change in another organisation leaves them.
	if _, err := db.ExecContext(ctx, `INSERT INTO module_progress (user_id, module_id, lessons_done, last_activity_at) VALUES ($1, $2, 1, now())`, other, m); err != nil {
		t.Fatal(err)
	}
	if err := lis.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	if get(); loaded() != start {
		t.Fatal("a change in another organisation had this one's figures computed again")
	}

	changes := []struct{ what, sql string }{
		{"a module started", `INSERT INTO module_progress (user_id, module_id, lessons_done, last_activity_at) VALUES (` + itoa(anna) + `, ` + itoa(m) + `, 1, now())`},
		{"a module completed", `UPDATE module_progress SET completed_at = now() WHERE user_id = ` + itoa(anna)},
		{"a person joining a team", `INSERT INTO team_members (team_id, user_id) VALUES (` + itoa(team) + `, ` + itoa(bert) + `)`},
		{"a team renamed", `UPDATE teams SET name = 'Onthaal en info' WHERE id = ` + itoa(team)},
		{"a person deactivated", `UPDATE users SET active = false WHERE id = ` + itoa(bert)},
		{"a person joining", `INSERT INTO users (organisation_id, email, full_name, role) VALUES (` + itoa(orgA) + `, 'cas@stil.example', 'Cas', 'learner')`},
		{"a module renamed", `UPDATE modules SET title = 'Online informeren, herzien' WHERE id = ` + itoa(m)},
	}
	// waitLoads waits, in real time, for the figures computed ahead.
	waitLoads := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for loaded() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%s: 5 s later the figures were computed %d times, want %d", what, loaded(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, ch := range changes {
		before := loaded()
		if _, err := db.ExecContext(ctx, ch.sql); err != nil {
			t.Fatalf("%s: %v", ch.what, err)
		}
		if err := lis.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		// Computed ahead, without anyone asking.
		waitLoads("after "+ch.what, before+1)
		get()
		advance(10 * time.Minute)
		if get(); loaded() != before+1 {
			t.Errorf("after %s, figures computed afresh were not kept while nothing changed (%d queries)", ch.what, loaded()-before)
		}
	}

	// A burst of changes costs one computation (two if one arrives while
	// it runs), and ends with the last change's figures.
	before := loaded()
	for i := range 5 {
		if _, err := db.ExecContext(ctx, `UPDATE teams SET name = $1 WHERE id = $2`, "Onthaal "+itoa(int64(i)), team); err != nil {
			t.Fatal(err)
		}
	}
	if err := lis.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	waitLoads("after a burst", before+1)
	deadline := time.Now().Add(5 * time.Second)
	for get().Teams[0].Team.Name != "Onthaal 4" {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after a burst of changes the dashboard shows team %q", get().Teams[0].Team.Name)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(DashboardMaxAge) // anything still scheduled has run
	if n := loaded() - before; n < 1 || n > 2 {
		t.Errorf("5 changes at once: the figures were computed %d times, want 1 or 2", n)
	}

	// While figures are computed after a change, a manager gets the
	// figures from before it at once, not after the query.
	gate := make(chan struct{})
	rp.dashboards.load = func(ctx context.Context, orgID int64) (*Dashboard, error) {
		<-gate
		mu.Lock()
		loads++
		mu.Unlock()
		return store.Dashboard(ctx, orgID)
	}
	advance(10 * time.Minute)
	if _, err := db.ExecContext(ctx, `UPDATE users SET active = true WHERE id = $1`, bert); err != nil {
		t.Fatal(err)
	}
	if err := lis.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	asked := time.Now()
	if d := get(); d.People != 2 {
		t.Errorf("while the figures are computed the dashboard shows %d people, want the 2 from before", d.People)
	}
	if waited := time.Since(asked); waited > 500*time.Millisecond {
		t.Errorf("a manager waited %v for the figures computed after a change", waited)
	}
	close(gate)
	before = loaded()
	waitLoads("after Bert came back", before+1)
	if d := get(); d.People != 3 || d.Modules[0].Completed != 1 || d.Modules[0].Module.Title != "Online informeren, herzien" {
		t.Errorf("final figures: %d people, %d completed, module %q; want 3, 1, the new title", d.People, d.Modules[0].Completed, d.Modules[0].Module.Title)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
