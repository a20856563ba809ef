package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/app"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
	"nabij.be/leerplatform/internal/metrics"
	"nabij.be/leerplatform/internal/web"
	"nabij.be/leerplatform/migrations"
)

// serve runs the web server. The whole configuration is read and checked
// first: a bad setting stops it before it migrates, imports or listens.
func serve(ctx context.Context, log *slog.Logger) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if !cfg.MemoryLimitSet {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(cfg.MaxDBConnections)
	metrics.WatchDB(db.DB)

	if cfg.MigrateOnStart {
		done, err := database.MigrateWith(ctx, db, ms, migrateOptions(cfg))
		if err != nil {
			return err
		}
		river, err := jobs.Migrate(ctx, db.DB)
		if err != nil {
			return err
		}
		if done = append(done, river...); len(done) > 0 {
			log.Info("migrated", "applied", strings.Join(done, ","))
		}
	} else {
		pending, err := database.Pending(ctx, db, ms)
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return fmt.Errorf("the database schema is out of date (%d migrations pending, first %s): run `nabij migrate` or set MIGRATE_ON_START=true", len(pending), pending[0].Name)
		}
		river, err := jobs.Pending(ctx, db.DB)
		if err != nil {
			return err
		}
		if river != "" {
			return fmt.Errorf("the job queue's tables are out of date (%s): run `nabij migrate` or set MIGRATE_ON_START=true", river)
		}
	}
	if cfg.ImportOnStart {
		if err := importIfEmpty(ctx, db, log); err != nil {
			return err
		}
	}

	a, err := app.New(cfg, db, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if q := a.Jobs(); q != nil {
		metrics.WatchJobs(func(ctx context.Context) (metrics.JobCounts, error) {
			s, err := q.Stats(ctx)
			return metrics.JobCounts{Queued: int64(s.Waiting), Running: int64(s.Running), Retrying: int64(s.Scheduled),
				Failed: int64(s.Failed), Oldest: s.Oldest}, err
		})
	}
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics: %w", err)
		}
		go metrics.Serve(ctx, mln, log)
	}
	if cfg.PprofAddr != "" {
		// Profiling on a separate, loopback-only listener (config refuses
		// any other address); never on the public port.
		pln, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("pprof: %w", err)
		}
		go servePprof(ctx, pln, log)
	}
	log.Info("N@BIJ leerplatform ready", "url", cfg.BaseURL)
	return web.Serve(ctx, ln, a.Handler(), log, cfg.ShutdownTimeout)
}

// importIfEmpty loads the built-in curriculum on the first start.
func importIfEmpty(ctx context.Context, db *sqlx.DB, log *slog.Logger) error {
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM modules`); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	r := content.NewRenderer()
	c, problems := r.Parse(courses.FS)
	if problems != nil {
		return fmt.Errorf("built-in curriculum:\n%w", problems)
	}
	rep, err := catalog.NewImporter(db, r).Import(ctx, c)
	if err != nil {
		return err
	}
	log.Info("imported the built-in curriculum", "changes", len(rep.Changes))
	return nil
}

func migrate(ctx context.Context, log *slog.Logger) error {
	db, cfg, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		return err
	}
	done, err := database.MigrateWith(ctx, db, ms, migrateOptions(cfg))
	if err != nil {
		return err
	}
	river, err := jobs.Migrate(ctx, db.DB)
	if err != nil {
		return err
	}
	if done = append(done, river...); len(done) == 0 {
		fmt.Println("the schema is up to date")
	}
	for _, d := range done {
		fmt.Println("applied", d)
	}
	return nil
}

// migrateOptions are the configured bounds of a migration.
func migrateOptions(cfg *config.Config) database.MigrateOptions {
	o := database.DefaultMigrateOptions
	o.LockTimeout, o.StatementTimeout = cfg.MigrateLockWait, cfg.MigrateStatement
	return o
}

// servePprof answers Go's profiler on ln until ctx ends.
func servePprof(ctx context.Context, ln net.Listener, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close() //nolint:errcheck
	}()
	log.Info("pprof listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Error("pprof", "error", err.Error())
	}
}
