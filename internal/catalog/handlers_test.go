package catalog_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/database/dbtest"
)

var modules = []struct{ slug, title string }{
	{"online-informeren", "Online informeren"},
	{"online-contacteren", "Online contacteren"},
	{"online-begeleiden", "Online begeleiden"},
	{"online-feedback", "Online feedback"},
	{"blended-werken", "Blended werken"},
}

func mustStatus(t *testing.T, r *apptest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d (flash: %q)\n%.600s", r.URL, r.Status, want, r.Flash(), r.Body)
	}
}

func mustContain(t *testing.T, r *apptest.Response, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !r.Contains(s) {
			t.Errorf("%s: page lacks %q", r.URL, s)
		}
	}
}

func TestHomeListsFiveModules(t *testing.T) {
	env := apptest.New(t)
	r := env.Client().Get("/")
	mustStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/html; charset=utf-8", ct)
	}
	mustContain(t, r, `<html lang="nl-BE">`, "Online hulp in de sociale dienst", "5 modules")
	last := -1
	for i, m := range modules {
		link := `<a href="/modules/` + m.slug + `">`
		at := strings.Index(r.Body, link)
		if at < 0 {
			t.Errorf("home lacks a link to module %s", m.slug)
			continue
		}
		if at < last {
			t.Errorf("module %s is listed out of order", m.slug)
		}
		last = at
		var summary string
		var minutes, lessons int
		if err := env.DB.QueryRow(`SELECT summary, minutes, (SELECT count(*) FROM lessons l WHERE l.module_id = m.id) FROM modules m WHERE slug = $1`, m.slug).Scan(&summary, &minutes, &lessons); err != nil {
			t.Fatal(err)
		}
		card := r.Body[at:]
		if end := strings.Index(card, "</li>"); end > 0 {
			card = card[:end]
		}
		for _, want := range []string{"Module " + string(rune('1'+i)), m.title, escape(summary), duration(minutes), itoa(lessons) + " lessen"} {
			if !strings.Contains(card, want) {
				t.Errorf("home card of %s lacks %q:\n%s", m.slug, want, card)
			}
		}
	}
}

func TestModulePageShowsLessonsAndPolicy(t *testing.T) {
	env := apptest.New(t)
	r := env.Client().Get("/modules/online-informeren")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r,
		"<title>Online informeren · ", "Samenvatting voor beleid", "Over deze module", `aria-current="page"`,
		`<a href="/modules/online-informeren/waarom-klantgericht-informeren">`,
		`<a class="button" href="/modules/online-informeren/waarom-klantgericht-informeren">`,
	)
	var policy string
	if err := env.DB.Get(&policy, `SELECT policy_html FROM modules WHERE slug = 'online-informeren'`); err != nil {
		t.Fatal(err)
	}
	if !r.Contains(policy) {
		t.Errorf("module page lacks the policy summary HTML")
	}
	var slugs []string
	if err := env.DB.Select(&slugs, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = 'online-informeren' ORDER BY l.position`); err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, s := range slugs {
		at := strings.Index(r.Body, `<li><a href="/modules/online-informeren/`+s+`">`)
		if at < last {
			t.Errorf("lesson %s missing or out of order on the module page", s)
		}
		last = at
	}
	if n := strings.Count(r.Body, `<li><a href="/modules/online-informeren/`); n != len(slugs) {
		t.Errorf("module page lists %d lessons, want %d", n, len(slugs))
	}
}

func TestLessonPage(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	var slugs []string
	if err := env.DB.Select(&slugs, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = 'online-contacteren' ORDER BY l.position`); err != nil {
		t.Fatal(err)
	}
	if len(slugs) < 3 {
		t.Fatalf("online-contacteren has %d lessons", len(slugs))
	}
	base := "/modules/online-contacteren/"

	// A middle lesson: breadcrumb, content, previous and next.
	r := c.Get(base + slugs[1])
	mustStatus(t, r, http.StatusOK)
	var title, html string
	if err := env.DB.QueryRow(`SELECT title, body_html FROM lessons WHERE slug = $1`, slugs[1]).Scan(&title, &html); err != nil {
		t.Fatal(err)
	}
	mustContain(t, r,
		`<nav aria-label="Kruimelpad" class="breadcrumb">`,
		`<li><a href="/">`, `<li><a href="/modules/online-contacteren">Online contacteren</a></li>`,
		`<h1>`+escape(title)+`</h1>`, html,
		`Les 2 van `+itoa(len(slugs)),
		`href="`+base+slugs[0]+`" rel="prev"`, `href="`+base+slugs[2]+`" rel="next"`,
	)
	if r.Contains(`action="/modules/`) {
		t.Errorf("a guest sees the mark-as-read form")
	}

	// The first has no previous; the last leads to the quiz.
	r = c.Get(base + slugs[0])
	mustStatus(t, r, http.StatusOK)
	if r.Contains(`rel="prev"`) {
		t.Errorf("first lesson has a previous link")
	}
	r = c.Get(base + slugs[len(slugs)-1])
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `href="/quiz/online-contacteren"`)
	if r.Contains(`rel="next"`) {
		t.Errorf("last lesson has a next lesson link")
	}

	// A lesson asked under the wrong module does not exist.
	r = c.Get("/modules/online-informeren/" + slugs[1])
	mustStatus(t, r, http.StatusNotFound)
}

func TestLessonImagesAreServed(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	r := c.Get("/modules/online-informeren/waarom-klantgericht-informeren")
	mustStatus(t, r, http.StatusOK)
	m := regexp.MustCompile(`<img src="(/media/online-informeren/[^"]+)" alt="([^"]+)"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("lesson has no image with alt text under /media/online-informeren/")
	}
	img := c.Get(m[1])
	mustStatus(t, img, http.StatusOK)
	if ct := img.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("%s: Content-Type %q, want image/svg+xml", m[1], ct)
	}
	if csp := img.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("%s: CSP %q, want a sandbox for SVG", m[1], csp)
	}
	req, _ := http.NewRequest(http.MethodGet, env.URL(m[1]), nil)
	req.Header.Set("If-None-Match", img.Header.Get("ETag"))
	if again := c.Do(req); again.Status != http.StatusNotModified {
		t.Errorf("%s with If-None-Match: status %d, want 304", m[1], again.Status)
	}
	mustStatus(t, c.Get("/media/online-informeren/bestaat-niet.svg"), http.StatusNotFound)
	mustStatus(t, c.Get("/media/online-informeren/..%2f..%2fgo.mod"), http.StatusNotFound)
}

// TestLessonDownloadsAreServedAsAttachments follows a lesson's link to a
// worker's tool: the file comes as UTF-8 text to save, not as a page.
func TestLessonDownloadsAreServedAsAttachments(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	r := c.Get("/modules/online-informeren/heldere-taal")
	mustStatus(t, r, http.StatusOK)
	m := regexp.MustCompile(`<a href="(/media/online-informeren/([^"]+\.txt))"[^>]*>([^<]+)</a>`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("lesson heldere-taal links no .txt download under /media/online-informeren/")
	}
	f := c.Get(m[1])
	mustStatus(t, f, http.StatusOK)
	if ct := f.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("%s: Content-Type %q, want text/plain; charset=utf-8", m[1], ct)
	}
	if cd, want := f.Header.Get("Content-Disposition"), `attachment; filename="`+m[2]+`"`; cd != want {
		t.Errorf("%s: Content-Disposition %q, want %q", m[1], cd, want)
	}
	if !utf8.ValidString(f.Body) || len(f.Body) < 200 {
		t.Errorf("%s: %d bytes, want a real UTF-8 text", m[1], len(f.Body))
	}
	// An image stays inline: it is shown in the lesson.
	img := c.Get("/media/online-informeren/klantgericht.svg")
	mustStatus(t, img, http.StatusOK)
	if cd := img.Header.Get("Content-Disposition"); cd != "" {
		t.Errorf("image: Content-Disposition %q, want none", cd)
	}
}

func TestSearch(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()

	t.Run("accents are ignored and matches marked", func(t *testing.T) {
		plain := c.Get("/zoeken?q=clienten")
		mustStatus(t, plain, http.StatusOK)
		accented := c.Get("/zoeken?q=" + url.QueryEscape("cliënten"))
		mustStatus(t, accented, http.StatusOK)
		hits := resultLinks(plain.Body)
		if len(hits) < 5 {
			t.Fatalf("clienten finds %d lessons, want many (the curriculum is about cliënten)", len(hits))
		}
		if got := resultLinks(accented.Body); strings.Join(got, " ") != strings.Join(hits, " ") {
			t.Errorf("cliënten finds %v, clienten finds %v: want the same", got, hits)
		}
		if !regexp.MustCompile(`<mark>[Cc]liënten</mark>`).MatchString(plain.Body) {
			t.Errorf("no <mark>cliënten</mark> highlight in the results")
		}
		mustContain(t, plain, "lessen gevonden voor ‘clienten’", `value="clienten"`)
	})

	t.Run("ranked: a lesson about the term comes first", func(t *testing.T) {
		r := c.Get("/zoeken?q=" + url.QueryEscape("netwerkkaart"))
		mustStatus(t, r, http.StatusOK)
		hits := resultLinks(r.Body)
		if len(hits) == 0 || hits[0] != "/modules/online-begeleiden/netwerkkaart" {
			t.Errorf("netwerkkaart results %v, want /modules/online-begeleiden/netwerkkaart first", hits)
		}
	})

	t.Run("Dutch stemming", func(t *testing.T) {
		r := c.Get("/zoeken?q=" + url.QueryEscape("feedbackvragen OR feedback"))
		mustStatus(t, r, http.StatusOK)
		if len(resultLinks(r.Body)) == 0 {
			t.Errorf("feedback finds nothing")
		}
	})

	t.Run("empty query", func(t *testing.T) {
		for _, q := range []string{"/zoeken", "/zoeken?q=", "/zoeken?q=+++"} {
			r := c.Get(q)
			mustStatus(t, r, http.StatusOK)
			mustContain(t, r, "Typ een of meer woorden")
			if len(resultLinks(r.Body)) != 0 {
				t.Errorf("%s shows results", q)
			}
		}
	})

	t.Run("no results", func(t *testing.T) {
		r := c.Get("/zoeken?q=xyzzyquux")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "Geen lessen gevonden voor ‘xyzzyquux’")
	})

	t.Run("hostile queries answer safely", func(t *testing.T) {
		for _, tc := range []struct {
			raw    string
			status int
		}{
			{url.QueryEscape(`'; DROP TABLE lessons; --`), http.StatusOK},
			{url.QueryEscape(`<script>alert(1)</script>`), http.StatusOK},
			{url.QueryEscape(`"><img src=x onerror=alert(1)>`), http.StatusOK},
			{url.QueryEscape(`!!! & | <-> :* ( ) "`), http.StatusOK},
			{url.QueryEscape(`cliënt:* & !hulp`), http.StatusOK},
			{url.QueryEscape(strings.Repeat("a", 300)), http.StatusBadRequest},
			{url.QueryEscape(strings.Repeat("é", 201)), http.StatusBadRequest},
			{"%ff", http.StatusBadRequest},
			{"%c3%28", http.StatusBadRequest},
			{"%00", http.StatusBadRequest},
			{"a%00b", http.StatusBadRequest},
			{"%", http.StatusBadRequest},
		} {
			r := c.Get("/zoeken?q=" + tc.raw)
			if r.Status != tc.status {
				t.Errorf("q=%s: status %d, want %d\n%.300s", tc.raw, r.Status, tc.status, r.Body)
			}
			if r.Contains("<script>alert") || r.Contains("<img src=x") {
				t.Errorf("q=%s: the query is echoed unescaped", tc.raw)
			}
			if r.Contains("pq:") || r.Contains("syntax error") || r.Contains("goroutine") {
				t.Errorf("q=%s: the page shows an internal error", tc.raw)
			}
			if !r.Contains(`<html lang="nl-BE">`) {
				t.Errorf("q=%s: not a Dutch HTML page", tc.raw)
			}
		}
		if n := dbtest.Count(t, env.DB, `SELECT count(*) FROM lessons`); n < 25 {
			t.Errorf("after the hostile queries %d lessons remain", n)
		}
		r := c.Get("/zoeken?q=" + url.QueryEscape(`<script>alert(1)</script>`))
		mustContain(t, r, "&lt;script&gt;alert(1)&lt;/script&gt;")
		r = c.Get("/zoeken?q=" + url.QueryEscape(strings.Repeat("a", 300)))
		mustContain(t, r, "hoogstens 200 tekens")
	})
}

func TestNotFoundPages(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	for _, p := range []string{"/bestaat-niet", "/modules/bestaat-niet", "/modules/online-informeren/bestaat-niet", "/modules/online-informeren/x/y"} {
		r := c.Get(p)
		mustStatus(t, r, http.StatusNotFound)
		mustContain(t, r, `<html lang="nl-BE">`, "Pagina niet gevonden", `<a href="/">`)
	}
	req, _ := http.NewRequest(http.MethodGet, env.URL("/bestaat-niet"), nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	r := c.Do(req)
	mustStatus(t, r, http.StatusNotFound)
	mustContain(t, r, `<html lang="en">`, "Page not found")
	req.Header.Set("Accept-Language", "fr-BE, nl;q=0.5")
	r = c.Do(req)
	mustContain(t, r, "Pagina niet gevonden")
}

func TestPagesInEnglish(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	for _, p := range []string{"/", "/modules/online-feedback", "/zoeken?q=feedback"} {
		req, _ := http.NewRequest(http.MethodGet, env.URL(p), nil)
		req.Header.Set("Accept-Language", "en")
		r := c.Do(req)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `<html lang="en">`)
		if strings.HasPrefix(p, "/zoeken") {
			mustContain(t, r, "<title>Search · ")
		}
		for _, nl := range []string{"Zoek in de lessen", "Samenvatting voor beleid", "lessen gevonden"} {
			if r.Contains(nl) {
				t.Errorf("%s in English still shows %q", p, nl)
			}
		}
	}
}

var resultRe = regexp.MustCompile(`<h2><a href="(/modules/[^"]+)">`)

func resultLinks(body string) []string {
	var links []string
	for _, m := range resultRe.FindAllStringSubmatch(body, -1) {
		links = append(links, m[1])
	}
	return links
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// duration is how the pages write a number of minutes.
func duration(min int) string {
	if min < 60 {
		return itoa(min) + " min"
	}
	s := itoa(min/60) + " u"
	if min%60 != 0 {
		s += " " + itoa(min%60) + " min"
	}
	return s
}
