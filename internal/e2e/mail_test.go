package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

// TestMailSurvivesSIGKILL kills the server with SIGKILL while it works
// through a queue of invitations, then starts it again: every invitation
// arrives, and a mail arrives twice only when the kill came after the SMTP
// server took it and before the platform recorded that (SMTP itself cannot
// tell the client's crash from a lost answer; the copy carries the same
// Message-ID).
//
// Only SMTP_URL is set for mail (MAIL_FROM keeps its default). A stuck job
// is rescued after 3 s instead of 5 min and retried after 200 ms instead
// of 30 s, because the test cannot wait that long; everything else runs
// with production settings.
func TestMailSurvivesSIGKILL(t *testing.T) {
	smtp := smtptest.Start(t)
	smtp.SlowData(150 * time.Millisecond) // so that the kill finds mail in flight
	_, dbURL := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + dbURL}
	runCommand(t, env, "demo")
	mailEnv := append(env, "SMTP_URL="+smtp.URL(), "JOBS_RESCUE_AFTER=3s", "JOBS_RETRY_BASE=200ms")
	srv := startServer(t, "nabij", mailEnv...)

	c := newClient(t, srv.URL)
	c.login("manager@demodorp.example", demoPassword)
	const n = 80
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("nieuw%02d@demodorp.example", i)
	}
	a := c.post("/organisatie/uitnodigen", url.Values{"adressen": {strings.Join(addrs, "\n")}})
	if a.Status != http.StatusOK || !strings.Contains(a.Body, fmt.Sprintf("%d uitnodigingen klaargezet", n)) {
		t.Fatalf("invite: status %d, page says %q", a.Status, pageMessage(a.Body))
	}

	if !poll(30*time.Second, 5*time.Millisecond, func() bool { return len(smtp.Messages()) >= 10 }) {
		t.Fatalf("only %d mails arrived before the kill", len(smtp.Messages()))
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	killed := time.Now()
	atKill := len(smtp.Messages())
	if atKill >= n {
		t.Fatalf("all %d mails arrived before the kill: the test proves nothing", n)
	}

	after := startServer(t, "nabij-after-kill", mailEnv...)
	distinct := func() map[string]int {
		seen := map[string]int{}
		for _, m := range smtp.Messages() {
			seen[m.To[0]]++
		}
		return seen
	}
	if !poll(120*time.Second, 20*time.Millisecond, func() bool { return len(distinct()) == n }) {
		t.Fatalf("%d of %d invitations arrived after the restart", len(distinct()), n)
	}
	t.Logf("killed with %d of %d mails delivered; the rest arrived %v after the kill", atKill, n, time.Since(killed).Round(100*time.Millisecond))
	time.Sleep(2 * time.Second) // would anything arrive a second time?
	seen := distinct()
	doubled := 0
	for _, rcpt := range addrs {
		switch k := seen[rcpt]; {
		case k == 0:
			t.Errorf("no invitation for %s", rcpt)
		case k > 1:
			doubled += k - 1
		}
	}
	// At most the mails in flight at the kill (ten workers) can arrive twice.
	if doubled > 10 {
		t.Errorf("%d mails arrived twice, want at most the 10 in flight at the kill", doubled)
	}
	t.Logf("arrived twice: %d (in flight at the kill)", doubled)
	ids := map[string]bool{}
	for _, m := range smtp.Messages() {
		ids[m.Header.Get("Message-Id")] = true
	}
	if len(ids) != n {
		t.Errorf("%d distinct Message-IDs for %d invitations, want one each (a copy keeps its id)", len(ids), n)
	}
	// No invitation link (nor its token) in either process's log.
	for _, m := range smtp.Messages() {
		token := tokenRe.FindString(m.Text)
		if token == "" {
			t.Fatalf("no invitation link in %q", m.Text)
		}
		if strings.Contains(srv.Log.String(), token) || strings.Contains(after.Log.String(), token) {
			t.Fatalf("an invitation token is in the log")
		}
	}
}

var tokenRe = regexp.MustCompile(`/uitnodiging/([A-Za-z0-9_-]+)`)

// Without SMTP_URL mail stays in the outbox for the admins; neither its
// body nor its link reaches the log.
func TestOutboxBodiesStayOutOfTheLog(t *testing.T) {
	_, dbURL := dbtest.NewWithURL(t)
	env := []string{"DATABASE_URL=" + dbURL}
	runCommand(t, env, "demo")
	srv := startServer(t, "nabij", env...)
	c := newClient(t, srv.URL)
	c.login("manager@demodorp.example", demoPassword)
	a := c.post("/organisatie/uitnodigen", url.Values{"adressen": {"nieuw@demodorp.example"}})
	if a.Status != http.StatusOK {
		t.Fatalf("invite: status %d, page says %q", a.Status, pageMessage(a.Body))
	}
	newClient(t, srv.URL).post("/wachtwoord-vergeten", url.Values{"email": {"lerende1@demodorp.example"}})

	db, err := database.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var bodies []string
	poll(10*time.Second, 20*time.Millisecond, func() bool {
		bodies = nil
		return db.Select(&bodies, `SELECT body FROM mail_outbox WHERE status = 'outbox'`) == nil && len(bodies) == 2
	})
	if len(bodies) != 2 {
		t.Fatalf("%d mails in the outbox, want the invitation and the reset", len(bodies))
	}
	log := srv.Log.String()
	for _, b := range bodies {
		link := linkRe.FindString(b)
		if link == "" {
			t.Fatalf("no link in the outbox mail %q", b)
		}
		if strings.Contains(log, link[strings.LastIndex(link, "/")+1:]) || strings.Contains(log, strings.SplitN(b, "\n", 2)[0]) {
			t.Errorf("the log holds the mail's link or body:\n%s", log)
		}
	}
	if !strings.Contains(log, "mail kept in the outbox") {
		t.Errorf("the log does not say that mail was kept in the outbox")
	}
}

var linkRe = regexp.MustCompile(`/(?:uitnodiging|wachtwoord-herstellen)/[A-Za-z0-9_-]+`)
