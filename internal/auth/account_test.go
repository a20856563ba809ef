package auth_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/auth"
)

func TestSessionFixationImpossible(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	// An attacker plants a token of their choosing before login.
	u, _ := url.Parse(env.URL("/"))
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: auth.CookieName(false), Value: "planted-token-by-attacker", Path: "/"}})
	c.Login("an@testdorp.example", pw)
	first := sessionCookie(t, env, c)
	if first == "" || first == "planted-token-by-attacker" {
		t.Fatalf("session token after login = %q, want a new token", first)
	}
	// Logging in again gives yet another token and ends the old session.
	c.Login("an@testdorp.example", pw)
	second := sessionCookie(t, env, c)
	if second == first {
		t.Errorf("token unchanged at second login")
	}
	var n int
	env.MustGet(&n, `SELECT count(*) FROM sessions WHERE token_hash = $1`, auth.HashToken(first))
	if n != 0 {
		t.Errorf("old session still stored after a new login")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	c.Login("an@testdorp.example", pw)
	for _, path := range []string{"/aanmelden", "/afmelden", "/profiel", "/profiel/wachtwoord", "/profiel/verwijderen", "/organisatie/uitnodigen", "/beheer/organisaties"} {
		req, _ := http.NewRequest(http.MethodPost, env.URL(path), strings.NewReader("naam=x&wachtwoord="+pw))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if resp := c.Do(req); resp.Status != http.StatusForbidden {
			t.Errorf("cross-origin POST %s: status %d, want 403", path, resp.Status)
		}
	}
	var deleted int
	env.MustGet(&deleted, `SELECT count(*) FROM users WHERE deleted_at IS NOT NULL OR full_name <> 'An Peeters'`)
	if deleted != 0 {
		t.Errorf("a cross-origin POST changed the account")
	}
}

var linkRe = regexp.MustCompile(`/wachtwoord-herstellen/[A-Za-z0-9_-]+`)

// resetLink waits for the reset mail to email (a job writes it, right
// after the request) and returns its link.
func resetLink(t *testing.T, env *apptest.Env, email string) string {
	t.Helper()
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		err := env.DB.Get(&body, `SELECT body FROM mail_outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1`, email)
		if err == nil && linkRe.MatchString(body) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s in the outbox after 10 s: %v", email, err)
		}
	}
	link := linkRe.FindString(body)
	if link == "" {
		t.Fatalf("no reset link in mail: %q", body)
	}
	return link
}

func TestPasswordResetSingleUseAndExpires(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	other := env.Client()
	other.Login("an@testdorp.example", pw)

	c := env.Client()
	resp := c.PostForm("/wachtwoord-vergeten", url.Values{"email": {"an@testdorp.example"}})
	unknown := env.Client().PostForm("/wachtwoord-vergeten", url.Values{"email": {"niemand@testdorp.example"}})
	if resp.Flash() != unknown.Flash() || resp.Status != unknown.Status {
		t.Errorf("reset answer for known %q and unknown %q address differ", resp.Flash(), unknown.Flash())
	}
	link := resetLink(t, env, "an@testdorp.example")
	if resp := c.Get(link); resp.Status != http.StatusOK {
		t.Fatalf("GET reset link: status %d", resp.Status)
	}
	if resp := c.PostForm(link, url.Values{"nieuw": {"kort"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("short new password: status %d, want 422", resp.Status)
	}
	resp = c.PostForm(link, url.Values{"nieuw": {"een nieuw lang wachtwoord"}})
	if resp.Status != http.StatusOK || resp.URL.Path != "/aanmelden" {
		t.Fatalf("reset: status %d at %s (%q)", resp.Status, resp.URL.Path, resp.Flash())
	}
	// Single use.
	if resp := c.PostForm(link, url.Values{"nieuw": {"nog een ander wachtwoord"}}); resp.Status != http.StatusNotFound {
		t.Errorf("second use of the link: status %d, want 404", resp.Status)
	}
	// Every session ended; the new password works, the old not.
	if resp := other.Get("/profiel"); resp.URL.Path != "/aanmelden" {
		t.Errorf("other session still alive after reset (at %s)", resp.URL.Path)
	}
	if resp := c.PostForm("/aanmelden", url.Values{"email": {"an@testdorp.example"}, "wachtwoord": {pw}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("old password after reset: status %d, want 422", resp.Status)
	}
	c.Login("an@testdorp.example", "een nieuw lang wachtwoord")

	// Expiry.
	env.DB.MustExec(`DELETE FROM password_resets`)
	env.Client().PostForm("/wachtwoord-vergeten", url.Values{"email": {"an@testdorp.example"}})
	link = resetLink(t, env, "an@testdorp.example")
	env.DB.MustExec(`UPDATE password_resets SET expires_at = now() - interval '1 second'`)
	if resp := env.Client().Get(link); resp.Status != http.StatusNotFound {
		t.Errorf("expired link: status %d, want 404", resp.Status)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	a, b := env.Client(), env.Client()
	a.Login("an@testdorp.example", pw)
	b.Login("an@testdorp.example", pw)
	if resp := a.PostForm("/profiel/wachtwoord", url.Values{"huidig": {"fout"}, "nieuw": {"nieuw wachtwoord hier"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password: status %d, want 422", resp.Status)
	}
	if resp := a.PostForm("/profiel/wachtwoord", url.Values{"huidig": {pw}, "nieuw": {"wachtwoord"}}); resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Flash(), "bekend") {
		t.Errorf("common password: status %d %q, want 422 saying it is too well known", resp.Status, resp.Flash())
	}
	resp := a.PostForm("/profiel/wachtwoord", url.Values{"huidig": {pw}, "nieuw": {"nieuw wachtwoord hier"}})
	if resp.Status != http.StatusOK || resp.URL.Path != "/profiel" {
		t.Fatalf("change password: status %d at %s (%q)", resp.Status, resp.URL.Path, resp.Flash())
	}
	if resp := a.Get("/profiel"); resp.URL.Path != "/profiel" {
		t.Errorf("the changing session was ended too")
	}
	if resp := b.Get("/profiel"); resp.URL.Path != "/aanmelden" {
		t.Errorf("other session survived the password change")
	}
}

func TestProfileNameAndLanguage(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	c.Login("an@testdorp.example", pw)
	resp := c.PostForm("/profiel", url.Values{"naam": {"Anaïs  Peeters-Dubois"}, "taal": {"en"}})
	if resp.Status != http.StatusOK || !strings.Contains(resp.Flash(), "saved") {
		t.Fatalf("save profile: status %d %q, want the English confirmation", resp.Status, resp.Flash())
	}
	var name, lang string
	if err := env.DB.QueryRow(`SELECT full_name, lang FROM users WHERE email = 'an@testdorp.example'`).Scan(&name, &lang); err != nil {
		t.Fatal(err)
	}
	if name != "Anaïs Peeters-Dubois" || lang != "en" {
		t.Errorf("stored name %q lang %q, want %q en", name, lang, "Anaïs Peeters-Dubois")
	}
	// The certificate renderer cannot print emoji: the page lists them.
	resp = c.PostForm("/profiel", url.Values{"naam": {"An 🙂 Peeters"}, "taal": {"nl"}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Flash(), "🙂") {
		t.Errorf("unprintable name: status %d %q, want 422 listing the emoji", resp.Status, resp.Flash())
	}
	if resp := c.PostForm("/profiel", url.Values{"naam": {"  "}, "taal": {"nl"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("empty name: status %d, want 422", resp.Status)
	}
}

func TestNamesAndEmailsRenderInert(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg(`OCMW <script>alert(1)</script>`)
	const evilName = `<img src=x onerror=alert(1)>"'`
	_, pw := env.CreateUser(org, "manager", `"<svg/onload=alert(2)>"@testdorp.example`, evilName)
	c := env.Client()
	c.Login(`"<svg/onload=alert(2)>"@testdorp.example`, pw)
	for _, path := range []string{"/profiel", "/organisatie", "/"} {
		resp := c.Get(path)
		for _, raw := range []string{"<script>alert(1)", "<img src=x", "<svg/onload"} {
			if strings.Contains(resp.Body, raw) {
				t.Errorf("%s contains unescaped %q", path, raw)
			}
		}
	}
	if resp := c.Get("/profiel"); !strings.Contains(resp.Body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("profile does not show the name escaped")
	}
}

func TestPrivacyExportAndDelete(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	team := env.CreateTeam(org, "Sociale dienst")
	id, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	env.AddToTeam(team, id)
	var moduleID int64
	env.MustGet(&moduleID, `SELECT id FROM modules ORDER BY position LIMIT 1`)
	env.DB.MustExec(`INSERT INTO module_progress (user_id, module_id, lessons_done, completed_at) VALUES ($1, $2, 3, now())`, id, moduleID)
	env.DB.MustExec(`INSERT INTO certificates (code, user_id, module_id, name, organisation, organisation_id, title, minutes, completed_at)
		VALUES ('TESTCODE1', $1, $2, 'An Peeters', 'OCMW Testdorp', $3, 'Module 1', 60, now())`, id, moduleID, org)
	c := env.Client()
	c.Login("an@testdorp.example", pw)

	resp := c.Get("/profiel/gegevens.json")
	if resp.Status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("export: status %d type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(resp.Body), &doc); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	for _, key := range []string{"account", "teams", "module_progress", "quiz_attempts", "certificates", "sessions"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("export lacks %q", key)
		}
	}
	for _, want := range []string{"an@testdorp.example", "Sociale dienst", "TESTCODE1"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("export lacks %q", want)
		}
	}

	if resp := c.PostForm("/profiel/verwijderen", url.Values{"wachtwoord": {"fout"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("delete with wrong password: status %d, want 422", resp.Status)
	}
	resp = c.PostForm("/profiel/verwijderen", url.Values{"wachtwoord": {pw}})
	if resp.Status != http.StatusOK || resp.Contains(`action="/afmelden"`) {
		t.Fatalf("delete: status %d, still signed in? (%q)", resp.Status, resp.Flash())
	}
	var name, email string
	var hash *string
	if err := env.DB.QueryRow(`SELECT full_name, email, password_hash FROM users WHERE id = $1`, id).Scan(&name, &email, &hash); err != nil {
		t.Fatal(err)
	}
	if name != "Verwijderde gebruiker" || strings.Contains(email, "testdorp") || hash != nil {
		t.Errorf("after delete: name %q email %q hash %v, want anonymised", name, email, hash)
	}
	var progress, certs, members int
	env.MustGet(&progress, `SELECT count(*) FROM module_progress WHERE user_id = $1 AND completed_at IS NOT NULL`, id)
	env.MustGet(&certs, `SELECT count(*) FROM certificates WHERE user_id = $1`, id)
	env.MustGet(&members, `SELECT count(*) FROM team_members WHERE user_id = $1`, id)
	if progress != 1 || certs != 0 || members != 0 {
		t.Errorf("after delete: completions %d certificates %d team memberships %d, want 1 0 0", progress, certs, members)
	}
	if resp := env.Client().PostForm("/aanmelden", url.Values{"email": {"an@testdorp.example"}, "wachtwoord": {pw}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("login after delete: status %d, want 422", resp.Status)
	}
	// The address is free again for a new invitation.
	env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
}
