package org_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// An admin puts the first manager into a new organisation from its admin
// page: the invitation goes out, the invited person accepts it and is the
// organisation's manager, with the manager pages in their menu.
func TestAdminInvitesTheFirstManagerOfANewOrganisation(t *testing.T) {
	env := apptest.New(t)
	_, pw := env.CreateUser(0, "admin", "ada@platform.example", "Ada Admin")
	admin := env.Client()
	admin.Login("ada@platform.example", pw)
	resp := admin.PostForm("/beheer/organisaties", url.Values{"naam": {"OCMW Nieuwdorp"}})
	if resp.Status != http.StatusOK {
		t.Fatalf("create organisation: status %d (%q)", resp.Status, resp.Flash())
	}
	page := resp.URL.Path
	if !resp.Contains(`action="` + page + `/uitnodigen"`) {
		t.Fatalf("the new organisation's page %s has no invitation form", page)
	}
	if !resp.Contains("nog geen leidinggevende") {
		t.Errorf("the page of an organisation without a manager does not say so")
	}

	resp = admin.PostForm(page+"/uitnodigen", url.Values{"adressen": {"baas@nieuwdorp.example\nlid@nieuwdorp.example"}, "rol": {"manager"}, "team": {"0"}})
	if resp.Status != http.StatusOK {
		t.Fatalf("invite: status %d, want 200 (%q)", resp.Status, resp.Flash())
	}
	if !resp.Contains("2 uitnodigingen klaargezet") {
		t.Errorf("the report does not count 2 invitations")
	}
	var roles []string
	if err := env.DB.Select(&roles, `SELECT u.role FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.name = 'OCMW Nieuwdorp' ORDER BY u.email`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(roles) != "[manager manager]" {
		t.Errorf("roles of the invited people = %v, want [manager manager]", roles)
	}

	var body string
	if err := env.DB.Get(&body, `SELECT body FROM mail_outbox WHERE recipient = 'baas@nieuwdorp.example'`); err != nil {
		t.Fatalf("the invitation mail: %v", err)
	}
	link := inviteLinkRe.FindString(body)
	if link == "" {
		t.Fatalf("no invitation link in the mail")
	}
	m := env.Client()
	if resp := m.PostForm(link, url.Values{"naam": {"Bea Baas"}, "wachtwoord": {"een goed wachtwoord"}}); resp.URL.Path != "/mijn-leertraject" {
		t.Fatalf("accept: at %s (%q), want the dashboard", resp.URL.Path, resp.Flash())
	}
	resp = m.Get("/organisatie")
	if resp.Status != http.StatusOK || !resp.Contains("OCMW Nieuwdorp") {
		t.Errorf("the new manager on /organisatie: status %d, want 200 with the organisation", resp.Status)
	}
	if !resp.Contains(`<a href="/organisatie" aria-current="page">`) {
		t.Errorf("the new manager's menu does not mark /organisatie as the current page")
	}

	// Learners can be invited too; an unknown role or another
	// organisation's team is refused with the form kept.
	if resp := admin.PostForm(page+"/uitnodigen", url.Values{"adressen": {"an@nieuwdorp.example"}, "rol": {"learner"}}); resp.Status != http.StatusOK {
		t.Errorf("invite a learner: status %d (%q)", resp.Status, resp.Flash())
	}
	var role string
	env.MustGet(&role, `SELECT role FROM users WHERE email = 'an@nieuwdorp.example'`)
	if role != "learner" {
		t.Errorf("invited learner has role %q", role)
	}
	resp = admin.PostForm(page+"/uitnodigen", url.Values{"adressen": {"keizer@nieuwdorp.example"}, "rol": {"admin"}})
	if resp.Status != http.StatusUnprocessableEntity || !resp.Contains("keizer@nieuwdorp.example") {
		t.Errorf("invite as admin: status %d, want 422 with the addresses kept", resp.Status)
	}
	other := env.CreateOrg("OCMW Elders")
	otherTeam := env.CreateTeam(other, "Elders team")
	if resp := admin.PostForm(page+"/uitnodigen", url.Values{"adressen": {"x@nieuwdorp.example"}, "rol": {"learner"}, "team": {itoa(otherTeam)}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("team of another organisation: status %d, want 422", resp.Status)
	}
	var n int
	env.MustGet(&n, `SELECT count(*) FROM users WHERE email IN ('keizer@nieuwdorp.example', 'x@nieuwdorp.example')`)
	if n != 0 {
		t.Errorf("refused invitations created %d accounts", n)
	}
	// Only admins reach the form.
	if resp := m.PostForm(page+"/uitnodigen", url.Values{"adressen": {"y@nieuwdorp.example"}, "rol": {"manager"}}); resp.Status != http.StatusForbidden {
		t.Errorf("a manager posting to the admin's invitation form: status %d, want 403", resp.Status)
	}
	if resp := env.Client().PostForm(page+"/uitnodigen", url.Values{"adressen": {"y@nieuwdorp.example"}}); resp.URL.Path != "/aanmelden" {
		t.Errorf("a guest posting to the admin's invitation form: at %s (status %d), want the login page", resp.URL.Path, resp.Status)
	}
	env.MustGet(&n, `SELECT count(*) FROM users WHERE email = 'y@nieuwdorp.example'`)
	if n != 0 {
		t.Errorf("invitations by a manager or guest created %d accounts", n)
	}
}

// Every section marks its menu link as current, and a manager reaches the
// organisation pages from the menu and from the report.
func TestNavigationMarksEverySection(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Menudorp")
	_, pw := env.CreateUser(org, "manager", "mo@menudorp.example", "Mo Manager")
	env.CreateUser(org, "learner", "lena@menudorp.example", "Lena Lerende")
	env.CreateUser(0, "admin", "ada@menudorp.example", "Ada Admin")
	manager := env.Client()
	manager.Login("mo@menudorp.example", pw)
	learner := env.Client()
	learner.Login("lena@menudorp.example", pw)
	admin := env.Client()
	admin.Login("ada@menudorp.example", pw)

	for _, c := range []struct {
		who     string
		client  *apptest.Client
		path    string
		link    string
		current string
	}{
		{"manager", manager, "/organisatie", "/organisatie", "page"},
		{"manager", manager, "/organisatie/uitnodigen", "/organisatie", "true"},
		{"manager", manager, "/rapport", "/rapport", "page"},
		{"manager", manager, "/rapport/mensen", "/rapport", "true"},
		{"learner", learner, "/mijn-leertraject", "/mijn-leertraject", "page"},
		{"learner", learner, "/certificaten", "/mijn-leertraject", "true"},
		{"learner", learner, "/profiel/wachtwoord", "/profiel", "true"},
		{"learner", learner, "/verifieer", "/verifieer", "page"},
		{"learner", learner, "/modules/online-informeren", "/", "true"},
		{"admin", admin, "/beheer/mail", "/beheer", "true"},
		{"admin", admin, "/auteur", "/auteur", "page"},
		{"guest", env.Client(), "/aanmelden", "/aanmelden", "page"},
		{"guest", env.Client(), "/wachtwoord-vergeten", "/aanmelden", "true"},
	} {
		resp := c.client.Get(c.path)
		want := fmt.Sprintf(`<a href="%s" aria-current="%s">`, c.link, c.current)
		if resp.Status != http.StatusOK || !resp.Contains(want) {
			t.Errorf("%s on %s: status %d, want 200 with %s", c.who, c.path, resp.Status, want)
		}
		if n := countCurrent(resp.Body); n != 1 {
			t.Errorf("%s on %s: %d main menu links marked current, want 1", c.who, c.path, n)
		}
	}

	if resp := learner.Get("/mijn-leertraject"); !resp.Contains(`href="/verifieer"`) {
		t.Errorf("a signed-in learner has no link to verify a certificate")
	}
	if resp := learner.Get("/mijn-leertraject"); resp.Contains(`href="/organisatie"`) {
		t.Errorf("a learner's menu links to the organisation pages")
	}
	resp := manager.Get("/rapport")
	if !resp.Contains(`<a href="/organisatie">`) || !resp.Contains(`href="/organisatie/uitnodigen"`) {
		t.Errorf("the report does not lead a manager to the organisation pages and the invitation form")
	}
}

// countCurrent counts the aria-current links of the main menu.
func countCurrent(body string) int {
	start := strings.Index(body, `class="wrap main-nav"`)
	end := strings.Index(body, `</nav>`)
	if start < 0 || end < start {
		return -1
	}
	return strings.Count(body[start:end], "aria-current=")
}

// A manager pastes addresses as Outlook copies them: everyone is invited,
// with their name.
func TestInviteOutlookPaste(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Plakdorp")
	_, pw := env.CreateUser(org, "manager", "mo@plakdorp.example", "Mo Manager")
	c := env.Client()
	c.Login("mo@plakdorp.example", pw)
	resp := c.PostForm("/organisatie/uitnodigen", url.Values{"adressen": {`Jan Peeters <jan.peeters@plakdorp.example>; "Vermeulen, An" <an.vermeulen@plakdorp.example>`}})
	if resp.Status != http.StatusOK || !resp.Contains("2 uitnodigingen klaargezet, 0 regels niet verwerkt.") {
		t.Fatalf("Outlook paste: status %d, want 200 with 2 invitations sent; page says %q", resp.Status, resp.Flash())
	}
	var names []string
	if err := env.DB.Select(&names, `SELECT full_name FROM users WHERE organisation_id = $1 AND password_hash IS NULL ORDER BY email`, org); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names) != "[Vermeulen, An Jan Peeters]" {
		t.Errorf("names of the invited people = %v, want [Vermeulen, An Jan Peeters]", names)
	}
}
