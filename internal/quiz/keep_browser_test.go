package quiz_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
)

// TestAnswersKeptInBrowser: in Chromium, ticking an answer saves it at once
// (the page says so to screen readers), and a reload shows it ticked.
func TestAnswersKeptInBrowser(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Teststad")
	_, pw := env.CreateUser(org, "learner", "an@teststad.be", "An Peeters")
	b := apptest.NewBrowser(t)
	b.Login(env.Server.URL, "an@teststad.be", pw)
	b.Navigate(env.URL("/quiz/" + moduleSlug))
	b.Run(chromedp.Click(chromedp.CSS(`form[action$="/start"] button`)), chromedp.WaitVisible(chromedp.CSS(`form.quiz-form`)))

	ids := apptest.Result(b, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('form.quiz-form fieldset')).slice(0, 2).map(f => f.querySelectorAll('input')[1].id)`))
	if len(ids) != 2 {
		t.Fatalf("options to tick: %v", ids)
	}
	for _, id := range ids {
		b.Run(chromedp.Click(chromedp.CSS("#" + id)))
	}
	waitForText(t, b, "#bewaard-status", "Je antwoorden zijn bewaard.")
	b.Axe(t, "quiz with kept answers")

	b.Navigate(env.URL("/quiz/" + moduleSlug))
	for _, id := range ids {
		if !apptest.Result(b, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById(%q).checked`, id))) {
			t.Errorf("after a reload %s is not ticked", id)
		}
	}
	if n := apptest.Result(b, chromedp.Evaluate[int](`document.querySelectorAll('form.quiz-form input:checked').length`)); n != 2 {
		t.Errorf("after a reload %d options ticked, want 2", n)
	}
	b.NoConsoleErrors(t)
}

func waitForText(t *testing.T, b *apptest.Browser, css, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	got := ""
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.Ctx(), 2*time.Second)
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, css)))
		cancel()
		got = text
		if err == nil && got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s says %q, want %q", css, got, want)
}
