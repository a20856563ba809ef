package report_test

import (
	"net/http"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/report"
)

// BenchmarkDashboardCached measures the manager dashboard of the
// benchmark organisation (10,000 learners) through the whole stack with
// the caches on, as in production: the figures come from the per-
// organisation cache, recomputed at most every report.DashboardMaxAge.
func BenchmarkDashboardCached(b *testing.B) {
	db, url, orgID := report.BenchDatabase(b)
	env := apptest.NewWithConfig(report.SuiteTB(b), db, url, func(c *config.Config) { c.CacheMaxAge = 30 * time.Second })
	env.CreateUser(orgID, "manager", "bench-cached@demodorp.example", "Bench Cached")
	c := env.Client()
	c.Login("bench-cached@demodorp.example", apptest.TestPassword)
	for b.Loop() {
		if r := c.Get("/rapport"); r.Status != http.StatusOK {
			b.Fatalf("GET /rapport: status %d", r.Status)
		}
	}
}
