//go:build soak

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
)

// TestSoakRestartsUnderLoad runs for SOAK_DURATION (default 2m): three
// learners read lessons, mark them as read and look at their dashboard
// while PostgreSQL is restarted every SOAK_RESTART_EVERY (default 10s). The
// server never goes down, every answer is a success or the Dutch 503 page,
// every acknowledged write is stored, and SIGTERM at the end exits 0.
// Run it with `make soak`.
func TestSoakRestartsUnderLoad(t *testing.T) {
	duration := envDuration(t, "SOAK_DURATION", 2*time.Minute)
	every := envDuration(t, "SOAK_RESTART_EVERY", 10*time.Second)
	pg, lessons := demoCluster(t)
	env := []string{"DATABASE_URL=" + pg.URL}
	srv := startServer(t, "nabij", append(env, "DATABASE_MAX_CONNECTIONS=8", "SHUTDOWN_TIMEOUT=10s")...)

	var (
		stop       atomic.Bool
		wg         sync.WaitGroup
		mu         sync.Mutex
		acked      = map[string]map[lesson]bool{}
		ok, failed atomic.Int64
		unexpected []string
		healthBad  atomic.Int64
	)
	for i := 1; i <= 3; i++ {
		email := fmt.Sprintf("lerende%d@demodorp.example", i)
		acked[email] = map[lesson]bool{}
		c := newClient(t, srv.URL)
		c.login(email, demoPassword)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				l := lessons[n%len(lessons)]
				for _, step := range []struct{ method, path string }{
					{http.MethodGet, "/modules/" + l.Module + "/" + l.Lesson},
					{http.MethodPost, "/modules/" + l.Module + "/" + l.Lesson + "/gelezen"},
					{http.MethodGet, "/mijn-leertraject"},
				} {
					a, err := c.do(context.Background(), step.method, step.path, nil)
					mu.Lock()
					switch {
					case err != nil:
						unexpected = append(unexpected, fmt.Sprintf("%s %s: %v", step.method, step.path, err))
					case a.Status < 400 && !strings.HasPrefix(a.Location(), "/aanmelden"):
						ok.Add(1)
						if step.method == http.MethodPost {
							acked[email][l] = true
						}
					case a.Status == http.StatusServiceUnavailable && strings.Contains(a.Body, unavailableHeading) && leak(a.Body) == "":
						failed.Add(1)
					default:
						unexpected = append(unexpected, fmt.Sprintf("%s %s: status %d to %q, page says %q", step.method, step.path, a.Status, a.Location(), pageMessage(a.Body)))
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		hc := &http.Client{Timeout: 5 * time.Second}
		for !stop.Load() {
			resp, err := hc.Get(srv.URL + "/healthz")
			if err != nil || resp.StatusCode != http.StatusOK {
				healthBad.Add(1)
			}
			if err == nil {
				resp.Body.Close()
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()

	restarts := 0
	for end := time.Now().Add(duration); time.Now().Add(every).Before(end); restarts++ {
		time.Sleep(every)
		pg.Stop()
		time.Sleep(time.Second)
		pg.Start()
	}
	time.Sleep(5 * time.Second) // the pool recovers
	stop.Store(true)
	wg.Wait()

	if srv.exited() {
		t.Fatalf("the server exited: %v", srv.err)
	}
	if n := healthBad.Load(); n > 0 {
		t.Errorf("/healthz failed %d times, want never", n)
	}
	if len(unexpected) > 0 {
		t.Errorf("%d answers were neither a success nor the Dutch 503 page:\n  %s", len(unexpected), strings.Join(unexpected[:min(10, len(unexpected))], "\n  "))
	}
	db, err := database.Open(context.Background(), pg.URL)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	stored := 0
	for email, ls := range acked {
		for l := range ls {
			var n int
			if err := db.Get(&n, `SELECT count(*) FROM lesson_progress p JOIN users u ON u.id = p.user_id
				JOIN lessons l ON l.id = p.lesson_id JOIN modules m ON m.id = l.module_id
				WHERE u.email = $1 AND m.slug = $2 AND l.slug = $3`, email, l.Module, l.Lesson); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%s: lesson %s/%s was acknowledged but has %d progress rows, want 1", email, l.Module, l.Lesson, n)
			}
			stored++
		}
	}

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.done:
		if srv.err != nil {
			t.Errorf("exit after SIGTERM: %v, want 0", srv.err)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("the server did not exit within 20s of SIGTERM")
	}
	t.Logf("soak: %v, %d restarts, %d successful answers, %d Dutch 503 answers, %d acknowledged lessons all stored",
		duration, restarts, ok.Load(), failed.Load(), stored)
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return d
}
