// Package metrics exposes the platform's Prometheus metrics on a listener
// of their own (METRICS_ADDR, loopback by default): requests by route
// pattern, method and status with their latency, the database pool, cache
// hits and misses, the job queue and the build.
//
// A process has one set of metrics, as it has one Go runtime: the
// registry is the package's, and other packages report through small
// functions (CacheHit, CacheMiss, WatchDB, WatchJobs) without holding it.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Version is the release, set at build time with
// -ldflags "-X nabij.be/leerplatform/internal/metrics.Version=1.2.3".
var Version = "dev"

var (
	registry = prometheus.NewRegistry()

	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "nabij",
		Subsystem: "http",
		Name:      "request_duration_seconds",
		Help:      "Time from a request's arrival to its last byte, by route pattern, method and status (499: the client went away).",
		Buckets:   []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})

	inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "nabij",
		Subsystem: "http",
		Name:      "requests_in_flight",
		Help:      "Requests being handled right now.",
	})

	cacheLookups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "nabij",
		Subsystem: "cache",
		Name:      "lookups_total",
		Help:      "Lookups in the in-memory caches, by cache and result (hit or miss).",
	}, []string{"cache", "result"})

	buildInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "nabij",
		Name:      "build_info",
		Help:      "The running build: always 1, with the release, the source revision and the Go version as labels.",
	}, []string{"version", "revision", "goversion"})

	jobs = &jobCollector{
		desc: prometheus.NewDesc("nabij_jobs",
			"Background jobs (mail and the like) by state: queued (ready to run), running, retrying (failed, will run again), failed (given up in the last 24 hours).",
			[]string{"state"}, nil),
		oldest: prometheus.NewDesc("nabij_jobs_oldest_waiting_seconds",
			"Age of the oldest job still waiting to run or to be retried (0: none).", nil, nil),
	}

	dbMu        sync.Mutex
	dbCollector prometheus.Collector
)

func init() {
	registry.MustRegister(
		requestDuration, inFlight, cacheLookups, buildInfo, jobs,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	buildInfo.WithLabelValues(Version, revision(), runtime.Version()).Set(1)
}

// revision is the source revision the binary was built from, when the
// build recorded it.
func revision() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// SetVersion records the release in nabij_build_info, for builds that name
// it other than through the linker.
func SetVersion(v string) {
	buildInfo.Reset()
	Version = v
	buildInfo.WithLabelValues(Version, revision(), runtime.Version()).Set(1)
}

// Handler serves the metrics in Prometheus's text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: registry})
}

// Serve answers /metrics on ln until ctx ends.
func Serve(ctx context.Context, ln net.Listener, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close() //nolint:errcheck // nothing to drain: a scrape can be repeated
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("metrics", "error", err.Error())
	}
}

// Middleware records each request's duration by route pattern (never the
// path itself, which may hold a code or a name), method and status.
func Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		inFlight.Inc()
		defer inFlight.Dec()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		requestDuration.WithLabelValues(route, method(c.Request.Method), strconv.Itoa(c.Writer.Status())).
			Observe(time.Since(start).Seconds())
	}
}

// method keeps the method label to the methods HTTP defines: a client
// choosing a new one per request must not grow the metrics without bound.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// CacheHit counts a lookup in the named cache that found its answer.
func CacheHit(cache string) { cacheLookups.WithLabelValues(cache, "hit").Inc() }

// CacheMiss counts a lookup in the named cache that had to ask the database.
func CacheMiss(cache string) { cacheLookups.WithLabelValues(cache, "miss").Inc() }

// WatchDB exposes the connection pool of db as go_sql_* metrics with the
// label db_name="nabij". A later call replaces the pool watched before.
func WatchDB(db *sql.DB) {
	dbMu.Lock()
	defer dbMu.Unlock()
	if dbCollector != nil {
		registry.Unregister(dbCollector)
	}
	dbCollector = collectors.NewDBStatsCollector(db, "nabij")
	registry.MustRegister(dbCollector)
}

// JobCounts is the state of the background job queue.
type JobCounts struct {
	Queued   int64         // ready to run
	Running  int64         // being worked on
	Retrying int64         // failed at least once, will run again
	Failed   int64         // given up (in the last 24 hours)
	Oldest   time.Duration // age of the oldest job waiting or retrying
}

// WatchJobs registers the function that counts the job queue at each
// scrape (the jobs package calls it once it runs a queue); a later call
// replaces the earlier one. Until then nabij_jobs is absent.
func WatchJobs(count func(ctx context.Context) (JobCounts, error)) { jobs.count.Store(&count) }

type jobCollector struct {
	desc   *prometheus.Desc
	oldest *prometheus.Desc
	count  atomic.Pointer[func(context.Context) (JobCounts, error)]
}

func (j *jobCollector) Describe(ch chan<- *prometheus.Desc) { ch <- j.desc; ch <- j.oldest }

func (j *jobCollector) Collect(ch chan<- prometheus.Metric) {
	count := j.count.Load()
	if count == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := (*count)(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(j.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(j.desc, prometheus.GaugeValue, float64(n.Queued), "queued")
	ch <- prometheus.MustNewConstMetric(j.desc, prometheus.GaugeValue, float64(n.Running), "running")
	ch <- prometheus.MustNewConstMetric(j.desc, prometheus.GaugeValue, float64(n.Retrying), "retrying")
	ch <- prometheus.MustNewConstMetric(j.desc, prometheus.GaugeValue, float64(n.Failed), "failed")
	ch <- prometheus.MustNewConstMetric(j.oldest, prometheus.GaugeValue, n.Oldest.Seconds())
}
