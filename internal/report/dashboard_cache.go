package report

import (
	"context"
	"sync"
	"time"
)

// DashboardMaxAge is how old the manager dashboard's figures may be: a
// completion shows within two seconds.
const DashboardMaxAge = 2 * time.Second

// dashboardCache keeps each organisation's dashboard figures for at most
// maxAge, counted from the moment the query that produced them started (so
// they are never older than that), and computes them once for all the
// requests that arrive while they are being computed: a burst of managers
// opening /rapport costs one query per organisation per maxAge, however
// many people it has and however many managers ask.
type dashboardCache struct {
	maxAge time.Duration
	load   func(ctx context.Context, orgID int64) (*Dashboard, error)
	now    func() time.Time

	mu      sync.Mutex
	entries map[int64]*dashboardEntry
}

type dashboardEntry struct {
	ready chan struct{} // closed when d and err are set
	since time.Time     // when the query began
	d     *Dashboard
	err   error
}

func newDashboardCache(maxAge time.Duration, load func(context.Context, int64) (*Dashboard, error)) *dashboardCache {
	return &dashboardCache{maxAge: maxAge, load: load, now: time.Now, entries: map[int64]*dashboardEntry{}}
}

// sweepAbove is the number of organisations above which expired entries
// are dropped on the next computation: the map holds at most the
// organisations looked at within maxAge, plus this many.
const sweepAbove = 256

// Get returns the organisation's figures, computed at most maxAge ago.
// The caller must not change the Dashboard: it is shared.
func (c *dashboardCache) Get(ctx context.Context, orgID int64) (*Dashboard, error) {
	for {
		c.mu.Lock()
		e := c.entries[orgID]
		now := c.now()
		if e == nil || now.Sub(e.since) >= c.maxAge {
			// Compute afresh; whoever comes meanwhile waits for this one.
			if len(c.entries) > sweepAbove {
				for id, old := range c.entries {
					if now.Sub(old.since) >= c.maxAge && isClosed(old.ready) {
						delete(c.entries, id)
					}
				}
			}
			e = &dashboardEntry{ready: make(chan struct{}), since: now}
			c.entries[orgID] = e
			c.mu.Unlock()
			// Not the request's context: a manager who goes away must not
			// fail the others waiting for the same figures.
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			e.d, e.err = c.load(lctx, orgID)
			cancel()
			if e.err != nil {
				c.mu.Lock()
				if c.entries[orgID] == e {
					delete(c.entries, orgID) // an error is not kept
				}
				c.mu.Unlock()
			}
			close(e.ready)
			return e.d, e.err
		}
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e.d, nil
		}
		// The computation we waited for failed: try once more ourselves
		// (the failed entry is gone).
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// CacheDashboards makes the dashboard serve each organisation's figures
// from memory for up to maxAge (at most DashboardMaxAge); 0 reads them
// from the database on every request.
func (rp *Report) CacheDashboards(maxAge time.Duration) {
	if maxAge <= 0 {
		rp.dashboards = nil
		return
	}
	rp.dashboards = newDashboardCache(min(maxAge, DashboardMaxAge), rp.store.Dashboard)
}

// dashboardFigures are the organisation's figures, through the cache when
// there is one.
func (rp *Report) dashboardFigures(ctx context.Context, orgID int64) (*Dashboard, error) {
	if rp.dashboards == nil {
		return rp.store.Dashboard(ctx, orgID)
	}
	return rp.dashboards.Get(ctx, orgID)
}
