package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"nabij.be/leerplatform/internal/config"
)

// healthcheck asks the server on this machine for /healthz, for a
// container's HEALTHCHECK: a distroless image has no curl. It reads the
// same LISTEN_ADDR and PORT as serve.
func healthcheck(ctx context.Context) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	host := "127.0.0.1"
	if a, err := netip.ParseAddr(cfg.ListenAddr); err == nil && !a.IsUnspecified() {
		host = a.String()
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	u := "http://" + net.JoinHostPort(host, strconv.Itoa(cfg.Port)) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", u, resp.StatusCode)
	}
	return nil
}
