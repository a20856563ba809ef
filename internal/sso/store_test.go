package sso_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/sso"
)

// Two first logins of the same person at once (two tabs, a double click
// at the provider) make one account and one link.
func TestConcurrentFirstLoginsMakeOneAccount(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	var orgID int64
	if err := db.GetContext(ctx, &orgID, `INSERT INTO organisations (name) VALUES ('Gemeente Aadorp') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	store := sso.NewStore(db)
	id := sso.Identity{Issuer: "https://op.example", Subject: "sub-1", Email: "an@aadorp.be", Name: "An"}
	const n = 8
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out, err := store.SignIn(ctx, orgID, id)
			ids[i], errs[i] = out.UserID, err
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Errorf("login %d: user %d, error %v; want user %d", i, ids[i], errs[i], ids[0])
		}
	}
	if c := dbtest.Count(t, db, `SELECT count(*) FROM users WHERE email = 'an@aadorp.be'`); c != 1 {
		t.Errorf("accounts = %d, want 1", c)
	}
	if c := dbtest.Count(t, db, `SELECT count(*) FROM sso_identities`); c != 1 {
		t.Errorf("links = %d, want 1", c)
	}

	// A deactivated account is refused, and a deleted one is not found
	// through its old link: the next login makes a new account.
	if _, err := db.ExecContext(ctx, `UPDATE users SET active = false WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SignIn(ctx, orgID, id); !errors.Is(err, sso.ErrInactive) {
		t.Errorf("deactivated account: error %v, want ErrInactive", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE users SET deleted_at = now(), email = 'deleted-1@invalid', active = false WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	out, err := store.SignIn(ctx, orgID, id)
	if err != nil || out.UserID == ids[0] || !out.Created {
		t.Errorf("after deletion: %+v, %v; want a new account", out, err)
	}
}
