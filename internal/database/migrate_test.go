package database_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/migrations"
)

func TestLoadEmbeddedMigrations(t *testing.T) {
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 4 {
		t.Fatalf("%d migrations, want at least 4", len(ms))
	}
	for i, want := range []string{"001_content", "002_accounts", "003_learning", "004_certificates"} {
		if ms[i].Name != want || ms[i].Version != i+1 {
			t.Errorf("migration %d is %d %s, want %s", i, ms[i].Version, ms[i].Name, want)
		}
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Version <= ms[i-1].Version {
			t.Errorf("migrations out of order: %s after %s", ms[i].Name, ms[i-1].Name)
		}
	}
}

func TestLoadMigrationsChecksNames(t *testing.T) {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ms, err := database.LoadMigrations(fstest.MapFS{"10_b.sql": f("SELECT 10"), "2_a.sql": f("SELECT 2"), "notes.txt": f("x")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 2 || ms[1].Version != 10 || ms[1].Name != "10_b" || ms[1].SQL != "SELECT 10" {
		t.Errorf("LoadMigrations = %+v, want 2_a then 10_b (numeric order)", ms)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no number":        {"abc.sql": f("")},
		"no underscore":    {"001.sql": f("")},
		"zero":             {"000_x.sql": f("")},
		"duplicate number": {"001_a.sql": f(""), "01_b.sql": f("")},
	} {
		if _, err := database.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: LoadMigrations accepted it, want an error", name)
		}
	}
}

func TestMigrateAppliesRecordsAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}

	pending, err := database.Pending(ctx, db, ms)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != len(ms) {
		t.Errorf("Pending on an empty database: %d, want all %d", len(pending), len(ms))
	}

	done, err := database.Migrate(ctx, db, ms)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != len(ms) {
		t.Errorf("first Migrate applied %v, want all %d", done, len(ms))
	}
	var recorded []string
	if err := db.Select(&recorded, `SELECT version || ':' || name FROM schema_migrations ORDER BY version`); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		want = append(want, fmt.Sprintf("%d:%s", m.Version, m.Name))
	}
	if strings.Join(recorded, " ") != strings.Join(want, " ") {
		t.Errorf("schema_migrations holds %v, want %v", recorded, want)
	}
	for _, table := range []string{"modules", "lessons", "users", "sessions", "quiz_attempts", "certificates"} {
		var ok bool
		if err := db.Get(&ok, `SELECT to_regclass($1) IS NOT NULL`, table); err != nil || !ok {
			t.Errorf("table %s missing after Migrate (%v)", table, err)
		}
	}

	again, err := database.Migrate(ctx, db, ms)
	if err != nil || len(again) != 0 {
		t.Errorf("second Migrate applied %v (err %v), want nothing", again, err)
	}
	if pending, err := database.Pending(ctx, db, ms); err != nil || len(pending) != 0 {
		t.Errorf("Pending after Migrate: %v (err %v), want none", pending, err)
	}

	// A new migration is pending until applied.
	extra := append(append([]database.Migration(nil), ms...), database.Migration{Version: 999, Name: "999_extra", SQL: `CREATE TABLE extra_test (id int)`})
	if pending, _ := database.Pending(ctx, db, extra); len(pending) != 1 || pending[0].Version != 999 {
		t.Errorf("Pending with one new migration: %v, want 999_extra", pending)
	}
	if done, err := database.Migrate(ctx, db, extra); err != nil || len(done) != 1 || done[0] != "999_extra" {
		t.Errorf("Migrate with one new migration applied %v (err %v), want [999_extra]", done, err)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	ms := []database.Migration{
		{Version: 1, Name: "001_good", SQL: `CREATE TABLE good (id int)`},
		{Version: 2, Name: "002_bad", SQL: `CREATE TABLE half (id int); SELECT * FROM no_such_table`},
		{Version: 3, Name: "003_later", SQL: `CREATE TABLE later (id int)`},
	}
	done, err := database.Migrate(ctx, db, ms)
	if err == nil {
		t.Fatal("Migrate with a broken migration succeeded")
	}
	if !strings.Contains(err.Error(), "002_bad") {
		t.Errorf("error %q does not name the broken migration", err)
	}
	if len(done) != 1 || done[0] != "001_good" {
		t.Errorf("applied %v, want [001_good]", done)
	}
	for table, want := range map[string]bool{"good": true, "half": false, "later": false} {
		var exists bool
		if err := db.Get(&exists, `SELECT to_regclass($1) IS NOT NULL`, table); err != nil {
			t.Fatal(err)
		}
		if exists != want {
			t.Errorf("table %s exists = %v, want %v", table, exists, want)
		}
	}
	var versions []int
	if err := db.Select(&versions, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
		t.Fatal(err)
	}
	if len(versions) != 1 || versions[0] != 1 {
		t.Errorf("recorded versions %v, want [1]", versions)
	}
	if pending, _ := database.Pending(ctx, db, ms); len(pending) != 2 {
		t.Errorf("Pending after a failure: %d, want 2", len(pending))
	}
}

// Two instances starting together apply each migration once.
func TestConcurrentMigrate(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]string, 3)
	errs := make([]error, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = database.Migrate(ctx, db, ms)
		}()
	}
	wg.Wait()
	total := 0
	for i := range results {
		if errs[i] != nil {
			t.Errorf("Migrate %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	if total != len(ms) {
		t.Errorf("concurrent Migrate applied %d migrations in total, want %d", total, len(ms))
	}
}

func TestWithTx(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	if _, err := db.Exec(`CREATE TABLE t (id int PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	err := database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO t VALUES (1)`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO t VALUES (1)`)
		return err
	})
	if err == nil {
		t.Fatal("WithTx with a duplicate key succeeded")
	}
	var n int
	db.Get(&n, `SELECT count(*) FROM t`)
	if n != 0 {
		t.Errorf("after a failed transaction %d rows remain, want 0", n)
	}
	if err := database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO t VALUES (2)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Get(&n, `SELECT count(*) FROM t`)
	if n != 1 {
		t.Errorf("after a committed transaction %d rows, want 1", n)
	}
	var missing int
	if err := database.NotFound(db.Get(&missing, `SELECT id FROM t WHERE id = 42`)); err != database.ErrNotFound {
		t.Errorf("NotFound(no rows) = %v, want ErrNotFound", err)
	}
}
