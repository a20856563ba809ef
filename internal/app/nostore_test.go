package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/certificate"
)

// cacheFixture is an organisation with a learner who holds a certificate,
// its manager, a trainer and an admin, and the values that fill in the
// parameters of every route.
type cacheFixture struct {
	env     *apptest.Env
	emails  map[string]string // role → address
	params  map[string]string // route parameter → value for GET
	posts   map[string]string // route parameter → value for POST (harmless targets)
	orgID   int64
	learner int64
}

func newCacheFixture(t *testing.T) *cacheFixture {
	t.Helper()
	env := apptest.New(t)
	f := &cacheFixture{env: env, emails: map[string]string{
		"learner": "lerende@cache.example", "manager": "manager@cache.example",
		"trainer": "trainer@cache.example", "admin": "beheerder@cache.example",
	}}
	f.orgID = env.CreateOrg("OCMW Cachedorp")
	team := env.CreateTeam(f.orgID, "Onthaal")
	f.learner, _ = env.CreateUser(f.orgID, "learner", f.emails["learner"], "Lotte Lerende")
	env.AddToTeam(team, f.learner)
	env.CreateUser(f.orgID, "manager", f.emails["manager"], "Mark Manager")
	env.CreateUser(0, "trainer", f.emails["trainer"], "Tine Trainer")
	env.CreateUser(0, "admin", f.emails["admin"], "Bert Beheerder")
	victim, _ := env.CreateUser(f.orgID, "learner", "doelwit@cache.example", "Dirk Doelwit")
	code, err := certificate.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(`INSERT INTO certificates (code, user_id, module_id, name, organisation, organisation_id, title, minutes, completed_at)
		SELECT $1, $2, m.id, 'Lotte Lerende', 'OCMW Cachedorp', $3, m.title, 60, now() FROM modules m WHERE m.position = 1`,
		code, f.learner, f.orgID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(`INSERT INTO quiz_attempts (user_id, module_id, seq, layout, submitted_at, correct_count, question_count, score, passed)
		SELECT $1, id, 1, '{"questions": []}', now(), 12, 14, 85, true FROM modules WHERE position = 1`, f.learner); err != nil {
		t.Fatal(err)
	}
	f.params = map[string]string{
		"module": "online-informeren", "lesson": "heldere-taal", "name": "e-loket.svg",
		"code": code, "file": code + ".pdf", "id": itoa(f.learner), "rev": "1", "seq": "1",
		"token": "onbekend-token",
	}
	f.posts = map[string]string{
		"module": "online-informeren", "lesson": "bestaat-niet", "name": "bestaat-niet.png",
		"code": "ONBEKEND", "file": "ONBEKEND.pdf", "id": itoa(victim), "rev": "999999", "seq": "999999",
		"token": "onbekend-token",
	}
	return f
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var routeParam = regexp.MustCompile(`[:*][a-z]+`)

// fill replaces the parameters of a route pattern with values; the admin
// pages of an organisation take the organisation's id.
func (f *cacheFixture) fill(pattern string, values map[string]string) string {
	return routeParam.ReplaceAllStringFunc(pattern, func(p string) string {
		if p == ":id" && strings.HasPrefix(pattern, "/beheer/organisaties/") {
			return itoa(f.orgID)
		}
		return values[p[1:]]
	})
}

// noRedirects makes a client show each answer itself instead of following
// it, so that the header of a redirect is what the test reads.
func noRedirects(c *apptest.Client) *apptest.Client {
	c.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// publicContent is what a handler declares the same for everyone: the
// hashed static files and course media, cached for long.
func publicContent(pattern string) bool {
	return strings.HasPrefix(pattern, "/static/") || strings.HasPrefix(pattern, "/media/")
}

// TestNoStoreForSignedInPeople sweeps every route of the router as each
// role: every answer to a signed-in person, whatever its status, forbids
// caches to keep it, so that the Back button after logging out shows
// nothing of /organisatie, the matrix or the mail outbox.
func TestNoStoreForSignedInPeople(t *testing.T) {
	f := newCacheFixture(t)
	routes := f.env.App.Routes()
	if len(routes) < 60 {
		t.Fatalf("router lists %d routes, want the whole platform", len(routes))
	}
	for _, role := range []string{"learner", "manager", "trainer", "admin"} {
		c := f.env.Client()
		c.Login(f.emails[role], apptest.TestPassword)
		noRedirects(c)
		ok := 0
		for _, rt := range routes {
			if rt.Method != http.MethodGet || publicContent(rt.Path) {
				continue
			}
			path := f.fill(rt.Path, f.params)
			r := c.Get(path)
			if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("%s GET %s (%s): status %d, Cache-Control %q, want no-store", role, path, rt.Path, r.Status, r.Header.Get("Cache-Control"))
			}
			if r.Status == http.StatusOK {
				ok++
			}
		}
		if ok < 10 {
			t.Errorf("%s: only %d routes answered 200; the sweep reaches too few real pages", role, ok)
		}
		// Unsafe methods, with an empty form and harmless targets.
		for _, rt := range routes {
			if rt.Method != http.MethodPost || rt.Path == "/afmelden" {
				continue
			}
			path := f.fill(rt.Path, f.posts)
			r := c.PostForm(path, url.Values{})
			if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("%s POST %s: status %d, Cache-Control %q, want no-store", role, path, r.Status, r.Header.Get("Cache-Control"))
			}
		}
		// The content everyone gets alike stays cacheable for them too.
		if cc := c.Get(staticURL(t, c)).Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: static file Cache-Control %q, want immutable for a year", role, cc)
		}
		if cc := c.Get("/media/online-informeren/e-loket.svg").Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("%s: media Cache-Control %q, want public", role, cc)
		}

		// Logging out also tells the browser to drop what it cached.
		r := c.PostForm("/afmelden", url.Values{})
		if got := r.Header.Get("Clear-Site-Data"); got != `"cache"` {
			t.Errorf("%s logout: Clear-Site-Data %q, want \"cache\"", role, got)
		}
		if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s logout: Cache-Control %q, want no-store", role, r.Header.Get("Cache-Control"))
		}
	}
}

var siteCSS = regexp.MustCompile(`href="(/static/[0-9a-f]{12}/css/site\.css)"`)

func staticURL(t *testing.T, c *apptest.Client) string {
	t.Helper()
	m := siteCSS.FindStringSubmatch(c.Get("/").Body)
	if m == nil {
		t.Fatal("home links no hashed stylesheet")
	}
	return m[1]
}

var linkRe = regexp.MustCompile(`/(?:wachtwoord-herstellen|uitnodiging)/[A-Za-z0-9_-]+`)

// TestNoStoreForTokenPages: the pages behind a reset or invitation link
// carry a secret in their address; a guest's copy must not be kept either.
// Public pages keep their caching.
func TestNoStoreForTokenPages(t *testing.T) {
	f := newCacheFixture(t)
	manager := f.env.Client()
	manager.Login(f.emails["manager"], apptest.TestPassword)
	if r := manager.PostForm("/organisatie/uitnodigen", url.Values{"adressen": {"nieuw@cache.example"}}); r.Status != http.StatusOK {
		t.Fatalf("invite: status %d; page says %q", r.Status, r.Flash())
	}
	guest := noRedirects(f.env.Client())
	if r := guest.PostForm("/wachtwoord-vergeten", url.Values{"email": {f.emails["learner"]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("forgot password: status %d; page says %q", r.Status, r.Flash())
	}
	bodies := f.env.OutboxBodies(2, "nieuw@cache.example", f.emails["learner"])
	var links []string
	for _, b := range bodies {
		links = append(links, linkRe.FindString(b))
	}
	if len(links) != 2 || links[0] == "" || links[1] == "" {
		t.Fatalf("links %q from the mails %q, want an invitation and a reset link", links, bodies)
	}
	for _, link := range links {
		r := guest.Get(link)
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: status %d, want the form", link, r.Status)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("GET %s as a guest: Cache-Control %q, want no-store", link, cc)
		}
		r = guest.PostForm(link, url.Values{"wachtwoord": {"kort"}, "nieuw": {"kort"}})
		if cc := r.Header.Get("Cache-Control"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(cc, "no-store") {
			t.Errorf("POST %s with a short password: status %d, Cache-Control %q, want 422 with no-store", link, r.Status, cc)
		}
	}

	// A guest's public pages do not forbid caching.
	for _, p := range []string{"/", "/modules/online-informeren", "/modules/online-informeren/heldere-taal", "/zoeken?q=hulp", "/verifieer", "/aanmelden", "/wachtwoord-vergeten"} {
		r := guest.Get(p)
		if r.Status != http.StatusOK {
			t.Errorf("guest GET %s: status %d", p, r.Status)
		}
		if cc := r.Header.Get("Cache-Control"); strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
			t.Errorf("guest GET %s: Cache-Control %q, want a cacheable public page", p, cc)
		}
	}
	if cc := guest.Get(staticURL(t, guest)).Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("guest: static file Cache-Control %q, want immutable for a year", cc)
	}
	if cc := guest.Get("/media/online-informeren/e-loket.svg").Header.Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("guest: media Cache-Control %q, want public, max-age=3600", cc)
	}
}
