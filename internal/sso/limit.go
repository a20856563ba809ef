package sso

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// startLimit bounds how often one address may start a login (each start
// stores a login in progress for 15 minutes). It is generous, because a
// municipality's staff often share one public address at nine o'clock.
const (
	startsPerMinute = 300
	startLimiters   = 50_000 // addresses remembered at most
)

// limiter keeps a token bucket per client address, in memory (per
// instance: the bound is about storage, not security).
type limiter struct {
	mu   sync.Mutex
	byIP map[string]*ipLimit
}

type ipLimit struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter() *limiter { return &limiter{byIP: map[string]*ipLimit{}} }

// allow reports whether ip may start another login now.
func (l *limiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byIP[ip]
	if !ok {
		if len(l.byIP) >= startLimiters {
			l.forgetIdle(now)
		}
		e = &ipLimit{l: rate.NewLimiter(rate.Every(time.Minute/startsPerMinute), startsPerMinute)}
		l.byIP[ip] = e
	}
	e.seen = now
	return e.l.AllowN(now, 1)
}

// forgetIdle drops the addresses not seen for the time a full bucket takes
// to refill: they would start full again anyway.
func (l *limiter) forgetIdle(now time.Time) {
	for ip, e := range l.byIP {
		if now.Sub(e.seen) > time.Minute {
			delete(l.byIP, ip)
		}
	}
}
