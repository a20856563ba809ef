package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"nabij.be/leerplatform/internal/app"
	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/config"
)

// lockedBuffer collects log lines written from the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// A request whose client went away while the page was being put together
// (its context is cancelled, so the database query fails) is logged as
// 499 at INFO, not as a server error with an ERROR line.
func TestClientGoneIsLogged499NotAsServerError(t *testing.T) {
	db, dbURL := apptest.NewCurriculumDB(t)
	var logs lockedBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := &config.Config{
		DatabaseURL: dbURL, BaseURL: "http://127.0.0.1", MaxBodyBytes: 10 << 20, MaxDBConnections: 4,
		SessionIdle: 3600e9, SessionAbsolute: 3600e9, MailFrom: "test <test@localhost>",
		CacheMaxAge: 0, // the page must go to the database, where the cancelled context is seen
	}
	a, err := app.New(cfg, db, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	// The same page with a client that stays: 200, so the route does read the database.
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/modules/online-informeren", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("module page with a waiting client: status %d, want 200", rec.Code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client is gone before the handler asks the database
	rec = httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/modules/online-informeren", nil).WithContext(ctx))

	var request map[string]any
	for _, l := range logs.lines(t) {
		if l["level"] == "ERROR" {
			t.Errorf("a client that went away was logged as an error: %v", l)
		}
		if l["msg"] == "request" && l["status"] != float64(200) {
			request = l
		}
	}
	if request == nil {
		t.Fatalf("no request line for the abandoned request; log:\n%s", logs.buf.String())
	}
	if request["status"] != float64(499) || request["level"] != "INFO" {
		t.Errorf("abandoned request logged with status %v at %v, want 499 at INFO", request["status"], request["level"])
	}
}
