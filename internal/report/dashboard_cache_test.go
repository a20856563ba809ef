package report

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A burst of managers opening the dashboard at once costs one query; all
// get the database's figures.
func TestDashboardCacheComputesOncePerBurst(t *testing.T) {
	f := newFixture(t)
	store := NewStore(f.db)
	var loads atomic.Int64
	cache := newDashboardCache(time.Minute, func(ctx context.Context, orgID int64) (*Dashboard, error) {
		loads.Add(1)
		time.Sleep(50 * time.Millisecond) // a slow query: the others arrive meanwhile
		return store.Dashboard(ctx, orgID)
	})
	want, err := store.Dashboard(context.Background(), f.orgA)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]*Dashboard, 40)
	errs := make([]error, len(got))
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = cache.Get(context.Background(), f.orgA)
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatalf("Get %d: %v", i, errs[i])
		}
		if got[i].People != want.People || got[i].Modules[0].Completed != want.Modules[0].Completed || len(got[i].Teams) != len(want.Teams) {
			t.Errorf("Get %d: %d people, %d completed M1, want %d, %d", i, got[i].People, got[i].Modules[0].Completed, want.People, want.Modules[0].Completed)
		}
	}
	if n := loads.Load(); n != 1 {
		t.Errorf("40 simultaneous dashboards ran %d queries, want 1", n)
	}
	// Another organisation has figures of its own.
	b, err := cache.Get(context.Background(), f.orgB)
	if err != nil || b.People != 1 || loads.Load() != 2 {
		t.Errorf("org B through the cache: %+v, %v, %d loads; want its own 1 person and a second query", b, err, loads.Load())
	}
}

// Figures are never older than maxAge: a completion committed at T shows
// in every dashboard asked for from T+maxAge on, while queries stay at
// about one per maxAge under a steady stream of requests.
func TestDashboardCacheFiguresAtMostMaxAgeOld(t *testing.T) {
	f := newFixture(t)
	store := NewStore(f.db)
	const maxAge = 300 * time.Millisecond
	var loads atomic.Int64
	cache := newDashboardCache(maxAge, func(ctx context.Context, orgID int64) (*Dashboard, error) {
		loads.Add(1)
		return store.Dashboard(ctx, orgID)
	})
	ctx := context.Background()
	before, err := cache.Get(ctx, f.orgA)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, f.db, `UPDATE module_progress SET completed_at = now(), passed_at = now(), lessons_done = 2 WHERE user_id = $1 AND module_id = $2`, f.bert, f.m1)
	committed := time.Now()
	start := time.Now()
	stale := 0
	for time.Since(committed) < 4*maxAge {
		asked := time.Now()
		d, err := cache.Get(ctx, f.orgA)
		if err != nil {
			t.Fatal(err)
		}
		switch d.Modules[0].Completed {
		case before.Modules[0].Completed + 1:
		case before.Modules[0].Completed:
			stale++
			if asked.Sub(committed) >= maxAge {
				t.Fatalf("asked %v after the completion was committed, the dashboard still shows %d completed (maxAge %v)", asked.Sub(committed), d.Modules[0].Completed, maxAge)
			}
		default:
			t.Fatalf("completed M1 = %d, want %d or %d", d.Modules[0].Completed, before.Modules[0].Completed, before.Modules[0].Completed+1)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n, most := loads.Load(), int64(time.Since(start)/maxAge)+2; n > most {
		t.Errorf("%d queries in %v with maxAge %v, want at most %d", n, time.Since(start).Round(time.Millisecond), maxAge, most)
	}
	t.Logf("%d queries in %v; %d answers showed the figures from before the completion, all within %v of it", loads.Load(), time.Since(start).Round(time.Millisecond), stale, maxAge)
}

// A failed query is not kept: the next request asks again. A manager who
// goes away while waiting does not fail the computation for the others.
func TestDashboardCacheErrorsAndDepartures(t *testing.T) {
	f := newFixture(t)
	store := NewStore(f.db)
	var fail atomic.Bool
	fail.Store(true)
	release := make(chan struct{})
	cache := newDashboardCache(time.Minute, func(ctx context.Context, orgID int64) (*Dashboard, error) {
		if fail.Load() {
			return nil, errors.New("database unreachable")
		}
		<-release
		return store.Dashboard(ctx, orgID)
	})
	if _, err := cache.Get(context.Background(), f.orgA); err == nil {
		t.Fatal("Get with a failing query succeeded")
	}
	fail.Store(false)

	gone, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := cache.Get(gone, f.orgA); first <- err }()
	time.Sleep(50 * time.Millisecond)
	waiter := make(chan *Dashboard, 1)
	go func() {
		d, err := cache.Get(context.Background(), f.orgA)
		if err != nil {
			t.Errorf("waiting Get: %v", err)
		}
		waiter <- d
	}()
	time.Sleep(50 * time.Millisecond)
	cancel() // the manager whose request computes goes away
	close(release)
	if err := <-first; err != nil {
		t.Errorf("the computing Get returned %v; its query ran to the end and should be used", err)
	}
	if d := <-waiter; d == nil || d.People == 0 {
		t.Errorf("the waiting manager got %+v, want the figures after a failed query was retried", d)
	}
}
