package app_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
)

// flashCookie returns the flash cookie an answer sets.
func flashCookie(t *testing.T, r *apptest.Response) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if strings.HasSuffix(ck.Name, "nabij_flash") && ck.Value != "" {
			return ck
		}
	}
	t.Fatalf("answer (status %d) sets no flash cookie; Set-Cookie: %q", r.Status, r.Header.Values("Set-Cookie"))
	return nil
}

// getWithCookie requests path on env with one cookie, as a browser that
// was given it.
func getWithCookie(t *testing.T, env *apptest.Env, path string, ck *http.Cookie) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(ck)
	return env.Client().Do(req)
}

const sentText = "Als dit e-mailadres bij ons bekend is"

// TestFlashCookieCannotBePlanted: the one-time message on the next page
// comes only from the platform. A cookie someone else planted (a forged
// warning, or a real message with its text changed) is ignored; a real one
// shows, on any instance of the installation.
func TestFlashCookieCannotBePlanted(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	a := apptest.NewEmpty(t, db, u)
	b := apptest.NewEmpty(t, db, u) // a second instance on the same database

	guest := noRedirects(a.Client())
	r := guest.PostForm("/wachtwoord-vergeten", url.Values{"email": {"iemand@flash.example"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("forgot password: status %d; page says %q", r.Status, r.Flash())
	}
	real := flashCookie(t, r)
	if plain, err := base64.RawURLEncoding.DecodeString(real.Value); err != nil || bytes.Contains(plain, []byte("bekend")) || strings.Contains(real.Value, "bekend") {
		t.Errorf("flash cookie %q is not sealed: its text can be read", real.Value)
	}
	for _, env := range []*apptest.Env{a, b} {
		if p := getWithCookie(t, env, "/aanmelden", real); !strings.Contains(p.Flash(), sentText) {
			t.Errorf("the platform's own flash message does not show; page says %q", p.Flash())
		}
	}

	const planted = "Je account is geblokkeerd. Bel 0900 12 34 56"
	forged := []string{
		url.QueryEscape("error:" + planted), // the old, unsealed form
		url.QueryEscape("ok:" + planted),
		base64.RawURLEncoding.EncodeToString([]byte("error\x00" + strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10) + "\x00" + planted)),
		tamper(real.Value), // a sealed message with one character changed
		real.Value[:len(real.Value)-4],
		"",
	}
	for _, v := range forged {
		p := getWithCookie(t, a, "/aanmelden", &http.Cookie{Name: real.Name, Value: v})
		if p.Status != http.StatusOK {
			t.Errorf("page with a forged flash cookie %q: status %d, want 200", v, p.Status)
		}
		if strings.Contains(p.Body, "geblokkeerd") || p.Flash() != "" {
			t.Errorf("forged flash cookie %q shows %q", v, p.Flash())
		}
	}
	if p := getWithCookie(t, a, "/", &http.Cookie{Name: real.Name, Value: url.QueryEscape("error:" + planted)}); strings.Contains(p.Body, "geblokkeerd") {
		t.Errorf("home page shows a planted flash message")
	}
}

// tamper changes one character in the middle of s.
func tamper(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestFlashCookieSecure: on an HTTPS installation the flash cookie is
// Secure (and __Host-, so a sibling domain cannot set it).
func TestFlashCookieSecure(t *testing.T) {
	db, u := apptest.NewCurriculumDB(t)
	env := apptest.NewWithConfig(t, db, u, func(c *config.Config) { c.SecureCookies = true })
	r := noRedirects(env.Client()).PostForm("/wachtwoord-vergeten", url.Values{"email": {"iemand@flash.example"}})
	ck := flashCookie(t, r)
	if !ck.Secure || !ck.HttpOnly || ck.Name != "__Host-nabij_flash" || ck.Path != "/" {
		t.Errorf("flash cookie %s: Secure %v, HttpOnly %v, Path %q; want __Host-nabij_flash, Secure, HttpOnly, Path /", ck.Name, ck.Secure, ck.HttpOnly, ck.Path)
	}
	if p := getWithCookie(t, env, "/aanmelden", ck); !strings.Contains(p.Flash(), sentText) {
		t.Errorf("secure flash cookie does not show; page says %q", p.Flash())
	}
}
