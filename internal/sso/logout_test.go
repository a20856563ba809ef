package sso_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/sso/ssotest"
)

// "Alleen aanmelden via de organisatie" refuses the password of the
// organisation's people, with a way to their provider, but not that of a
// platform admin or trainer.
func TestSSOOnlyRefusesPasswordLogin(t *testing.T) {
	w := newWorld(t)
	w.env.CreateUser(w.orgA, "learner", "lien@aadorp.be", "Lien Lid")
	w.env.CreateUser(w.orgA, "manager", "baas@aadorp.be", "Bart Baas")
	w.env.CreateUser(0, "trainer", "trainer@aadorp.be", "Tine Trainer")
	w.env.CreateUser(w.orgB, "learner", "bob@bedorp.be", "Bob")

	// Before: passwords work.
	w.env.Client().Login("lien@aadorp.be", apptest.TestPassword)

	w.configure(t, w.orgA, url.Values{"issuer": {w.op.Issuer}, "client_id": {"aadorp"}, "domeinen": {"aadorp.be"}, "alleen_sso": {"1"}})
	for _, email := range []string{"lien@aadorp.be", "baas@aadorp.be"} {
		r := w.env.Client().PostForm("/aanmelden", url.Values{"email": {email}, "wachtwoord": {apptest.TestPassword}})
		if r.Status != http.StatusForbidden || !strings.Contains(html.UnescapeString(r.Body), "alleen toe via haar eigen aanmeldservice") ||
			strings.Contains(r.Body, `action="/afmelden"`) {
			t.Errorf("%s with password under SSO only: status %d, want 403 with the SSO-only message; page says %q", email, r.Status, r.Flash())
		}
		if !strings.Contains(r.Body, `href="/aanmelden/sso?email=`+url.QueryEscape(email)) {
			t.Errorf("%s: the refusal offers no way to the organisation's provider", email)
		}
	}
	// A wrong password still gets the usual answer: the refusal does not
	// tell who has an account.
	r := w.env.Client().PostForm("/aanmelden", url.Values{"email": {"lien@aadorp.be"}, "wachtwoord": {"fout wachtwoord 123"}})
	if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "eigen aanmeldservice") {
		t.Errorf("wrong password under SSO only: status %d, want the usual 422", r.Status)
	}
	// Platform staff and other organisations keep their passwords.
	w.env.Client().Login("trainer@aadorp.be", apptest.TestPassword)
	w.env.Client().Login("bob@bedorp.be", apptest.TestPassword)
	w.env.Client().Login(w.adminAddress, apptest.TestPassword)
	// And the people of the organisation sign in through the provider.
	w.op.AddUser(ssotest.User{Subject: "sub-lien", Email: "lien@aadorp.be", EmailVerified: true, Name: "Lien Lid"})
	signedIn(t, w.flow(t, w.env.Client()).login("lien@aadorp.be", "sub-lien"), "Lien through the provider")
}

// The login page asks for the address first once some organisation has
// SSO; an address without SSO goes on to the password.
func TestLoginAsksForTheAddressFirst(t *testing.T) {
	w := newWorld(t)
	c := w.env.Client()
	r := c.Get("/aanmelden?terug=/modules")
	if !r.Contains(`action="/aanmelden/sso" method="get"`) || r.Contains(`type="password"`) {
		t.Fatalf("login page with SSO configured: want the e-mail step only\n%.600s", r.Body)
	}
	w.env.CreateUser(0, "trainer", "tine@elders.example", "Tine")
	r = c.Get("/aanmelden/sso?email=tine@elders.example&terug=/modules")
	if r.URL.Path != "/aanmelden" || r.URL.Query().Get("email") != "tine@elders.example" || !r.Contains(`type="password"`) ||
		!r.Contains(`value="tine@elders.example"`) || !r.Contains(`name="terug" value="/modules"`) {
		t.Fatalf("address without SSO: at %s, want the password step with the address and the way back", r.URL)
	}
	r = c.PostForm("/aanmelden", url.Values{"email": {"tine@elders.example"}, "wachtwoord": {apptest.TestPassword}, "terug": {"/modules"}})
	if r.URL.Path != "/modules" || !r.Contains(`action="/afmelden"`) {
		t.Errorf("password step: at %s, want signed in at /modules; page says %q", r.URL.Path, r.Flash())
	}
	// The way back survives the provider too.
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})
	f := w.flow(t, w.env.Client())
	f.c.Get("/aanmelden?terug=/modules")
	req := f.c.Get("/aanmelden/sso?terug=/modules&email=" + url.QueryEscape("an@aadorp.be"))
	link := html.UnescapeString(continueRe.FindStringSubmatch(req.Body)[1])
	r = f.back(f.signIn(f.get(link), "sub-an"))
	if r.URL.Path != "/modules" || !r.Contains(`action="/afmelden"`) {
		t.Errorf("SSO login with terug=/modules: at %s, want signed in at /modules", r.URL.Path)
	}
}

var endSessionRe = regexp.MustCompile(`id="sso-logout" href="([^"]+)"`)

// Logout ends the platform's session and offers the provider's logout,
// which the provider accepts and returns from.
func TestLogoutOffersTheProvidersLogout(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})
	c := w.env.Client()
	signedIn(t, w.flow(t, c).login("an@aadorp.be", "sub-an"), "An")
	r := c.PostForm("/afmelden", nil)
	m := endSessionRe.FindStringSubmatch(r.Body)
	if r.URL.Path != "/afgemeld" || m == nil || r.Contains(`action="/afmelden"`) {
		t.Fatalf("logout after SSO: at %s, want /afgemeld, signed out, with a link to the provider's logout; page says %q", r.URL.Path, r.Flash())
	}
	end := html.UnescapeString(m[1])
	u, _ := url.Parse(end)
	if !strings.HasPrefix(end, w.op.Issuer+"/end_session?") || u.Query().Get("id_token_hint") == "" ||
		u.Query().Get("post_logout_redirect_uri") != w.env.URL("/") {
		t.Errorf("logout link %q: want the provider's end_session_endpoint with id_token_hint and the way back", end)
	}
	req, _ := http.NewRequest(http.MethodGet, end, nil)
	back := c.Do(req)
	if w.op.EndedSessions() != 1 || back.URL.String() != w.env.URL("/") {
		t.Errorf("provider logout: ended %d sessions, back at %s; want 1 and the platform's home", w.op.EndedSessions(), back.URL)
	}
	if r := c.Get("/profiel"); r.URL.Path != "/aanmelden" {
		t.Errorf("after logout /profiel is at %s, want the login page", r.URL.Path)
	}
	// The offer is made once: the page again goes home.
	if r := c.Get("/afgemeld"); r.URL.Path != "/" {
		t.Errorf("/afgemeld a second time: at %s, want /", r.URL.Path)
	}
	// A password login's logout goes home as before.
	p := w.env.Client()
	p.Login(w.adminAddress, apptest.TestPassword)
	if r := p.PostForm("/afmelden", nil); r.URL.Path != "/" {
		t.Errorf("logout after a password login: at %s, want /", r.URL.Path)
	}
}

// Someone who only ever signed in through their organisation has no
// password: the privacy page lets them export the link and delete their
// account by confirming their address, which also removes the link.
func TestSSOAccountExportsAndDeletesItself(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})
	c := w.env.Client()
	signedIn(t, w.flow(t, c).login("an@aadorp.be", "sub-an"), "An")
	if r := c.Get("/profiel/gegevens.json"); r.Status != http.StatusOK || !r.Contains(`"subject": "sub-an"`) {
		t.Errorf("export: status %d, want the SSO link (subject sub-an) in it:\n%.300s", r.Status, r.Body)
	}
	if r := c.Get("/profiel/privacy"); !r.Contains(`id="delete-email"`) || r.Contains(`id="delete-wachtwoord"`) {
		t.Errorf("privacy page of an SSO account: want the address field, not the password field")
	}
	if r := c.PostForm("/profiel/verwijderen", url.Values{"email": {"iemand@aadorp.be"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("delete with another address: status %d, want 422", r.Status)
	}
	r := c.PostForm("/profiel/verwijderen", url.Values{"email": {"An@Aadorp.be"}})
	if r.Status != http.StatusOK || r.Contains(`action="/afmelden"`) {
		t.Fatalf("delete: status %d, still signed in? (%q)", r.Status, r.Flash())
	}
	if n := len(w.accountsOf(t, "an@aadorp.be")); n != 0 {
		t.Errorf("accounts after deletion = %d, want 0", n)
	}
	if n := dbtestCount(t, w, `SELECT count(*) FROM sso_identities`); n != 0 {
		t.Errorf("SSO links after deletion = %d, want 0", n)
	}
}

// Starting logins without end from one address is stopped (each start
// stores a login in progress) with the Dutch 429 page.
func TestTooManyStarts(t *testing.T) {
	w := newWorld(t)
	c := w.env.Client()
	c.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var refused *apptest.Response
	allowed := 0
	for range 450 { // the bucket refills at 5 a second meanwhile
		r := c.Get("/aanmelden/sso?email=an@aadorp.be")
		if r.Status != http.StatusOK {
			refused = r
			break
		}
		allowed++
	}
	if refused == nil || refused.Status != http.StatusTooManyRequests || refused.Header.Get("Retry-After") == "" || !refused.Contains("Even geduld") {
		t.Fatalf("after %d starts: no 429 with Retry-After and the Dutch page", allowed)
	}
	if allowed < 300 {
		t.Errorf("refused after %d starts, want at least 300", allowed)
	}
	if n := dbtestCount(t, w, `SELECT count(*) FROM sso_logins`); n != allowed {
		t.Errorf("logins in progress = %d, want %d (the refused start stored none)", n, allowed)
	}
}
