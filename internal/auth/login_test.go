package auth_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/config"
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
	env.MustGet(&stored, `SELECT count(*) FROM sessions WHERE token_hash = $1`, auth.HashToken(sessionCookie(t, env, c)))
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
	env.MustGet(&stored, `SELECT count(*) FROM sessions`)
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

// TestSessionTimeouts runs with short timeouts and the caches on, as
// production runs: a session cached by the instance must still end when it
// is idle too long, at its absolute end, and when the person is deactivated.
func TestSessionTimeouts(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, func(c *config.Config) { c.SessionIdle = 4 * time.Second })
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	signedIn := func(c *apptest.Client) bool { return c.Get("/profiel").URL.Path == "/profiel" }

	idle := env.Client()
	idle.Login("an@testdorp.example", pw)
	if !signedIn(idle) {
		t.Fatal("not signed in right after login")
	}
	// In use every 1.5 s, the session outlives its idle timeout...
	for range 3 {
		time.Sleep(1500 * time.Millisecond)
		if !signedIn(idle) {
			t.Fatal("session in use ended before its absolute end")
		}
	}
	// ...and left alone for longer than it, it ends, cached or not.
	time.Sleep(4500 * time.Millisecond)
	if signedIn(idle) {
		t.Error("idle: still signed in after 4.5 s without a request, idle timeout 4 s")
	}

	short := apptest.NewWithConfig(t, db, u, func(c *config.Config) { c.SessionAbsolute = 3 * time.Second })
	absolute := short.Client()
	absolute.Login("an@testdorp.example", pw)
	for range 4 {
		time.Sleep(time.Second)
		signedIn(absolute)
	}
	if signedIn(absolute) {
		t.Error("absolute: still signed in 4 s after login, absolute end 3 s")
	}

	deactivated := env.Client()
	deactivated.Login("an@testdorp.example", pw)
	if !signedIn(deactivated) {
		t.Fatal("not signed in right after login")
	}
	env.DB.MustExec(`UPDATE users SET active = false`)
	env.SyncCaches()
	if signedIn(deactivated) {
		t.Error("deactivated: still signed in")
	}
}
