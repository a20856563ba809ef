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
// SMTP server (a new connection per mail, ten at once).
//
//	go test -run '^$' -bench Drain -benchtime 1x ./internal/mail/
func BenchmarkDrain(b *testing.B) {
	srv := smtptest.Start(b)
	srv.Stop() // queue first, then measure the sending alone
	env, c := benchEnv(b, srv)
	const n = 500
	for i := range b.N {
		addrs := make([]string, n)
		for j := range addrs {
			addrs[j] = fmt.Sprintf("d%d-%03d@bench.example", i, j)
		}
		postInvite(b, env, c, addrs)
	}
	b.ResetTimer()
	srv.Restart()
	srv.Wait(n*b.N, 10*time.Minute)
	b.StopTimer()
	// Counted from the first arrival to the last: the first attempts met
	// the stopped server, and their retries come when they are due.
	ms := srv.Messages()
	first, last := ms[0].Received, ms[len(ms)-1].Received
	b.ReportMetric(float64(len(ms)-1)/last.Sub(first).Seconds(), "mails/s")
}
