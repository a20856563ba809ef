package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// lockedBuffer is a log sink that the server's goroutines may write to
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogHoldsNoSecrets runs a whole journey through the real router in
// outbox mode with the log captured at debug level: a manager invites a
// person, who accepts with a password, forgets it, resets it through the
// mailed link and signs in with the new one; along the way the person
// searches and follows links with query strings. The log must hold none of
// the tokens that were issued, no password, no mailed link or body and no
// query string, while it does record each request by its route pattern and
// request id.
func TestLogHoldsNoSecrets(t *testing.T) {
	var log lockedBuffer
	env := apptest.NewLogged(t, &log)
	orgID := env.CreateOrg("OCMW Logdorp")
	team := env.CreateTeam(orgID, "Onthaal")
	env.CreateUser(orgID, "manager", "manager@logdorp.example", "Mira Manager")

	manager := env.Client()
	manager.Login("manager@logdorp.example", apptest.TestPassword)
	r := manager.PostForm("/organisatie/uitnodigen", url.Values{"adressen": {"nieuw@logdorp.example"}, "team": {itoa(team)}})
	if r.Status != http.StatusOK {
		t.Fatalf("invite: status %d; page says %q", r.Status, r.Flash())
	}
	mails := func(n int) []string {
		t.Helper()
		return env.OutboxBodies(n, "nieuw@logdorp.example")
	}
	bodies := mails(1)
	if len(bodies) != 1 {
		t.Fatalf("mails to the invited person: %d, want 1", len(bodies))
	}
	invite := linkRe.FindString(bodies[0])
	if invite == "" {
		t.Fatalf("no invitation link in %q", bodies[0])
	}

	const firstPassword = "eerste-geheim-Wachtwoord-7391"
	const secondPassword = "tweede-geheim-Wachtwoord-2846"
	const wrongPassword = "fout-geheim-Wachtwoord-5512"
	const searchTerm = "persoonlijkzoekwoord"
	person := env.Client()
	if r := person.Get(invite + "?bron=mail-persoonlijkebron"); r.Status != http.StatusOK {
		t.Fatalf("invitation page: status %d; page says %q", r.Status, r.Flash())
	}
	if r := person.PostForm(invite, url.Values{"naam": {"Nina Nieuw"}, "wachtwoord": {"kort"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("accept with a short password: status %d, want 422", r.Status)
	}
	if r := person.PostForm(invite, url.Values{"naam": {"Nina Nieuw"}, "wachtwoord": {firstPassword}}); r.URL.Path != "/mijn-leertraject" {
		t.Fatalf("accept: at %s, status %d; page says %q", r.URL.Path, r.Status, r.Flash())
	}
	person.Get("/zoeken?q=" + searchTerm)
	person.Logout()
	if r := person.PostForm("/aanmelden", url.Values{"email": {"nieuw@logdorp.example"}, "wachtwoord": {wrongPassword}}); r.Status != http.StatusUnauthorized && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("login with a wrong password: status %d", r.Status)
	}
	person.Login("nieuw@logdorp.example", firstPassword)
	person.Logout()

	if r := person.PostForm("/wachtwoord-vergeten", url.Values{"email": {"nieuw@logdorp.example"}}); r.Status != http.StatusOK {
		t.Fatalf("forgot password: status %d; page says %q", r.Status, r.Flash())
	}
	bodies = mails(2)
	if len(bodies) != 2 {
		t.Fatalf("mails to the person: %d, want the invitation and a reset link", len(bodies))
	}
	reset := linkRe.FindString(bodies[1])
	if !strings.HasPrefix(reset, "/wachtwoord-herstellen/") {
		t.Fatalf("no reset link in %q", bodies[1])
	}
	if r := person.Get(reset); r.Status != http.StatusOK {
		t.Fatalf("reset page: status %d; page says %q", r.Status, r.Flash())
	}
	// A mistyped link that matches no route.
	person.Get(reset + "/extra")
	if r := person.PostForm(reset, url.Values{"nieuw": {secondPassword}}); r.URL.Path != "/aanmelden" {
		t.Fatalf("reset: at %s, status %d; page says %q", r.URL.Path, r.Status, r.Flash())
	}
	person.Get("/aanmelden?terug=" + url.QueryEscape("/zoeken?q="+searchTerm))
	person.Login("nieuw@logdorp.example", secondPassword)
	if r := person.Get(reset); r.Status != http.StatusNotFound {
		t.Errorf("used reset link: status %d, want 404", r.Status)
	}

	env.Server.Close() // waits for the requests, so every line is written
	got := log.String()

	secrets := map[string]string{
		"invitation token": strings.TrimPrefix(invite, "/uitnodiging/"),
		"reset token":      strings.TrimPrefix(reset, "/wachtwoord-herstellen/"),
		"first password":   firstPassword,
		"second password":  secondPassword,
		"wrong password":   wrongPassword,
		"search term":      searchTerm,
		"query string":     "persoonlijkebron",
		"invitation link":  env.URL(invite),
		"reset link":       env.URL(reset),
	}
	for i, b := range bodies {
		// The body as the JSON log would write it, and each of its
		// paragraphs on its own.
		enc, _ := json.Marshal(b)
		secrets["mail body "+itoa(int64(i))] = strings.Trim(string(enc), `"`)
		for j, par := range strings.Split(b, "\n\n") {
			if len(par) >= 20 {
				secrets["mail paragraph "+itoa(int64(i))+"."+itoa(int64(j))] = strings.TrimSpace(par)
			}
		}
	}
	for what, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("%s %q is too short to look for", what, s)
		}
		if strings.Contains(got, s) {
			t.Errorf("the log holds the %s %q", what, s)
		}
	}

	// The log is not simply empty: each request is there by its route
	// pattern and request id.
	var requests, tokenRoutes int
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] != "request" {
			continue
		}
		requests++
		if id, _ := rec["request_id"].(string); len(id) < 8 {
			t.Errorf("request line without a request id: %q", line)
		}
		if _, ok := rec["path"]; ok {
			t.Errorf("request line with the raw path: %q", line)
		}
		switch rec["route"] {
		case "/uitnodiging/:token", "/wachtwoord-herstellen/:token":
			tokenRoutes++
		}
	}
	if requests < 15 || tokenRoutes < 6 {
		t.Errorf("log has %d request lines, %d on token routes; want the whole journey (≥15, ≥6):\n%s", requests, tokenRoutes, got)
	}
}
