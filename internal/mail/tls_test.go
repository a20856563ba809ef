package mail_test

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

// Mail goes over TLS: implicit (smtps://) and STARTTLS that the URL
// requires, with the certificate checked against the system's roots (here
// the test's own certificate authority, through SSL_CERT_FILE, read when
// the first certificate is checked).
func TestTLS(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS() // only for its certificate, valid for 127.0.0.1
	defer ts.Close()
	roots := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(roots, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", roots)
	cert := ts.TLS.Certificates[0]

	for _, tc := range []struct {
		name     string
		implicit bool
		query    string
	}{{"smtps", true, ""}, {"STARTTLS required", false, "?tls=required"}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.StartTLS(t, cert, tc.implicit)
			srv.RequireAuth("nabij", "geheim")
			db, u := dbtest.NewWithURL(t)
			scheme := "smtp://"
			if tc.implicit {
				scheme = "smtps://"
			}
			env := apptest.NewWithConfig(t, db, u, func(c *config.Config) {
				c.SMTPURL = scheme + "nabij:geheim@" + srv.Addr() + tc.query
				c.MailFrom = config.DefaultMailFrom
			})
			c := manager(t, env, "OCMW Zoersel")
			invite(t, env, c, "nina@zoersel.example")
			srv.Wait(1, 10*time.Second)
			if !srv.TLSSeen() {
				t.Errorf("the mail did not come over TLS")
			}
		})
	}

	// A server without STARTTLS while the URL requires it: nothing is sent.
	plain := smtptest.Start(t)
	db, u := dbtest.NewWithURL(t)
	env := apptest.NewWithConfig(t, db, u, func(c *config.Config) {
		c.SMTPURL = plain.URL() + "?tls=required"
		c.MailFrom = config.DefaultMailFrom
	})
	c := manager(t, env, "OCMW Zoersel")
	invite(t, env, c, "nina@zoersel.example")
	deadline := time.Now().Add(10 * time.Second)
	for {
		var lastErr *string
		env.DB.Get(&lastErr, `SELECT error FROM mail_outbox WHERE recipient = 'nina@zoersel.example'`)
		if lastErr != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no error recorded for a server without STARTTLS")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(plain.Messages()); n != 0 {
		t.Errorf("%d mails sent without TLS although the URL requires it", n)
	}
}
