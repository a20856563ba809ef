package certificate

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

func TestIssueFreezesWhatWasTrue(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	iss := NewIssuer(NewStore(db))
	org := insertOrg(t, db, "OCMW Sint-Niklaas")
	user := insertUser(t, db, org, "learner", "zoe@example.be", "Zoë Ĳzerman")
	mod := insertModule(t, db, "online-informeren", "Online informeren", 150)
	at := time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC)

	completeModule(t, db, iss, user, mod, at)

	// Later changes do not reach the certificate.
	db.MustExec(`UPDATE users SET full_name = 'Iemand Anders' WHERE id = $1`, user)
	db.MustExec(`UPDATE organisations SET name = 'OCMW Elders' WHERE id = $1`, org)
	db.MustExec(`UPDATE modules SET title = 'Nieuwe titel', minutes = 10 WHERE id = $1`, mod)

	rs, err := NewStore(db).ForUser(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("certificates = %d, want 1", len(rs))
	}
	r := rs[0]
	if r.Name != "Zoë Ĳzerman" || r.Organisation != "OCMW Sint-Niklaas" || r.Title != "Online informeren" || r.Minutes != 150 {
		t.Errorf("frozen = %q, %q, %q, %d; want the values at issue", r.Name, r.Organisation, r.Title, r.Minutes)
	}
	if !r.CompletedAt.Equal(at) {
		t.Errorf("completed_at = %v, want %v", r.CompletedAt, at)
	}
	if r.OrganisationID.Int64 != org || r.Programme || r.ModuleID.Int64 != mod {
		t.Errorf("organisation %v, programme %v, module %v; want %d, false, %d", r.OrganisationID, r.Programme, r.ModuleID, org, mod)
	}
	if raw, ok := NormalizeCode(r.Code); !ok || raw != r.Code {
		t.Errorf("stored code %q is not canonical (normalised %q, %v)", r.Code, raw, ok)
	}
}

func TestIssueOnceSequentially(t *testing.T) {
	db := dbtest.New(t)
	iss := NewIssuer(NewStore(db))
	org := insertOrg(t, db, "OCMW Gent")
	user := insertUser(t, db, org, "learner", "a@example.be", "An Peeters")
	mod := insertModule(t, db, "m1", "Module 1", 60)
	at := time.Now()
	for range 3 {
		completeModule(t, db, iss, user, mod, at)
		completeProgramme(t, db, iss, user, at)
	}
	if n := countCertificates(t, db, `user_id = $1 AND NOT programme`, user); n != 1 {
		t.Errorf("module certificates = %d, want 1", n)
	}
	if n := countCertificates(t, db, `user_id = $1 AND programme`, user); n != 1 {
		t.Errorf("programme certificates = %d, want 1", n)
	}
}

// TestIssueOnceUnderConcurrentCompletion runs many transactions that each
// report the same completion at the same moment; exactly one certificate
// must come out.
func TestIssueOnceUnderConcurrentCompletion(t *testing.T) {
	db := dbtest.New(t)
	iss := NewIssuer(NewStore(db))
	org := insertOrg(t, db, "OCMW Leuven")
	user := insertUser(t, db, org, "learner", "b@example.be", "Bram Claes")
	mod := insertModule(t, db, "m1", "Module 1", 60)
	at := time.Now()

	const workers = 10
	var (
		start sync.WaitGroup
		done  sync.WaitGroup
		ready = make(chan struct{})
		errs  = make(chan error, 2*workers)
	)
	start.Add(2 * workers)
	for i := range 2 * workers {
		done.Add(1)
		go func() {
			defer done.Done()
			err := database.WithTx(context.Background(), db, func(tx *sqlx.Tx) error {
				// Every transaction has begun before any inserts.
				if _, err := tx.Exec(`SELECT 1`); err != nil {
					return err
				}
				start.Done()
				<-ready
				if i%2 == 0 {
					return iss.ModuleCompleted(context.Background(), tx, user, mod, at)
				}
				return iss.ProgrammeCompleted(context.Background(), tx, user, at)
			})
			if err != nil {
				errs <- err
			}
		}()
	}
	start.Wait()
	close(ready)
	done.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent completion failed: %v", err)
	}
	if n := countCertificates(t, db, `user_id = $1 AND module_id = $2 AND NOT programme`, user, mod); n != 1 {
		t.Errorf("module certificates after %d concurrent completions = %d, want 1", workers, n)
	}
	if n := countCertificates(t, db, `user_id = $1 AND programme`, user); n != 1 {
		t.Errorf("programme certificates after %d concurrent completions = %d, want 1", workers, n)
	}
}

func TestIssueRolledBackWithTheCaller(t *testing.T) {
	db := dbtest.New(t)
	iss := NewIssuer(NewStore(db))
	org := insertOrg(t, db, "OCMW Brugge")
	user := insertUser(t, db, org, "learner", "c@example.be", "Charlotte Maes")
	mod := insertModule(t, db, "m1", "Module 1", 60)
	boom := errors.New("quiz submission failed later")
	err := database.WithTx(context.Background(), db, func(tx *sqlx.Tx) error {
		if err := iss.ModuleCompleted(context.Background(), tx, user, mod, time.Now()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx = %v, want %v", err, boom)
	}
	if n := countCertificates(t, db, `user_id = $1`, user); n != 0 {
		t.Errorf("certificates after rollback = %d, want 0", n)
	}
}

func TestProgrammeCertificate(t *testing.T) {
	db := dbtest.New(t)
	iss := NewIssuer(NewStore(db))
	user := insertUser(t, db, 0, "trainer", "d@example.be", "Dirk Wouters")
	insertModule(t, db, "m1", "Module 1", 60)
	insertModule(t, db, "m2", "Module 2", 90)
	completeProgramme(t, db, iss, user, time.Now())
	rs, err := NewStore(db).ForUser(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("certificates = %d, want 1", len(rs))
	}
	r := rs[0]
	if !r.Programme || r.ModuleID.Valid || r.Title != ProgrammeTitle || r.Minutes != 150 || r.Organisation != "" || r.OrganisationID.Valid {
		t.Errorf("programme certificate = %+v; want programme, no module, title %q, 150 minutes, no organisation", r, ProgrammeTitle)
	}
}

func TestStoreRevokeAndSearch(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	s := NewStore(db)
	iss := NewIssuer(s)
	org := insertOrg(t, db, "OCMW Hasselt")
	admin := insertUser(t, db, 0, "admin", "admin@example.be", "Beheerder")
	user := insertUser(t, db, org, "learner", "e@example.be", "Élise Dubois")
	mod := insertModule(t, db, "m1", "Module 1", 60)
	completeModule(t, db, iss, user, mod, time.Now())
	rs, _ := s.ForUser(ctx, user)
	code := rs[0].Code

	for _, q := range []string{"elise", "DUBOIS", FormatCode(code), code[:6], ""} {
		found, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(found) != 1 || found[0].Code != code {
			t.Errorf("Search(%q) found %d certificates, want the one", q, len(found))
		}
	}
	if found, _ := s.Search(ctx, "100%_"); len(found) != 0 {
		t.Errorf("Search with wildcards found %d, want 0", len(found))
	}

	r, err := s.Revoke(ctx, code, admin, "Fraude bij de quiz")
	if err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if !r.Revoked() || r.RevokedReason.String != "Fraude bij de quiz" {
		t.Errorf("revoked = %v, reason %q", r.Revoked(), r.RevokedReason.String)
	}
	if _, err := s.Revoke(ctx, code, admin, "nog eens"); !errors.Is(err, ErrAlreadyRevoked) {
		t.Errorf("second Revoke = %v, want ErrAlreadyRevoked", err)
	}
	if _, err := s.Revoke(ctx, "0000000000000000000000000000", admin, "x"); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("Revoke unknown = %v, want ErrNotFound", err)
	}
	if got, _ := s.ByCode(ctx, code); got.RevokedReason.String != "Fraude bij de quiz" {
		t.Errorf("reason after second revoke = %q, want the first", got.RevokedReason.String)
	}
}
