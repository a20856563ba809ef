package assignment_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

var unsubRe = regexp.MustCompile(`<(https?://[^>]+/uitschrijven/[^>]+)>`)

func TestUnsubscribeLink(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv)
	ctx := context.Background()
	org := env.CreateOrg("OCMW Boom")
	ann, _ := env.CreateUser(org, "learner", "ann@boom.example", "Ann Andries")
	m1 := moduleID(t, env, 1)
	if _, err := env.App.Assignments().Store().Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, UserID: ann},
		ModuleIDs: []int64{m1}, Due: assignment.Due{On: day("2030-03-31")}}); err != nil {
		t.Fatal(err)
	}
	remind(t, env, at("2030-03-24 10:00"))
	m := srv.Wait(1, 10*time.Second)[0]
	link := unsubRe.FindStringSubmatch(m.Header.Get("List-Unsubscribe"))
	if link == nil || !strings.Contains(m.Text, link[1]) {
		t.Fatalf("List-Unsubscribe %q is not the link in the text:\n%s", m.Header.Get("List-Unsubscribe"), m.Text)
	}
	path := strings.TrimPrefix(link[1], env.Server.URL)

	// GET only asks.
	guest := env.Client()
	resp := guest.Get(path)
	if resp.Status != http.StatusOK || !resp.Contains(`method="post"`) {
		t.Fatalf("GET %s: status %d, want a confirmation form", path, resp.Status)
	}
	if p, _ := env.App.Assignments().Store().Preferences(ctx, ann); !p.Reminders {
		t.Fatalf("a GET turned reminders off")
	}

	// A forged token (another person's id, or a changed signature) is refused.
	bob, _ := env.CreateUser(org, "learner", "bob@boom.example", "Bob")
	parts := strings.Split(strings.TrimPrefix(path, "/uitschrijven/"), ".")
	for _, forged := range []string{
		"/uitschrijven/" + itoa(bob) + "." + parts[1] + "." + parts[2],
		"/uitschrijven/" + parts[0] + ".overzicht." + parts[2],
		"/uitschrijven/" + parts[0] + "." + parts[1] + ".AAAA" + parts[2][4:],
		"/uitschrijven/" + parts[0] + "." + parts[1],
	} {
		if resp := oneClick(t, env, forged); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: status %d, want 404", forged, resp.StatusCode)
		}
	}
	if p, _ := env.App.Assignments().Store().Preferences(ctx, bob); !p.Reminders {
		t.Errorf("a forged link turned Bob's reminders off")
	}

	// The mail program's one-click POST: no session, no cookies, no Origin.
	if resp := oneClick(t, env, path); resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click POST: status %d, want 200", resp.StatusCode)
	}
	p, err := env.App.Assignments().Store().Preferences(ctx, ann)
	if err != nil || p.Reminders || !p.Digest {
		t.Fatalf("after unsubscribing: %+v (%v), want reminders off, digest on", p, err)
	}
	settle(t, env)
	if got := remind(t, env, at("2030-03-30 10:00")); len(got) != 0 {
		t.Errorf("reminders after unsubscribing: %v", got)
	}

	// The profile page turns them back on.
	ac := env.Client()
	ac.Login("ann@boom.example", apptest.TestPassword)
	if resp := ac.Get("/profiel/meldingen"); resp.Status != http.StatusOK || resp.Contains(`name="herinneringen" type="checkbox" value="aan" checked`) {
		t.Fatalf("preferences page: status %d, reminders shown as on", resp.Status)
	}
	if resp := ac.PostForm("/profiel/meldingen", url.Values{"herinneringen": {"aan"}}); resp.Status != http.StatusOK || !resp.Contains("Je keuze is bewaard") {
		t.Fatalf("save preferences: status %d (%q)", resp.Status, resp.Flash())
	}
	if p, _ := env.App.Assignments().Store().Preferences(ctx, ann); !p.Reminders {
		t.Errorf("reminders still off after turning them on")
	}
	if resp := env.Client().Get("/profiel/meldingen"); resp.Contains("herinneringen") {
		t.Errorf("a guest sees the preferences page")
	}
}

func oneClick(t *testing.T, env *apptest.Env, path string) *http.Response {
	t.Helper()
	resp, err := http.Post(env.URL(path), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	resp.Body.Close()
	return resp
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestManagerAssignsWithdrawsAndExtends(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Hove")
	team := env.CreateTeam(org, "Onthaal")
	ann, _ := env.CreateUser(org, "learner", "ann@hove.example", "Ann Andries")
	env.AddToTeam(team, ann)
	env.CreateUser(org, "manager", "baas@hove.example", "Bea Baas")
	other := env.CreateOrg("OCMW Elders")
	env.CreateUser(other, "manager", "baas@elders.example", "Eli Elders")
	env.CreateUser(org, "learner", "lea@hove.example", "Lea")
	m1 := moduleID(t, env, 1)

	mc := env.Client()
	mc.Login("baas@hove.example", apptest.TestPassword)
	if resp := mc.Get("/rapport/opdrachten"); resp.Status != http.StatusOK || !resp.Contains("Onthaal") {
		t.Fatalf("manage page: status %d", resp.Status)
	}
	form := url.Values{"team": {itoa(team)}, "module": {itoa(m1)}, "datum": {"2030-03-31"}, "herinnering": {"7", "0"}}
	bad := url.Values{"team": {itoa(team)}, "module": {itoa(m1)}, "datum": {"2030-03-31"}, "dagen": {"10"}}
	if resp := mc.PostForm("/rapport/opdrachten", bad); resp.Status != http.StatusUnprocessableEntity || !resp.Contains("niet allebei") {
		t.Errorf("date and days: status %d, want 422 with a message", resp.Status)
	}
	if resp := mc.PostForm("/rapport/opdrachten", form); resp.Status != http.StatusOK || !resp.Contains("De opdracht is gegeven") {
		t.Fatalf("create: status %d (%q)", resp.Status, resp.Flash())
	}
	var id int64
	var remindDays string
	if err := env.DB.QueryRow(`SELECT id, remind_days::text FROM assignments WHERE organisation_id = $1`, org).Scan(&id, &remindDays); err != nil {
		t.Fatalf("assignment not stored: %v", err)
	}
	if remindDays != "{7,0}" {
		t.Errorf("remind_days = %s, want {7,0}", remindDays)
	}
	due, err := env.App.Assignments().Store().ForUser(context.Background(), ann, org)
	if err != nil || due[m1].DueOn.Format(time.DateOnly) != "2030-03-31" {
		t.Fatalf("Ann's due dates = %v (%v)", due, err)
	}

	// A manager of another organisation, a team id of it, a learner, a guest.
	oc := env.Client()
	oc.Login("baas@elders.example", apptest.TestPassword)
	if resp := oc.PostForm("/rapport/opdrachten/"+itoa(id)+"/intrekken", nil); resp.Status != http.StatusNotFound {
		t.Errorf("withdraw by another organisation's manager: status %d, want 404", resp.Status)
	}
	if resp := oc.Get("/rapport/opdrachten"); resp.Contains("Onthaal") {
		t.Errorf("another organisation's manager sees the assignment")
	}
	if resp := oc.PostForm("/rapport/opdrachten", form); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("assign with another organisation's team: status %d, want 422", resp.Status)
	}
	lc := env.Client()
	lc.Login("lea@hove.example", apptest.TestPassword)
	if resp := lc.Get("/rapport/opdrachten"); resp.Status != http.StatusForbidden {
		t.Errorf("learner: status %d, want 403", resp.Status)
	}
	if resp := env.Client().Get("/rapport/opdrachten"); resp.Contains("Onthaal") {
		t.Errorf("a guest sees the assignments")
	}

	// An extension for Ann, then the withdrawal.
	if resp := mc.PostForm("/rapport/opdrachten/"+itoa(id)+"/uitstel", url.Values{"persoon": {"ann@hove.example"}, "datum": {"2030-04-30"}}); !resp.Contains("Het uitstel is bewaard") {
		t.Fatalf("extend: status %d (%q)", resp.Status, resp.Flash())
	}
	due, _ = env.App.Assignments().Store().ForUser(context.Background(), ann, org)
	if got := due[m1].DueOn.Format(time.DateOnly); got != "2030-04-30" {
		t.Errorf("after the extension Ann's date is %s, want 2030-04-30", got)
	}
	if resp := mc.PostForm("/rapport/opdrachten/"+itoa(id)+"/intrekken", nil); !resp.Contains("ingetrokken") {
		t.Fatalf("withdraw: status %d (%q)", resp.Status, resp.Flash())
	}
	if due, _ := env.App.Assignments().Store().ForUser(context.Background(), ann, org); len(due) != 0 {
		t.Errorf("after withdrawal Ann still must: %v", due)
	}
}

func TestReportShowsWhoIsLate(t *testing.T) {
	env := apptest.New(t)
	ctx := context.Background()
	org := env.CreateOrg("OCMW Wommelgem")
	team := env.CreateTeam(org, "Onthaal")
	ann, _ := env.CreateUser(org, "learner", "ann@wommelgem.example", "Ann Andries")
	bob, _ := env.CreateUser(org, "learner", "bob@wommelgem.example", "Bob Bouwens")
	env.CreateUser(org, "learner", "cas@wommelgem.example", "Cas Claes")
	env.AddToTeam(team, ann)
	env.AddToTeam(team, bob)
	env.CreateUser(org, "manager", "baas@wommelgem.example", "Bea Baas")
	m1 := moduleID(t, env, 1)
	if _, err := env.App.Assignments().Store().Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, TeamID: team},
		ModuleIDs: []int64{m1}, Due: assignment.Due{On: day("2026-01-31")}}); err != nil {
		t.Fatal(err)
	}
	complete(t, env, bob, m1, at("2026-01-20 10:00"))
	env.SyncCaches()
	mc := env.Client()
	mc.Login("baas@wommelgem.example", apptest.TestPassword)
	resp := mc.Get("/rapport/mensen?status=late")
	if resp.Status != http.StatusOK {
		t.Fatalf("matrix: status %d", resp.Status)
	}
	if !resp.Contains("Ann Andries") || resp.Contains("Bob Bouwens") || resp.Contains("Cas Claes") {
		t.Errorf("the te-laat filter does not list exactly Ann:\n%s", resp.Body)
	}
	if !resp.Contains("te laat (tegen 2026-01-31)") {
		t.Errorf("Ann's cell lacks the due date")
	}
	csv := mc.Get("/rapport/export.csv")
	if csv.Status != http.StatusOK || !strings.Contains(csv.Body, `"Verplicht tegen: `) {
		t.Fatalf("CSV: status %d, no due column:\n%.300s", csv.Status, csv.Body)
	}
	for _, line := range strings.Split(csv.Body, "\r\n") {
		switch {
		case strings.HasPrefix(line, `"Ann Andries"`):
			if !strings.Contains(line, `"2026-01-31";"te laat"`) {
				t.Errorf("Ann's CSV row lacks due date and status: %s", line)
			}
		case strings.HasPrefix(line, `"Bob Bouwens"`), strings.HasPrefix(line, `"Cas Claes"`):
			if strings.Contains(line, "te laat") || strings.Contains(line, "2026-01-31") {
				t.Errorf("CSV row of someone not late: %s", line)
			}
		}
	}
	// Per module and per team: Ann late, Bob done.
	page := mc.Get("/rapport/opdrachten")
	if page.Status != http.StatusOK {
		t.Fatalf("assignments page: status %d", page.Status)
	}
	if !page.Contains(`<th scope="row">Onthaal</th><td>0</td><td>1</td><td>1</td>`) {
		t.Errorf("the team's tally is not 0 on time, 1 late, 1 done:\n%s", page.Body)
	}
	// Another organisation's manager sees none of it.
	other := env.CreateOrg("OCMW Elders")
	env.CreateUser(other, "manager", "baas@elders.example", "Eli")
	oc := env.Client()
	oc.Login("baas@elders.example", apptest.TestPassword)
	if resp := oc.Get("/rapport/mensen?status=late"); resp.Contains("Ann Andries") {
		t.Errorf("another organisation's manager sees Ann")
	}
	if resp := oc.Get("/rapport/opdrachten"); resp.Contains("Onthaal") {
		t.Errorf("another organisation's manager sees the team's tally")
	}
}
