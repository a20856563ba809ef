package apptest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBrowserHarness checks the harness itself: it sees CSP violations and
// console errors, ignores a page's own 404 status, and runs axe.
func TestBrowserHarness(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="nl"><head><title>ok</title></head><body><main><h1>Goed</h1><p>Tekst.</p></main></body></html>`))
	})
	mux.HandleFunc("/inline", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="nl"><head><title>x</title></head><body><main><h1>x</h1><script>document.title='ran'</script></main></body></html>`))
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`<!doctype html><html lang="nl"><head><title>niet gevonden</title></head><body><main><h1>Niet gevonden</h1></main></body></html>`))
	})
	mux.HandleFunc("/bad-a11y", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>x</title></head><body><main><img src="/ok"><input type="text"></main></body></html>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	b := NewBrowser(t)
	b.Navigate(srv.URL + "/ok")
	b.Axe(t, "ok page")
	b.NoConsoleErrors(t)

	b.Navigate(srv.URL + "/missing")
	if errs := b.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("a page's own 404 counted as console error: %q", errs)
	}

	b.Navigate(srv.URL + "/inline")
	errs := b.ConsoleErrors()
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "Content Security Policy") {
		t.Errorf("inline script under CSP: console errors %q, want a Content Security Policy violation", errs)
	}
	if title := b.Text("title"); title == "ran" {
		t.Errorf("inline script ran despite CSP")
	}
	b.ClearConsoleErrors()

	b.Navigate(srv.URL + "/bad-a11y")
	ft := &fakeT{TB: t}
	b.Axe(ft, "bad page")
	if !ft.failed || !strings.Contains(ft.msg, "image-alt") || !strings.Contains(ft.msg, "html-has-lang") {
		t.Errorf("axe on a page without alt and lang: failed=%v msg=%q, want image-alt and html-has-lang violations", ft.failed, ft.msg)
	}
}

type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Error(args ...any) {
	f.failed = true
	for _, a := range args {
		if s, ok := a.(string); ok {
			f.msg += s
		}
	}
}
