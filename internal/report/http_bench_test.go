package report_test

import (
	"net/http"
	"sync"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/report"
)

var (
	httpOnce   sync.Once
	httpClient *apptest.Client
)

// BenchmarkHTTP measures the report pages through the whole stack (router,
// session, template, a real HTTP round trip) as the organisation's manager.
func BenchmarkHTTP(b *testing.B) {
	httpOnce.Do(func() {
		db, url, orgID := report.BenchDatabase(b)
		env := apptest.NewEmpty(report.SuiteTB(b), db, url)
		env.CreateUser(orgID, "manager", "bench-manager@demodorp.example", "Bench Manager")
		httpClient = env.Client()
		httpClient.Login("bench-manager@demodorp.example", apptest.TestPassword)
	})
	for _, path := range []string{"/rapport", "/rapport/mensen", "/rapport/mensen?sort=activity&dir=desc", "/rapport/export.csv"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				if r := httpClient.Get(path); r.Status != http.StatusOK {
					b.Fatalf("GET %s: status %d", path, r.Status)
				}
			}
		})
	}
}
