package quiz_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
)

const moduleSlug = "online-informeren"

var (
	attemptRe = regexp.MustCompile(`name="poging" value="(\d+)"`)
	seqRe     = regexp.MustCompile(`name="volgnummer" value="(\d+)"`)
	optionRe  = regexp.MustCompile(`name="vraag-(\d+)" value="(\d+)"`)
)

// quizForm is the quiz form as a page shows it.
type quizForm struct {
	attempt, seq string
	order        []string            // "question:option" in page order
	options      map[string][]string // question id → option ids
}

func parseQuizForm(t *testing.T, r *apptest.Response) quizForm {
	t.Helper()
	a, s := attemptRe.FindStringSubmatch(r.Body), seqRe.FindStringSubmatch(r.Body)
	if a == nil || s == nil {
		t.Fatalf("no quiz form on %s (status %d); page says %q", r.URL.Path, r.Status, r.Flash())
	}
	f := quizForm{attempt: a[1], seq: s[1], options: map[string][]string{}}
	for _, m := range optionRe.FindAllStringSubmatch(r.Body, -1) {
		f.order = append(f.order, m[1]+":"+m[2])
		f.options[m[1]] = append(f.options[m[1]], m[2])
	}
	return f
}

// answers fills the form: right answers from the database when right is
// true, otherwise a wrong option for every question.
func answers(t *testing.T, env *apptest.Env, f quizForm, right bool) url.Values {
	t.Helper()
	v := url.Values{"poging": {f.attempt}, "volgnummer": {f.seq}}
	for q := range f.options {
		var ids []int64
		if err := env.DB.Select(&ids, `SELECT id FROM options WHERE question_id = $1 AND correct = $2 ORDER BY position`, q, right); err != nil {
			t.Fatal(err)
		}
		if !right {
			ids = ids[:1]
		}
		for _, id := range ids {
			v.Add("vraag-"+q, fmt.Sprint(id))
		}
	}
	return v
}

func lessonSlugs(t *testing.T, env *apptest.Env, module string) []string {
	t.Helper()
	var slugs []string
	err := env.DB.Select(&slugs, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 ORDER BY l.position`, module)
	if err != nil || len(slugs) == 0 {
		t.Fatalf("lessons of %s: %v, %v", module, slugs, err)
	}
	return slugs
}

// TestLearnerJourney: log in, read every lesson of a module, fail the quiz,
// pass it, see the module complete on the dashboard.
func TestLearnerJourney(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An Peeters")
	c := env.Client()
	c.Login("an@teststad.be", pw)

	dash := c.Get("/mijn-leertraject")
	if dash.Status != http.StatusOK || !dash.Contains("Mijn leertraject") || !dash.Contains("0 van de 5 modules") {
		t.Fatalf("dashboard: status %d, want 200 with 0 of 5 modules; page says %q", dash.Status, dash.Flash())
	}

	slugs := lessonSlugs(t, env, moduleSlug)
	for i, s := range slugs {
		page := c.Get("/modules/" + moduleSlug + "/" + s)
		action := `action="/modules/` + moduleSlug + "/" + s + `/gelezen"`
		if !page.Contains(action) {
			t.Fatalf("lesson %s: no mark-as-read form", s)
		}
		r := c.PostForm("/modules/"+moduleSlug+"/"+s+"/gelezen", nil)
		want := "/quiz/" + moduleSlug
		if i+1 < len(slugs) {
			want = "/modules/" + moduleSlug + "/" + slugs[i+1]
		}
		if r.Status != http.StatusOK || r.URL.Path != want {
			t.Fatalf("mark %s as read: status %d at %s, want 200 at %s; page says %q", s, r.Status, r.URL.Path, want, r.Flash())
		}
		if i == 0 && !strings.Contains(r.Flash(), "gemarkeerd als gelezen") {
			t.Errorf("mark as read: flash %q, want a confirmation", r.Flash())
		}
	}
	// A second click changes nothing.
	again := c.PostForm("/modules/"+moduleSlug+"/"+slugs[0]+"/gelezen", nil)
	if !strings.Contains(again.Flash(), "was al gemarkeerd") {
		t.Errorf("second mark: flash %q, want 'was al gemarkeerd'", again.Flash())
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM lesson_progress`); n != len(slugs) {
		t.Errorf("lesson_progress rows = %d, want %d", n, len(slugs))
	}
	mod := c.Get("/modules/" + moduleSlug)
	if n := strings.Count(mod.Body, `class="badge done"`); n != len(slugs) {
		t.Errorf("module page shows %d lessons as read, want %d", n, len(slugs))
	}

	// The quiz: start, reload, fail.
	intro := c.Get("/quiz/" + moduleSlug)
	if intro.Status != http.StatusOK || !intro.Contains(`action="/quiz/`+moduleSlug+`/start"`) {
		t.Fatalf("quiz intro: status %d, want a start button; page says %q", intro.Status, intro.Flash())
	}
	page := c.PostForm("/quiz/"+moduleSlug+"/start", nil)
	form := parseQuizForm(t, page)
	assertNoAnswerKey(t, env, page)
	reload := parseQuizForm(t, c.Get("/quiz/"+moduleSlug))
	if reload.attempt != form.attempt || strings.Join(reload.order, ",") != strings.Join(form.order, ",") {
		t.Errorf("reload: attempt %s order %v, want the same attempt %s in the same order", reload.attempt, reload.order, form.attempt)
	}
	// Starting again (double click) keeps the open attempt.
	if again := parseQuizForm(t, c.PostForm("/quiz/"+moduleSlug+"/start", nil)); again.attempt != form.attempt {
		t.Errorf("second start: attempt %s, want %s", again.attempt, form.attempt)
	}

	// Leaving a question open brings the form back with the answers kept.
	partial := answers(t, env, form, false)
	var first string
	for k := range partial {
		if strings.HasPrefix(k, "vraag-") {
			first = k
			break
		}
	}
	partial.Del(first)
	r := c.PostForm("/quiz/"+moduleSlug, partial)
	if r.Status != http.StatusUnprocessableEntity || !r.Contains(`class="field-error"`) || !r.Contains(`role="alert"`) {
		t.Errorf("unanswered question: status %d, want 422 with an error; page says %q", r.Status, r.Flash())
	}
	if n := strings.Count(r.Body, " checked>"); n == 0 {
		t.Errorf("unanswered question: no answers kept in the form")
	}

	wrong := answers(t, env, form, false)
	r = c.PostForm("/quiz/"+moduleSlug, wrong)
	if r.Status != http.StatusOK || r.URL.Path != "/quiz/"+moduleSlug+"/poging/1" || !r.Contains("Niet geslaagd") {
		t.Fatalf("failing submit: status %d at %s, want the review of attempt 1, not passed; page says %q", r.Status, r.URL.Path, r.Flash())
	}
	if !r.Contains(`role="status"`) || !r.Contains(`id="resultaat" tabindex="-1"`) {
		t.Errorf("review: result not announced (role=status, focusable heading)")
	}
	var expl string
	env.MustGet(&expl, `SELECT o.explanation FROM options o JOIN questions q ON q.id = o.question_id JOIN modules m ON m.id = q.module_id WHERE m.slug = $1 LIMIT 1`, moduleSlug)
	if !r.Contains(htmlEscape(expl)) {
		t.Errorf("review does not show the explanation %q", expl)
	}
	// The back button: the same form again records nothing new.
	r = c.PostForm("/quiz/"+moduleSlug, answers(t, env, form, true))
	if r.URL.Path != "/quiz/"+moduleSlug+"/poging/1" || !strings.Contains(r.Flash(), "al ingediend") || !r.Contains("Niet geslaagd") {
		t.Errorf("resubmit: at %s, flash %q; want the first result of attempt 1", r.URL.Path, r.Flash())
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL`); n != 1 {
		t.Errorf("submitted attempts = %d after a resubmit, want 1", n)
	}
	dash = c.Get("/mijn-leertraject")
	if !dash.Contains("quiz nog niet geslaagd") {
		t.Errorf("dashboard after failing: want 'quiz nog niet geslaagd'")
	}

	// Second attempt: pass.
	form2 := parseQuizForm(t, c.PostForm("/quiz/"+moduleSlug+"/start", nil))
	if form2.seq != "2" || form2.attempt == form.attempt {
		t.Errorf("second attempt: seq %s id %s, want seq 2 and a new id", form2.seq, form2.attempt)
	}
	r = c.PostForm("/quiz/"+moduleSlug, answers(t, env, form2, true))
	if r.URL.Path != "/quiz/"+moduleSlug+"/poging/2" || !r.Contains("Geslaagd met 100") {
		t.Fatalf("passing submit: at %s, want 'Geslaagd met 100' on attempt 2; page says %q", r.URL.Path, r.Flash())
	}
	hist := c.Get("/quiz/" + moduleSlug)
	if !hist.Contains(`href="/quiz/`+moduleSlug+`/poging/1"`) || !hist.Contains(`href="/quiz/`+moduleSlug+`/poging/2"`) {
		t.Errorf("quiz page: attempt history misses attempts 1 and 2")
	}

	dash = c.Get("/mijn-leertraject")
	if !dash.Contains("Afgerond op") || !dash.Contains("1 van de 5 modules") {
		t.Errorf("dashboard: want module complete ('Afgerond op', 1 of 5); page says %q", dash.Flash())
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM module_progress WHERE completed_at IS NOT NULL AND best_score = 100`); n != 1 {
		t.Errorf("completed module_progress rows = %d, want 1", n)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// assertNoAnswerKey checks that a quiz page gives away nothing of the
// answer key: no explanation and no correctness markers.
func assertNoAnswerKey(t *testing.T, env *apptest.Env, r *apptest.Response) {
	t.Helper()
	var expls []string
	if err := env.DB.Select(&expls, `SELECT explanation FROM options`); err != nil {
		t.Fatal(err)
	}
	for _, e := range expls {
		if strings.Contains(r.Body, htmlEscape(e)) || strings.Contains(r.Body, e) {
			t.Errorf("quiz page contains the explanation %q before submission", e)
		}
	}
	for _, marker := range []string{`data-correct`, `class="correct`, `correct"`, `correct=`, `option-right`, `Juist antwoord`, "is-right"} {
		if strings.Contains(r.Body, marker) {
			t.Errorf("quiz page contains the marker %q before submission", marker)
		}
	}
}

// TestQuizTamperingOverHTTP: answers for another person's attempt, option
// ids from another question, an attempt of another organisation's learner.
func TestQuizTamperingOverHTTP(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	otherOrg := env.CreateOrg("OCMW Elders")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An")
	env.CreateUser(org, "learner", "bart@teststad.be", "Bart")
	env.CreateUser(otherOrg, "learner", "cleo@elders.be", "Cleo")
	an, bart, cleo := env.Client(), env.Client(), env.Client()
	an.Login("an@teststad.be", pw)
	bart.Login("bart@teststad.be", pw)
	cleo.Login("cleo@elders.be", pw)

	mine := parseQuizForm(t, an.PostForm("/quiz/"+moduleSlug+"/start", nil))
	bartsForm := parseQuizForm(t, bart.PostForm("/quiz/"+moduleSlug+"/start", nil))
	cleosForm := parseQuizForm(t, cleo.PostForm("/quiz/"+moduleSlug+"/start", nil))

	withAttempt := func(f quizForm, id, seq string) url.Values {
		v := answers(t, env, f, true)
		v.Set("poging", id)
		v.Set("volgnummer", seq)
		return v
	}
	// Two questions swap their options.
	var qs []string
	for q := range mine.options {
		qs = append(qs, q)
	}
	swapped := answers(t, env, mine, true)
	a0, a1 := swapped["vraag-"+qs[0]], swapped["vraag-"+qs[1]]
	swapped["vraag-"+qs[0]], swapped["vraag-"+qs[1]] = a1[:1], a0[:1]
	// An option of another module's quiz.
	var foreign int64
	env.MustGet(&foreign, `SELECT o.id FROM options o JOIN questions q ON q.id = o.question_id JOIN modules m ON m.id = q.module_id WHERE m.slug <> $1 LIMIT 1`, moduleSlug)
	other := answers(t, env, mine, true)
	other.Set("vraag-"+qs[0], fmt.Sprint(foreign))

	cases := []struct {
		name string
		form url.Values
		want int
	}{
		{"a colleague's attempt", withAttempt(mine, bartsForm.attempt, bartsForm.seq), http.StatusNotFound},
		{"another organisation's learner's attempt", withAttempt(mine, cleosForm.attempt, cleosForm.seq), http.StatusNotFound},
		{"options of another question", swapped, http.StatusBadRequest},
		{"an option of another module", other, http.StatusBadRequest},
		{"a wrong sequence number", withAttempt(mine, mine.attempt, "7"), http.StatusBadRequest},
		{"a non-numeric sequence number", withAttempt(mine, mine.attempt, mine.seq+"x"), http.StatusBadRequest},
	}
	for _, c := range cases {
		r := an.PostForm("/quiz/"+moduleSlug, c.form)
		if r.Status != c.want {
			t.Errorf("%s: status %d, want %d; page says %q", c.name, r.Status, c.want, r.Flash())
		}
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL`); n != 0 {
		t.Errorf("submitted attempts = %d after tampering, want 0", n)
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM attempt_answers`); n != 0 {
		t.Errorf("attempt_answers = %d after tampering, want 0", n)
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM module_progress`); n != 0 {
		t.Errorf("module_progress rows = %d after tampering, want 0", n)
	}
	// Another module's URL with this attempt.
	r := an.PostForm("/quiz/online-contacteren", answers(t, env, mine, true))
	if r.Status != http.StatusNotFound {
		t.Errorf("attempt under another module's URL: status %d, want 404", r.Status)
	}
}

// TestSecurityMatrix: every learning and quiz route for a guest, a learner
// and a manager of another organisation, and the rightful learner.
func TestSecurityMatrix(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	otherOrg := env.CreateOrg("OCMW Elders")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An")
	env.CreateUser(otherOrg, "learner", "cleo@elders.be", "Cleo")
	env.CreateUser(otherOrg, "manager", "dirk@elders.be", "Dirk")

	an := env.Client()
	an.Login("an@teststad.be", pw)
	// An submits attempt 1 and has attempt 2 open.
	f := parseQuizForm(t, an.PostForm("/quiz/"+moduleSlug+"/start", nil))
	an.PostForm("/quiz/"+moduleSlug, answers(t, env, f, false))
	open := parseQuizForm(t, an.PostForm("/quiz/"+moduleSlug+"/start", nil))
	lesson := lessonSlugs(t, env, moduleSlug)[0]

	guest := env.Client()
	guest.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cleo, dirk := env.Client(), env.Client()
	cleo.Login("cleo@elders.be", pw)
	dirk.Login("dirk@elders.be", pw)

	type request struct {
		name string
		do   func(c *apptest.Client) *apptest.Response
	}
	reqs := []request{
		{"dashboard", func(c *apptest.Client) *apptest.Response { return c.Get("/mijn-leertraject") }},
		{"quiz page", func(c *apptest.Client) *apptest.Response { return c.Get("/quiz/" + moduleSlug) }},
		{"review of attempt 1", func(c *apptest.Client) *apptest.Response { return c.Get("/quiz/" + moduleSlug + "/poging/1") }},
		{"submit An's open attempt", func(c *apptest.Client) *apptest.Response {
			return c.PostForm("/quiz/"+moduleSlug, answers(t, env, open, true))
		}},
		{"mark a lesson read", func(c *apptest.Client) *apptest.Response {
			return c.PostForm("/modules/"+moduleSlug+"/"+lesson+"/gelezen", nil)
		}},
		{"start the quiz", func(c *apptest.Client) *apptest.Response { return c.PostForm("/quiz/"+moduleSlug+"/start", nil) }},
	}
	actors := []struct {
		name   string
		client *apptest.Client
		want   []int // per request; 303 = sent to log in
	}{
		{"guest", guest, []int{303, 303, 303, 303, 303, 303}},
		{"learner of another organisation", cleo, []int{200, 200, 404, 404, 200, 200}},
		{"manager of another organisation", dirk, []int{200, 200, 404, 404, 200, 200}},
		{"the rightful learner", an, []int{200, 200, 200, 200, 200, 200}},
	}
	for _, a := range actors {
		for i, rq := range reqs {
			r := rq.do(a.client)
			if r.Status != a.want[i] {
				t.Errorf("%s, %s: status %d, want %d; page says %q", a.name, rq.name, r.Status, a.want[i], r.Flash())
				continue
			}
			if r.Status == 303 && !strings.HasPrefix(r.Header.Get("Location"), "/aanmelden") {
				t.Errorf("%s, %s: redirected to %q, want the login page", a.name, rq.name, r.Header.Get("Location"))
			}
			if a.client != an && rq.name == "quiz page" && strings.Contains(r.Body, "/poging/1\"") {
				t.Errorf("%s, %s: sees An's attempt history", a.name, rq.name)
			}
		}
	}
	// Nobody but An touched An's attempts.
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM quiz_attempts a JOIN users u ON u.id = a.user_id WHERE u.email = 'an@teststad.be' AND a.submitted_at IS NOT NULL`); n != 2 {
		t.Errorf("An's submitted attempts = %d, want 2 (her own two)", n)
	}
}

// TestStartAddressByGet: signing in again after an ended session sends the
// learner to the address of the form they had submitted; a GET of the
// start address shows the quiz page instead of "page not found".
func TestStartAddressByGet(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An Peeters")
	c := env.Client()
	c.Login("an@teststad.be", pw)
	r := c.Get("/quiz/" + moduleSlug + "/start")
	if r.Status != http.StatusOK || r.URL.Path != "/quiz/"+moduleSlug {
		t.Errorf("GET /quiz/%s/start: status %d on %s, want 200 on the quiz page; page says %q", moduleSlug, r.Status, r.URL.Path, r.Flash())
	}
	if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM quiz_attempts`); n != 0 {
		t.Errorf("a GET started %d attempts, want 0", n)
	}
}
