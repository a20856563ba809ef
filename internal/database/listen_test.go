package database_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/memo"
)

// heard records the payloads a subscriber was handed.
type heard struct {
	mu       sync.Mutex
	payloads []string
}

func (h *heard) add(p string) { h.mu.Lock(); h.payloads = append(h.payloads, p); h.mu.Unlock() }

func (h *heard) since(i int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.payloads[min(i, len(h.payloads)):]...)
}

func (h *heard) len() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.payloads) }

func TestListenerDeliversInCommitOrder(t *testing.T) {
	db, u := dbtest.NewWithURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l := database.NewListener()
	var h heard
	l.Subscribe("nabij_test", h.add)
	l.Run(ctx, u, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := l.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	start := h.len()
	for _, p := range []string{"1", "2", "3"} {
		db.MustExec(`SELECT pg_notify('nabij_test', $1)`, p)
	}
	if err := l.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	if got := h.since(start); len(got) != 3 || got[0] != "1" || got[2] != "3" {
		t.Errorf("after Sync heard %q, want [1 2 3]", got)
	}
}

// TestListenerReconnectEmptiesCaches: a notification sent while the
// listener's connection is down is lost; when the connection comes back
// every subscriber hears "" and a memo on it starts empty, so the change
// the lost notification announced cannot stay hidden.
func TestListenerReconnectEmptiesCaches(t *testing.T) {
	db, u := dbtest.NewWithURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l := database.NewListener()
	m := memo.New[string, int](time.Hour, 100, nil)
	l.Subscribe("nabij_test", m.DropPayload)
	var h heard
	l.Subscribe("nabij_test", h.add)
	l.Run(ctx, u, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := l.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	m.Put(m.Begin(), "kept", 7, 1, time.Time{})
	inFlight := m.Begin() // a read that began before the connection dropped
	start := h.len()

	// Cut the listener's connection (the session that ran LISTEN), and
	// announce a change while it is down. The timeout makes the call wait
	// until the backend is gone: without it the notification could still
	// reach the dying session.
	var n int
	if err := db.Get(&n, `SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'listen%'`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("terminated %d listener connections, want 1", n)
	}
	db.MustExec(`SELECT pg_notify('nabij_test', '7')`)

	if err := l.Sync(ctx, db); err != nil { // returns once reconnected
		t.Fatal(err)
	}
	got := h.since(start)
	sawEmpty := false
	for _, p := range got {
		if p == "7" {
			t.Errorf("the notification sent while disconnected arrived (%q): the connection was not cut", got)
		}
		sawEmpty = sawEmpty || p == ""
	}
	if !sawEmpty {
		t.Errorf("after the reconnect subscribers heard %q, want an empty payload (anything may have changed)", got)
	}
	if _, ok := m.Get("kept"); ok {
		t.Error("the memo kept its entry across a reconnect")
	}
	if m.Put(inFlight, "late", 7, 1, time.Time{}) {
		t.Error("a read begun before the reconnect was stored after it")
	}
}
