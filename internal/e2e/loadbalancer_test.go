package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// nginxPath finds Debian's nginx (in /usr/sbin, which may not be on PATH).
func nginxPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Fatalf("nginx not found: run `make test` as root (scripts/deps.sh installs it) or `apt-get install nginx`")
	return ""
}

// startNginx runs nginx with a private configuration in a temporary folder:
// a round-robin load balancer on a free port over upstreams.
func startNginx(t *testing.T, upstreams ...int) string {
	t.Helper()
	bin := nginxPath(t)
	dir := t.TempDir()
	port := freePort(t)
	var servers strings.Builder
	for _, p := range upstreams {
		fmt.Fprintf(&servers, "    server 127.0.0.1:%d;\n", p)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the workers write the temp folders below
	}
	conf := fmt.Sprintf(`%s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 256; }
http {
  access_log %[2]s/access.log;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  upstream nabij {
%[3]s  }
  server {
    listen 127.0.0.1:%[4]d;
    location / {
      proxy_pass http://nabij;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`, user, dir, servers.String(), port)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatalf("nginx.conf: %v", err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }() //nolint:errcheck
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) //nolint:errcheck // fast shutdown
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill() //nolint:errcheck
			<-done
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, "nginx to answer", 30*time.Second, func() bool {
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %s\n%s", out.String(), b)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return base
}

var (
	lbAttemptRe = regexp.MustCompile(`name="poging" value="(\d+)"`)
	lbSeqRe     = regexp.MustCompile(`name="volgnummer" value="(\d+)"`)
	lbOptionRe  = regexp.MustCompile(`name="vraag-(\d+)" value="(\d+)"`)
)

// TestTwoInstancesBehindNginx runs two servers on one database behind nginx
// as a round-robin load balancer. A learner signs in, reads a module's
// lessons, starts and passes its quiz through nginx: the session, the
// progress and the quiz attempt carry from one instance to the other. The
// instances' logs show which one served each request (by X-Request-Id) and
// that it knew the learner.
func TestTwoInstancesBehindNginx(t *testing.T) {
	const module = "online-informeren"
	db, dbURL := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + dbURL, "TRUSTED_PROXIES=127.0.0.1"}
	runCommand(t, env, "demo")
	a := startServer(t, "instance A", env...) // imports the curriculum
	b := startServer(t, "instance B", env...)
	lb := startNginx(t, a.Port, b.Port)

	c := newClient(t, lb)
	type served struct{ what, id string }
	var trail []served
	step := func(what string, ans *answer, wantStatus int) *answer {
		t.Helper()
		if ans.Status != wantStatus {
			t.Fatalf("%s: status %d (to %q), want %d; page says %q", what, ans.Status, ans.Location(), wantStatus, pageMessage(ans.Body))
		}
		id := ans.Header.Get("X-Request-Id")
		if id == "" {
			t.Fatalf("%s: no X-Request-Id header", what)
		}
		trail = append(trail, served{what, id})
		return ans
	}

	c.login(demoLearner, demoPassword)
	step("dashboard", c.get("/mijn-leertraject"), http.StatusOK)
	var lessons []string
	if err := db.Select(&lessons, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 ORDER BY l.position`, module); err != nil || len(lessons) == 0 {
		t.Fatalf("lessons: %v %v", lessons, err)
	}
	for _, l := range lessons {
		step("mark "+l, c.post("/modules/"+module+"/"+l+"/gelezen", nil), http.StatusSeeOther)
	}
	for i := range 2 { // once on each instance
		page := step(fmt.Sprintf("module page %d", i+1), c.get("/modules/"+module), http.StatusOK)
		if n := strings.Count(page.Body, `class="badge done"`); n != len(lessons) {
			t.Errorf("module page %d shows %d lessons read, want %d", i+1, n, len(lessons))
		}
	}
	step("start quiz", c.post("/quiz/"+module+"/start", nil), http.StatusSeeOther)
	form := step("quiz form", c.get("/quiz/"+module), http.StatusOK)
	att, seq := lbAttemptRe.FindStringSubmatch(form.Body), lbSeqRe.FindStringSubmatch(form.Body)
	if att == nil || seq == nil {
		t.Fatalf("quiz form: no attempt on the page; page says %q", pageMessage(form.Body))
	}
	again := step("quiz form again", c.get("/quiz/"+module), http.StatusOK)
	if a2 := lbAttemptRe.FindStringSubmatch(again.Body); a2 == nil || a2[1] != att[1] {
		t.Errorf("quiz form on the other instance: attempt %v, want the open attempt %s", a2, att[1])
	}
	answers := url.Values{"poging": {att[1]}, "volgnummer": {seq[1]}}
	questions := map[string]bool{}
	for _, m := range lbOptionRe.FindAllStringSubmatch(form.Body, -1) {
		questions[m[1]] = true
	}
	for q := range questions {
		var ids []int64
		if err := db.Select(&ids, `SELECT id FROM options WHERE question_id = $1 AND correct`, q); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			answers.Add("vraag-"+q, fmt.Sprint(id))
		}
	}
	sub := step("submit quiz", c.post("/quiz/"+module, answers), http.StatusSeeOther)
	if !strings.Contains(sub.Location(), "/quiz/"+module+"/poging/") {
		t.Fatalf("submit: redirected to %q, want the attempt's review", sub.Location())
	}
	step("review", c.get(strings.SplitN(sub.Location(), "#", 2)[0]), http.StatusOK)
	dash := step("dashboard after", c.get("/mijn-leertraject"), http.StatusOK)
	if !strings.Contains(dash.Body, "1 van de 5 modules") {
		t.Errorf("dashboard after the quiz: want '1 van de 5 modules'; page says %q", pageMessage(dash.Body))
	}
	var attempts int
	if err := db.Get(&attempts, `SELECT count(*) FROM quiz_attempts a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.submitted_at IS NOT NULL`, demoLearner); err != nil || attempts != 1 {
		t.Errorf("submitted attempts = %d (%v), want 1", attempts, err)
	}

	// Which instance served each request, and did it know the learner?
	var userID int64
	if err := db.GetContext(context.Background(), &userID, `SELECT id FROM users WHERE email = $1`, demoLearner); err != nil {
		t.Fatal(database.NotFound(err))
	}
	who := make([]string, len(trail))
	waitFor(t, "every request in one instance's log", 10*time.Second, func() bool {
		all := true
		for i, s := range trail {
			who[i] = ""
			for _, inst := range []*server{a, b} {
				if line := logLine(inst.Log.String(), s.id); line != "" {
					who[i] = inst.name
					if !strings.Contains(line, fmt.Sprintf(`"user_id":%d`, userID)) {
						t.Fatalf("%s (%s) served %s without knowing the learner: %s", inst.name, s.id, s.what, line)
					}
				}
			}
			all = all && who[i] != ""
		}
		return all
	})
	count := map[string]int{}
	var path []string
	for i, s := range trail {
		count[who[i]]++
		path = append(path, s.what+"→"+strings.TrimPrefix(who[i], "instance "))
	}
	if count[a.name] < 3 || count[b.name] < 3 {
		t.Errorf("signed-in requests per instance = %v, want at least 3 on each", count)
	}
	// Two requests in a row go to different instances: the open attempt
	// was shown by both.
	for i := 1; i < len(trail); i++ {
		if trail[i].what == "quiz form again" && who[i] == who[i-1] {
			t.Errorf("the quiz form was served twice by %s, want once by each instance (round robin)", who[i])
		}
	}
	t.Logf("served: %s", strings.Join(path, ", "))
}

// logLine returns the request log line of request id in a JSON log.
func logLine(log, id string) string {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, `"request_id":"`+id+`"`) && strings.Contains(line, `"msg":"request"`) {
			return line
		}
	}
	return ""
}
