package learning_test

import (
	"net/http"
	"net/url"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// TestMarkDoneAfterSignInAgain: a learner whose session ended while reading
// clicks "Markeer als gelezen", signs in again and is sent back to the
// address of that form. The browser follows it with GET: they land on the
// lesson (which they can now mark), not on "page not found".
func TestMarkDoneAfterSignInAgain(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Leesdorp")
	env.CreateUser(org, "learner", "lezer@leesdorp.example", "Lea Lezer")
	c := env.Client()
	const lesson = "/modules/online-informeren/heldere-taal"
	r := c.PostForm(lesson+"/gelezen", url.Values{})
	if r.URL.Path != "/aanmelden" {
		t.Fatalf("guest POST %s/gelezen: ended on %s, want the sign-in form", lesson, r.URL.Path)
	}
	form := url.Values{"email": {"lezer@leesdorp.example"}, "wachtwoord": {apptest.TestPassword}, "terug": {r.URL.Query().Get("terug")}}
	r = c.PostForm("/aanmelden", form)
	if r.Status != http.StatusOK || r.URL.Path != lesson {
		t.Errorf("after signing in: status %d on %s, want 200 on %s; page says %q", r.Status, r.URL.Path, lesson, r.Flash())
	}
	if r := c.Get("/modules/online-informeren/bestaat-niet/gelezen"); r.Status != http.StatusNotFound {
		t.Errorf("GET of an unknown lesson's gelezen address: status %d, want 404", r.Status)
	}
}
