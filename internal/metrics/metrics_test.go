package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/metrics"
)

// scrape reads the metrics page.
func scrape(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: status %d\n%s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// promtoolCheck runs Prometheus's own linter (Debian's prometheus package)
// over a scrape and fails the test on any complaint.
func promtoolCheck(t *testing.T, text string) {
	t.Helper()
	cmd := exec.Command("promtool", "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestMetricsPassPromtoolAndNameRoutesByPattern(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	db := dbtest.New(t)
	metrics.WatchDB(db.DB)
	metrics.WatchJobs(func(context.Context) (metrics.JobCounts, error) {
		return metrics.JobCounts{Queued: 3, Running: 4, Retrying: 1, Failed: 2, Oldest: 90 * time.Second}, nil
	})
	defer metrics.WatchJobs(func(context.Context) (metrics.JobCounts, error) { return metrics.JobCounts{}, nil })
	metrics.CacheHit("catalog")
	metrics.CacheHit("catalog")
	metrics.CacheMiss("catalog")

	e := gin.New()
	e.Use(metrics.Middleware())
	e.GET("/modules/:module/:lesson", func(c *gin.Context) { c.String(http.StatusOK, "les") })
	e.POST("/aanmelden", func(c *gin.Context) { c.Status(http.StatusUnprocessableEntity) })
	srv := httptest.NewServer(e)
	defer srv.Close()
	for _, r := range []struct{ method, path string }{
		{"GET", "/modules/online-informeren/geheime-les"},
		{"GET", "/modules/online-begeleiden/andere-les"},
		{"POST", "/aanmelden"},
		{"GET", "/bestaat/niet"},
		{"BREW", "/modules/a/b"},
	} {
		req, _ := http.NewRequest(r.method, srv.URL+r.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// The pool is used at least once, so that its counters move.
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}

	text := scrape(t)
	promtoolCheck(t, text)
	for _, want := range []string{
		`nabij_http_request_duration_seconds_count{method="GET",route="/modules/:module/:lesson",status="200"} 2`,
		`nabij_http_request_duration_seconds_count{method="POST",route="/aanmelden",status="422"} 1`,
		`nabij_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
		`nabij_http_request_duration_seconds_bucket{method="GET",route="/modules/:module/:lesson",status="200",le="0.005"}`,
		`nabij_http_requests_in_flight 0`,
		`nabij_cache_lookups_total{cache="catalog",result="hit"} 2`,
		`nabij_cache_lookups_total{cache="catalog",result="miss"} 1`,
		`nabij_jobs{state="queued"} 3`,
		`nabij_jobs{state="retrying"} 1`,
		`nabij_jobs{state="failed"} 2`,
		`nabij_jobs{state="running"} 4`,
		`nabij_jobs_oldest_waiting_seconds 90`,
		`go_sql_max_open_connections{db_name="nabij"}`,
		`go_sql_open_connections{db_name="nabij"}`,
		`go_sql_wait_duration_seconds_total{db_name="nabij"}`,
		`nabij_build_info{goversion="go`,
		`process_resident_memory_bytes`,
		`go_memstats_heap_inuse_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, leak := range []string{"geheime-les", "online-informeren", "/bestaat/niet", "BREW"} {
		if strings.Contains(text, leak) {
			t.Errorf("metrics hold %q from a request's path or method, want only route patterns and known methods", leak)
		}
	}
	if !strings.Contains(text, `method="other"`) {
		t.Errorf("an unknown method is not counted as other")
	}
}

// A failing job count leaves the other metrics readable.
func TestFailingJobCountKeepsTheRest(t *testing.T) {
	metrics.WatchJobs(func(context.Context) (metrics.JobCounts, error) {
		return metrics.JobCounts{}, errors.New("queue table missing")
	})
	defer metrics.WatchJobs(func(context.Context) (metrics.JobCounts, error) { return metrics.JobCounts{}, nil })
	text := scrape(t)
	if !strings.Contains(text, "nabij_build_info") {
		t.Errorf("with a failing job count the scrape lost the other metrics:\n%s", text)
	}
	if strings.Contains(text, `nabij_jobs{state="queued"}`) {
		t.Errorf("a failed job count still shows a queue depth")
	}
}
