package report

import (
	"context"
	"strconv"
	"sync"
	"time"

	"nabij.be/leerplatform/internal/database"

	"nabij.be/leerplatform/internal/web"
)

// DashboardMaxAge is how old the manager dashboard's figures may be: a
// completion shows within two seconds.
const DashboardMaxAge = 2 * time.Second

// dashboardCache keeps each organisation's dashboard figures and computes
// them once for all the requests that arrive while they are being
// computed. Figures are kept for maxAge, counted from the moment the query
// that produced them started. Once the database announces changes (see
// Subscribe) they are kept for up to maxLife while nothing in the
// organisation changes, and a change has them computed again ahead, in the
// background, at most once per half maxAge, while the figures from before
// it are still served for up to three quarters of maxAge after it was
// announced. So figures are never more than maxAge behind a change, a
// burst of managers opening /rapport costs one query per organisation per
// maxAge however many people it has and however many managers ask, a quiet
// organisation's dashboard costs no query at all, and a manager does not
// wait for the figures to be computed after a change.
type dashboardCache struct {
	maxAge  time.Duration
	maxLife time.Duration // at least maxAge; longer only when changes are announced
	load    func(ctx context.Context, orgID int64) (*Dashboard, error)
	now     func() time.Time

	mu      sync.Mutex
	entries map[int64]*dashboardEntry
	// ahead: changes are announced and computed ahead (Subscribe).
	ahead bool
	// refreshing holds the organisations whose figures are being computed
	// ahead: nil while waiting to start, then the entry being computed.
	refreshing map[int64]*dashboardEntry
}

type dashboardEntry struct {
	ready chan struct{} // closed when d and err are set
	since time.Time     // when the query began
	d     *Dashboard
	err   error
	// changed: a change in the organisation was announced, at changedAt,
	// after the entry was made. Guarded by the cache's mu.
	changed   bool
	changedAt time.Time

	mu    sync.Mutex                // guards pages; held while one renders
	pages map[pageKey]*web.Prepared // the page of these figures, per language and role
}

// pageKey tells apart the dashboard pages of one organisation's figures:
// the same for every manager with the language and role.
type pageKey struct{ lang, role string }

func newDashboardCache(maxAge time.Duration, load func(context.Context, int64) (*Dashboard, error)) *dashboardCache {
	return &dashboardCache{maxAge: maxAge, maxLife: maxAge, load: load, now: time.Now,
		entries: map[int64]*dashboardEntry{}, refreshing: map[int64]*dashboardEntry{}}
}

// fresh reports whether e may still be served at now. The caller holds
// c.mu.
func (c *dashboardCache) fresh(e *dashboardEntry, now time.Time) bool {
	age := now.Sub(e.since)
	if !c.ahead {
		return age < c.maxAge
	}
	if e.changed {
		// The figures miss what changed since changedAt: served only
		// while the new ones are on their way, well within maxAge.
		return now.Sub(e.changedAt) < c.maxAge*3/4
	}
	return age < c.maxLife
}

// Changed is told that something the organisation's figures count may
// have changed (0: in any organisation): its figures are computed again.
func (c *dashboardCache) Changed(orgID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	mark := func(id int64) {
		if r := c.refreshing[id]; r != nil && !r.changed {
			r.changed, r.changedAt = true, now // began before this change
		}
		e := c.entries[id]
		if e == nil {
			return
		}
		if !e.changed {
			e.changed, e.changedAt = true, now
		}
		c.scheduleLocked(id, e, now)
	}
	if orgID == 0 {
		for id := range c.entries {
			mark(id)
		}
		for id := range c.refreshing {
			mark(id)
		}
		return
	}
	mark(orgID)
}

// scheduleLocked has the organisation's figures computed ahead, half maxAge
// after e's began at the earliest, unless that is already under way or e
// itself is still being computed (entry schedules it when done). The
// caller holds c.mu.
func (c *dashboardCache) scheduleLocked(orgID int64, e *dashboardEntry, now time.Time) {
	if !c.ahead || !isClosed(e.ready) {
		return
	}
	if _, ok := c.refreshing[orgID]; ok {
		return
	}
	c.refreshing[orgID] = nil
	delay := max(0, c.maxAge/2-now.Sub(e.since))
	time.AfterFunc(delay, func() { c.refresh(orgID) })
}

// refresh computes the organisation's figures ahead and puts them in
// place of the ones served meanwhile.
func (c *dashboardCache) refresh(orgID int64) {
	c.mu.Lock()
	ne := &dashboardEntry{ready: make(chan struct{}), since: c.now()}
	c.refreshing[orgID] = ne
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ne.d, ne.err = c.load(ctx, orgID)
	cancel()
	close(ne.ready)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.refreshing, orgID)
	if ne.err != nil {
		return // the figures served go stale; the next request computes them
	}
	if cur := c.entries[orgID]; cur == nil || !cur.since.After(ne.since) {
		c.entries[orgID] = ne
		if ne.changed {
			c.scheduleLocked(orgID, ne, c.now())
		}
	}
}

// sweepAbove is the number of organisations above which expired entries
// are dropped on the next computation: the map holds at most the
// organisations looked at within maxLife, plus this many.
const sweepAbove = 256

// Get returns the organisation's figures, never more than maxAge behind.
// The caller must not change the Dashboard: it is shared.
func (c *dashboardCache) Get(ctx context.Context, orgID int64) (*Dashboard, error) {
	e, err := c.entry(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return e.d, nil
}

// Page returns the page of the organisation's figures for key, rendered by
// render once per computation of the figures and kept with them: a burst
// of managers opening the dashboard costs one query and one rendering per
// organisation, language and role every maxAge.
func (c *dashboardCache) Page(ctx context.Context, orgID int64, key pageKey, render func(*Dashboard) ([]byte, error)) (*web.Prepared, error) {
	e, err := c.entry(ctx, orgID)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.pages[key]; p != nil {
		return p, nil
	}
	html, err := render(e.d)
	if err != nil {
		return nil, err
	}
	if e.pages == nil {
		e.pages = map[pageKey]*web.Prepared{}
	}
	p := web.Prepare(html)
	e.pages[key] = p
	return p, nil
}

// entry returns the organisation's entry whose figures are ready,
// computed at most maxAge ago.
func (c *dashboardCache) entry(ctx context.Context, orgID int64) (*dashboardEntry, error) {
	for {
		c.mu.Lock()
		e := c.entries[orgID]
		now := c.now()
		if r := c.refreshing[orgID]; r != nil && (e == nil || !c.fresh(e, now)) {
			e = r // computed ahead already: wait for it rather than start another
		} else if e == nil || !c.fresh(e, now) {
			// Compute afresh; whoever comes meanwhile waits for this one.
			if len(c.entries) > sweepAbove {
				for id, old := range c.entries {
					if !c.fresh(old, now) && isClosed(old.ready) {
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
			close(e.ready)
			c.mu.Lock()
			switch {
			case e.err != nil:
				if c.entries[orgID] == e {
					delete(c.entries, orgID) // an error is not kept
				}
			case e.changed && c.entries[orgID] == e:
				c.scheduleLocked(orgID, e, c.now()) // changed while computed
			}
			c.mu.Unlock()
			if e.err != nil {
				return nil, e.err
			}
			return e, nil
		}
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e, nil
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

// Subscribe keeps each organisation's figures for up to maxLife while the
// database announces no change in it, and for DashboardMaxAge after one.
// Without it figures are kept for DashboardMaxAge at most.
func (rp *Report) Subscribe(lis *database.Listener, maxLife time.Duration) {
	c := rp.dashboards
	if c == nil {
		return
	}
	c.mu.Lock()
	c.maxLife = max(c.maxAge, maxLife)
	c.ahead = true
	c.mu.Unlock()
	lis.Subscribe(database.OrgChannel, func(payload string) {
		id, err := strconv.ParseInt(payload, 10, 64)
		if err != nil || id <= 0 {
			id = 0 // empty or unreadable: anything may have changed
		}
		c.Changed(id)
	})
	lis.Subscribe(database.ContentChannel, func(string) { c.Changed(0) })
}

// dashboardFigures are the organisation's figures, through the cache when
// there is one.
func (rp *Report) dashboardFigures(ctx context.Context, orgID int64) (*Dashboard, error) {
	if rp.dashboards == nil {
		return rp.store.Dashboard(ctx, orgID)
	}
	return rp.dashboards.Get(ctx, orgID)
}
