package auth_test

import (
	"net/http"
	"net/url"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/auth"
)

func sessionCookie(t *testing.T, env *apptest.Env, c *apptest.Client) string {
	t.Helper()
	u, _ := url.Parse(env.URL("/"))
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == auth.CookieName(false) {
			return ck.Value
		}
	}
	return ""
}

func TestLoginLogout(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()

	resp := c.Get("/aanmelden")
	if resp.Status != http.StatusOK || !resp.Contains(`name="wachtwoord"`) {
		t.Fatalf("GET /aanmelden: status %d, want 200 with the form", resp.Status)
	}
	c.Login("AN@testdorp.example", pw)
	if tok := sessionCookie(t, env, c); tok == "" {
		t.Fatal("no session cookie after login")
	}
	var stored int
	env.DB.Get(&stored, `SELECT count(*) FROM sessions WHERE token_hash = $1`, auth.HashToken(sessionCookie(t, env, c)))
	if stored != 1 {
		t.Errorf("sessions with the cookie's hash = %d, want 1", stored)
	}
	resp = c.Get("/")
	if !resp.Contains("An Peeters") && !resp.Contains(`action="/afmelden"`) {
		t.Errorf("home page after login does not show the signed-in menu")
	}

	c.Logout()
	resp = c.Get("/")
	if resp.Contains(`action="/afmelden"`) {
		t.Errorf("still signed in after logout")
	}
	env.DB.Get(&stored, `SELECT count(*) FROM sessions`)
	if stored != 0 {
		t.Errorf("sessions after logout = %d, want 0", stored)
	}
}

func TestLoginSameAnswerForUnknownAndWrong(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	wrong := c.PostForm("/aanmelden", url.Values{"email": {"an@testdorp.example"}, "wachtwoord": {"verkeerd wachtwoord"}})
	unknown := c.PostForm("/aanmelden", url.Values{"email": {"niemand@testdorp.example"}, "wachtwoord": {"verkeerd wachtwoord"}})
	if wrong.Status != http.StatusUnprocessableEntity || unknown.Status != wrong.Status {
		t.Errorf("status wrong password %d, unknown e-mail %d, want both 422", wrong.Status, unknown.Status)
	}
	if wrong.Flash() == "" || wrong.Flash() != unknown.Flash() {
		t.Errorf("message wrong password %q, unknown e-mail %q, want the same non-empty message", wrong.Flash(), unknown.Flash())
	}
}

func TestRequireUserRedirectsGuest(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	c.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp := c.Get("/profiel?x=1")
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/aanmelden?terug=%2Fprofiel%3Fx%3D1" {
		t.Errorf("guest on /profiel: status %d location %q, want 303 to /aanmelden?terug=…", resp.Status, resp.Header.Get("Location"))
	}
}

func TestSessionTimeouts(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	for _, tc := range []struct{ name, sql string }{
		{"idle", `UPDATE sessions SET last_seen_at = now() - interval '2 hours 1 minute'`},
		{"absolute", `UPDATE sessions SET expires_at = now() - interval '1 second'`},
		{"deactivated", `UPDATE users SET active = false`},
	} {
		c := env.Client()
		c.Login("an@testdorp.example", pw)
		env.DB.MustExec(tc.sql)
		if resp := c.Get("/profiel"); resp.URL.Path != "/aanmelden" {
			t.Errorf("%s: still signed in (at %s), want the login page", tc.name, resp.URL.Path)
		}
		env.DB.MustExec(`UPDATE users SET active = true`)
	}
}
