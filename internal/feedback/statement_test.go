package feedback_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

func TestAccessibilityStatementAndFeedback(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Meldingdorp")
	other := env.CreateOrg("OCMW Elders")
	_, pw := env.CreateUser(org, "learner", "lena@melding.example", "Lena Lerende")
	env.CreateUser(org, "manager", "mo@melding.example", "Mo Manager")
	env.CreateUser(other, "manager", "els@elders.example", "Els Elders")
	env.CreateUser(0, "admin", "ada@melding.example", "Ada Admin")

	guest := env.Client()
	r := guest.Get("/toegankelijkheid?pagina=/rapport/mensen")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /toegankelijkheid: status %d", r.Status)
	}
	for _, want := range []string{"Nalevingsstatus", "gedeeltelijk in overeenstemming", "Wat nog niet toegankelijk is",
		"Laatste controle: 1 december 2026", "axe-core", "Feedback en contact", "Handhavingsprocedure", `value="/rapport/mensen"`} {
		if !r.Contains(want) {
			t.Errorf("the statement lacks %q", want)
		}
	}
	// Every footer links to it, with the page one is on.
	for _, path := range []string{"/", "/aanmelden", "/modules/online-informeren", "/bestaat-niet"} {
		m := footerLinkRe.FindStringSubmatch(guest.Get(path).Body)
		if m == nil {
			t.Errorf("the footer of %s does not link to the accessibility statement", path)
			continue
		}
		if page, err := url.QueryUnescape(m[1]); err != nil || page != path {
			t.Errorf("the footer of %s links to the statement about page %q, want %q", path, page, path)
		}
	}

	// Bad input keeps the text and says what is wrong.
	r = guest.PostForm("/toegankelijkheid", url.Values{"bericht": {"   "}, "contact": {""}})
	if r.Status != http.StatusUnprocessableEntity || !r.Contains("Schrijf wat er niet lukte.") {
		t.Errorf("empty message: status %d, want 422 with a message", r.Status)
	}
	r = guest.PostForm("/toegankelijkheid", url.Values{"bericht": {"De grafiek is onleesbaar."}, "contact": {"geen-adres"}})
	if r.Status != http.StatusUnprocessableEntity || !r.Contains("geen geldig e-mailadres") || !r.Contains("De grafiek is onleesbaar.") {
		t.Errorf("invalid contact: status %d, want 422 with the message kept", r.Status)
	}
	r = guest.PostForm("/toegankelijkheid", url.Values{"bericht": {strings.Repeat("x", 4001)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("too long a message: status %d, want 422", r.Status)
	}

	// A guest and a learner send a message; the admins see both at /beheer.
	r = guest.PostForm("/toegankelijkheid", url.Values{"pagina": {"/rapport"}, "bericht": {"De knop <Verder> reageert niet op Enter."}, "contact": {"burger@gent.example"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Flash(), "Bedankt") {
		t.Fatalf("guest message: status %d, flash %q", r.Status, r.Flash())
	}
	learner := env.Client()
	learner.Login("lena@melding.example", pw)
	if r := learner.PostForm("/toegankelijkheid", url.Values{"bericht": {"De quiz is moeilijk met een schermlezer."}}); r.Status != http.StatusOK {
		t.Fatalf("learner message: status %d (%q)", r.Status, r.Flash())
	}
	var n int
	if err := env.DB.Get(&n, `SELECT count(*) FROM accessibility_feedback`); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("stored messages = %d, want 2", n)
	}

	admin := env.Client()
	admin.Login("ada@melding.example", pw)
	r = admin.Get("/beheer")
	for _, want := range []string{"Meldingen over toegankelijkheid", "2 meldingen in totaal", "De knop &lt;Verder&gt; reageert niet op Enter.",
		"burger@gent.example", "/rapport", "De quiz is moeilijk met een schermlezer.", "Lena Lerende (lena@melding.example)", "een bezoeker"} {
		if !r.Contains(want) {
			t.Errorf("/beheer lacks %q", want)
		}
	}
	// The messages are for admins only.
	for who, c := range map[string]*apptest.Client{"learner": learner, "manager": login(env, "mo@melding.example", pw), "other manager": login(env, "els@elders.example", pw)} {
		if r := c.Get("/beheer"); r.Status != http.StatusForbidden || r.Contains("burger@gent.example") {
			t.Errorf("%s GET /beheer: status %d, want 403 without the messages", who, r.Status)
		}
	}
	if r := env.Client().Get("/beheer"); r.URL.Path != "/aanmelden" || r.Contains("burger@gent.example") {
		t.Errorf("guest GET /beheer: at %s, want the login page", r.URL.Path)
	}

	// A script cannot fill the list: after a few messages a client waits,
	// and keeps its text.
	spam := env.Client()
	status := 0
	for i := 0; i < 8 && status != http.StatusTooManyRequests; i++ {
		r = spam.PostForm("/toegankelijkheid", url.Values{"bericht": {fmt.Sprintf("bericht %d", i)}})
		status = r.Status
	}
	if status != http.StatusTooManyRequests || !r.Contains("Wacht een paar minuten") {
		t.Errorf("many messages from one client: last status %d, want 429 with a message", status)
	}
}

var footerLinkRe = regexp.MustCompile(`<footer[\s\S]*href="/toegankelijkheid\?pagina=([^"]*)"`)

func login(env *apptest.Env, email, pw string) *apptest.Client {
	c := env.Client()
	c.Login(email, pw)
	return c
}
