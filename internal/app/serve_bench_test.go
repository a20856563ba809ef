package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// discard is a ResponseWriter that keeps nothing: the benchmarks measure
// the server's own work per request, without a network or a recorder.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(s int)           { d.status = s }
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }

// BenchmarkServeKeptPage measures what the whole handler (compression,
// cross-origin check, router, every middleware, session) costs per request
// for the pages that are kept ready, in memory and allocations: the part
// of a request's CPU time the server's own code decides (make bench shows
// the rest: reading the request and writing the answer to the socket).
func BenchmarkServeKeptPage(b *testing.B) {
	env := apptest.New(b)
	org := env.CreateOrg("OCMW Bench")
	_, pw := env.CreateUser(org, "learner", "bench@bench.example", "Bench Lerende")
	env.CreateUser(org, "manager", "baas@bench.example", "Bench Manager")
	cookie := func(email, password string) string {
		c := env.Client()
		c.Login(email, password)
		u, _ := url.Parse(env.URL("/"))
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			if ck.Name == "nabij_session" {
				return ck.Name + "=" + ck.Value
			}
		}
		b.Fatalf("no session cookie for %s", email)
		return ""
	}
	learner, manager := cookie("bench@bench.example", pw), cookie("baas@bench.example", apptest.TestPassword)
	var lesson string
	env.MustGet(&lesson, `SELECT '/modules/' || m.slug || '/' || l.slug FROM lessons l JOIN modules m ON m.id = l.module_id ORDER BY m.position, l.position LIMIT 1`)
	h := env.App.Handler()
	for _, tc := range []struct{ name, path, cookie, accept string }{
		{"lesson/guest", lesson, "", ""},
		{"lesson/guest/gzip", lesson, "", "gzip"},
		{"lesson/learner", lesson, learner, ""},
		{"dashboard/learner", "/mijn-leertraject", learner, ""},
		{"dashboard/learner/gzip", "/mijn-leertraject", learner, "gzip"},
		{"dashboard/manager", "/rapport", manager, ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			req.Header.Set("Accept-Language", "nl-BE,nl;q=0.9,en-US;q=0.8,en;q=0.7") // as a browser sends it
			if tc.cookie != "" {
				req.Header.Set("Cookie", tc.cookie)
			}
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := &discard{h: http.Header{}}
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK && w.status != 0 {
					b.Fatalf("GET %s: status %d", tc.path, w.status)
				}
			}
		})
	}
}
