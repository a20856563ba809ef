package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strings"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/app"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
	"nabij.be/leerplatform/internal/web"
	"nabij.be/leerplatform/migrations"
)

// defaultMemoryLimit keeps the server's heap small (GOMEMLIMIT overrides
// it): its live data is a few megabytes, and without a limit the garbage
// collector lets the heap grow with the request rate.
const defaultMemoryLimit = 40 << 20

func serve(ctx context.Context, log *slog.Logger) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	db, cfg, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(cfg.MaxDBConnections)

	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		return err
	}
	if cfg.MigrateOnStart {
		done, err := database.Migrate(ctx, db, ms)
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
	if addr := os.Getenv("PPROF_ADDR"); addr != "" {
		// Profiling on a separate, local-only listener; never on the public port.
		go func() {
			log.Info("pprof listening", "addr", addr)
			if err := http.ListenAndServe(addr, pprofMux()); err != nil {
				log.Error("pprof", "error", err.Error())
			}
		}()
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return err
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
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		return err
	}
	done, err := database.Migrate(ctx, db, ms)
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

func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/heap", pprof.Index)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
