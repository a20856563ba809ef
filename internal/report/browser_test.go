package report_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/report"
)

// TestReportPagesInBrowser opens the manager's report pages in headless
// Chromium on an organisation with seeded progress: axe-core finds no
// WCAG 2.1 A/AA violation and no page logs a console or CSP error.
func TestReportPagesInBrowser(t *testing.T) {
	p := setup(t)
	orgID := p.env.CreateOrg("OCMW Browserdorp")
	if _, err := report.SeedLearners(context.Background(), p.env.DB, orgID, 120); err != nil {
		t.Fatal(err)
	}
	p.env.CreateUser(orgID, "manager", "manager@browserdorp.example", "Bram Browser")
	var someone int64
	if err := p.env.DB.Get(&someone, `SELECT min(id) FROM users WHERE organisation_id = $1 AND role = 'learner'`, orgID); err != nil {
		t.Fatal(err)
	}

	b := apptest.NewBrowser(t)
	browserLogin(t, p.env, b, "manager@browserdorp.example", apptest.TestPassword)
	for _, page := range []struct{ path, h1 string }{
		{"/rapport", "Rapportering · OCMW Browserdorp"},
		{"/rapport/mensen", "Mensen en modules"},
		{"/rapport/mensen?sort=progress&dir=desc&page=2", "Mensen en modules"},
		{fmt.Sprintf("/rapport/mensen/%d", someone), ""},
		{"/rapport/vragen", "Vragen: waar loopt het mis?"},
	} {
		b.Navigate(p.env.URL(page.path))
		if got := b.Text("main h1"); page.h1 != "" && got != page.h1 {
			t.Errorf("%s: h1 = %q, want %q", page.path, got, page.h1)
		}
		b.Axe(t, page.path)
	}
	b.NoConsoleErrors(t)
}

// browserLogin signs in through the form and polls until the signed-in
// page has loaded; polling survives the navigation that destroys the
// form's execution context.
func browserLogin(t *testing.T, env *apptest.Env, b *apptest.Browser, email, password string) {
	t.Helper()
	b.Navigate(env.URL("/aanmelden"))
	b.Run(
		chromedp.SetValue(chromedp.CSS(`form input[name=email]`), email),
		chromedp.SetValue(chromedp.CSS(`form input[type=password]`), password),
		chromedp.Submit(chromedp.CSS(`form input[type=password]`)),
	)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.Ctx(), 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`document.readyState === 'complete' && !!document.querySelector('form[action="/afmelden"]')`))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("login as %s: not signed in, at %s", email, b.Location())
}
