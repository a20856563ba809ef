package database_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// TestSecretSameForEveryInstance: instances starting at the same moment on
// a fresh installation all end up with one and the same secret.
func TestSecretSameForEveryInstance(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	for round := range 5 {
		name := "test-" + string(rune('a'+round))
		const n = 8
		got := make([][]byte, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got[i], errs[i] = database.Secret(ctx, db, name)
			}()
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("round %d, caller %d: %v", round, i, errs[i])
			}
			if len(got[i]) != 32 || !bytes.Equal(got[i], got[0]) {
				t.Errorf("round %d, caller %d: secret %x, caller 0 got %x; want one 32-byte secret", round, i, got[i], got[0])
			}
		}
		again, err := database.Secret(ctx, db, name)
		if err != nil || !bytes.Equal(again, got[0]) {
			t.Errorf("round %d: a later call got %x (%v), want the stored secret", round, again, err)
		}
	}
	var rows int
	if err := db.Get(&rows, `SELECT count(*) FROM installation_secrets WHERE name LIKE 'test-%'`); err != nil || rows != 5 {
		t.Errorf("stored secrets = %d (%v), want 5", rows, err)
	}
}
