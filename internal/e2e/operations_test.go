package e2e

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database/dbtest"
)

// A bad setting stops `nabij serve` before it touches the database: no
// migration, no import, no listener — and the message names the setting.
func TestBadConfigurationStopsServeBeforeMigrating(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"TRUSTED_PROXIES=10.0.0.0/8,proxy.example", "TRUSTED_PROXIES"},
		{"PPROF_ADDR=:6060", "PPROF_ADDR"},
		{"PPROF_ADDR=0.0.0.0:6060", "PPROF_ADDR"},
		{"LISTEN_ADDR=every-interface", "LISTEN_ADDR"},
		{"METRICS_ADDR=9180", "METRICS_ADDR"},
		{"SHUTDOWN_TIMEOUT=20", "SHUTDOWN_TIMEOUT"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			db, dbURL := dbtest.EmptyWithURL(t)
			port := freePort(t)
			cmd := exec.Command(binary(t), "serve")
			cmd.Env = processEnv([]string{"DATABASE_URL=" + dbURL, fmt.Sprintf("PORT=%d", port), "METRICS_ADDR=127.0.0.1:0", tc.env})
			out, err := runWithTimeout(cmd, 60*time.Second)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("serve with %s: %v, want exit status 1\n%s", tc.env, err, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("serve with %s says %q, want it to name %s", tc.env, out, tc.want)
			}
			if n := dbtest.Count(t, db, `SELECT count(*) FROM pg_class WHERE relname IN ('schema_migrations', 'modules')`); n != 0 {
				t.Errorf("serve with %s created %d tables before refusing the configuration, want none", tc.env, n)
			}
		})
	}
}

func runWithTimeout(cmd *exec.Cmd, timeout time.Duration) (string, error) {
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return out.String(), fmt.Errorf("still running after %v", timeout)
	}
}

// The metrics of a real server: on their own listener, never on the public
// port, named by route pattern, and well-formed for Prometheus.
func TestMetricsOfARunningServer(t *testing.T) {
	_, dbURL := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + dbURL}
	runCommand(t, env, "demo")
	metricsPort := freePort(t)
	srv := startServer(t, "nabij", append(env, fmt.Sprintf("METRICS_ADDR=127.0.0.1:%d", metricsPort))...)

	c := newClient(t, srv.URL)
	if a := c.get("/modules/online-informeren"); a.Status != http.StatusOK {
		t.Fatalf("module page: %d", a.Status)
	}
	c.get("/bestaat-niet")
	c.login(demoLearner, demoPassword)
	if a := c.get("/mijn-leertraject"); a.Status != http.StatusOK {
		t.Fatalf("dashboard: %d", a.Status)
	}
	if a := c.get("/metrics"); a.Status != http.StatusNotFound {
		t.Errorf("/metrics on the public port: %d, want 404 (metrics have their own listener)", a.Status)
	}

	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort))
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	check := exec.Command("promtool", "check", "metrics")
	check.Stdin = strings.NewReader(text)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	for _, want := range []string{
		`nabij_http_request_duration_seconds_count{method="GET",route="/modules/:module",status="200"} 1`,
		`nabij_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}`,
		`nabij_http_request_duration_seconds_count{method="POST",route="/aanmelden",status="303"} 1`,
		`nabij_http_request_duration_seconds_count{method="GET",route="/mijn-leertraject",status="200"} 1`,
		`go_sql_max_open_connections{db_name="nabij"} 32`,
		`go_sql_in_use_connections{db_name="nabij"}`,
		`nabij_build_info{`,
		`nabij_jobs{state="queued"}`,
		`nabij_jobs_oldest_waiting_seconds`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, "online-informeren") || strings.Contains(text, "bestaat-niet") {
		t.Errorf("metrics hold a request path, want route patterns only")
	}
	// The container's HEALTHCHECK: `nabij healthcheck` asks this server.
	health := exec.Command(binary(t), "healthcheck")
	health.Env = processEnv(append(env, fmt.Sprintf("PORT=%d", srv.Port)))
	if out, err := health.CombinedOutput(); err != nil {
		t.Errorf("nabij healthcheck against a running server: %v\n%s", err, out)
	}
	health = exec.Command(binary(t), "healthcheck")
	health.Env = processEnv(append(env, fmt.Sprintf("PORT=%d", freePort(t))))
	if out, err := health.CombinedOutput(); err == nil {
		t.Errorf("nabij healthcheck with nobody listening exited 0, want a failure (%s)", out)
	}

	// Loopback by default: the listener is not on every interface.
	if !strings.Contains(srv.Log.String(), fmt.Sprintf(`"msg":"metrics listening","addr":"127.0.0.1:%d"`, metricsPort)) {
		t.Errorf("server log lacks the metrics listener on 127.0.0.1:%d", metricsPort)
	}
}

// A second SIGTERM during the drain ends the process at once, with a
// non-zero status, instead of waiting out SHUTDOWN_TIMEOUT for a client
// that may never finish.
func TestSecondSIGTERMForcesExit(t *testing.T) {
	_, dbURL := dbtest.NewWithURL(t)
	srv := startServer(t, "nabij", "DATABASE_URL="+dbURL, "SHUTDOWN_TIMEOUT=2m")
	addr := fmt.Sprintf("127.0.0.1:%d", srv.Port)

	// A login whose body never finishes keeps the drain waiting.
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /aanmelden HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		"Sec-Fetch-Site: same-origin\r\nContent-Length: 100\r\n\r\nemail="
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the drain to begin", 10*time.Second, func() bool { return strings.Contains(srv.Log.String(), "shutting down") })
	time.Sleep(500 * time.Millisecond)
	if srv.exited() {
		t.Fatalf("the server exited (%v) after one SIGTERM with a request in flight, want it to drain", srv.err)
	}
	sent := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the server still runs 10 s after a second SIGTERM (SHUTDOWN_TIMEOUT is 2m)")
	}
	var exit *exec.ExitError
	if !errors.As(srv.err, &exit) || exit.ExitCode() == 0 {
		t.Errorf("exit after a second SIGTERM: %v, want a non-zero status (in-flight requests were cut off)", srv.err)
	}
	if !strings.Contains(srv.Log.String(), "second signal") {
		t.Errorf("server log lacks the forced exit")
	}
	t.Logf("exited %v after the second SIGTERM", time.Since(sent).Round(time.Millisecond))
}
