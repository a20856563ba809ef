package database

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Listener hands PostgreSQL notifications to subscribers over one
// connection per process. In-memory caches subscribe to drop what another
// instance (or this one) changed; the database's triggers announce every
// change at commit.
//
// Notifications sent while the connection is down are lost. So when the
// connection drops, and again when it is back, every subscriber hears ""
// ("anything may have changed") and starts empty.
type Listener struct {
	mu      sync.Mutex
	subs    map[string][]func(payload string)
	waiting map[string]chan struct{} // Sync tokens not yet heard back
}

// syncChannel carries Sync's tokens.
const syncChannel = "nabij_sync"

// NewListener returns a listener with no subscribers.
func NewListener() *Listener {
	return &Listener{subs: map[string][]func(string){}, waiting: map[string]chan struct{}{}}
}

// Subscribe calls fn with the payload of each notification on channel.
// When notifications may have been missed (the connection dropped or came
// back), fn is called with "" meaning "anything may have changed".
// Subscribe before Run.
func (l *Listener) Subscribe(channel string, fn func(payload string)) {
	l.mu.Lock()
	l.subs[channel] = append(l.subs[channel], fn)
	l.mu.Unlock()
}

// Run listens until ctx ends.
func (l *Listener) Run(ctx context.Context, dbURL string, log *slog.Logger) {
	pl := pq.NewListener(dbURL, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if ev == pq.ListenerEventDisconnected {
			l.dropAll() // nothing will be announced until the connection is back
		}
		if err != nil {
			log.Warn("database listener", "event", int(ev), "error", err.Error())
		}
	})
	l.mu.Lock()
	channels := []string{syncChannel}
	for ch := range l.subs {
		channels = append(channels, ch)
	}
	l.mu.Unlock()
	for _, ch := range channels {
		if err := pl.Listen(ch); err != nil {
			log.Warn("database listener: listen failed; caches rely on their lifetime", "channel", ch, "error", err.Error())
		}
	}
	go func() {
		defer pl.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-pl.Notify:
				if n == nil { // reconnected: anything may have changed meanwhile
					l.dropAll()
					continue
				}
				l.deliver(n.Channel, n.Extra)
			case <-time.After(90 * time.Second):
				go pl.Ping() //nolint:errcheck // a failed ping makes the listener reconnect
			}
		}
	}()
}

func (l *Listener) dropAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, fns := range l.subs {
		for _, fn := range fns {
			fn("")
		}
	}
}

func (l *Listener) deliver(channel, payload string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if channel == syncChannel {
		if ch, ok := l.waiting[payload]; ok {
			close(ch)
			delete(l.waiting, payload)
		}
		return
	}
	for _, fn := range l.subs[channel] {
		fn(payload)
	}
}

// Sync returns once every notification committed before it was called has
// been handed to the subscribers: PostgreSQL delivers notifications in
// commit order, so hearing back a token sent now means all earlier ones
// arrived. Tests use it to wait for the caches after writing to the
// database directly.
func (l *Listener) Sync(ctx context.Context, db *sqlx.DB) error {
	var b [12]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	heard := make(chan struct{})
	l.mu.Lock()
	l.waiting[token] = heard
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.waiting, token)
		l.mu.Unlock()
	}()
	// Sent again now and then: a token sent before the listener's
	// connection is up is lost.
	for {
		if _, err := db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, syncChannel, token); err != nil {
			return fmt.Errorf("database: sync listener: %w", err)
		}
		select {
		case <-heard:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("database: sync listener: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
