package catalog_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// buildNabij compiles cmd/nabij into a temporary folder.
func buildNabij(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nabij")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/nabij")
	cmd.Dir = apptest.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/nabij: %v\n%s", err, out)
	}
	return bin
}

type cmdResult struct {
	code           int
	stdout, stderr string
}

func runNabij(t *testing.T, bin string, env []string, args ...string) cmdResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run nabij %v: %v", args, err)
	}
	return cmdResult{code, out.String(), errb.String()}
}

// TestImportCommand runs the real binary: `nabij import --check` without a
// database, and `nabij import` against one.
func TestImportCommand(t *testing.T) {
	bin := buildNabij(t)
	good := writeCourse(t, sampleCourse())
	broken := sampleCourse()
	broken["01-eerste/01-begin.md"] = &fstest.MapFile{Data: []byte("## geen front matter\n")}
	broken["01-eerste/quiz.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(sampleQuiz1, "        explanation: Omdat B niet klopt.\n", "", 1))}
	bad := writeCourse(t, broken)
	noDB := []string{"DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"}

	t.Run("check passes on a valid folder without a database", func(t *testing.T) {
		r := runNabij(t, bin, noDB, "import", "--check", good)
		if r.code != 0 {
			t.Fatalf("exit code %d, want 0\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		if want := good + ": ok (2 modules, 3 lessons)"; !strings.Contains(r.stdout, want) {
			t.Errorf("stdout %q, want %q", r.stdout, want)
		}
	})
	t.Run("check fails with file:line for every problem", func(t *testing.T) {
		r := runNabij(t, bin, noDB, "import", "--check", bad)
		if r.code == 0 {
			t.Fatalf("exit code 0 for a broken folder, want non-zero\nstdout: %s", r.stdout)
		}
		for _, want := range []string{
			"01-eerste/01-begin.md:1: front matter ontbreekt",
			"01-eerste/quiz.yaml:3: vraag 1, optie 2: 'explanation' ontbreekt",
			"has 2 problem(s); nothing was imported",
		} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
	})
	t.Run("check refuses a missing folder", func(t *testing.T) {
		r := runNabij(t, bin, noDB, "import", "--check", filepath.Join(good, "bestaat-niet"))
		if r.code == 0 || !strings.Contains(r.stderr, "is not a folder") {
			t.Errorf("exit %d, stderr %q: want non-zero and \"is not a folder\"", r.code, r.stderr)
		}
	})
	t.Run("check passes on the built-in curriculum", func(t *testing.T) {
		r := runNabij(t, bin, noDB, "import", "--check")
		if r.code != 0 || !strings.Contains(r.stdout, "ok (5 modules") {
			t.Errorf("exit %d, stdout %q, stderr %q: want 0 and ok (5 modules …)", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("import, re-import, broken import", func(t *testing.T) {
		db, url := dbtest.NewWithURL(t)
		env := []string{"DATABASE_URL=" + url}
		r := runNabij(t, bin, env, "import", good)
		if r.code != 0 || !strings.Contains(r.stdout, "module eerste: added") {
			t.Fatalf("first import: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		before := snapshot(t, db)
		r = runNabij(t, bin, env, "import", good)
		if r.code != 0 || strings.TrimSpace(r.stdout) != "no changes" {
			t.Errorf("second import: exit %d, stdout %q, want 0 and \"no changes\"", r.code, r.stdout)
		}
		r = runNabij(t, bin, env, "import", bad)
		if r.code == 0 {
			t.Errorf("import of a broken folder: exit 0, want non-zero")
		}
		if !strings.Contains(r.stderr, "01-eerste/01-begin.md:1:") {
			t.Errorf("import of a broken folder: stderr %q, want the file:line problems", r.stderr)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("a refused import changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}
