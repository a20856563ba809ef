package sso_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/sso/ssotest"
)

// The first SSO login creates the account in the provider's organisation,
// in the team of the claim, as manager by the group claim; the second finds
// it again; the role follows the claim at every login.
func TestFirstLoginCreatesTheAccountAndLaterLoginsFindIt(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{
		Subject: "sub-an", Email: "an.peeters@aadorp.be", EmailVerified: true, Name: "An Peeters",
		Claims: map[string]any{"groups": []string{"iedereen", managerGroup}, "afdeling": "sociale dienst"},
	})
	r := w.flow(t, w.env.Client()).login("an.peeters@aadorp.be", "sub-an")
	signedIn(t, r, "An")
	if !strings.Contains(html.UnescapeString(r.Body), "Je bent aangemeld via Gemeente Aadorp") {
		t.Errorf("no welcome naming the organisation; page says %q", r.Flash())
	}
	as := w.accountsOf(t, "an.peeters@aadorp.be")
	if len(as) != 1 {
		t.Fatalf("accounts = %+v, want one", as)
	}
	a := as[0]
	if a.OrgID == nil || *a.OrgID != w.orgA || a.Role != "manager" || a.Name != "An Peeters" || a.Teams != "Sociale dienst" {
		t.Errorf("account = org %v role %s name %q teams %q, want Aadorp (%d), manager, An Peeters, Sociale dienst",
			a.OrgID, a.Role, a.Name, a.Teams, w.orgA)
	}
	// A manager's page of her own organisation opens.
	c := w.env.Client()
	signedIn(t, w.flow(t, c).login("an.peeters@aadorp.be", "sub-an"), "An again")
	r = c.Get("/organisatie")
	if r.Status != http.StatusOK || !r.Contains("Gemeente Aadorp") {
		t.Errorf("/organisatie after SSO login as manager: status %d, want 200 with the organisation", r.Status)
	}
	// She has no password, but she is no pending invitation either.
	if !regexp.MustCompile(`<td>an\.peeters@aadorp\.be</td>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>actief</td>`).MatchString(r.Body) {
		t.Errorf("the organisation's people list does not show An as active")
	}
	if n := len(w.accountsOf(t, "an.peeters@aadorp.be")); n != 1 {
		t.Errorf("after a second login: %d accounts, want 1", n)
	}
	if n := dbtest.Count(t, w.env.DB, `SELECT count(*) FROM sso_identities`); n != 1 {
		t.Errorf("identities = %d, want 1", n)
	}
	// Out of the managers' group: a learner at the next login.
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an.peeters@aadorp.be", EmailVerified: true, Name: "An Peeters",
		Claims: map[string]any{"groups": []string{"iedereen"}}})
	signedIn(t, w.flow(t, w.env.Client()).login("an.peeters@aadorp.be", "sub-an"), "An as learner")
	if got := w.accountsOf(t, "an.peeters@aadorp.be")[0].Role; got != "learner" {
		t.Errorf("role after leaving the group = %s, want learner", got)
	}
	// The admin page shows the organisation's last SSO login.
	page := w.admin.Get(orgPath(w.orgA))
	if !regexp.MustCompile(`id="sso-last-login">\d{1,2} [a-z]+ \d{4}, \d\d:\d\d<`).MatchString(page.Body) {
		t.Errorf("admin page shows no last SSO login:\n%.400s", page.Body[strings.Index(page.Body, "<main"):])
	}
	if !strings.Contains(w.admin.Get(orgPath(w.orgB)).Body, `id="sso-last-login">nog geen<`) {
		t.Errorf("Bedorp, without logins, does not say 'nog geen'")
	}
}

// A person invited by their manager already has an account without a
// password: the SSO login links to it instead of making a second one.
func TestInvitedPersonIsLinked(t *testing.T) {
	w := newWorld(t)
	_, pw := w.env.CreateUser(w.orgA, "manager", "baas@aadorp.be", "Bart Baas")
	m := w.env.Client()
	m.Login("baas@aadorp.be", pw)
	r := m.PostForm("/organisatie/uitnodigen", url.Values{"adressen": {"nina@aadorp.be"}, "team": {itoa(w.teamA)}})
	if r.Status != http.StatusOK {
		t.Fatalf("invite: status %d; page says %q", r.Status, r.Flash())
	}
	invited := w.accountsOf(t, "nina@aadorp.be")
	if len(invited) != 1 {
		t.Fatalf("after the invitation: accounts %+v, want one", invited)
	}
	w.op.AddUser(ssotest.User{Subject: "sub-nina", Email: "Nina@Aadorp.be", EmailVerified: true, Name: "Nina Nieuw"})
	signedIn(t, w.flow(t, w.env.Client()).login("nina@aadorp.be", "sub-nina"), "Nina")
	after := w.accountsOf(t, "nina@aadorp.be")
	if len(after) != 1 || after[0].ID != invited[0].ID || after[0].Teams != "Sociale dienst" {
		t.Errorf("after SSO login: accounts %+v, want the invited account %d, still in Sociale dienst", after, invited[0].ID)
	}
}

// Each way an ID token or a login can be wrong is refused with its own
// clear message, and signs nobody in.
func TestRefusedLogins(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})
	w.op.AddUser(ssotest.User{Subject: "sub-onbevestigd", Email: "onbevestigd@aadorp.be", EmailVerified: false, Name: "Ono"})
	w.op.AddUser(ssotest.User{Subject: "sub-elders", Email: "iemand@elders.be", EmailVerified: true, Name: "Els"})
	w.op.AddUser(ssotest.User{Subject: "sub-bedorp", Email: "bob@bedorp.be", EmailVerified: true, Name: "Bob"})

	tampered := func(name string, tamper ssotest.Tamper, status int, want string) {
		t.Run(name, func(t *testing.T) {
			w.op.SetTamper(tamper)
			defer w.op.SetTamper(ssotest.Tamper{})
			refused(t, w.flow(t, w.env.Client()).login("an@aadorp.be", "sub-an"), status, want)
		})
	}
	tampered("wrong issuer", ssotest.Tamper{Issuer: "http://127.0.0.1:9/nep"}, http.StatusUnauthorized,
		"kwam niet van de aanmeldservice van Gemeente Aadorp")
	tampered("wrong audience", ssotest.Tamper{Audience: []string{"een-andere-toepassing"}}, http.StatusUnauthorized,
		"niet voor dit leerplatform bestemd")
	tampered("expired ID token", ssotest.Tamper{Lifetime: -10 * time.Minute}, http.StatusUnauthorized,
		"was al verlopen")
	tampered("wrong nonce", ssotest.Tamper{Nonce: "een-verzonnen-nonce"}, http.StatusUnauthorized,
		"hoorde niet bij deze aanmeldpoging")

	t.Run("replayed nonce", func(t *testing.T) {
		signedIn(t, w.flow(t, w.env.Client()).login("an@aadorp.be", "sub-an"), "An")
		nonces := w.op.Nonces()
		w.op.SetTamper(ssotest.Tamper{Nonce: nonces[len(nonces)-1]}) // the provider hands out the last login's token again
		defer w.op.SetTamper(ssotest.Tamper{})
		refused(t, w.flow(t, w.env.Client()).login("an@aadorp.be", "sub-an"), http.StatusUnauthorized, "hoorde niet bij deze aanmeldpoging")
	})
	t.Run("replayed state", func(t *testing.T) {
		c := w.env.Client()
		f := w.flow(t, c)
		callback := f.signIn(f.toProvider("an@aadorp.be"), "sub-an")
		signedIn(t, f.back(callback), "An")
		c.Logout()
		refused(t, f.back(callback), http.StatusBadRequest, "verlopen, al gebruikt of in een andere browser")
	})
	t.Run("wrong state", func(t *testing.T) {
		c := w.env.Client()
		f := w.flow(t, c)
		callback := f.signIn(f.toProvider("an@aadorp.be"), "sub-an")
		u, _ := url.Parse(callback)
		q := u.Query()
		q.Set("state", "verzonnen-state")
		u.RawQuery = q.Encode()
		refused(t, f.back(u.String()), http.StatusBadRequest, "verlopen, al gebruikt of in een andere browser")
		refused(t, c.Get("/aanmelden/sso/terug?code=x"), http.StatusBadRequest, "verlopen, al gebruikt")
	})
	t.Run("state of another browser", func(t *testing.T) {
		// Login CSRF: an attacker's callback, opened in the victim's browser.
		f := w.flow(t, w.env.Client())
		callback := f.signIn(f.toProvider("an@aadorp.be"), "sub-an")
		victim := w.flow(t, w.env.Client())
		refused(t, victim.back(callback), http.StatusBadRequest, "in een andere browser gestart")
	})
	t.Run("email not verified", func(t *testing.T) {
		refused(t, w.flow(t, w.env.Client()).login("onbevestigd@aadorp.be", "sub-onbevestigd"), http.StatusForbidden,
			"niet bevestigd bij de aanmeldservice van Gemeente Aadorp")
		if n := len(w.accountsOf(t, "onbevestigd@aadorp.be")); n != 0 {
			t.Errorf("an unverified address got %d accounts, want 0", n)
		}
	})
	t.Run("address outside the domains", func(t *testing.T) {
		// Started with an Aadorp address, signed in at the provider as someone else.
		refused(t, w.flow(t, w.env.Client()).login("an@aadorp.be", "sub-elders"), http.StatusForbidden,
			"hoort niet bij de domeinen van Gemeente Aadorp")
		if n := len(w.accountsOf(t, "iemand@elders.be")); n != 0 {
			t.Errorf("an address outside the domains got %d accounts, want 0", n)
		}
	})
	t.Run("organisation A's provider to enter organisation B", func(t *testing.T) {
		// Bob of Bedorp signs in at the provider during Aadorp's login.
		refused(t, w.flow(t, w.env.Client()).login("an@aadorp.be", "sub-bedorp"), http.StatusForbidden,
			"hoort niet bij de domeinen van Gemeente Aadorp")
		// An account of Bedorp with an Aadorp address is never linked through Aadorp.
		w.env.CreateUser(w.orgB, "learner", "overgestapt@aadorp.be", "Olaf Overgestapt")
		w.op.AddUser(ssotest.User{Subject: "sub-olaf", Email: "overgestapt@aadorp.be", EmailVerified: true, Name: "Olaf"})
		refused(t, w.flow(t, w.env.Client()).login("overgestapt@aadorp.be", "sub-olaf"), http.StatusForbidden,
			"buiten Gemeente Aadorp")
		as := w.accountsOf(t, "overgestapt@aadorp.be")
		if len(as) != 1 || *as[0].OrgID != w.orgB {
			t.Errorf("accounts %+v, want only Bedorp's, untouched", as)
		}
		// Nor a platform admin's.
		w.op.AddUser(ssotest.User{Subject: "sub-admin", Email: "it@aadorp.be", EmailVerified: true, Name: "IT"})
		w.env.CreateUser(0, "admin", "it@aadorp.be", "IT Aadorp")
		refused(t, w.flow(t, w.env.Client()).login("it@aadorp.be", "sub-admin"), http.StatusForbidden, "buiten Gemeente Aadorp")
	})
	t.Run("provider refuses the login", func(t *testing.T) {
		f := w.flow(t, w.env.Client())
		f.toProvider("an@aadorp.be")
		r := f.back(f.w.env.URL("/aanmelden/sso/terug?error=access_denied&error_description=Nep+tekst&state=" + url.QueryEscape(f.state)))
		refused(t, r, http.StatusUnauthorized, "heeft de aanmelding geweigerd of afgebroken")
		if strings.Contains(r.Body, "Nep tekst") {
			t.Errorf("the page shows the provider's error description, which anyone can put in the URL")
		}
	})
	if n := dbtest.Count(t, w.env.DB, `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email <> $1`, w.adminAddress); n != 1 {
		t.Errorf("sessions besides the admin's = %d, want 1 (only the one good login of the replay tests)", n)
	}
}

// The provider cannot be reached: a Dutch page that says so (502), not a
// 500; platform admins still sign in with their password.
func TestProviderDown(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})

	// Down during the login: after the provider's login page, before the
	// platform exchanged the code.
	c := w.env.Client()
	f := w.flow(t, c)
	callback := f.signIn(f.toProvider("an@aadorp.be"), "sub-an")
	w.op.Stop()
	refused(t, f.back(callback), http.StatusBadGateway, "De aanmeldservice van Gemeente Aadorp is nu niet bereikbaar")

	// Down from the start (a fresh platform, which has not read the
	// provider's discovery document yet).
	env := apptest.NewWithConfig(t, w.env.DB, w.env.DBURL, nil)
	r := env.Client().Get("/aanmelden/sso?email=an@aadorp.be")
	refused(t, r, http.StatusBadGateway, "De aanmeldservice van Gemeente Aadorp is nu niet bereikbaar")
	if !strings.Contains(r.Body, `<html lang="nl-BE">`) {
		t.Errorf("the page is not in Dutch")
	}
	admin := env.Client()
	r = admin.PostForm("/aanmelden", url.Values{"email": {w.adminAddress}, "wachtwoord": {apptest.TestPassword}})
	signedIn(t, r, "the admin with a password")
}

// The last successful SSO login and a nearly expired secret show on the
// admin page; the secret is sealed in the database and never shown again.
func TestSettingsKeepTheSecretAndWarnBeforeExpiry(t *testing.T) {
	w := newWorld(t)
	var stored []byte
	var sealed bool
	row := w.env.DB.QueryRowContext(context.Background(), `SELECT client_secret, secret_sealed FROM sso_providers WHERE organisation_id = $1`, w.orgA)
	if err := row.Scan(&stored, &sealed); err != nil {
		t.Fatal(err)
	}
	if !sealed || strings.Contains(string(stored), secretA) {
		t.Errorf("stored secret: sealed %v, contains the secret %v; want sealed, not readable", sealed, strings.Contains(string(stored), secretA))
	}
	for _, p := range []string{settingsPath(w.orgA), orgPath(w.orgA)} {
		if r := w.admin.Get(p); r.Status != http.StatusOK || strings.Contains(r.Body, secretA) {
			t.Errorf("%s: status %d, shows the secret: %v", p, r.Status, strings.Contains(r.Body, secretA))
		}
	}

	// Saving without a secret keeps the stored one: the login still works.
	soon := time.Now().AddDate(0, 0, 20).Format(time.DateOnly)
	w.configure(t, w.orgA, url.Values{
		"issuer": {w.op.Issuer}, "client_id": {"aadorp"}, "domeinen": {"aadorp.be"}, "geheim_vervalt": {soon},
	})
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})
	signedIn(t, w.flow(t, w.env.Client()).login("an@aadorp.be", "sub-an"), "An after saving without a secret")

	page := html.UnescapeString(w.admin.Get(orgPath(w.orgA)).Body)
	if !strings.Contains(page, "het clientgeheim vervalt op") || !strings.Contains(page, "nog 20 dagen") {
		t.Errorf("no expiry warning 20 days before")
	}
	start := html.UnescapeString(w.admin.Get("/beheer").Body)
	if !strings.Contains(start, `id="sso-expiring"`) || !strings.Contains(start, "Gemeente Aadorp</a>:") || !strings.Contains(start, "(nog 20 dagen)") ||
		strings.Contains(start, "OCMW Bedorp</a>:") {
		t.Errorf("/beheer does not warn of Aadorp's secret (and only of it)")
	}
	later := time.Now().AddDate(0, 0, 45).Format(time.DateOnly)
	w.configure(t, w.orgA, url.Values{
		"issuer": {w.op.Issuer}, "client_id": {"aadorp"}, "domeinen": {"aadorp.be"}, "geheim_vervalt": {later},
	})
	if strings.Contains(html.UnescapeString(w.admin.Get(orgPath(w.orgA)).Body), "het clientgeheim vervalt op") {
		t.Errorf("an expiry warning 45 days before, want none before 30")
	}
	if w.admin.Get("/beheer").Contains(`id="sso-expiring"`) {
		t.Errorf("/beheer warns 45 days before, want no warning before 30")
	}
	past := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	w.configure(t, w.orgA, url.Values{
		"issuer": {w.op.Issuer}, "client_id": {"aadorp"}, "domeinen": {"aadorp.be"}, "geheim_vervalt": {past},
	})
	if !strings.Contains(html.UnescapeString(w.admin.Get(orgPath(w.orgA)).Body), "Het clientgeheim is vervallen op") {
		t.Errorf("the organisation's page does not report the expired secret")
	}
	if b := w.admin.Get("/beheer").Body; !strings.Contains(b, `id="sso-expiring"`) || !strings.Contains(b, "vervallen op") {
		t.Errorf("/beheer does not report the expired secret")
	}
}

// Bad settings come back to the form with a Dutch message (422) and change
// nothing; a domain belongs to one organisation only.
func TestSettingsRefuseBadInput(t *testing.T) {
	w := newWorld(t)
	good := url.Values{"issuer": {w.op.Issuer}, "client_id": {"bedorp"}, "domeinen": {"bedorp.be"}}
	for _, tc := range []struct {
		name   string
		change url.Values
		want   string
	}{
		{"domain of another organisation", url.Values{"domeinen": {"bedorp.be, aadorp.be"}}, "Het domein aadorp.be hoort al bij Gemeente Aadorp"},
		{"not a domain", url.Values{"domeinen": {"bedorp"}}, "‘bedorp’ is geen e-maildomein"},
		{"no domain", url.Values{"domeinen": {" "}}, "minstens één e-maildomein"},
		{"plain http elsewhere", url.Values{"issuer": {"http://login.example.com/"}}, "moet met https:// beginnen"},
		{"issuer without provider", url.Values{"issuer": {"http://127.0.0.1:9/"}}, "kon niet gelezen worden"},
		{"issuer of a different provider", url.Values{"issuer": {w.op.Issuer + "/"}}, "kon niet gelezen worden"},
		{"manager claim", url.Values{"beheerder_claim": {"groups"}}, "NAAM=WAARDE"},
		{"date", url.Values{"geheim_vervalt": {"31/12/2027"}}, "jjjj-mm-dd"},
	} {
		form := url.Values{}
		for k, v := range good {
			form[k] = v
		}
		for k, v := range tc.change {
			form[k] = v
		}
		r := w.admin.PostForm(settingsPath(w.orgB), form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.Body), tc.want) {
			t.Errorf("%s: status %d, want 422 with %q; page says %q", tc.name, r.Status, tc.want, r.Flash())
		}
	}
	var domains string
	if err := w.env.DB.Get(&domains, `SELECT string_agg(domain, ',' ORDER BY domain) FROM sso_domains WHERE organisation_id = $1`, w.orgB); err != nil {
		t.Fatal(err)
	}
	if domains != "bedorp.be" {
		t.Errorf("Bedorp's domains = %q after refused saves, want bedorp.be", domains)
	}
	// A new organisation needs a secret.
	orgC := w.env.CreateOrg("Gemeente Cedorp")
	r := w.admin.PostForm(settingsPath(orgC), url.Values{"issuer": {w.op.Issuer}, "client_id": {"cedorp"}, "domeinen": {"cedorp.be"}})
	if r.Status != http.StatusUnprocessableEntity || !r.Contains("Vul het clientgeheim in") {
		t.Errorf("new configuration without secret: status %d; page says %q", r.Status, r.Flash())
	}
}

// The SSO settings are for platform admins only.
func TestSettingsAccess(t *testing.T) {
	w := newWorld(t)
	_, pw := w.env.CreateUser(w.orgB, "manager", "baas@bedorp.be", "Baas Bedorp")
	_, lpw := w.env.CreateUser(w.orgA, "learner", "lid@aadorp.be", "Lid Aadorp")
	manager, learner, guest := w.env.Client(), w.env.Client(), w.env.Client()
	manager.Login("baas@bedorp.be", pw)
	learner.Login("lid@aadorp.be", lpw)
	for name, c := range map[string]*apptest.Client{"guest": guest, "learner": learner, "manager of another organisation": manager} {
		r := c.Get(settingsPath(w.orgA))
		if r.Status == http.StatusOK && r.URL.Path == settingsPath(w.orgA) || strings.Contains(r.Body, "sso-redirect-uri") {
			t.Errorf("%s: GET settings: status %d at %s, want refused", name, r.Status, r.URL.Path)
		}
		r = c.PostForm(settingsPath(w.orgA), url.Values{"issuer": {"https://evil.example"}, "client_id": {"x"}, "domeinen": {"aadorp.be"}})
		if r.Status == http.StatusOK && r.URL.Path == orgPath(w.orgA) {
			t.Errorf("%s: POST settings: accepted", name)
		}
		r = c.PostForm(settingsPath(w.orgA)+"/uit", nil)
		if r.Status == http.StatusOK && r.URL.Path == orgPath(w.orgA) {
			t.Errorf("%s: POST turn off: accepted", name)
		}
	}
	var issuer string
	if err := w.env.DB.Get(&issuer, `SELECT issuer FROM sso_providers WHERE organisation_id = $1`, w.orgA); err != nil || issuer != w.op.Issuer {
		t.Errorf("issuer = %q (%v), want unchanged %q", issuer, err, w.op.Issuer)
	}
}
