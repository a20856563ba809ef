package quiz_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// Answers ticked in an open attempt are kept: "Tussentijds bewaren"
// (without JavaScript) stores them, and a reload shows what was ticked.
// Another learner cannot write into the attempt, and a submitted attempt
// takes no more answers.
func TestAnswersKeptWhileAttemptOpen(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An Peeters")
	env.CreateUser(org, "learner", "bart@teststad.be", "Bart Claes")
	c := env.Client()
	c.Login("an@teststad.be", pw)
	c.PostForm("/quiz/"+moduleSlug+"/start", url.Values{})
	page := c.Get("/quiz/" + moduleSlug)
	if !page.Contains("Tussentijds bewaren") {
		t.Fatalf("quiz page has no 'Tussentijds bewaren' button; page says %q", page.Flash())
	}
	f := parseQuizForm(t, page)
	// Tick the second option of the first two questions.
	form := url.Values{"poging": {f.attempt}, "volgnummer": {f.seq}}
	var ticked []string
	n := 0
	for _, qo := range f.order {
		q, _, _ := strings.Cut(qo, ":")
		if _, done := form["vraag-"+q]; done || n == 2 {
			continue
		}
		o := f.options[q][1]
		form.Set("vraag-"+q, o)
		ticked = append(ticked, o)
		n++
	}
	r := c.PostForm("/quiz/"+moduleSlug+"/bewaren", form)
	if r.Status != http.StatusOK || !strings.Contains(r.Flash(), "bewaard") {
		t.Fatalf("keep answers: status %d, want 200 with a flash about 'bewaard'; page says %q", r.Status, r.Flash())
	}
	reload := c.Get("/quiz/" + moduleSlug)
	for _, o := range ticked {
		if !strings.Contains(reload.Body, fmt.Sprintf(`value="%s" checked`, o)) {
			t.Errorf("after a reload option %s is not ticked", o)
		}
	}
	if got := strings.Count(reload.Body, " checked"); got != len(ticked) {
		t.Errorf("after a reload %d options ticked, want %d", got, len(ticked))
	}

	// Someone else's attempt: refused, nothing changes.
	other := env.Client()
	other.Login("bart@teststad.be", apptest.TestPassword)
	if r := other.PostForm("/quiz/"+moduleSlug+"/bewaren", form); r.Status != http.StatusNotFound {
		t.Errorf("another learner keeping answers in An's attempt: status %d, want 404", r.Status)
	}
	// An option of another question: refused as a tampered form.
	bad := url.Values{"poging": {f.attempt}, "volgnummer": {f.seq}}
	qs := make([]string, 0, len(f.options))
	for q := range f.options {
		qs = append(qs, q)
	}
	bad.Set("vraag-"+qs[0], f.options[qs[1]][0])
	if r := c.PostForm("/quiz/"+moduleSlug+"/bewaren", bad); r.Status != http.StatusBadRequest {
		t.Errorf("keeping an option of another question: status %d, want 400", r.Status)
	}
	// A guest is sent to sign in.
	if r := env.Client().PostForm("/quiz/"+moduleSlug+"/bewaren", form); r.URL.Path != "/aanmelden" {
		t.Errorf("guest keeping answers: ended at %s, want /aanmelden", r.URL.Path)
	}
	// The kept answers are what the submission starts from; submitting ends
	// the attempt and keeping more is refused.
	if r := c.PostForm("/quiz/"+moduleSlug, answers(t, env, f, true)); r.Status != http.StatusOK {
		t.Fatalf("submit: status %d; page says %q", r.Status, r.Flash())
	}
	if r := c.PostForm("/quiz/"+moduleSlug+"/bewaren", form); r.Status != http.StatusOK || !strings.Contains(r.URL.Path, "/poging/") {
		t.Errorf("keeping answers of a submitted attempt: status %d at %s, want its review", r.Status, r.URL.Path)
	}
}
