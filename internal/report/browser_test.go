package report_test

import (
	"context"
	"fmt"
	"testing"

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
	b.Login(p.env.Server.URL, "manager@browserdorp.example", apptest.TestPassword)
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
