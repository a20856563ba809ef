package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// rawRequest sends a request with exactly the given path and query (no
// cleaning, no re-encoding) and returns the answer without following
// redirects.
func rawRequest(t *testing.T, env *apptest.Env, c *apptest.Client, method, target string, body io.Reader, contentType string) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(method, env.Server.URL+"/", body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	req.URL.Opaque = target // sent as is in the request line
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", env.Server.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	hc := *c.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b), URL: resp.Request.URL}
}

// dutchErrorTitles are the headings of the Dutch 4xx error pages.
var dutchErrorTitles = []string{"Ongeldige vraag", "Pagina niet gevonden", "Te groot", "Controleer je invoer", "Geen toegang", "Aanmelden nodig"}

// checkClear fails unless r has one of the wanted statuses, is a Dutch page
// (an error page, or the form again with a message) and shows no trace of
// the program's insides.
func checkClear(t *testing.T, label string, r *apptest.Response, want ...int) {
	t.Helper()
	okStatus := false
	for _, w := range want {
		okStatus = okStatus || r.Status == w
	}
	if !okStatus {
		t.Errorf("%s: status %d, want one of %v; page says %q", label, r.Status, want, pageMessage(r.Body))
	}
	if r.Status >= 400 && r.Status != http.StatusUnprocessableEntity {
		dutch := false
		for _, h := range dutchErrorTitles {
			dutch = dutch || strings.Contains(r.Body, h)
		}
		if !dutch || !strings.Contains(r.Body, `lang="nl-BE"`) {
			t.Errorf("%s: status %d without a Dutch error page; body starts %q", label, r.Status, tail(r.Body, 300))
		}
	}
	if l := leak(r.Body); l != "" {
		t.Errorf("%s: the page shows %q, want no stack trace or raw error", label, l)
	}
	if strings.Contains(r.Body, "root:x:0:0") || strings.Contains(r.Body, "module nabij.be") {
		t.Errorf("%s: the page shows a file from outside the site", label)
	}
}

// TestBadInputGetsClearDutchAnswers sends what browsers never send but
// attackers and broken clients do: oversized bodies, invalid UTF-8, NUL
// bytes, very long query strings, path traversal. Each gets a clear 4xx
// answer in Dutch, never a 500 or a stack trace.
func TestBadInputGetsClearDutchAnswers(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Foutstad")
	env.CreateUser(org, "learner", "lies@foutstad.be", "Lies Fout")
	guest := env.Client()
	learner := env.Client()
	learner.Login("lies@foutstad.be", apptest.TestPassword)
	form := "application/x-www-form-urlencoded"
	big := env.Config.MaxBodyBytes + 1

	t.Run("oversized body with Content-Length", func(t *testing.T) {
		r := rawRequest(t, env, guest, "POST", "/aanmelden", strings.NewReader("email="+strings.Repeat("a", int(big))), form)
		checkClear(t, "POST /aanmelden 10 MB", r, http.StatusRequestEntityTooLarge)
	})
	t.Run("oversized body without Content-Length", func(t *testing.T) {
		// io.MultiReader hides the length: the body is sent chunked.
		body := io.MultiReader(strings.NewReader("naam="), strings.NewReader(strings.Repeat("a", int(big))))
		r := rawRequest(t, env, learner, "POST", "/profiel", body, form)
		checkClear(t, "POST /profiel chunked 10 MB", r, http.StatusRequestEntityTooLarge)
	})

	queries := map[string]string{
		"invalid UTF-8 in the query":      "/zoeken?q=%ff%fe",
		"NUL in the query":                "/zoeken?q=a%00b",
		"invalid escape in the query":     "/zoeken?q=%zz",
		"invalid UTF-8 in a query key":    "/?%ff=1",
		"very long query string":          "/zoeken?q=" + strings.Repeat("informeren+", 1000),
		"very long query on a lesson":     "/modules/online-informeren?x=" + strings.Repeat("a", 70000),
		"invalid UTF-8 in the path":       "/modules/%ff%fe",
		"NUL in the path":                 "/modules/a%00b",
		"invalid UTF-8 in the login back": "/aanmelden?terug=%ff",
	}
	for label, target := range queries {
		r := rawRequest(t, env, learner, "GET", target, nil, "")
		checkClear(t, label, r, http.StatusBadRequest, http.StatusNotFound, http.StatusRequestURITooLong, http.StatusRequestHeaderFieldsTooLarge)
	}

	traversal := []string{
		"/static/../../etc/passwd",
		"/static/x/../../etc/passwd",
		"/static/x/..%2f..%2fetc%2fpasswd",
		"/static/x/%2e%2e/%2e%2e/go.mod",
		"/static/x/css/..%2f..%2f..%2fgo.mod",
		"/media/x/..%2f..%2fetc%2fpasswd",
		"/media/online-informeren/..%2F..%2F..%2Fetc%2Fpasswd",
		"/media/%2e%2e/%2e%2e",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/modules/%2e%2e/%2e%2e/etc/passwd",
		"/../../etc/passwd",
		"/modules/online-informeren/..%5c..%5cetc%5cpasswd",
	}
	for _, target := range traversal {
		r := rawRequest(t, env, guest, "GET", target, nil, "")
		checkClear(t, "GET "+target, r, http.StatusBadRequest, http.StatusNotFound)
	}

	// Forms with invalid UTF-8 and NUL bytes in their values.
	forms := []struct {
		client *apptest.Client
		path   string
		values url.Values
	}{
		{guest, "/aanmelden", url.Values{"email": {"\xff\xfe@x.be"}, "wachtwoord": {"a\x00b"}, "terug": {"/\xff"}}},
		{guest, "/zoeken", url.Values{"q": {"\xff"}}},
		{guest, "/taal", url.Values{"taal": {"\xffnl"}, "terug": {"/\x00"}}},
		{guest, "/wachtwoord-vergeten", url.Values{"email": {"\xc3\x28@x.be"}}},
		{learner, "/profiel", url.Values{"naam": {"Lies \xff\x00"}, "taal": {"nl"}}},
		{learner, "/profiel/wachtwoord", url.Values{"huidig": {"\xff"}, "nieuw": {"\x00\x00\x00\x00\x00\x00\x00\x00"}}},
		{learner, "/modules/online-informeren/%ff/gelezen", nil},
		{learner, "/quiz/online-informeren", url.Values{"poging": {"\xff"}, "volgnummer": {"1"}}},
	}
	for _, f := range forms {
		r := rawRequest(t, env, f.client, "POST", f.path, strings.NewReader(f.values.Encode()), form)
		checkClear(t, "POST "+f.path+" with invalid UTF-8", r, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusNotFound)
	}
	// A body that is not form encoding at all.
	r := rawRequest(t, env, learner, "POST", "/profiel", strings.NewReader("naam=%zz%&&=;"), form)
	checkClear(t, "POST /profiel with a broken form encoding", r, http.StatusBadRequest)

	// Nothing of this changed the learner's name.
	var name string
	if err := env.DB.Get(&name, `SELECT full_name FROM users WHERE email = 'lies@foutstad.be'`); err != nil || name != "Lies Fout" {
		t.Errorf("name after the bad forms = %q (%v), want %q", name, err, "Lies Fout")
	}
}
