package org_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// An address that belongs elsewhere gets no invitation, and the manager's
// line is the same whether it is another organisation's member, a trainer
// or an admin: it names neither.
func TestInviteElsewhereIsNeutral(t *testing.T) {
	env := apptest.New(t)
	home := env.CreateOrg("OCMW Testdorp")
	other := env.CreateOrg("OCMW Elders")
	_, pw := env.CreateUser(home, "manager", "baas@testdorp.example", "Bea Baas")
	env.CreateUser(other, "learner", "elders@elders.example", "Eli Elders")
	env.CreateUser(other, "manager", "chef@elders.example", "Chris Chef")
	env.CreateUser(0, "trainer", "trainer@platform.example", "Tom Trainer")
	env.CreateUser(0, "admin", "admin@platform.example", "Ada Admin")
	c := env.Client()
	c.Login("baas@testdorp.example", pw)

	elsewhere := []string{"elders@elders.example", "chef@elders.example", "trainer@platform.example", "admin@platform.example"}
	resp := upload(t, env, c, "", strings.Join(append(elsewhere, "nieuw@testdorp.example"), "\n"), "")
	if resp.Status != http.StatusOK {
		t.Fatalf("invite: status %d (%q)", resp.Status, resp.Flash())
	}
	lines := reportLines(resp.Body)
	want := "Niet uitgenodigd: dit adres kan niet via je organisatie uitgenodigd worden"
	for _, e := range elsewhere {
		if lines[e] != want {
			t.Errorf("line for %s = %q, want %q", e, lines[e], want)
		}
	}
	for _, leak := range []string{"OCMW Elders", "andere organisatie", "trainer", "Trainer", "beheerder", "admin"} {
		body := resp.Body
		for _, e := range elsewhere {
			body = strings.ReplaceAll(body, e, "")
		}
		if strings.Contains(body, leak) {
			t.Errorf("the report says %q", leak)
		}
	}
	var mails int
	if err := env.DB.Get(&mails, `SELECT count(*) FROM mail_outbox WHERE recipient <> 'nieuw@testdorp.example'`); err != nil {
		t.Fatal(err)
	}
	if mails != 0 {
		t.Errorf("%d mails to addresses that belong elsewhere, want none", mails)
	}
}

// An invitation does not claim the address: another organisation may
// invite the same person until they accept, and they join the one whose
// invitation they accept.
func TestInviteDoesNotClaimTheAddress(t *testing.T) {
	env := apptest.New(t)
	a := env.CreateOrg("OCMW Aartselaar")
	b := env.CreateOrg("OCMW Boechout")
	_, pwA := env.CreateUser(a, "manager", "baas@aartselaar.example", "An Baas")
	_, pwB := env.CreateUser(b, "manager", "baas@boechout.example", "Bo Baas")
	teamB := env.CreateTeam(b, "Onthaal")
	ca, cb := env.Client(), env.Client()
	ca.Login("baas@aartselaar.example", pwA)
	cb.Login("baas@boechout.example", pwB)

	upload(t, env, ca, "", "zoe@mail.example", "")
	resp := upload(t, env, cb, "", "zoe@mail.example", itoa(teamB))
	if lines := reportLines(resp.Body); !strings.HasPrefix(lines["zoe@mail.example"], "Uitnodiging klaargezet") {
		t.Fatalf("second organisation's invitation: %q, want it queued", lines["zoe@mail.example"])
	}
	links := map[string]string{}
	rows, err := env.DB.Query(`SELECT subject, body FROM mail_outbox WHERE recipient = 'zoe@mail.example'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var subject, body string
		rows.Scan(&subject, &body)
		links[subject[strings.LastIndex(subject, " ")+1:]] = inviteLinkRe.FindString(body)
	}
	rows.Close()
	if links["Aartselaar"] == "" || links["Boechout"] == "" {
		t.Fatalf("invitation links per organisation: %v", links)
	}

	z := env.Client()
	if resp := z.Get(links["Boechout"]); !resp.Contains("OCMW Boechout") {
		t.Errorf("Boechout's invitation page does not name Boechout")
	}
	resp = z.PostForm(links["Boechout"], url.Values{"naam": {"Zoë Zomer"}, "wachtwoord": {"een goed wachtwoord"}})
	if resp.URL.Path != "/mijn-leertraject" {
		t.Fatalf("accept: at %s (%q)", resp.URL.Path, resp.Flash())
	}
	var org, team int64
	if err := env.DB.QueryRow(`SELECT u.organisation_id, coalesce((SELECT team_id FROM team_members WHERE user_id = u.id), 0)
		FROM users u WHERE email = 'zoe@mail.example'`).Scan(&org, &team); err != nil {
		t.Fatal(err)
	}
	if org != b || team != teamB {
		t.Errorf("after accepting Boechout's invitation: organisation %d team %d, want %d and %d", org, team, b, teamB)
	}
	if resp := env.Client().Get(links["Aartselaar"]); resp.Status != http.StatusNotFound {
		t.Errorf("the other organisation's invitation still works: status %d", resp.Status)
	}
	// Now the address is taken: Aartselaar gets the neutral line.
	resp = upload(t, env, ca, "", "zoe@mail.example", "")
	if lines := reportLines(resp.Body); !strings.HasPrefix(lines["zoe@mail.example"], "Niet uitgenodigd") {
		t.Errorf("invitation of a member elsewhere: %q", lines["zoe@mail.example"])
	}
}

// Names in an invitation file pass the profile's rules.
func TestInviteNamesFollowTheProfileRules(t *testing.T) {
	env := apptest.New(t)
	home := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(home, "manager", "baas@testdorp.example", "Bea Baas")
	c := env.Client()
	c.Login("baas@testdorp.example", pw)
	csv := "email;naam\n" +
		"bel@testdorp.example;Bel\a Boon\n" +
		"esc@testdorp.example;Esc \x1b[31mRood\n" +
		"bidi@testdorp.example;\u202Egnirts\n" +
		"lang@testdorp.example;" + strings.Repeat("a", 5000) + "\n" +
		"goed@testdorp.example;Émile Façade\n"
	resp := upload(t, env, c, csv, "", "")
	lines := reportLines(resp.Body)
	for _, e := range []string{"bel@testdorp.example", "esc@testdorp.example", "bidi@testdorp.example", "lang@testdorp.example"} {
		if !strings.HasPrefix(lines[e], "Niet uitgenodigd: de naam") {
			t.Errorf("line for %s = %q, want the name refused", e, lines[e])
		}
	}
	if !strings.HasPrefix(lines["goed@testdorp.example"], "Uitnodiging klaargezet") {
		t.Errorf("good name: %q", lines["goed@testdorp.example"])
	}
	var names []string
	if err := env.DB.Select(&names, `SELECT full_name FROM users WHERE email LIKE '%@testdorp.example' AND role = 'learner'`); err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "Émile Façade" {
		t.Errorf("stored names = %q, want only Émile Façade", names)
	}
}

var reportRowRe = regexp.MustCompile(`(?s)<tr class="row-(?:ok|error)"><td>\d+</td><td>([^<]*)</td><td>([^<]*)</td></tr>`)

// reportLines maps each address of the invitation report to its line.
func reportLines(body string) map[string]string {
	lines := map[string]string{}
	for _, m := range reportRowRe.FindAllStringSubmatch(body, -1) {
		lines[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
	}
	return lines
}
