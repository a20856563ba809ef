package database

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Listener hands PostgreSQL notifications to subscribers over one
// connection per process. In-memory caches subscribe to drop what another
// instance (or this one) changed; the database's triggers announce every
// change at commit.
type Listener struct {
	mu   sync.Mutex
	subs map[string][]func(payload string)
}

// NewListener returns a listener with no subscribers.
func NewListener() *Listener { return &Listener{subs: map[string][]func(string){}} }

// Subscribe calls fn with the payload of each notification on channel.
// After a reconnect, when notifications may have been missed, fn is called
// with "" meaning "anything may have changed". Subscribe before Run.
func (l *Listener) Subscribe(channel string, fn func(payload string)) {
	l.mu.Lock()
	l.subs[channel] = append(l.subs[channel], fn)
	l.mu.Unlock()
}

// Run listens until ctx ends.
func (l *Listener) Run(ctx context.Context, dbURL string, log *slog.Logger) {
	pl := pq.NewListener(dbURL, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			log.Warn("database listener", "event", int(ev), "error", err.Error())
		}
	})
	l.mu.Lock()
	for ch := range l.subs {
		if err := pl.Listen(ch); err != nil {
			log.Warn("database listener: listen failed; caches rely on their lifetime", "channel", ch, "error", err.Error())
		}
	}
	l.mu.Unlock()
	go func() {
		defer pl.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-pl.Notify:
				l.deliver(n)
			case <-time.After(90 * time.Second):
				go pl.Ping() //nolint:errcheck // a failed ping makes the listener reconnect
			}
		}
	}()
}

func (l *Listener) deliver(n *pq.Notification) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n == nil { // reconnected: anything may have changed
		for _, fns := range l.subs {
			for _, fn := range fns {
				fn("")
			}
		}
		return
	}
	for _, fn := range l.subs[n.Channel] {
		fn(n.Extra)
	}
}

// Memo keeps query results in memory for a while, each tagged with the
// person it belongs to so that a change to that person drops it.
type Memo[K comparable, V any] struct {
	maxAge time.Duration
	max    int

	mu sync.RWMutex
	m  map[K]memoEntry[V]
}

type memoEntry[V any] struct {
	value   V
	owner   int64
	expires time.Time
}

// NewMemo returns a memo whose entries live at most maxAge (0 turns it
// off) and which holds at most max entries.
func NewMemo[K comparable, V any](maxAge time.Duration, max int) *Memo[K, V] {
	return &Memo[K, V]{maxAge: maxAge, max: max, m: map[K]memoEntry[V]{}}
}

// Get returns the value kept for k, if it is still fresh.
func (m *Memo[K, V]) Get(k K) (V, bool) {
	m.mu.RLock()
	e, ok := m.m[k]
	m.mu.RUnlock()
	if !ok || time.Now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put keeps v for k on behalf of owner, until the earlier of the memo's
// lifetime and notAfter (zero for no limit).
func (m *Memo[K, V]) Put(k K, owner int64, v V, notAfter time.Time) {
	if m.maxAge <= 0 {
		return
	}
	exp := time.Now().Add(m.maxAge)
	if !notAfter.IsZero() && notAfter.Before(exp) {
		exp = notAfter
	}
	m.mu.Lock()
	if len(m.m) >= m.max {
		clear(m.m) // crude but bounded; entries are cheap to fetch again
	}
	m.m[k] = memoEntry[V]{value: v, owner: owner, expires: exp}
	m.mu.Unlock()
}

// DropOwner forgets every entry of owner; owner 0 forgets everything.
func (m *Memo[K, V]) DropOwner(owner int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if owner == 0 {
		clear(m.m)
		return
	}
	for k, e := range m.m {
		if e.owner == owner {
			delete(m.m, k)
		}
	}
}

// DropPayload is DropOwner for a notification payload holding the owner's
// id; an empty or unreadable payload drops everything.
func (m *Memo[K, V]) DropPayload(payload string) {
	var id int64
	for _, r := range payload {
		if r < '0' || r > '9' {
			m.DropOwner(0)
			return
		}
		id = id*10 + int64(r-'0')
	}
	m.DropOwner(id)
}
