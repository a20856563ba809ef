package app_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nabij.be/leerplatform/internal/apptest"
)

// TestGuestJourneyInBrowser walks a guest through the curriculum in headless
// Chromium: home → module → lesson → search, and a missing page. Every page
// must pass axe-core (WCAG 2.1 A and AA) and log no console or CSP error.
func TestGuestJourneyInBrowser(t *testing.T) {
	env := apptest.New(t)
	b := apptest.NewBrowser(t)

	// Home: the five modules.
	b.Navigate(env.URL("/"))
	if got := b.Text("main h1"); got == "" {
		t.Fatalf("home: no h1")
	}
	links := apptest.Result(b, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.module-list a')).map(a => a.getAttribute('href'))`))
	if len(links) != 5 {
		t.Fatalf("home: %d module links %q, want 5", len(links), links)
	}
	b.Axe(t, "home")

	// Module: follow the first module's link like a user would.
	b.Run(chromedp.Click(chromedp.CSS(`.module-list a`)), chromedp.WaitVisible(chromedp.CSS(`.lesson-list`)))
	if loc := b.Location(); !strings.HasSuffix(loc, links[0]) {
		t.Errorf("after clicking the first module: at %s, want %s", loc, links[0])
	}
	if got := b.Text(".policy h2"); got == "" {
		t.Errorf("module page: no policy summary heading")
	}
	b.Axe(t, "module")

	// Lesson: the first lesson, then next via the pager.
	b.Run(chromedp.Click(chromedp.CSS(`.lesson-list a`)), chromedp.WaitVisible(chromedp.CSS(`article.lesson`)))
	if !strings.Contains(b.Location(), links[0]+"/") {
		t.Errorf("after clicking the first lesson: at %s, want a lesson of %s", b.Location(), links[0])
	}
	if n := apptest.Result(b, chromedp.Evaluate[int](`document.querySelectorAll('.breadcrumb li').length`)); n != 3 {
		t.Errorf("lesson breadcrumb has %d items, want 3", n)
	}
	b.Axe(t, "lesson 1")
	first := b.Location()
	b.Run(chromedp.Click(chromedp.CSS(`.pager a.next`)), chromedp.WaitVisible(chromedp.CSS(`.pager a.prev`)))
	if b.Location() == first {
		t.Errorf("next link did not move away from %s", first)
	}
	b.Axe(t, "lesson 2")

	// Search from the header form, with an accent-free query.
	b.Run(
		chromedp.SetValue(chromedp.CSS(`#zoek-q`), "clienten"),
		chromedp.Submit(chromedp.CSS(`#zoek-q`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.results`)),
	)
	if u, _ := url.Parse(b.Location()); u == nil || u.Path != "/zoeken" || u.Query().Get("q") != "clienten" {
		t.Errorf("search: at %s, want /zoeken?q=clienten", b.Location())
	}
	if n := apptest.Result(b, chromedp.Evaluate[int](`document.querySelectorAll('ol.results mark').length`)); n == 0 {
		t.Errorf("search results: no <mark> highlight")
	}
	b.Axe(t, "search results")

	// No results, and an empty query.
	b.Navigate(env.URL("/zoeken?q=" + url.QueryEscape("xyzzyquux")))
	b.Axe(t, "search without results")
	b.Navigate(env.URL("/zoeken"))
	b.Axe(t, "empty search")

	// A missing page.
	b.Navigate(env.URL("/bestaat-niet"))
	if got := b.Text("main h1"); got == "" {
		t.Errorf("404 page: no h1")
	}
	b.Axe(t, "404")

	// A script in the query is shown as text and never runs.
	b.Navigate(env.URL("/zoeken?q=" + url.QueryEscape(`<script>window.pwned=1</script>`)))
	if pwned := apptest.Result(b, chromedp.Evaluate[bool](`window.pwned === 1`)); pwned {
		t.Errorf("script in the search query ran")
	}

	b.NoConsoleErrors(t)
}

// TestEveryCurriculumPageIsAccessible runs axe-core on every module and
// lesson page of the built-in curriculum: lesson content (images, tables,
// headings) is part of the page a learner gets.
func TestEveryCurriculumPageIsAccessible(t *testing.T) {
	env := apptest.New(t)
	var pages []string
	err := env.DB.Select(&pages, `
		SELECT '/modules/' || m.slug FROM modules m
		UNION ALL
		SELECT '/modules/' || m.slug || '/' || l.slug FROM lessons l JOIN modules m ON m.id = l.module_id`)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 5+25 {
		t.Fatalf("curriculum has %d module and lesson pages, want at least 30", len(pages))
	}
	b := apptest.NewBrowser(t)
	for _, p := range pages {
		b.Navigate(env.URL(p))
		b.Axe(t, p)
	}
	b.NoConsoleErrors(t)
}

// TestSignedInPagesInBrowser signs in through the login form and checks the
// pages a learner and a manager see first.
func TestSignedInPagesInBrowser(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	_, pw := env.CreateUser(org, "learner", "leerling@example.be", "Lea Leerling")
	b := apptest.NewBrowser(t)

	b.Navigate(env.URL("/aanmelden"))
	b.Axe(t, "login")
	b.Login(env.Server.URL, "leerling@example.be", pw)
	if n := apptest.Result(b, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/afmelden"]').length`)); n != 1 {
		t.Fatalf("after login at %s: no logout button", b.Location())
	}
	for _, p := range []string{"/", "/mijn-leertraject", "/modules/online-feedback", "/profiel"} {
		b.Navigate(env.URL(p))
		b.Axe(t, "signed in "+p)
	}
	b.NoConsoleErrors(t)
}
