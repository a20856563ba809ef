package certificate

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Verification lookups are throttled per client IP, so that nobody can
// walk the code space or scrape names. A person who types a few codes never
// notices; a script is slowed to one lookup every few seconds. The state
// is in memory, per instance: with n instances behind a load balancer a
// client gets at most n times the rate, which is still far too slow to
// guess a 135-bit code.
const (
	verifyBurst    = 20
	verifyInterval = 3 * time.Second
	// Idle clients are forgotten after this long; by then their bucket is
	// full again anyway.
	verifyForget = verifyBurst * verifyInterval
)

// ipThrottle holds one token bucket per client IP.
type ipThrottle struct {
	mu        sync.Mutex
	limit     rate.Limit
	burst     int
	clients   map[string]*client
	lastSweep time.Time
	now       func() time.Time
}

type client struct {
	limiter *rate.Limiter
	seen    time.Time
}

func newIPThrottle(every time.Duration, burst int) *ipThrottle {
	return &ipThrottle{limit: rate.Every(every), burst: burst, clients: map[string]*client{}, now: time.Now}
}

// Allow reports whether ip may make one more lookup now.
func (t *ipThrottle) Allow(ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if now.Sub(t.lastSweep) > verifyForget {
		for k, c := range t.clients {
			if now.Sub(c.seen) > verifyForget {
				delete(t.clients, k)
			}
		}
		t.lastSweep = now
	}
	c, ok := t.clients[ip]
	if !ok {
		c = &client{limiter: rate.NewLimiter(t.limit, t.burst)}
		t.clients[ip] = c
	}
	c.seen = now
	return c.limiter.AllowN(now, 1)
}
