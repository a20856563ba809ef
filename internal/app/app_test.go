package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/web"
)

func TestHealthAndReadiness(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	if r := c.Get("/healthz"); r.Status != http.StatusOK || r.Body != "ok" {
		t.Errorf("/healthz: %d %q, want 200 ok", r.Status, r.Body)
	}
	if r := c.Get("/readyz"); r.Status != http.StatusOK || r.Body != "ready" {
		t.Errorf("/readyz: %d %q, want 200 ready", r.Status, r.Body)
	}
	// With the database gone, /readyz says so while /healthz still answers.
	env.DB.Close()
	if r := c.Get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("/readyz without database: %d %q, want 503", r.Status, r.Body)
	}
	if r := c.Get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("/healthz without database: %d, want 200", r.Status)
	}
	// A page that needs the database answers with a Dutch error page, not a stack trace.
	r := c.Get("/")
	if r.Status < 500 || !strings.Contains(r.Body, `<html lang="nl-BE">`) || strings.Contains(r.Body, "sql:") {
		t.Errorf("home without database: %d, want a Dutch 5xx page without internals\n%.300s", r.Status, r.Body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	for _, p := range []string{"/", "/modules/online-informeren", "/zoeken?q=hulp", "/bestaat-niet", "/healthz"} {
		r := c.Get(p)
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q allows inline code", p, csp)
		}
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "same-origin",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", p, h, got, want)
			}
		}
		if id := r.Header.Get("X-Request-Id"); len(id) < 8 {
			t.Errorf("%s: X-Request-Id %q, want a request id", p, id)
		}
	}
}

// TestNoInlineScriptOrStyle checks the HTML itself: the strict CSP would
// block inline code, so the pages must not need any.
func TestNoInlineScriptOrStyle(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=`)
	for _, p := range []string{"/", "/modules/online-informeren", "/modules/online-informeren/heldere-taal", "/zoeken?q=hulp", "/zoeken", "/bestaat-niet"} {
		r := c.Get(p)
		if m := inline.FindString(r.Body); m != "" {
			t.Errorf("%s contains inline code %q", p, m)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	home := c.Get("/")
	m := regexp.MustCompile(`href="(/static/([0-9a-f]{12})/css/site\.css)"`).FindStringSubmatch(home.Body)
	if m == nil {
		t.Fatalf("home links no hashed stylesheet")
	}
	r := c.Get(m[1])
	if r.Status != http.StatusOK {
		t.Fatalf("%s: status %d", m[1], r.Status)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("%s: Cache-Control %q, want immutable for a year", m[1], cc)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("%s: Content-Type %q, want text/css", m[1], ct)
	}
	if len(r.Body) < 100 {
		t.Errorf("%s: body of %d bytes", m[1], len(r.Body))
	}
	// An old hash still gets the file, but not cached for ever.
	old := c.Get("/static/000000000000/css/site.css")
	if old.Status != http.StatusOK || strings.Contains(old.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("stale hash: %d, Cache-Control %q; want 200 without immutable", old.Status, old.Header.Get("Cache-Control"))
	}
	js := regexp.MustCompile(`src="(/static/[0-9a-f]{12}/js/site\.js)"`).FindStringSubmatch(home.Body)
	if js == nil {
		t.Errorf("home links no hashed script")
	} else if r := c.Get(js[1]); r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "javascript") {
		t.Errorf("%s: %d %q", js[1], r.Status, r.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/static/" + m[2] + "/css/nope.css", "/static/" + m[2] + "/../go.mod", "/static/" + m[2] + "/embed.go"} {
		if r := c.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, r.Status)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	noFollow := *c.HTTP
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	post := func(form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, env.URL("/taal"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", env.Server.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	resp := post(url.Values{"taal": {"en"}, "terug": {"/modules/online-feedback"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/modules/online-feedback" {
		t.Errorf("POST /taal: %d to %q, want 303 to /modules/online-feedback", resp.StatusCode, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == web.LangCookie {
			ck = k
		}
	}
	if ck == nil || ck.Value != "en" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Errorf("language cookie %+v, want en, HttpOnly, SameSite=Lax, Path=/", ck)
	}
	r := c.Get("/")
	if !strings.Contains(r.Body, `<html lang="en">`) {
		t.Errorf("after choosing English the home page is not in English")
	}
	// The cookie wins over the browser's language.
	req, _ := http.NewRequest(http.MethodGet, env.URL("/"), nil)
	req.Header.Set("Accept-Language", "nl-BE")
	if r := c.Do(req); !strings.Contains(r.Body, `<html lang="en">`) {
		t.Errorf("the language cookie does not win over Accept-Language")
	}

	for _, back := range []string{"//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "", "evil"} {
		resp := post(url.Values{"taal": {"nl"}, "terug": {back}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("POST /taal terug=%q: %d to %q, want 303 to /", back, resp.StatusCode, loc)
		}
	}
	if resp := post(url.Values{"taal": {"fr"}, "terug": {"/"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST /taal taal=fr: %d, want 400", resp.StatusCode)
	}

	// A cross-site form post is refused.
	req, _ = http.NewRequest(http.MethodPost, env.URL("/taal"), strings.NewReader("taal=en&terug=/"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.Do(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-site POST /taal: %d, want 403", r.Status)
	}
}

func TestRequestTooLarge(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	big := strings.Repeat("x", int(env.Config.MaxBodyBytes)+1)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, env.URL("/taal"), strings.NewReader("taal=en&terug="+big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r := c.Do(req)
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized POST: %d, want 413", r.Status)
	}
}

// HEAD is answered like GET without a body (curl -I, link checkers, load
// balancers' health checks), for pages and probes alike.
func TestHeadLikeGet(t *testing.T) {
	env := apptest.New(t)
	c := env.Client()
	for path, want := range map[string]int{"/": 200, "/healthz": 200, "/readyz": 200, "/modules/online-informeren": 200, "/modules/bestaat-niet": 404} {
		req, _ := http.NewRequest(http.MethodHead, env.URL(path), nil)
		r := c.Do(req)
		if r.Status != want || r.Body != "" {
			t.Errorf("HEAD %s: status %d with %d body bytes, want %d and no body", path, r.Status, len(r.Body), want)
		}
	}
}

// A signed-in person's language is their profile's; the language choice in
// the footer changes it, else the choice would do nothing for them.
func TestLanguageChoiceSignedIn(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Testdorp")
	id, pw := env.CreateUser(org, "learner", "an@testdorp.example", "An Peeters")
	c := env.Client()
	c.Login("an@testdorp.example", pw)
	r := c.PostForm("/taal", url.Values{"taal": {"en"}, "terug": {"/profiel"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `<html lang="en">`) {
		t.Fatalf("signed in, after choosing English: status %d, page in English = %v, want 200 and English", r.Status, strings.Contains(r.Body, `<html lang="en">`))
	}
	var lang string
	env.MustGet(&lang, `SELECT lang FROM users WHERE id = $1`, id)
	if lang != "en" {
		t.Errorf("profile language = %q, want en", lang)
	}
	c.PostForm("/taal", url.Values{"taal": {"nl"}, "terug": {"/"}})
	if r := c.Get("/"); !strings.Contains(r.Body, `<html lang="nl-BE">`) {
		t.Errorf("signed in, after choosing Nederlands: home page not in Dutch")
	}
}
