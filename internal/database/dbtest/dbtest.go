// Package dbtest gives each test a fresh PostgreSQL database, cloned in
// milliseconds from a template that holds the migrated schema.
//
// It needs DATABASE_URL (make test sets it). Without it a test fails: a
// missing database must never turn into a silent pass.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
	"nabij.be/leerplatform/migrations"
)

// templateLock serialises the creation of the template across test binaries.
const templateLock = 7_462_202

// New returns a connection to a new, migrated, empty database that is
// dropped when the test ends.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	db, _ := NewWithURL(t)
	return db
}

// NewWithURL is New that also returns the database's URL, for tests that
// start a second process or connection pool against it.
func NewWithURL(t testing.TB) (*sqlx.DB, string) {
	t.Helper()
	return create(t, true)
}

// Empty returns a connection to a new database without any migration
// applied, dropped when the test ends: for tests of the migrations.
func Empty(t testing.TB) *sqlx.DB {
	t.Helper()
	db, _ := create(t, false)
	return db
}

// EmptyWithURL is Empty that also returns the database's URL, for tests
// that start a process on a database before it is migrated.
func EmptyWithURL(t testing.TB) (*sqlx.DB, string) {
	t.Helper()
	return create(t, false)
}

// create makes a database for one test, cloned from the migrated template
// when migrated is true, else empty.
func create(t testing.TB, migrated bool) (*sqlx.DB, string) {
	t.Helper()
	ctx := context.Background()
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts a private PostgreSQL")
	}
	admin, err := database.Open(ctx, base)
	if err != nil {
		t.Fatalf("connect to DATABASE_URL: %v", err)
	}
	defer admin.Close()

	name := "test_" + randomHex(8)
	stmt := `CREATE DATABASE ` + pq.QuoteIdentifier(name)
	if migrated {
		tmpl, err := ensureTemplate(ctx, admin, base)
		if err != nil {
			t.Fatalf("test template: %v", err)
		}
		stmt += ` TEMPLATE ` + pq.QuoteIdentifier(tmpl)
	}
	if _, err := admin.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u := withDatabase(base, name)
	db, err := database.Open(ctx, u)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		admin, err := database.Open(context.Background(), base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pq.QuoteIdentifier(name))) //nolint:errcheck
	})
	return db, u
}

// ensureTemplate creates, once per schema version, a database holding the
// migrated schema, and returns its name.
func ensureTemplate(ctx context.Context, admin *sqlx.DB, base string) (string, error) {
	ms, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d\x00%s\x00", m.Version, m.SQL)
	}
	fmt.Fprintf(h, "river\x00%d\x00", jobs.Versions())
	name := "nabij_template_" + hex.EncodeToString(h.Sum(nil))[:12]

	conn, err := admin.Connx(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, templateLock) //nolint:errcheck

	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s`, pq.QuoteIdentifier(name))) //nolint:errcheck
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, pq.QuoteIdentifier(name))); err != nil {
		return "", err
	}
	tdb, err := database.Open(ctx, withDatabase(base, name))
	if err != nil {
		return "", err
	}
	_, err = database.Migrate(ctx, tdb, ms)
	if err == nil {
		_, err = jobs.Migrate(ctx, tdb.DB)
	}
	tdb.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH IS_TEMPLATE true`, pq.QuoteIdentifier(name))); err != nil {
		return "", err
	}
	return name, nil
}

// withDatabase returns the URL base with its database name replaced.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		// key=value form
		return base + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Count runs a query returning one number and fails the test on error.
func Count(t testing.TB, db sqlx.Queryer, query string, args ...any) int {
	t.Helper()
	var n int
	if err := sqlx.Get(db, &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Get reads one row into dest and fails the test on a query error.
func Get(t testing.TB, db sqlx.Queryer, dest any, query string, args ...any) {
	t.Helper()
	if err := sqlx.Get(db, dest, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Select reads rows into dest and fails the test on a query error.
func Select(t testing.TB, db sqlx.Queryer, dest any, query string, args ...any) {
	t.Helper()
	if err := sqlx.Select(db, dest, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
