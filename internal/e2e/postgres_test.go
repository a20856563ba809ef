package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
)

// cluster is a private PostgreSQL cluster for one test, which the test may
// stop and start at will. It never touches the shared test cluster.
type cluster struct {
	t      *testing.T
	bindir string
	dir    string // owned by the cluster's user; holds data/ and the socket
	data   string
	URL    string // of the database "nabij"
}

// newCluster creates and starts a cluster in a fresh folder under /var/tmp
// (the postgres user may not be able to enter the checkout), listening only
// on a Unix socket in that folder. As root it runs as the postgres user. The
// folder is removed when the test ends.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{t: t, bindir: postgresBindir(t)}
	dir, err := os.MkdirTemp("/var/tmp", "nabij-e2e-pg-")
	if err != nil {
		t.Fatalf("cluster folder: %v", err)
	}
	c.dir, c.data = dir, filepath.Join(dir, "data")
	t.Cleanup(func() {
		c.pgctl("stop", "-m", "immediate", "-w", "-t", "30") //nolint:errcheck // it may be stopped already
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("there is no postgres user to run the cluster as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("chown %s: %v", dir, err)
		}
	}
	if out, err := c.asOwner(filepath.Join(c.bindir, "initdb"), "-D", c.data, "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C.UTF-8").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\nfull_page_writes = off\nmax_connections = 50\nshared_buffers = 16MB\n", dir)
	f, err := os.OpenFile(filepath.Join(c.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("postgresql.conf: %v", err)
	}
	f.WriteString(conf) //nolint:errcheck
	f.Close()
	c.Start()
	c.URL = fmt.Sprintf("postgres://postgres@/nabij?host=%s&sslmode=disable", dir)
	admin, err := database.Open(context.Background(), fmt.Sprintf("postgres://postgres@/postgres?host=%s&sslmode=disable", dir))
	if err != nil {
		t.Fatalf("connect to the private cluster: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE nabij`); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return c
}

// asOwner prepares a command run as the cluster's owner, from /.
func (c *cluster) asOwner(name string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Dir = "/"
	return cmd
}

func (c *cluster) pgctl(args ...string) error {
	full := append([]string{"-D", c.data}, args...)
	out, err := c.asOwner(filepath.Join(c.bindir, "pg_ctl"), full...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Start starts the cluster and waits until it accepts connections.
func (c *cluster) Start() {
	c.t.Helper()
	if err := c.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "server.log")); err != nil {
		b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		c.t.Fatalf("%v\nserver.log:\n%s", err, tail(string(b), 3000))
	}
}

// Stop shuts the cluster down the way an operator restarting it would:
// fast mode, which disconnects every client and waits until it is down.
func (c *cluster) Stop() {
	c.t.Helper()
	if err := c.pgctl("stop", "-m", "fast", "-w", "-t", "60"); err != nil {
		c.t.Fatalf("%v", err)
	}
}

// postgresBindir finds the newest installed PostgreSQL's binaries.
func postgresBindir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	t.Fatalf("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin: install the postgresql package")
	return ""
}

// waitFor is poll with a test failure on timeout.
func waitFor(t *testing.T, what string, timeout time.Duration, f func() bool) {
	t.Helper()
	if !poll(timeout, 50*time.Millisecond, f) {
		t.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
}

// lesson names a lesson by the slugs of its module and of itself.
type lesson struct{ Module, Lesson string }

// demoCluster starts a private PostgreSQL and fills it through the binary
// (migrate, import, demo). It returns the cluster and every lesson of the
// curriculum in course order.
func demoCluster(t *testing.T) (*cluster, []lesson) {
	t.Helper()
	pg := newCluster(t)
	env := []string{"DATABASE_URL=" + pg.URL}
	runCommand(t, env, "migrate")
	runCommand(t, env, "import")
	runCommand(t, env, "demo")
	db, err := database.Open(context.Background(), pg.URL)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	var lessons []lesson
	if err := db.Select(&lessons, `SELECT m.slug AS module, l.slug AS lesson FROM lessons l JOIN modules m ON m.id = l.module_id
		ORDER BY m.position, l.position`); err != nil {
		t.Fatalf("lessons: %v", err)
	}
	return pg, lessons
}
