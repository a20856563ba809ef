package auth_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// world is the cast of the matrix test: Tina, a learner of OCMW Aadorp,
// whose data the routes show or change; Lars, another learner there; Mia,
// Aadorp's manager; Bob, the manager of another organisation; and Ada, the
// platform admin.
type world struct {
	env                      *apptest.Env
	orgA, teamA, teamA2      int64
	tina, lars, mia, bob, ad int64
}

const tinaEmail = "tina.doelwit@aadorp.example"

func newWorld(t *testing.T) *world {
	env := apptest.New(t)
	w := &world{env: env}
	w.orgA = env.CreateOrg("OCMW Aadorp")
	orgB := env.CreateOrg("OCMW Bedorp")
	w.teamA = env.CreateTeam(w.orgA, "Sociale dienst")
	w.teamA2 = env.CreateTeam(w.orgA, "Thuiszorg")
	w.tina, _ = env.CreateUser(w.orgA, "learner", tinaEmail, "Tina Doelwit")
	w.lars, _ = env.CreateUser(w.orgA, "learner", "lars@aadorp.example", "Lars Lid")
	w.mia, _ = env.CreateUser(w.orgA, "manager", "mia@aadorp.example", "Mia Manager")
	w.bob, _ = env.CreateUser(orgB, "manager", "bob@bedorp.example", "Bob Elders")
	w.ad, _ = env.CreateUser(0, "admin", "ada@platform.example", "Ada Admin")
	env.AddToTeam(w.teamA, w.tina)
	env.DB.MustExec(`INSERT INTO mail_outbox (recipient, subject, body) VALUES ($1, 'Uitnodiging', 'link')`, tinaEmail)
	return w
}

func (w *world) tinaState() string {
	var s string
	w.env.DB.Get(&s, `SELECT full_name || '|' || role || '|' || active || '|' || (deleted_at IS NULL) || '|' ||
		coalesce((SELECT string_agg(team_id::text, ',' ORDER BY team_id) FROM team_members WHERE user_id = u.id), '')
		FROM users u WHERE id = $1`, w.tina)
	return s
}

type matrixRoute struct {
	method, path string
	form         url.Values
	rightful     string // tina, mia or ada
	// selfScoped routes serve whoever is signed in their own data (or
	// their own organisation's): others may get 200, but never Tina's data.
	selfScoped bool
	// noData pages show nothing of Tina even to the rightful person.
	noData bool
}

func TestAccessMatrix(t *testing.T) {
	pw := apptest.TestPassword
	routes := []matrixRoute{
		{method: "GET", path: "/profiel", rightful: "tina", selfScoped: true},
		{method: "POST", path: "/profiel", form: url.Values{"naam": {"Gewijzigd"}, "taal": {"nl"}}, rightful: "tina", selfScoped: true},
		{method: "GET", path: "/profiel/wachtwoord", rightful: "tina", selfScoped: true, noData: true},
		{method: "POST", path: "/profiel/wachtwoord", form: url.Values{"huidig": {pw}, "nieuw": {"een nieuw wachtwoord"}}, rightful: "tina", selfScoped: true},
		{method: "GET", path: "/profiel/privacy", rightful: "tina", selfScoped: true, noData: true},
		{method: "GET", path: "/profiel/gegevens.json", rightful: "tina", selfScoped: true},
		{method: "POST", path: "/profiel/verwijderen", form: url.Values{"wachtwoord": {pw}}, rightful: "tina", selfScoped: true},
		{method: "GET", path: "/organisatie", rightful: "mia", selfScoped: true},
		{method: "GET", path: "/organisatie/mensen/{tina}", rightful: "mia"},
		{method: "POST", path: "/organisatie/mensen/{tina}/teams", form: url.Values{"team": {"{teamA2}"}}, rightful: "mia"},
		{method: "GET", path: "/organisatie/uitnodigen", rightful: "mia", selfScoped: true, noData: true},
		{method: "GET", path: "/beheer", rightful: "ada", noData: true},
		{method: "GET", path: "/beheer/organisaties/{orgA}", rightful: "ada"},
		{method: "POST", path: "/beheer/gebruikers/{tina}/rol", form: url.Values{"rol": {"manager"}}, rightful: "ada"},
		{method: "POST", path: "/beheer/gebruikers/{tina}/actief", form: url.Values{"actief": {"0"}}, rightful: "ada"},
		{method: "GET", path: "/beheer/mail", rightful: "ada"},
	}
	emails := map[string]string{"tina": tinaEmail, "lars": "lars@aadorp.example", "mia": "mia@aadorp.example",
		"bob": "bob@bedorp.example", "ada": "ada@platform.example"}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			expand := func(s string) string {
				return strings.NewReplacer("{tina}", fmt.Sprint(w.tina), "{orgA}", fmt.Sprint(w.orgA),
					"{teamA2}", fmt.Sprint(w.teamA2)).Replace(s)
			}
			path := expand(r.path)
			form := url.Values{}
			for k, vs := range r.form {
				for _, v := range vs {
					form.Add(k, expand(v))
				}
			}
			before := w.tinaState()
			request := func(c *apptest.Client) *apptest.Response {
				if r.method == "GET" {
					return c.Get(path)
				}
				return c.PostForm(path, form)
			}
			// Guest, Lars (learner, same organisation), Bob (manager of
			// another organisation): never Tina's data, never a change.
			for _, actor := range []string{"guest", "lars", "bob"} {
				c := w.env.Client()
				if actor != "guest" {
					c.Login(emails[actor], pw)
				}
				resp := request(c)
				leaked := strings.Contains(resp.Body, tinaEmail) || strings.Contains(resp.Body, "Tina Doelwit")
				switch {
				case actor == "guest" && resp.URL.Path != "/aanmelden":
					t.Errorf("guest: ended at %s with status %d, want the login page", resp.URL.Path, resp.Status)
				case actor != "guest" && !r.selfScoped && resp.Status != http.StatusForbidden && resp.Status != http.StatusNotFound:
					t.Errorf("%s: status %d, want 403 or 404 (%q)", actor, resp.Status, resp.Flash())
				}
				if leaked {
					t.Errorf("%s: the answer shows Tina's data", actor)
				}
				if after := w.tinaState(); after != before {
					t.Errorf("%s changed Tina: %q → %q", actor, before, after)
				}
			}
			// The rightful person succeeds.
			c := w.env.Client()
			c.Login(emails[r.rightful], pw)
			resp := request(c)
			if resp.Status != http.StatusOK || resp.URL.Path == "/aanmelden" {
				t.Fatalf("%s: status %d at %s, want 200 (%q)", r.rightful, resp.Status, resp.URL.Path, resp.Flash())
			}
			if r.method == "GET" && !r.noData && !strings.Contains(resp.Body, tinaEmail) {
				t.Errorf("%s: the page does not show Tina's data", r.rightful)
			}
			if r.method == "POST" && !strings.Contains(r.path, "wachtwoord") && w.tinaState() == before {
				t.Errorf("%s: Tina unchanged after the rightful POST (%q)", r.rightful, resp.Flash())
			}
		})
	}
}
