package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ErrForcedExit is returned by Serve when a second SIGTERM or SIGINT ends
// the drain before the in-flight requests have finished.
var ErrForcedExit = errors.New("stopped by a second signal before in-flight requests finished")

// Serve runs handler on ln until ctx is cancelled, then stops accepting
// connections and lets in-flight requests finish for up to drain. A second
// SIGTERM or SIGINT during the drain (an operator who will not wait) closes
// every connection at once.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, log *slog.Logger, drain time.Duration) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	force := make(chan os.Signal, 1)
	signal.Notify(force, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(force)
	log.Info("shutting down: draining in-flight requests", "timeout", drain.String())
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	drained := make(chan error, 1)
	go func() { drained <- srv.Shutdown(sctx) }()
	select {
	case err := <-drained:
		if err != nil {
			return err
		}
	case sig := <-force:
		log.Warn("second signal: closing in-flight requests", "signal", sig.String())
		srv.Close() //nolint:errcheck // the forced exit is what is reported
		return ErrForcedExit
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
