package auth

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy means that as many passwords as the server allows are being
// hashed; the request is answered 503 "try again in a moment" instead of
// queueing without bound.
var ErrBusy = errors.New("auth: too many passwords being hashed at once")

// hashGate bounds the argon2id runs in flight. Each one holds 19 MiB for
// some tens of milliseconds: without a bound, a few hundred parallel logins
// take the server past a gigabyte and starve every other request.
type hashGate struct {
	slots   chan struct{}
	pending atomic.Int64  // password checks admitted and not yet done
	queue   int64         // most checks admitted at once: a few per slot
	wait    time.Duration // how long a request may wait for a slot
	checked atomic.Int64  // passwords hashed or verified, for tests and measurements
	running atomic.Int64  // argon2id runs in flight
	peak    atomic.Int64  // most runs ever in flight at once
}

// newHashGate allows n argon2id runs at once (0: two per CPU).
func newHashGate(n int) *hashGate {
	if n <= 0 {
		n = 2 * runtime.NumCPU()
	}
	return &hashGate{slots: make(chan struct{}, n), queue: int64(4 * n), wait: 100 * time.Millisecond}
}

// admit lets a password check begin its database work unless so many are
// already under way that it could not get a slot soon: then it is refused
// before costing anything (ErrBusy). The caller runs done when finished.
func (g *hashGate) admit() error {
	if g.pending.Add(1) > g.queue {
		g.pending.Add(-1)
		return ErrBusy
	}
	return nil
}

func (g *hashGate) done() { g.pending.Add(-1) }

// enter takes a slot, waiting briefly for one; it returns ErrBusy when none
// comes free. The caller runs leave when done.
func (g *hashGate) enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *hashGate) leave() { <-g.slots }

// run counts one argon2id run inside a slot the caller holds.
func (g *hashGate) run(f func()) {
	g.checked.Add(1)
	n := g.running.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	defer g.running.Add(-1)
	f()
}

// verify checks password against hash inside a slot the caller holds.
func (g *hashGate) verify(password, hash string) (ok bool) {
	g.run(func() { ok = VerifyPassword(password, hash) })
	return ok
}

// hash hashes a new password, taking a slot for it.
func (g *hashGate) hash(ctx context.Context, password string) (string, error) {
	if err := g.enter(ctx); err != nil {
		return "", err
	}
	defer g.leave()
	var h string
	var err error
	g.run(func() { h, err = HashPassword(password) })
	return h, err
}

// PasswordsChecked is how many passwords this instance has hashed or
// verified since it started.
func (a *Auth) PasswordsChecked() int64 { return a.hashes.checked.Load() }

// HashingPeak is the most argon2id runs this instance had in flight at once,
// and the bound it keeps them under.
func (a *Auth) HashingPeak() (peak int64, bound int) {
	return a.hashes.peak.Load(), cap(a.hashes.slots)
}
