package sso_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/sso"
	"nabij.be/leerplatform/internal/sso/ssotest"
)

// settled waits until the tab shows a page of the platform that is either
// signed in or an SSO problem, and returns which.
const settledJS = `document.readyState === 'complete' && location.href.startsWith(%q) && !document.querySelector('#sso-continue') &&
	(!!document.querySelector('form[action="/afmelden"]') || !!document.querySelector('#sso-problem') ||
	 !!document.querySelector('#signin') || !!document.querySelector('.notice.error'))`

// waitSettled waits for a settled page whose address starts with at.
func waitSettled(t *testing.T, b *apptest.Browser, at string) {
	t.Helper()
	js := fmt.Sprintf(settledJS, at)
	ctx, cancel := context.WithTimeout(b.Ctx(), apptest.ActionTimeout)
	defer cancel()
	for {
		ectx, ecancel := context.WithTimeout(ctx, 2*time.Second)
		done, err := chromedp.Run(ectx, chromedp.Evaluate[bool](js))
		ecancel()
		if err == nil && done {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("browser: no settled page within %s (last error %v, at %s)", apptest.ActionTimeout, err, b.Location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// browserSSO types the address into the login page's e-mail step, lets the
// platform send the browser to the provider, signs in there as who (empty:
// the address the provider was given as login_hint) and waits for the
// platform's answer.
func browserSSO(t *testing.T, b *apptest.Browser, w *world, email, who string) {
	t.Helper()
	b.Navigate(w.env.URL("/aanmelden"))
	b.Run(
		chromedp.WaitVisible(chromedp.CSS(`#login-email`)),
		chromedp.SetValue(chromedp.CSS(`#login-email`), email),
		chromedp.Submit(chromedp.CSS(`#login-email`)),
	)
	waitSettled(t, b, w.op.Issuer+"/login") // the provider's login page
	if !strings.HasPrefix(b.Location(), w.op.Issuer+"/login") {
		t.Fatalf("after the e-mail step the browser is at %s, want the provider's login page", b.Location())
	}
	if who != "" {
		b.Run(chromedp.SetValue(chromedp.CSS(`#user`), who))
	}
	b.Run(chromedp.Click(chromedp.CSS(`#signin`)))
	waitSettled(t, b, w.env.URL("/"))
}

// dutch chooses Dutch in the footer, as a Flemish guest whose browser
// speaks English would (headless Chromium asks for English).
func dutch(t *testing.T, b *apptest.Browser, env *apptest.Env) {
	t.Helper()
	b.Navigate(env.URL("/"))
	b.Run(
		chromedp.SetValue(chromedp.CSS(`#taal-keuze`), "nl"),
		chromedp.Submit(chromedp.CSS(`#taal-keuze`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="nl-BE"]`)),
	)
}

func signedInBrowser(b *apptest.Browser) bool {
	ok, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`!!document.querySelector('form[action="/afmelden"]')`))
	return ok
}

// In the browser: the e-mail step leads to the provider and back; the
// account is made in the right organisation and team, as manager by the
// claim; a second login finds the same account; logout offers the
// provider's logout; an invited person is linked.
func TestBrowserSSOLogin(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{
		Subject: "sub-an", Email: "an.peeters@aadorp.be", EmailVerified: true, Name: "An Peeters",
		Claims: map[string]any{"groups": []string{managerGroup}, "afdeling": []string{"Sociale dienst"}},
	})
	b := apptest.NewBrowser(t)
	dutch(t, b, w.env)
	b.Navigate(w.env.URL("/aanmelden"))
	b.Axe(t, "login e-mail step")

	browserSSO(t, b, w, "an.peeters@aadorp.be", "")
	if !signedInBrowser(b) || !strings.HasSuffix(b.Location(), "/mijn-leertraject") {
		t.Fatalf("after SSO the browser is at %s, signed in %v; want the dashboard, signed in (page: %q)",
			b.Location(), signedInBrowser(b), b.Text("main"))
	}
	if !strings.Contains(b.Text("body"), "Je bent aangemeld via Gemeente Aadorp") {
		t.Errorf("no welcome naming the organisation")
	}
	as := w.accountsOf(t, "an.peeters@aadorp.be")
	if len(as) != 1 || as[0].OrgID == nil || *as[0].OrgID != w.orgA || as[0].Role != "manager" || as[0].Teams != "Sociale dienst" {
		t.Fatalf("accounts = %+v, want one manager of Aadorp in Sociale dienst", as)
	}
	b.Navigate(w.env.URL("/organisatie"))
	if !strings.Contains(b.Text("main"), "Gemeente Aadorp") {
		t.Errorf("the manager's page does not show Gemeente Aadorp")
	}

	// Logout, then the provider's logout, back home.
	b.Run(chromedp.Click(chromedp.CSS(`form[action="/afmelden"] button`)), chromedp.WaitVisible(chromedp.CSS(`#sso-logout`)))
	b.Axe(t, "logged out page")
	if signedInBrowser(b) {
		t.Errorf("still signed in on the logout page")
	}
	b.Run(chromedp.Click(chromedp.CSS(`#sso-logout`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/aanmelden"]`)))
	if got := b.Location(); got != w.env.URL("/") || w.op.EndedSessions() != 1 {
		t.Errorf("after the provider's logout: at %s, %d sessions ended; want the platform's home and 1", got, w.op.EndedSessions())
	}

	// A second login: the same account.
	browserSSO(t, b, w, "an.peeters@aadorp.be", "")
	if !signedInBrowser(b) {
		t.Fatalf("second SSO login: not signed in at %s", b.Location())
	}
	if n := len(w.accountsOf(t, "an.peeters@aadorp.be")); n != 1 {
		t.Errorf("after the second login: %d accounts, want 1", n)
	}
	b.Run(chromedp.Click(chromedp.CSS(`form[action="/afmelden"] button`)), chromedp.WaitVisible(chromedp.CSS(`#sso-logout`)))

	// An invited person is linked to the account of the invitation.
	_, pw := w.env.CreateUser(w.orgA, "manager", "baas@aadorp.be", "Bart Baas")
	m := w.env.Client()
	m.Login("baas@aadorp.be", pw)
	if r := m.PostForm("/organisatie/uitnodigen", url.Values{"adressen": {"nina@aadorp.be"}, "team": {itoa(w.teamA)}}); r.Status != 200 {
		t.Fatalf("invite: status %d (%q)", r.Status, r.Flash())
	}
	invited := w.accountsOf(t, "nina@aadorp.be")
	w.op.AddUser(ssotest.User{Subject: "sub-nina", Email: "nina@aadorp.be", EmailVerified: true, Name: "Nina Nieuw"})
	browserSSO(t, b, w, "nina@aadorp.be", "")
	after := w.accountsOf(t, "nina@aadorp.be")
	if !signedInBrowser(b) || len(invited) != 1 || len(after) != 1 || after[0].ID != invited[0].ID || after[0].Name != "Nina Nieuw" || after[0].Teams != "Sociale dienst" {
		t.Errorf("invited person: signed in %v, before %+v, after %+v; want the invited account, named, in its team", signedInBrowser(b), invited, after)
	}
	b.NoConsoleErrors(t)
}

// In the browser, each refusal shows its Dutch message and signs nobody in.
func TestBrowserSSORefusals(t *testing.T) {
	w := newWorld(t)
	w.op.AddUser(ssotest.User{Subject: "sub-an", Email: "an@aadorp.be", EmailVerified: true, Name: "An"})
	w.op.AddUser(ssotest.User{Subject: "sub-ono", Email: "ono@aadorp.be", EmailVerified: false, Name: "Ono"})
	w.op.AddUser(ssotest.User{Subject: "sub-els", Email: "els@elders.be", EmailVerified: true, Name: "Els"})
	w.op.AddUser(ssotest.User{Subject: "sub-bob", Email: "bob@bedorp.be", EmailVerified: true, Name: "Bob"})
	b := apptest.NewBrowser(t)
	dutch(t, b, w.env)
	var mu sync.Mutex
	var callbacks []string // the provider's redirects back, as the browser followed them
	if err := chromedp.Listen(b.Ctx(), func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request != nil && strings.Contains(e.Request.URL, sso.CallbackPath+"?") {
			mu.Lock()
			callbacks = append(callbacks, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listen: %v", err)
	}

	// One good login, whose nonce the provider later replays.
	browserSSO(t, b, w, "an@aadorp.be", "")
	if !signedInBrowser(b) {
		t.Fatalf("good login: not signed in at %s", b.Location())
	}
	lastNonce := w.op.Nonces()[len(w.op.Nonces())-1]
	b.Run(chromedp.Click(chromedp.CSS(`form[action="/afmelden"] button`)), chromedp.WaitVisible(chromedp.CSS(`#sso-logout`)))

	// The same answer of the provider, opened again: its state is used up.
	mu.Lock()
	if len(callbacks) != 1 {
		t.Fatalf("callbacks seen = %q, want one", callbacks)
	}
	replay := callbacks[0]
	mu.Unlock()
	b.Navigate(replay)
	if msg := b.Text("#sso-problem"); !strings.Contains(msg, "verlopen, al gebruikt") || signedInBrowser(b) {
		t.Errorf("replayed state: %q, signed in %v; want refused", msg, signedInBrowser(b))
	}

	for i, tc := range []struct {
		name   string
		tamper ssotest.Tamper
		email  string
		who    string
		want   string
	}{
		{"wrong issuer", ssotest.Tamper{Issuer: "http://127.0.0.1:9/nep"}, "an@aadorp.be", "", "kwam niet van de aanmeldservice van Gemeente Aadorp"},
		{"wrong audience", ssotest.Tamper{Audience: []string{"een-andere-toepassing"}}, "an@aadorp.be", "", "niet voor dit leerplatform bestemd"},
		{"wrong nonce", ssotest.Tamper{Nonce: "verzonnen"}, "an@aadorp.be", "", "hoorde niet bij deze aanmeldpoging"},
		{"replayed nonce", ssotest.Tamper{Nonce: lastNonce}, "an@aadorp.be", "", "hoorde niet bij deze aanmeldpoging"},
		{"expired ID token", ssotest.Tamper{Lifetime: -10 * time.Minute}, "an@aadorp.be", "", "was al verlopen"},
		{"email_verified=false", ssotest.Tamper{}, "ono@aadorp.be", "", "niet bevestigd"},
		{"address outside the domains", ssotest.Tamper{}, "an@aadorp.be", "sub-els", "hoort niet bij de domeinen van Gemeente Aadorp"},
		{"A's provider to enter B", ssotest.Tamper{}, "an@aadorp.be", "sub-bob", "hoort niet bij de domeinen van Gemeente Aadorp"},
	} {
		w.op.SetTamper(tc.tamper)
		browserSSO(t, b, w, tc.email, tc.who)
		w.op.SetTamper(ssotest.Tamper{})
		msg, _ := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`(document.querySelector('#sso-problem') || {}).textContent || ''`))
		if !strings.Contains(msg, tc.want) || signedInBrowser(b) {
			t.Errorf("%s: message %q, signed in %v; want %q, signed out", tc.name, msg, signedInBrowser(b), tc.want)
		}
		if i == 0 {
			b.Axe(t, "SSO problem page")
		}
	}
	// A state that was never given, or is used again.
	b.Navigate(w.env.URL("/aanmelden/sso/terug?state=verzonnen&code=x"))
	if msg := b.Text("#sso-problem"); !strings.Contains(msg, "verlopen, al gebruikt") {
		t.Errorf("wrong state: %q", msg)
	}
	if n := len(w.accountsOf(t, "els@elders.be")) + len(w.accountsOf(t, "bob@bedorp.be")) + len(w.accountsOf(t, "ono@aadorp.be")); n != 0 {
		t.Errorf("refused logins made %d accounts, want 0", n)
	}
	b.NoConsoleErrors(t)
}

// In the browser: "SSO only" refuses the password of the organisation's
// people but not a platform admin's; a provider that is down gives a Dutch
// page.
func TestBrowserSSOOnlyAndProviderDown(t *testing.T) {
	w := newWorld(t)
	w.env.CreateUser(w.orgA, "learner", "lien@aadorp.be", "Lien Lid")
	w.configure(t, w.orgA, url.Values{"issuer": {w.op.Issuer}, "client_id": {"aadorp"}, "domeinen": {"aadorp.be"}, "alleen_sso": {"1"}})
	b := apptest.NewBrowser(t)
	password := func(email string) {
		t.Helper()
		b.Navigate(w.env.URL("/aanmelden?email=" + url.QueryEscape(email)))
		b.Run(
			chromedp.WaitVisible(chromedp.CSS(`#login-wachtwoord`)),
			chromedp.SetValue(chromedp.CSS(`#login-wachtwoord`), apptest.TestPassword),
			chromedp.Submit(chromedp.CSS(`#login-wachtwoord`)),
		)
		waitSettled(t, b, w.env.URL("/"))
	}
	dutch(t, b, w.env)
	password("lien@aadorp.be")
	if msg := b.Text("#login-error"); !strings.Contains(msg, "alleen toe via haar eigen aanmeldservice") || signedInBrowser(b) {
		t.Errorf("password of an SSO-only organisation: %q, signed in %v; want refused", msg, signedInBrowser(b))
	}
	b.Axe(t, "login refused for SSO only")

	// The provider goes down; the platform admin still signs in with a
	// password, through the e-mail step.
	w.op.Stop()
	env := apptest.NewWithConfig(t, w.env.DB, w.env.DBURL, nil) // has not read the provider yet
	dutch(t, b, env)
	b.Navigate(env.URL("/aanmelden"))
	b.Run(
		chromedp.WaitVisible(chromedp.CSS(`#login-email`)),
		chromedp.SetValue(chromedp.CSS(`#login-email`), "lien@aadorp.be"),
		chromedp.Submit(chromedp.CSS(`#login-email`)),
	)
	waitSettled(t, b, env.URL("/"))
	if msg := b.Text("#sso-problem"); !strings.Contains(msg, "De aanmeldservice van Gemeente Aadorp is nu niet bereikbaar") {
		t.Errorf("provider down: %q, want the Dutch message", msg)
	}
	b.Axe(t, "provider down page")
	b.Navigate(env.URL("/aanmelden"))
	b.Run(
		chromedp.WaitVisible(chromedp.CSS(`#login-email`)),
		chromedp.SetValue(chromedp.CSS(`#login-email`), w.adminAddress),
		chromedp.Submit(chromedp.CSS(`#login-email`)),
		chromedp.WaitVisible(chromedp.CSS(`#login-wachtwoord`)),
		chromedp.SetValue(chromedp.CSS(`#login-wachtwoord`), apptest.TestPassword),
		chromedp.Submit(chromedp.CSS(`#login-wachtwoord`)),
	)
	waitSettled(t, b, env.URL("/"))
	if !signedInBrowser(b) {
		t.Errorf("platform admin with a password while the provider is down: not signed in at %s", b.Location())
	}
	b.NoConsoleErrors(t)
}
