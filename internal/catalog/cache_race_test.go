package catalog

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/database/dbtest"
)

// TestCacheInvalidationNotLost reproduces the lost invalidation: a reload
// that read the database before a commit must not store its result after
// the invalidation that the commit caused. Readers reload the snapshot
// continuously while a writer commits a new title and invalidates, as the
// change notification does; once everything is quiet the cache must show
// the last committed title. It failed in most runs before the cache took
// a generation number before reading.
func TestCacheInvalidationNotLost(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	db.MustExec(`INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html, pass_mark)
		VALUES ('race', 1, 'v0', '', 10, '', '', '', '', 80)`)
	c := NewCache(NewStore(db), time.Hour)
	stale := 0
	const rounds = 100
	for round := 1; round <= rounds; round++ {
		var stop atomic.Bool
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					if _, err := c.HomeView(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		for i := range 2 { // two quick commits, each announced
			db.MustExec(`UPDATE modules SET title = $1 WHERE slug = 'race'`, fmt.Sprintf("v%d.%d", round, i))
			c.Invalidate()
		}
		stop.Store(true)
		wg.Wait()
		h, err := c.HomeView(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := h.Modules[0].Title, fmt.Sprintf("v%d.1", round); got != want {
			stale++
		}
	}
	if stale > 0 {
		t.Errorf("stale catalogue after the last invalidation in %d of %d rounds", stale, rounds)
	}
}
