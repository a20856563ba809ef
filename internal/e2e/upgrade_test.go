package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// previousRelease builds the platform as it was before the newest change
// to migrations/ on the first-parent line of HEAD (the previous release,
// as far as the schema is concerned), from `git archive` into a temporary
// folder, and returns the binary and the commit. With uncommitted changes
// to migrations/ the previous release is HEAD itself.
func previousRelease(t *testing.T) (bin, commit string) {
	t.Helper()
	root := apptest.RepoRoot(t)
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
			}
			t.Fatalf("git %s: %v (the rolling-upgrade test needs git and the repository's history)", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	if git("status", "--porcelain", "--", "migrations") != "" {
		commit = git("rev-parse", "HEAD")
	} else {
		changed := git("rev-list", "-1", "--first-parent", "HEAD", "--", "migrations")
		if changed == "" {
			t.Fatalf("no commit changes migrations/: is the clone shallow? (git fetch --unshallow)")
		}
		commit = git("rev-parse", changed+"^1")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	archive := exec.Command("sh", "-c", `git archive "$1" | tar -x -C "$2"`, "sh", commit, src)
	archive.Dir = root
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", commit, err, out)
	}
	bin = filepath.Join(dir, "nabij-previous")
	build := exec.Command("go", "build", "-o", bin, "./cmd/nabij")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the previous release %s: %v\n%s", commit, err, out)
	}
	return bin, commit
}

// TestRollingUpgrade: the previous release serves guests and a learner
// who marks lessons as read, while the new release migrates the same
// database and then starts next to it. The previous release answers every
// request throughout, and keeps doing so once both run. This is the rule
// of the README: a release only adds what the previous one ignores.
func TestRollingUpgrade(t *testing.T) {
	oldBin, commit := previousRelease(t)
	db, dbURL := dbtest.EmptyWithURL(t)
	env := []string{"DATABASE_URL=" + dbURL}

	runOld := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(oldBin, args...)
		cmd.Env = processEnv(env)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("previous release %s: nabij %s: %v\n%s", commit[:10], strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	runOld("migrate")
	runOld("demo")
	old := startServerBinary(t, oldBin, "previous release "+commit[:10], env...)

	var lessons []lesson
	if err := db.Select(&lessons, `SELECT m.slug AS module, l.slug AS lesson FROM lessons l JOIN modules m ON m.id = l.module_id ORDER BY m.position, l.position`); err != nil {
		t.Fatal(err)
	}
	if len(lessons) < 10 {
		t.Fatalf("%d lessons after the previous release's import, want the curriculum", len(lessons))
	}

	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		served   atomic.Int64
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	// load drives one server: a guest reading pages and a learner marking
	// lessons as read and opening their dashboard.
	load := func(srv *server, learner string) {
		defer wg.Done()
		guest := newClient(t, srv.URL)
		person := newClient(t, srv.URL)
		person.login(learner, demoPassword)
		for i := 0; !stop.Load(); i++ {
			l := lessons[i%len(lessons)]
			steps := []struct {
				c      *client
				method string
				path   string
				form   url.Values
				want   int
			}{
				{guest, http.MethodGet, "/modules/" + l.Module, nil, http.StatusOK},
				{guest, http.MethodGet, "/modules/" + l.Module + "/" + l.Lesson, nil, http.StatusOK},
				{person, http.MethodPost, "/modules/" + l.Module + "/" + l.Lesson + "/gelezen", url.Values{}, http.StatusSeeOther},
				{person, http.MethodGet, "/mijn-leertraject", nil, http.StatusOK},
			}
			for _, s := range steps {
				a, err := s.c.do(context.Background(), s.method, s.path, s.form)
				switch {
				case err != nil:
					fail("%s: %s %s: %v", srv.name, s.method, s.path, err)
				case a.Status != s.want:
					fail("%s: %s %s: status %d, want %d (%s)", srv.name, s.method, s.path, a.Status, s.want, pageMessage(a.Body))
				default:
					served.Add(1)
				}
			}
		}
	}
	wg.Add(1)
	go load(old, demoLearner)
	defer func() { stop.Store(true); wg.Wait() }()
	waitFor(t, "the previous release to serve", 30*time.Second, func() bool { return served.Load() >= 20 })

	// The new release migrates the database under the running one.
	out := runCommand(t, env, "migrate")
	if !strings.Contains(out, "applied") {
		t.Fatalf("the new release applied no migration to the previous release's schema (%q): the test would prove nothing", out)
	}
	t.Logf("previous release %s serving; the new release %s", commit[:10], strings.ReplaceAll(strings.TrimSpace(out), "\n", ", "))
	before := served.Load()
	waitFor(t, "the previous release to go on serving on the new schema", 30*time.Second, func() bool { return served.Load() >= before+40 })

	// The new release starts next to it; both serve.
	next := startServer(t, "new release", env...)
	wg.Add(1)
	go load(next, "lerende2@demodorp.example")
	before = served.Load()
	waitFor(t, "both releases to serve", 60*time.Second, func() bool { return served.Load() >= before+80 })
	stop.Store(true)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed during the rolling upgrade, want none:\n  %s",
			len(failures), int(served.Load())+len(failures), strings.Join(failures[:min(8, len(failures))], "\n  "))
	}
	for _, srv := range []*server{old, next} {
		for _, line := range strings.Split(srv.Log.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				t.Errorf("%s logged an error: %s", srv.name, line)
			}
		}
	}
	t.Logf("%d requests served by both releases, none failed", served.Load())
}
