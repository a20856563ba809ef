package mail_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

// benchEnv is newEnv for a benchmark: production job settings.
func benchEnv(b *testing.B, srv *smtptest.Server) (*apptest.Env, *apptest.Client) {
	db, u := dbtest.NewWithURL(b)
	env := apptest.NewWithConfig(b, db, u, func(c *config.Config) {
		c.SMTPURL = srv.URL()
		c.MailFrom = config.DefaultMailFrom
	})
	org := env.CreateOrg("OCMW Bench")
	_, pw := env.CreateUser(org, "manager", "baas@bench.example", "Bea Baas")
	c := env.Client()
	c.Login("baas@bench.example", pw)
	return env, c
}

func postInvite(b *testing.B, env *apptest.Env, c *apptest.Client, addrs []string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("adressen", strings.Join(addrs, "\n"))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL("/organisatie/uitnodigen"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if resp := c.Do(req); resp.Status != http.StatusOK {
		b.Fatalf("invite: status %d (%q)", resp.Status, resp.Flash())
	}
}

// BenchmarkInvite500 is the time to answer an invitation of 500 new
// addresses (the mails are only queued).
//
//	go test -run '^$' -bench Invite500 -benchtime 5x ./internal/mail/
func BenchmarkInvite500(b *testing.B) {
	srv := smtptest.Start(b)
	env, c := benchEnv(b, srv)
	b.ResetTimer()
	for i := range b.N {
		addrs := make([]string, 500)
		for j := range addrs {
			addrs[j] = fmt.Sprintf("p%d-%03d@bench.example", i, j)
		}
		postInvite(b, env, c, addrs)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/invitation-of-500")
}

// BenchmarkDrain is how fast one instance drains queued mail to a local
// SMTP server (a new connection per mail, ten at once): 500 invitations
// are queued in one request (a fifth of a second), and the rate counts
// from the first arrival to the last.
//
//	go test -run '^$' -bench Drain -benchtime 2x ./internal/mail/
func BenchmarkDrain(b *testing.B) {
	srv := smtptest.Start(b)
	env, c := benchEnv(b, srv)
	const n = 500
	var rates float64
	for i := range b.N {
		addrs := make([]string, n)
		for j := range addrs {
			addrs[j] = fmt.Sprintf("d%d-%03d@bench.example", i, j)
		}
		postInvite(b, env, c, addrs)
		ms := srv.Wait(n*(i+1), 10*time.Minute)[n*i:]
		first, last := ms[0].Received, ms[len(ms)-1].Received
		rates += float64(len(ms)-1) / last.Sub(first).Seconds()
	}
	b.ReportMetric(rates/float64(b.N), "mails/s")
}
