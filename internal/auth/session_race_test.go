package auth_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// TestLogoutNotLostToInFlightLookups reproduces the lost invalidation of
// the session memo: requests of the same session in flight while it is
// ended (on the same instance) must not store the session again after the
// logout dropped it. Before the memo refused stores older than a drop, the
// logged-out session kept working in about one round in six.
func TestLogoutNotLostToInFlightLookups(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	var org, user int64
	if err := db.Get(&org, `INSERT INTO organisations (name) VALUES ('OCMW Race') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&user, `INSERT INTO users (organisation_id, email, full_name, role) VALUES ($1, 'race@example.be', 'Ra Ce', 'learner') RETURNING id`, org); err != nil {
		t.Fatal(err)
	}
	s := auth.NewSessions(db, 2*time.Hour, 12*time.Hour, 30*time.Second)
	const rounds = 150
	alive := 0
	for range rounds {
		token, err := s.Create(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := db.Get(&id, `SELECT id FROM sessions WHERE user_id = $1`, user); err != nil {
			t.Fatal(err)
		}
		// The first requests of the session (nothing cached yet) race
		// with its logout.
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := s.Lookup(ctx, token); err != nil && !errors.Is(err, database.ErrNotFound) {
					t.Error(err)
				}
			}()
		}
		close(start)
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond)
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if _, err := s.Lookup(ctx, token); err == nil {
			alive++
		} else if !errors.Is(err, database.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if alive > 0 {
		t.Errorf("a logged-out session still worked in %d of %d rounds", alive, rounds)
	}
}
