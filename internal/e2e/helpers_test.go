package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds cmd/nabij once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	root := apptest.RepoRoot(t)
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "nabij-e2e-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "nabij")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/nabij")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/nabij: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatalf("%v", binErr)
	}
	return binPath
}

// runCommand runs the binary with a subcommand to completion and fails the
// test when it does not exit 0.
func runCommand(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = processEnv(env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nabij %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// processEnv is the test's environment without the platform's own
// variables, plus extra.
func processEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DATABASE_URL", "PORT", "BASE_URL", "LOG_LEVEL", "SHUTDOWN_TIMEOUT", "TRUSTED_PROXIES", "SECURE_COOKIES", "METRICS_ADDR", "PPROF_ADDR", "LISTEN_ADDR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// freePort returns a TCP port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is one `nabij serve` process.
type server struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	URL  string
	Port int
	Log  *syncBuffer
	done chan struct{}
	err  error // the exit error, once done is closed
}

// startServer runs `nabij serve` on a free port with env and waits until
// /healthz answers. The process is killed when the test ends, if it still
// runs; its log is printed when the test failed.
func startServer(t *testing.T, name string, env ...string) *server {
	t.Helper()
	return startServerBinary(t, binary(t), name, env...)
}

// startServerBinary is startServer with another build of the platform
// (an earlier release, for the rolling-upgrade test).
func startServerBinary(t *testing.T, bin, name string, env ...string) *server {
	t.Helper()
	port := freePort(t)
	s := &server{t: t, name: name, Port: port, URL: fmt.Sprintf("http://127.0.0.1:%d", port), Log: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve")
	// Several servers run at once: each one's metrics on a port of its own.
	s.cmd.Env = processEnv(append([]string{fmt.Sprintf("PORT=%d", port), "LOG_LEVEL=info", "BASE_URL=" + s.URL, "METRICS_ADDR=127.0.0.1:0"}, env...))
	s.cmd.Stdout = s.Log
	s.cmd.Stderr = s.Log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start nabij serve: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("log of %s (last 6000 bytes):\n%s", name, tail(s.Log.String(), 6000))
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		if s.exited() {
			t.Fatalf("%s exited before it was ready: %v\n%s", name, s.err, tail(s.Log.String(), 4000))
		}
		if resp, err := http.Get(s.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: /healthz did not answer 200 within 90s\n%s", name, tail(s.Log.String(), 4000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// client is a browser-like HTTP client against one base URL that does not
// follow redirects, so that each answer's status is seen.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// answer is a read response.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

func (a *answer) Location() string { return a.Header.Get("Location") }

// do sends a request; a transport error is returned, not fatal, because
// the reliability tests expect some.
func (c *client) do(ctx context.Context, method, path string, form url.Values) (*answer, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &answer{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}, nil
}

func (c *client) get(path string) *answer {
	c.t.Helper()
	a, err := c.do(context.Background(), http.MethodGet, path, nil)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return a
}

func (c *client) post(path string, form url.Values) *answer {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	a, err := c.do(context.Background(), http.MethodPost, path, form)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return a
}

// login signs in through the login form and fails the test otherwise.
func (c *client) login(email, password string) {
	c.t.Helper()
	a := c.post("/aanmelden", url.Values{"email": {email}, "wachtwoord": {password}, "terug": {"/"}})
	if a.Status != http.StatusSeeOther || a.Location() != "/" {
		c.t.Fatalf("login as %s: status %d to %q, want 303 to /; page says %q", email, a.Status, a.Location(), pageMessage(a.Body))
	}
}

var messageRe = regexp.MustCompile(`(?s)<div class="flash[^"]*"[^>]*>(.*?)</div>|<p class="(?:notice error|field-error)"[^>]*>(.*?)</p>|<h1>(.*?)</h1>`)

// pageMessage returns a page's flash, error messages and first heading,
// for failure output.
func pageMessage(body string) string {
	var msgs []string
	for _, m := range messageRe.FindAllStringSubmatch(body, 4) {
		msgs = append(msgs, strings.TrimSpace(m[1]+m[2]+m[3]))
	}
	return strings.Join(msgs, " | ")
}

// leak reports what in a body looks like a Go stack trace or raw error.
func leak(body string) string {
	for _, s := range []string{"goroutine ", "panic", "runtime/", ".go:", "pq: ", "sql: "} {
		if strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

// poll calls f every interval until it returns true or timeout passes.
func poll(timeout, interval time.Duration, f func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if f() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}
