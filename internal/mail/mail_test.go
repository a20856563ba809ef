package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

// newEnv starts the platform with SMTP_URL pointing at srv and every other
// mail setting at its default (MAIL_FROM included: the default must parse).
// Retries come after 100 ms instead of 30 s and give up after attempts (0:
// the production number), because a test cannot wait minutes.
func newEnv(t *testing.T, srv *smtptest.Server, attempts int) *apptest.Env {
	t.Helper()
	db, u := dbtest.NewWithURL(t)
	return apptest.NewWithConfig(t, db, u, func(c *config.Config) {
		c.SMTPURL = srv.URL()
		c.MailFrom = config.DefaultMailFrom
		c.JobRetryBase = 100 * time.Millisecond
		c.JobMaxAttempts = attempts
	})
}

// manager signs in a manager of a new organisation.
func manager(t *testing.T, env *apptest.Env, orgName string) *apptest.Client {
	t.Helper()
	org := env.CreateOrg(orgName)
	email := "baas@" + strings.ToLower(strings.ReplaceAll(orgName, " ", "")) + ".example"
	_, pw := env.CreateUser(org, "manager", email, "Bea Baas")
	c := env.Client()
	c.Login(email, pw)
	return c
}

// invite posts the invitation form with the pasted addresses.
func invite(t *testing.T, env *apptest.Env, c *apptest.Client, addresses ...string) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("adressen", strings.Join(addresses, "\n"))
	w.WriteField("team", "")
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL("/organisatie/uitnodigen"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp := c.Do(req)
	if resp.Status != http.StatusOK {
		t.Fatalf("invite: status %d, want 200 (%q)", resp.Status, resp.Flash())
	}
	return resp
}

var inviteLinkRe = regexp.MustCompile(`https?://[^\s"<]+/uitnodiging/[A-Za-z0-9_-]+`)

// waitStatus waits until the mail to rcpt has status.
func waitStatus(t *testing.T, env *apptest.Env, rcpt, status string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var got string
		err := env.DB.Get(&got, `SELECT status FROM mail_outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1`, rcpt)
		if err == nil && got == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail to %s: status %q (%v) after %v, want %q", rcpt, got, err, timeout, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestInvitationArrivesWithDefaults(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv, 0)
	c := manager(t, env, "OCMW Zoersel")
	resp := invite(t, env, c, "Nina.Nieuw@zoersel.example")
	if !resp.Contains("1 uitnodiging klaargezet") {
		t.Errorf("report lacks the queued line: %q", resp.Flash())
	}

	m := srv.Wait(1, 10*time.Second)[0]
	if len(m.To) != 1 || m.To[0] != "Nina.Nieuw@zoersel.example" {
		t.Errorf("envelope recipients = %v, want Nina.Nieuw@zoersel.example", m.To)
	}
	if got := m.Header.Get("To"); !strings.Contains(got, "Nina.Nieuw@zoersel.example") {
		t.Errorf("To: %q", got)
	}
	if want := "Uitnodiging voor het N@BIJ leerplatform van OCMW Zoersel"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	from, err := mail.ParseAddress(m.Header.Get("From"))
	if err != nil || from.Name != "N@BIJ leerplatform" || from.Address != "noreply@localhost" {
		t.Errorf("From = %q (%v), want the default sender", m.Header.Get("From"), err)
	}
	if m.From != "noreply@localhost" {
		t.Errorf("envelope sender = %q, want noreply@localhost", m.From)
	}
	if got := m.Header.Get("Content-Language"); got != "nl" {
		t.Errorf("Content-Language = %q, want nl", got)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@localhost>") {
		t.Errorf("Message-ID = %q, want <…@localhost>", id)
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if !strings.Contains(m.Text, "nodigt je uit") || !strings.Contains(m.HTML, `lang="nl"`) {
		t.Errorf("the mail is not in Dutch:\n%s\n%s", m.Text, m.HTML)
	}
	link := inviteLinkRe.FindString(m.Text)
	if link == "" || !strings.HasPrefix(link, env.Server.URL) {
		t.Fatalf("no invitation link to %s in the text:\n%s", env.Server.URL, m.Text)
	}
	if !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("the HTML part lacks the link as a button:\n%s", m.HTML)
	}

	// The link works: the person chooses a name and password and is in.
	path := strings.TrimPrefix(link, env.Server.URL)
	n := env.Client()
	if resp := n.Get(path); resp.Status != http.StatusOK {
		t.Fatalf("invitation page: status %d", resp.Status)
	}
	resp = n.PostForm(path, url.Values{"naam": {"Nina Nieuw"}, "wachtwoord": {"een goed wachtwoord"}})
	if resp.URL.Path != "/mijn-leertraject" {
		t.Fatalf("accept: at %s (%q), want the dashboard", resp.URL.Path, resp.Flash())
	}

	// Once sent, the body with its live link is gone from the outbox.
	waitStatus(t, env, "Nina.Nieuw@zoersel.example", "sent", 5*time.Second)
	var body string
	if err := env.DB.Get(&body, `SELECT body FROM mail_outbox WHERE recipient = 'Nina.Nieuw@zoersel.example'`); err != nil {
		t.Fatal(err)
	}
	if body != "" {
		t.Errorf("body kept after sending: %q", body)
	}
}

func TestResetMailInTheAccountsLanguage(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv, 0)
	org := env.CreateOrg("OCMW Zoersel")
	id, _ := env.CreateUser(org, "learner", "an@zoersel.example", "Ån Ünïcode")
	env.DB.MustExec(`UPDATE users SET lang = 'en' WHERE id = $1`, id)

	known := env.Client().PostForm("/wachtwoord-vergeten", url.Values{"email": {"an@zoersel.example"}})
	unknown := env.Client().PostForm("/wachtwoord-vergeten", url.Values{"email": {"niemand@zoersel.example"}})
	if known.Status != unknown.Status || known.Flash() != unknown.Flash() || known.URL.Path != unknown.URL.Path {
		t.Errorf("known: %d %s %q; unknown: %d %s %q", known.Status, known.URL.Path, known.Flash(), unknown.Status, unknown.URL.Path, unknown.Flash())
	}
	var jobs int
	if err := env.DB.Get(&jobs, `SELECT count(*) FROM river_job WHERE kind = 'password_reset'`); err != nil {
		t.Fatal(err)
	}
	if jobs != 2 {
		t.Errorf("reset jobs = %d, want 2 (the same work for a known and an unknown address)", jobs)
	}
	m := srv.Wait(1, 10*time.Second)[0]
	if m.To[0] != "an@zoersel.example" || m.Subject != "New password for the N@BIJ learning platform" {
		t.Errorf("mail to %v with subject %q, want the English reset mail to an@zoersel.example", m.To, m.Subject)
	}
	if !strings.Contains(m.Text, "Hello Ån Ünïcode") || m.Header.Get("Content-Language") != "en" {
		t.Errorf("text %q (Content-Language %q), want the UTF-8 name in English", m.Text, m.Header.Get("Content-Language"))
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d mails, want 1 (none for the unknown address)", n)
	}
}

func TestOutageMailWaitsThenArrivesOnce(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	env := newEnv(t, srv, 0)
	c := manager(t, env, "OCMW Zoersel")
	start := time.Now()
	invite(t, env, c, "wacht@zoersel.example")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the invitation took %v with the SMTP server down", d)
	}

	// The first attempt fails; the mail waits for the next one.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var attempts int
		var lastErr *string
		if err := env.DB.QueryRow(`SELECT attempts, error FROM mail_outbox WHERE recipient = 'wacht@zoersel.example'`).Scan(&attempts, &lastErr); err != nil {
			t.Fatal(err)
		}
		if attempts >= 1 && lastErr != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt recorded while the server was down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitStatus(t, env, "wacht@zoersel.example", "queued", time.Second)

	srv.Restart()
	outage := time.Now()
	srv.Wait(1, 30*time.Second)
	t.Logf("delivered %v after the server came back", time.Since(outage).Round(time.Millisecond))
	waitStatus(t, env, "wacht@zoersel.example", "sent", 5*time.Second)
	time.Sleep(time.Second)
	if n := len(srv.To("wacht@zoersel.example")); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
}

func TestRefusedMailIsRetriedThenShownAsFailed(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Refuse(550, "mailbox unavailable")
	env := newEnv(t, srv, 3)
	c := manager(t, env, "OCMW Zoersel")
	invite(t, env, c, "weg@zoersel.example")
	waitStatus(t, env, "weg@zoersel.example", "failed", 40*time.Second)

	var attempts int
	var first, last time.Time
	if err := env.DB.QueryRow(`SELECT m.attempts, j.attempted_at, m.last_attempt_at FROM mail_outbox m
		JOIN river_job j ON (j.args->>'mail_id')::bigint = m.id WHERE m.recipient = 'weg@zoersel.example'`).Scan(&attempts, &first, &last); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 || srv.Attempts() != 3 {
		t.Errorf("attempts recorded %d, reaching the server %d, want 3", attempts, srv.Attempts())
	}

	admin := env.Client()
	_, pw := env.CreateUser(0, "admin", "admin@platform.example", "Ad Min")
	admin.Login("admin@platform.example", pw)
	page := admin.Get("/beheer/mail")
	for _, want := range []string{"weg@zoersel.example", "mislukt", "pogingen: 3", "550", "mailbox unavailable", "Opnieuw proberen", "/uitnodiging/"} {
		if !page.Contains(want) {
			t.Errorf("the mail page lacks %q", want)
		}
	}

	// The server accepts again; the admin retries; it arrives once.
	srv.Accept()
	var id int64
	env.DB.Get(&id, `SELECT id FROM mail_outbox WHERE recipient = 'weg@zoersel.example'`)
	resp := admin.PostForm(fmt.Sprintf("/beheer/mail/%d/opnieuw", id), nil)
	if !strings.Contains(resp.Flash(), "opnieuw in de wachtrij") {
		t.Errorf("retry: %q", resp.Flash())
	}
	srv.Wait(1, 10*time.Second)
	waitStatus(t, env, "weg@zoersel.example", "sent", 5*time.Second)
	page = admin.Get("/beheer/mail")
	if page.Contains("/uitnodiging/") || !page.Contains("Inhoud gewist na verzending") {
		t.Errorf("the sent mail's link is still on the mail page")
	}
	// A second retry of a sent mail does nothing.
	resp = admin.PostForm(fmt.Sprintf("/beheer/mail/%d/opnieuw", id), nil)
	if !strings.Contains(resp.Flash(), "niet (meer) mislukt") {
		t.Errorf("retry of a sent mail: %q", resp.Flash())
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d mails delivered, want 1", n)
	}
}

func TestMailPageOnlyForAdmins(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop() // the mail stays queued, with its live link
	env := newEnv(t, srv, 0)
	c := manager(t, env, "OCMW Zoersel")
	invite(t, env, c, "nina@zoersel.example")
	other := manager(t, env, "OCMW Elders")
	org := env.CreateOrg("OCMW Leerling")
	_, pw := env.CreateUser(org, "learner", "leer@leerling.example", "Leo Leerling")
	learner := env.Client()
	learner.Login("leer@leerling.example", pw)
	for name, cl := range map[string]*apptest.Client{"guest": env.Client(), "learner": learner, "manager": c, "other manager": other} {
		resp := cl.Get("/beheer/mail")
		if resp.Status == http.StatusOK && resp.URL.Path == "/beheer/mail" || resp.Contains("/uitnodiging/") || resp.Contains("nina@zoersel.example") {
			t.Errorf("%s: status %d at %s, showing the mail page", name, resp.Status, resp.URL.Path)
		}
		var id int64
		env.DB.Get(&id, `SELECT id FROM mail_outbox LIMIT 1`)
		if resp := cl.PostForm(fmt.Sprintf("/beheer/mail/%d/opnieuw", id), nil); resp.Status == http.StatusOK && resp.URL.Path == "/beheer/mail" {
			t.Errorf("%s could retry a mail", name)
		}
	}
	admin := env.Client()
	_, apw := env.CreateUser(0, "admin", "admin@platform.example", "Ad Min")
	admin.Login("admin@platform.example", apw)
	page := admin.Get("/beheer/mail")
	if !page.Contains("/uitnodiging/") || !page.Contains("in de wachtrij") {
		t.Errorf("the admin does not see the queued mail with its link: status %d at %s (%q)", page.Status, page.URL.Path, page.Flash())
	}
	if cc := page.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

// Five hundred addresses answer at once: the request only queues.
func TestInvitationOf500AnswersQuickly(t *testing.T) {
	srv := smtptest.Start(t)
	srv.SlowData(50 * time.Millisecond) // a slow server must not slow the request
	env := newEnv(t, srv, 0)
	c := manager(t, env, "OCMW Zoersel")
	addrs := make([]string, 500)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("persoon%03d@zoersel.example", i)
	}
	start := time.Now()
	resp := invite(t, env, c, addrs...)
	took := time.Since(start)
	t.Logf("invitation of 500 answered in %v", took.Round(time.Millisecond))
	if !resp.Contains("500 uitnodigingen klaargezet") {
		t.Fatalf("report: %q", resp.Flash())
	}
	if n := strings.Count(resp.Body, `class="row-ok"`); n != 500 {
		t.Errorf("%d rows reported queued, want 500", n)
	}
	var queued int
	env.DB.Get(&queued, `SELECT count(*) FROM mail_outbox WHERE status IN ('queued', 'sent')`)
	if queued != 500 {
		t.Errorf("%d mails queued, want 500", queued)
	}
}

// Two platform instances on one database: every mail leaves once, and
// both instances do part of the work.
func TestTwoInstancesSendEveryMailOnce(t *testing.T) {
	srv := smtptest.Start(t)
	srv.SlowData(5 * time.Millisecond)
	a := newEnv(t, srv, 0)
	db2, err := database.Open(context.Background(), a.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	b := apptest.NewWithConfig(t, db2, a.DBURL, func(c *config.Config) {
		c.SMTPURL = srv.URL()
		c.MailFrom = config.DefaultMailFrom
		c.JobRetryBase = 100 * time.Millisecond
	})
	ca := manager(t, a, "OCMW Een")
	cb := manager(t, b, "OCMW Twee")
	const n = 150
	var wg sync.WaitGroup
	for i, pair := range []struct {
		env *apptest.Env
		c   *apptest.Client
	}{{a, ca}, {b, cb}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addrs := make([]string, n)
			for j := range addrs {
				addrs[j] = fmt.Sprintf("p%d-%03d@twee.example", i, j)
			}
			invite(t, pair.env, pair.c, addrs...)
		}()
	}
	wg.Wait()
	srv.Wait(2*n, 60*time.Second)
	time.Sleep(time.Second)
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	for rcpt, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d mails, want 1", rcpt, k)
		}
	}
	if len(seen) != 2*n {
		t.Errorf("%d recipients reached, want %d", len(seen), 2*n)
	}
	var workers int
	if err := a.DB.Get(&workers, `SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'mail_send'`); err != nil {
		t.Fatal(err)
	}
	if workers != 2 {
		t.Errorf("mail sent by %d instances, want both", workers)
	}
}

// Two reset requests worked at the same moment make one link: the check
// ("none in the last minute") and the insert are one step.
func TestConcurrentResetRequestsMakeOneLink(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv, 0)
	org := env.CreateOrg("OCMW Zoersel")
	env.CreateUser(org, "learner", "an@zoersel.example", "An Peeters")
	// Past the form's own de-duplication: ten jobs at once, for ten workers.
	for range 10 {
		if _, _, err := env.App.Jobs().Insert(context.Background(), auth.ResetArgs{Email: "an@zoersel.example"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var left int
		env.DB.Get(&left, `SELECT count(*) FROM river_job WHERE kind = 'password_reset' AND state <> 'completed'`)
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reset jobs still open", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var links, mails int
	env.DB.Get(&links, `SELECT count(*) FROM password_resets`)
	env.DB.Get(&mails, `SELECT count(*) FROM mail_outbox`)
	if links != 1 || mails != 1 {
		t.Errorf("%d links and %d mails, want 1 and 1", links, mails)
	}
}

// A server that asks for a password gets it (SMTP_URL's user and
// password); From and Reply-To carry UTF-8 names.
func TestAuthReplyToAndUTF8Sender(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RequireAuth("nabij", "geheim wachtwoord")
	db, u := dbtest.NewWithURL(t)
	env := apptest.NewWithConfig(t, db, u, func(c *config.Config) {
		c.SMTPURL = "smtp://nabij:geheim%20wachtwoord@" + srv.Addr()
		c.MailFrom = `"Sociale dienst Zoërsel" <opleiding@zoersel.example>`
		c.MailReplyTo = `"Dienst Opleiding – Zoërsel" <dienst@zoersel.example>`
	})
	c := manager(t, env, "OCMW Zoersel")
	invite(t, env, c, "nina@zoersel.example")
	m := srv.Wait(1, 10*time.Second)[0]
	from, err := mail.ParseAddress(m.Header.Get("From"))
	if err != nil {
		t.Fatalf("From %q: %v", m.Header.Get("From"), err)
	}
	dec := new(mime.WordDecoder)
	name, _ := dec.DecodeHeader(from.Name)
	if name != "Sociale dienst Zoërsel" || from.Address != "opleiding@zoersel.example" {
		t.Errorf("From = %q <%s>", name, from.Address)
	}
	replyTo, err := mail.ParseAddress(m.Header.Get("Reply-To"))
	if err != nil {
		t.Fatalf("Reply-To %q: %v", m.Header.Get("Reply-To"), err)
	}
	if name, _ := dec.DecodeHeader(replyTo.Name); name != "Dienst Opleiding – Zoërsel" || replyTo.Address != "dienst@zoersel.example" {
		t.Errorf("Reply-To = %q <%s>", name, replyTo.Address)
	}
	if !strings.HasSuffix(m.Header.Get("Message-Id"), "@zoersel.example>") {
		t.Errorf("Message-ID %q is not of the sender's domain", m.Header.Get("Message-Id"))
	}

	// A wrong password: the mail waits, with the server's answer as the error.
	srv.RequireAuth("nabij", "ander wachtwoord")
	invite(t, env, c, "bert@zoersel.example")
	deadline := time.Now().Add(10 * time.Second)
	for {
		var lastErr *string
		env.DB.Get(&lastErr, `SELECT error FROM mail_outbox WHERE recipient = 'bert@zoersel.example'`)
		if lastErr != nil {
			if strings.Contains(*lastErr, "geheim") {
				t.Errorf("the recorded error holds the password: %q", *lastErr)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no error recorded for a refused password")
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitStatus(t, env, "bert@zoersel.example", "queued", time.Second)
}
