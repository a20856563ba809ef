package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
)

const (
	demoPassword = "demo-nabij-2026"
	demoLearner  = "lerende1@demodorp.example"
	// unavailableHeading is the Dutch heading of the 503 page.
	unavailableHeading = "Tijdelijk niet beschikbaar"
)

// restartGrace is how long after PostgreSQL is back a request may still
// fail: the pool's connections to the old server are found dead one by one.
const restartGrace = 3 * time.Second

// TestPostgresRestartWhileRequestsFlow restarts the database under a
// running server while a learner marks lessons as read. The server stays
// up, /healthz answers throughout, requests fail only while the database is
// down and then with the Dutch 503 page, /readyz follows the database, and
// every write that was acknowledged is in the database afterwards.
func TestPostgresRestartWhileRequestsFlow(t *testing.T) {
	pg, lessons := demoCluster(t)
	env := []string{"DATABASE_URL=" + pg.URL}
	srv := startServer(t, "nabij", append(env, "DATABASE_MAX_CONNECTIONS=8")...)
	pid := srv.cmd.Process.Pid

	if len(lessons) < 12 {
		t.Fatalf("the curriculum has %d lessons, want at least 12 for this test", len(lessons))
	}

	c := newClient(t, srv.URL)
	c.login(demoLearner, demoPassword)

	var (
		mu          sync.Mutex
		acked       []lesson    // writes answered with success
		failedAt    []time.Time // when a write got the 503 page
		unexpected  []string
		healthBad   []string
		readySeen   = map[int]int{}
		stop        atomic.Bool
		wg          sync.WaitGroup
		ctx, cancel = context.WithCancel(context.Background())
	)
	defer cancel()

	// The prober: /healthz must always answer 200; /readyz is recorded.
	wg.Add(1)
	go func() {
		defer wg.Done()
		hc := &http.Client{Timeout: 5 * time.Second}
		for !stop.Load() {
			for _, p := range []string{"/healthz", "/readyz"} {
				resp, err := hc.Get(srv.URL + p)
				mu.Lock()
				switch {
				case err != nil:
					if p == "/healthz" {
						healthBad = append(healthBad, err.Error())
					}
				default:
					resp.Body.Close()
					if p == "/healthz" && resp.StatusCode != http.StatusOK {
						healthBad = append(healthBad, resp.Status)
					}
					if p == "/readyz" {
						readySeen[resp.StatusCode]++
					}
				}
				mu.Unlock()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	// The learner: mark lessons as read one after the other; a lesson whose
	// write failed is tried again.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < len(lessons) && !stop.Load(); {
			l := lessons[i]
			path := "/modules/" + l.Module + "/" + l.Lesson + "/gelezen"
			a, err := c.do(ctx, http.MethodPost, path, nil)
			now := time.Now()
			mu.Lock()
			switch {
			case err != nil:
				if ctx.Err() == nil {
					unexpected = append(unexpected, fmt.Sprintf("%s: %v", path, err))
				}
			case a.Status == http.StatusSeeOther && !strings.HasPrefix(a.Location(), "/aanmelden"):
				acked = append(acked, l)
				i++
			case a.Status == http.StatusServiceUnavailable && strings.Contains(a.Body, unavailableHeading) && leak(a.Body) == "":
				failedAt = append(failedAt, now)
			default:
				unexpected = append(unexpected, fmt.Sprintf("%s: status %d to %q, page says %q (leak %q)", path, a.Status, a.Location(), pageMessage(a.Body), leak(a.Body)))
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	}()

	count := func(f func() int) int { mu.Lock(); defer mu.Unlock(); return f() }
	waitFor(t, "3 lessons marked before the restart", 30*time.Second, func() bool { return count(func() int { return len(acked) }) >= 3 })

	stopBegin := time.Now()
	pg.Stop()
	waitFor(t, "a failed write and /readyz 503 while the database is down", 30*time.Second, func() bool {
		return count(func() int { return len(failedAt) }) >= 2 && count(func() int { return readySeen[http.StatusServiceUnavailable] }) >= 1
	})
	// Stay down for a second at least, like an operator's restart.
	time.Sleep(time.Until(stopBegin.Add(time.Second)))
	pg.Start()
	startEnd := time.Now()
	before := count(func() int { return len(acked) })
	waitFor(t, "3 more lessons marked after the restart", 60*time.Second, func() bool {
		return count(func() int { return len(acked) }) >= before+3
	})
	ready := false
	waitFor(t, "/readyz 200 after the restart", 30*time.Second, func() bool {
		resp, err := http.Get(srv.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
		}
		return ready
	})
	stop.Store(true)
	wg.Wait()

	if srv.exited() || srv.cmd.Process.Pid != pid {
		t.Fatalf("the server exited during the restart: %v", srv.err)
	}
	if len(healthBad) > 0 {
		t.Errorf("/healthz failed %d times, want always 200: %v", len(healthBad), healthBad[:min(5, len(healthBad))])
	}
	if len(unexpected) > 0 {
		t.Errorf("%d answers were neither a success nor the Dutch 503 page:\n  %s", len(unexpected), strings.Join(unexpected[:min(10, len(unexpected))], "\n  "))
	}
	if readySeen[http.StatusServiceUnavailable] == 0 {
		t.Errorf("/readyz never answered 503 while the database was down: %v", readySeen)
	}
	late := 0
	for _, at := range failedAt {
		if at.Before(stopBegin) || at.After(startEnd.Add(restartGrace)) {
			late++
		}
	}
	if late > 0 {
		t.Errorf("%d of %d failed writes happened outside the outage (stop at %s, back at %s, grace %v)", late, len(failedAt),
			stopBegin.Format("15:04:05.000"), startEnd.Format("15:04:05.000"), restartGrace)
	}
	t.Logf("restart: %d writes acknowledged, %d answered 503 during the outage of %v; /readyz %v",
		len(acked), len(failedAt), startEnd.Sub(stopBegin).Round(time.Millisecond), readySeen)

	// Every acknowledged write is stored.
	db, err := database.Open(context.Background(), pg.URL)
	if err != nil {
		t.Fatalf("open after restart: %v", err)
	}
	defer db.Close()
	for _, l := range acked {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM lesson_progress p JOIN users u ON u.id = p.user_id
			JOIN lessons l ON l.id = p.lesson_id JOIN modules m ON m.id = l.module_id
			WHERE u.email = $1 AND m.slug = $2 AND l.slug = $3`, demoLearner, l.Module, l.Lesson); err != nil {
			t.Fatalf("progress: %v", err)
		}
		if n != 1 {
			t.Errorf("lesson %s/%s was acknowledged but has %d progress rows, want 1", l.Module, l.Lesson, n)
		}
	}
}
