package org_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/org"
)

func TestParseCSV(t *testing.T) {
	in := "E-mail;Naam\r\nan@a.example;An Peeters\r\n\r\nbert@a.example;\"Bert \"\"B\"\" Claes\"\r\nkapot@a.example;\"open quote\r\nnoemail;x\r\n"
	rows := org.ParseCSV(strings.NewReader(in))
	if len(rows) < 3 {
		t.Fatalf("rows = %+v, want at least 3", rows)
	}
	if rows[0].Email != "an@a.example" || rows[0].Name != "An Peeters" || rows[0].Line != 2 {
		t.Errorf("row 0 = %+v, want an@a.example / An Peeters on line 2", rows[0])
	}
	if rows[1].Name != `Bert "B" Claes` {
		t.Errorf("row 1 name = %q, want quotes unescaped", rows[1].Name)
	}
	var unreadable bool
	for _, r := range rows[2:] {
		unreadable = unreadable || r.Problem != ""
	}
	if !unreadable {
		t.Errorf("the line with an open quote was not reported: %+v", rows)
	}
}

func upload(t *testing.T, env *apptest.Env, c *apptest.Client, csv, pasted, team string) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("adressen", pasted)
	w.WriteField("team", team)
	fw, _ := w.CreateFormFile("bestand", "mensen.csv")
	fw.Write([]byte(csv))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL("/organisatie/uitnodigen"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

var inviteLinkRe = regexp.MustCompile(`/uitnodiging/[A-Za-z0-9_-]+`)

func TestInviteCSVWithMalformedRows(t *testing.T) {
	env := apptest.New(t)
	home := env.CreateOrg("OCMW Testdorp")
	other := env.CreateOrg("OCMW Elders")
	team := env.CreateTeam(home, "Sociale dienst")
	_, pw := env.CreateUser(home, "manager", "baas@testdorp.example", "Bea Baas")
	env.CreateUser(home, "learner", "lid@testdorp.example", "Lien Lid")
	env.CreateUser(other, "learner", "elders@elders.example", "Eli Elders")
	c := env.Client()
	c.Login("baas@testdorp.example", pw)

	csv := "email,naam\n" +
		"nieuw@testdorp.example,Nina Nieuw\n" + // good
		"geen-adres,Iemand\n" + // invalid
		"lid@testdorp.example,Lien\n" + // already a member
		"elders@elders.example,Eli\n" + // another organisation
		"NIEUW@testdorp.example,dubbel\n" + // duplicate
		"\"kapot@testdorp.example,open\n" // malformed quote
	resp := upload(t, env, c, csv, "tweede@testdorp.example", itoa(team))
	if resp.Status != http.StatusOK {
		t.Fatalf("invite: status %d, want 200 (%q)", resp.Status, resp.Flash())
	}
	for _, want := range []string{"Geen geldig e-mailadres", "Is al lid van je organisatie", "kan niet via je organisatie uitgenodigd worden", "Staat al eerder in de lijst", "Onleesbare regel", "2 uitnodigingen klaargezet"} {
		if !resp.Contains(want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(resp.Body, "OCMW Elders") || strings.Contains(resp.Body, "andere organisatie") {
		t.Errorf("report names the other organisation or says there is one")
	}
	var invited int
	env.MustGet(&invited, `SELECT count(*) FROM invitations`)
	if invited != 2 {
		t.Errorf("invitations = %d, want 2", invited)
	}

	// The invited person accepts through the link in the mail.
	var body string
	env.MustGet(&body, `SELECT body FROM mail_outbox WHERE recipient = 'nieuw@testdorp.example'`)
	link := inviteLinkRe.FindString(body)
	if link == "" {
		t.Fatalf("no invitation link in %q", body)
	}
	n := env.Client()
	if resp := n.Get(link); resp.Status != http.StatusOK || !resp.Contains("Nina Nieuw") {
		t.Fatalf("invitation page: status %d, want 200 with the name prefilled", resp.Status)
	}
	if resp := n.PostForm(link, url.Values{"naam": {"Nina Nieuw"}, "wachtwoord": {"kort"}}); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("short password: status %d, want 422", resp.Status)
	}
	resp = n.PostForm(link, url.Values{"naam": {"Nina Nieuw"}, "wachtwoord": {"een goed wachtwoord"}})
	if resp.URL.Path != "/mijn-leertraject" {
		t.Fatalf("accept: at %s status %d (%q), want the dashboard", resp.URL.Path, resp.Status, resp.Flash())
	}
	var inTeam bool
	env.MustGet(&inTeam, `SELECT EXISTS (SELECT 1 FROM team_members m JOIN users u ON u.id = m.user_id WHERE u.email = 'nieuw@testdorp.example' AND m.team_id = $1)`, team)
	if !inTeam {
		t.Errorf("accepted person is not in the team")
	}
	if resp := env.Client().Get(link); resp.Status != http.StatusNotFound {
		t.Errorf("used invitation: status %d, want 404", resp.Status)
	}
	env.Client().Login("nieuw@testdorp.example", "een goed wachtwoord")

	// Expired invitations do not work.
	env.DB.MustExec(`UPDATE invitations SET expires_at = now() - interval '1 second'`)
	env.MustGet(&body, `SELECT body FROM mail_outbox WHERE recipient = 'tweede@testdorp.example'`)
	if resp := env.Client().Get(inviteLinkRe.FindString(body)); resp.Status != http.StatusNotFound {
		t.Errorf("expired invitation: status %d, want 404", resp.Status)
	}

	// A team of another organisation is refused.
	otherTeam := env.CreateTeam(other, "Elders team")
	if resp := upload(t, env, c, "", "derde@testdorp.example", itoa(otherTeam)); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("team of another organisation: status %d, want 422", resp.Status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
