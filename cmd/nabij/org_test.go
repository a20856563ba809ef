package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/sso"
	"nabij.be/leerplatform/internal/sso/ssotest"
)

// `nabij org sso` connects a fresh organisation to a real provider, and its
// people then sign in with it; --off turns it off again.
func TestOrgSSOCommand(t *testing.T) {
	db, dbURL := dbtest.NewWithURL(t)
	env := apptest.NewWithConfig(t, db, dbURL, func(c *config.Config) { c.SSOSecretKey = strings.Repeat("k", 40) })
	op := ssotest.New(t)
	op.AddClient("leerplatform", "s3cr3t-van-de-provider", []string{env.URL(sso.CallbackPath)}, nil)
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("BASE_URL", env.Server.URL)
	t.Setenv("SSO_SECRET_KEY", strings.Repeat("k", 40))
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("s3cr3t-van-de-provider\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := orgCommand(context.Background(), log, args, &out)
		return out.String(), err
	}

	out, err := run("sso", "--org", "OCMW Nieuwdorp", "--issuer", op.Issuer, "--client-id", "leerplatform",
		"--client-secret-file", secretFile, "--domains", "nieuwdorp.be,ocmw-nieuwdorp.be",
		"--manager-claim", "roles=verantwoordelijke", "--sso-only")
	if err != nil {
		t.Fatalf("org sso: %v\n%s", err, out)
	}
	for _, want := range []string{`organisation "OCMW Nieuwdorp" created`, "single sign-on saved", env.Server.URL + "/aanmelden/sso/terug", "nieuwdorp.be, ocmw-nieuwdorp.be", "sso only:      true"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("output shows the secret")
	}

	// A person of the organisation signs in.
	op.AddUser(ssotest.User{Subject: "s-1", Email: "els@nieuwdorp.be", EmailVerified: true, Name: "Els",
		Claims: map[string]any{"roles": []string{"verantwoordelijke"}}})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body := get(t, c, env.URL("/aanmelden/sso?email=els@nieuwdorp.be"))
	m := regexp.MustCompile(`id="sso-continue" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no way to the provider:\n%.500s", body)
	}
	body = get(t, c, html.UnescapeString(m[1]))
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no provider login page:\n%.500s", body)
	}
	resp, err := c.PostForm(op.Issuer+"/login", url.Values{"id": {id[1]}, "user": {"s-1"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `action="/afmelden"`) {
		t.Fatalf("after the provider: %d at %s, not signed in", resp.StatusCode, resp.Request.URL)
	}
	var role string
	if err := db.Get(&role, `SELECT u.role FROM users u JOIN organisations o ON o.id = u.organisation_id
		WHERE u.email = 'els@nieuwdorp.be' AND o.name = 'OCMW Nieuwdorp'`); err != nil || role != "manager" {
		t.Errorf("Els: role %q (%v), want manager in OCMW Nieuwdorp", role, err)
	}
	if out, err := run("sso", "--org", "ocmw nieuwdorp"); err != nil || !strings.Contains(out, "last login:") || strings.Contains(out, "none yet") {
		t.Errorf("status after a login: %v\n%s", err, out)
	}

	// Mistakes are refused, naming the problem.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sso", "--org", "Elders", "--issuer", op.Issuer, "--client-id", "x", "--client-secret-file", secretFile, "--domains", "nieuwdorp.be"}, "already belongs to OCMW Nieuwdorp"},
		{[]string{"sso", "--org", "Elders", "--issuer", "http://127.0.0.1:9", "--client-id", "x", "--client-secret-file", secretFile, "--domains", "elders.be"}, "could not be read"},
		{[]string{"sso", "--org", "Elders", "--issuer", op.Issuer, "--client-id", "x", "--domains", "elders.be"}, "Enter the client secret"},
		{[]string{"sso", "--org", "Elders", "--issuer", op.Issuer, "--client-id", "x", "--client-secret-file", secretFile, "--domains", "elders.be", "--manager-claim", "roles"}, "NAME=VALUE"},
		{[]string{"sso"}, "usage:"},
		{[]string{"sso", "--org", "Nergens", "--off"}, `no organisation "Nergens"`},
	} {
		if _, err := run(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("org %q: error %v, want one saying %q", tc.args, err, tc.want)
		}
	}

	if out, err := run("sso", "--org", "OCMW Nieuwdorp", "--off"); err != nil || !strings.Contains(out, "off") {
		t.Fatalf("--off: %v\n%s", err, out)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM sso_providers`); n != 0 {
		t.Errorf("providers after --off = %d, want 0", n)
	}
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
