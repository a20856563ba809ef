package quiz_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
)

// TestModuleJourneyInBrowser completes one module in headless Chromium:
// read every lesson, fail the quiz, pass it, see the module complete. The
// dashboard, a lesson, the quiz and the review pass axe-core with no
// violations, and no page logs a console or CSP error.
func TestModuleJourneyInBrowser(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An Peeters")
	b := apptest.NewBrowser(t)
	b.Login(env.Server.URL, "an@teststad.be", pw)

	b.Navigate(env.URL("/mijn-leertraject"))
	if got := b.Text("main h1"); got != "Mijn leertraject" {
		t.Errorf("dashboard h1 = %q, want Mijn leertraject", got)
	}
	b.Axe(t, "dashboard before")

	// Start from the dashboard's first "Begin" button and read every lesson.
	b.Run(chromedp.Click(chromedp.CSS(`.progress-card a.button`)), chromedp.WaitVisible(chromedp.CSS(`article.lesson`)))
	slugs := lessonSlugs(t, env, moduleSlug)
	for i := range slugs {
		if i == 0 {
			b.Axe(t, "lesson")
		}
		next := "/quiz/" + moduleSlug
		if i+1 < len(slugs) {
			next = "/modules/" + moduleSlug + "/" + slugs[i+1]
		}
		b.Run(chromedp.Click(chromedp.CSS(`.lesson-done button`)))
		waitForPath(t, b, next)
	}
	if loc := b.Location(); !strings.HasSuffix(loc, "/quiz/"+moduleSlug) {
		t.Fatalf("after the last lesson: at %s, want the quiz", loc)
	}
	b.Axe(t, "quiz intro")

	// First attempt: wrong answers.
	b.Run(chromedp.Click(chromedp.CSS(`form[action$="/start"] button`)), chromedp.WaitVisible(chromedp.CSS(`form.quiz-form`)))
	b.Axe(t, "quiz form")
	html := apptest.Result(b, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	assertNoAnswerKey(t, env, &apptest.Response{Body: html})
	answerInBrowser(t, env, b, false)
	b.Run(chromedp.Click(chromedp.CSS(`form.quiz-form button[type=submit]`)))
	waitForPath(t, b, "/quiz/"+moduleSlug+"/poging/1")
	if got := b.Text("main h1"); !strings.HasPrefix(got, "Niet geslaagd") {
		t.Errorf("review h1 = %q, want Niet geslaagd", got)
	}
	if focused := apptest.Result(b, chromedp.Evaluate[string](`document.activeElement && document.activeElement.id`)); focused != "resultaat" {
		t.Errorf("focus after submitting is on %q, want the result heading", focused)
	}
	b.Axe(t, "review (failed)")

	// Second attempt: right answers.
	b.Navigate(env.URL("/quiz/" + moduleSlug))
	b.Run(chromedp.Click(chromedp.CSS(`form[action$="/start"] button`)), chromedp.WaitVisible(chromedp.CSS(`form.quiz-form`)))
	answerInBrowser(t, env, b, true)
	b.Run(chromedp.Click(chromedp.CSS(`form.quiz-form button[type=submit]`)))
	waitForPath(t, b, "/quiz/"+moduleSlug+"/poging/2")
	if got := b.Text("main h1"); !strings.HasPrefix(got, "Geslaagd") {
		t.Errorf("review h1 = %q, want Geslaagd", got)
	}
	b.Axe(t, "review (passed)")

	b.Navigate(env.URL("/mijn-leertraject"))
	if got := b.Text(".progress-card .badge.done"); !strings.HasPrefix(got, "Afgerond op") {
		t.Errorf("dashboard badge = %q, want Afgerond op …", got)
	}
	b.Axe(t, "dashboard after")
	b.Navigate(env.URL("/quiz/" + moduleSlug))
	b.Axe(t, "quiz with history")
	b.NoConsoleErrors(t)
}

// answerInBrowser ticks, for every question on the page, the right options
// (right) or one wrong option.
func answerInBrowser(t *testing.T, env *apptest.Env, b *apptest.Browser, right bool) {
	t.Helper()
	ids := apptest.Result(b, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('form.quiz-form input[type=radio], form.quiz-form input[type=checkbox]')).map(i => i.value)`))
	if len(ids) == 0 {
		t.Fatalf("no options on the quiz page")
	}
	var pick []int64
	err := env.DB.Select(&pick, `
		SELECT DISTINCT ON (o.question_id, CASE WHEN $2 THEN o.id ELSE 0 END) o.id
		FROM options o WHERE o.id = ANY($1::bigint[]) AND o.correct = $2
		ORDER BY o.question_id, CASE WHEN $2 THEN o.id ELSE 0 END, o.position`,
		"{"+strings.Join(ids, ",")+"}", right)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range pick {
		b.Run(chromedp.Click(chromedp.CSS(fmt.Sprintf("#optie-%d", id))))
	}
}

// waitForPath waits until the tab shows a loaded page at path. A
// navigation in progress interrupts an evaluation; it is simply retried.
func waitForPath(t *testing.T, b *apptest.Browser, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.Ctx(), 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`location.pathname === `+strconv.Quote(path)+` && document.readyState === 'complete'`))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: still at %s", path, b.Location())
}
