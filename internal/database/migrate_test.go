package database_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

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
	dbtest.Get(t, db, &n, `SELECT count(*) FROM t`)
	if n != 0 {
		t.Errorf("after a failed transaction %d rows remain, want 0", n)
	}
	if err := database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO t VALUES (2)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dbtest.Get(t, db, &n, `SELECT count(*) FROM t`)
	if n != 1 {
		t.Errorf("after a committed transaction %d rows, want 1", n)
	}
	var missing int
	if err := database.NotFound(db.Get(&missing, `SELECT id FROM t WHERE id = 42`)); err != database.ErrNotFound {
		t.Errorf("NotFound(no rows) = %v, want ErrNotFound", err)
	}
}

// An applied migration whose file was edited afterwards is refused, by
// Migrate and by Pending, before anything else is applied.
func TestEditedMigrationIsRefused(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	ms := []database.Migration{
		{Version: 1, Name: "001_a", SQL: `CREATE TABLE a (id int)`},
		{Version: 2, Name: "002_b", SQL: `CREATE TABLE b (id int)`},
	}
	if _, err := database.Migrate(ctx, db, ms); err != nil {
		t.Fatal(err)
	}
	var sums []string
	if err := db.Select(&sums, `SELECT checksum FROM schema_migrations ORDER BY version`); err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums[0] != ms[0].Checksum() || sums[1] != ms[1].Checksum() {
		t.Errorf("recorded checksums %v, want those of the two files", sums)
	}

	edited := []database.Migration{
		ms[0],
		{Version: 2, Name: "002_b", SQL: `CREATE TABLE b (id int, extra text)`},
		{Version: 3, Name: "003_c", SQL: `CREATE TABLE c (id int)`},
	}
	done, err := database.Migrate(ctx, db, edited)
	if !errors.Is(err, database.ErrMigrationChanged) || !strings.Contains(err.Error(), "002_b") {
		t.Errorf("Migrate with an edited migration = %v, want ErrMigrationChanged naming 002_b", err)
	}
	if len(done) != 0 || dbtest.Count(t, db, `SELECT count(*) FROM pg_class WHERE relname = 'c'`) != 0 {
		t.Errorf("Migrate applied %v after finding an edited migration, want nothing", done)
	}
	if _, err := database.Pending(ctx, db, edited); !errors.Is(err, database.ErrMigrationChanged) {
		t.Errorf("Pending with an edited migration = %v, want ErrMigrationChanged", err)
	}
	// The file restored, the new migration goes in.
	if done, err := database.Migrate(ctx, db, append(ms, edited[2])); err != nil || len(done) != 1 {
		t.Errorf("Migrate after restoring the file: %v (err %v), want [003_c]", done, err)
	}
}

// A database migrated by an earlier release (a version table without
// checksums) gets the checksums of its applied migrations on upgrade, so
// that an edit is caught from then on; the earlier release's runner can
// still record a migration in the wider table.
func TestUpgradeRecordsChecksumsOfAppliedMigrations(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	if _, err := db.Exec(`
		CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
		CREATE TABLE a (id int);
		INSERT INTO schema_migrations (version, name) VALUES (1, '001_a')`); err != nil {
		t.Fatal(err)
	}
	ms := []database.Migration{
		{Version: 1, Name: "001_a", SQL: `CREATE TABLE a (id int)`},
		{Version: 2, Name: "002_b", SQL: `CREATE TABLE b (id int)`},
	}
	if pending, err := database.Pending(ctx, db, ms); err != nil || len(pending) != 1 {
		t.Fatalf("Pending on the old table = %v (err %v), want [002_b]", pending, err)
	}
	if done, err := database.Migrate(ctx, db, ms); err != nil || len(done) != 1 || done[0] != "002_b" {
		t.Fatalf("Migrate = %v (err %v), want [002_b]", done, err)
	}
	var sum string
	if err := db.Get(&sum, `SELECT checksum FROM schema_migrations WHERE version = 1`); err != nil || sum != ms[0].Checksum() {
		t.Errorf("checksum of the migration applied before the upgrade = %q (err %v), want %q", sum, err, ms[0].Checksum())
	}
	// The earlier release's insert still works.
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES (50, '050_old_release')`); err != nil {
		t.Errorf("an earlier release's record of a migration fails on the new table: %v", err)
	}
	edited := []database.Migration{{Version: 1, Name: "001_a", SQL: `CREATE TABLE a (id bigint)`}, ms[1]}
	if _, err := database.Migrate(ctx, db, edited); !errors.Is(err, database.ErrMigrationChanged) {
		t.Errorf("Migrate with a migration edited after the upgrade = %v, want ErrMigrationChanged", err)
	}
}

// A migration that needs a lock held by a serving transaction gives up
// after lock_timeout instead of queueing every query on the table behind
// it; a runaway statement stops at statement_timeout. Neither is recorded.
func TestMigrationTimeouts(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	base := []database.Migration{{Version: 1, Name: "001_t", SQL: `CREATE TABLE t (id int)`}}
	if _, err := database.Migrate(ctx, db, base); err != nil {
		t.Fatal(err)
	}
	// A long transaction of a serving instance reads t.
	reader, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Exec(`SELECT count(*) FROM t`); err != nil {
		t.Fatal(err)
	}
	opts := database.MigrateOptions{LockTimeout: 100 * time.Millisecond, StatementTimeout: time.Minute, LockRetries: 1}
	alter := append(append([]database.Migration(nil), base...), database.Migration{Version: 2, Name: "002_alter", SQL: `ALTER TABLE t ADD COLUMN name text`})
	start := time.Now()
	done, err := database.MigrateWith(ctx, db, alter, opts)
	if err == nil || !strings.Contains(err.Error(), "002_alter") || !strings.Contains(err.Error(), "lock") {
		t.Errorf("Migrate against a held lock = %v, want a lock timeout naming 002_alter", err)
	}
	if len(done) != 0 {
		t.Errorf("applied %v while the table was locked", done)
	}
	t.Logf("gave up on the lock after %v (timeout %v, %d retry)", time.Since(start).Round(time.Millisecond), opts.LockTimeout, opts.LockRetries)
	reader.Rollback()
	if done, err := database.MigrateWith(ctx, db, alter, opts); err != nil || len(done) != 1 {
		t.Errorf("Migrate once the lock is free: %v (err %v), want [002_alter]", done, err)
	}

	opts.StatementTimeout = 100 * time.Millisecond
	slow := append(alter, database.Migration{Version: 3, Name: "003_slow", SQL: `SELECT pg_sleep(30)`})
	if _, err := database.MigrateWith(ctx, db, slow, opts); err == nil || !strings.Contains(err.Error(), "003_slow") || !strings.Contains(err.Error(), "statement timeout") {
		t.Errorf("Migrate with a 30 s statement and a 100 ms statement_timeout = %v, want a statement timeout", err)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM schema_migrations WHERE version = 3`); n != 0 {
		t.Errorf("the timed-out migration was recorded")
	}
}
