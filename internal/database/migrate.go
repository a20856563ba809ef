package database

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Checksum identifies the migration's text: an applied migration whose
// file later reads differently has been edited, which is refused.
func (m Migration) Checksum() string {
	sum := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(sum[:])
}

// LoadMigrations reads files named NNN_name.sql from fsys, ordered by number.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("database: migration %q: name must start with a number and an underscore", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("database: migrations %q and %q share number %d", other, name, v)
		}
		seen[v] = name
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(path.Base(name), ".sql"), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// The version table belongs to this runner, not to a migration: it exists
// before the first migration runs. The checksum column came later; a table
// made by an earlier release gets it added (nullable, so that release's
// runner, still serving during a rolling upgrade, can go on inserting).
const (
	createVersionTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now(),
	checksum   text
)`
	addChecksumColumn = `ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text`
)

// migrationLock is an arbitrary advisory-lock key so that two instances
// starting together do not apply the same migration twice.
const migrationLock = 7_462_201

// MigrateOptions bound what a migration may do to a database that is
// serving: a migration waits at most LockTimeout for a lock (while it
// waits, every query on that table queues behind it) and runs each
// statement for at most StatementTimeout. A migration that could not get
// its lock is tried again LockRetries times, a second apart.
type MigrateOptions struct {
	LockTimeout      time.Duration
	StatementTimeout time.Duration
	LockRetries      int
}

// DefaultMigrateOptions are the bounds Migrate uses.
var DefaultMigrateOptions = MigrateOptions{LockTimeout: 5 * time.Second, StatementTimeout: 5 * time.Minute, LockRetries: 5}

// Migrate applies every migration not yet recorded with the default
// bounds; see MigrateWith.
func Migrate(ctx context.Context, db *sqlx.DB, ms []Migration) ([]string, error) {
	return MigrateWith(ctx, db, ms, DefaultMigrateOptions)
}

// MigrateWith applies every migration not yet recorded, each in its own
// transaction, and returns the names it applied. It refuses to apply
// anything when an applied migration's file has changed since. Versions
// recorded that ms does not know (applied by a newer release) are left
// alone: an older binary keeps working on a newer schema.
func MigrateWith(ctx context.Context, db *sqlx.DB, ms []Migration, opts MigrateOptions) ([]string, error) {
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return nil, fmt.Errorf("database: migrate: lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock) //nolint:errcheck
	if _, err := conn.ExecContext(ctx, createVersionTable); err != nil {
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	has, err := hasChecksumColumn(ctx, conn)
	if err != nil {
		return nil, err
	}
	if !has {
		if _, err := conn.ExecContext(ctx, addChecksumColumn); err != nil {
			return nil, fmt.Errorf("database: migrate: add checksums: %w", err)
		}
	}
	applied, err := appliedMigrations(ctx, conn, true)
	if err != nil {
		return nil, err
	}
	if err := checkUnchanged(ms, applied); err != nil {
		return nil, err
	}
	// Migrations applied before checksums were kept (or by an older
	// runner during a rolling upgrade) get the checksum of their file now.
	for _, m := range ms {
		if sum, ok := applied[m.Version]; ok && sum == "" {
			if _, err := conn.ExecContext(ctx, `UPDATE schema_migrations SET checksum = $2 WHERE version = $1 AND checksum IS NULL`, m.Version, m.Checksum()); err != nil {
				return nil, fmt.Errorf("database: migrate: record checksum of %s: %w", m.Name, err)
			}
		}
	}
	var done []string
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		for attempt := 0; ; attempt++ {
			err = apply(ctx, conn, m, opts)
			if err == nil || !lockNotAvailable(err) || attempt >= opts.LockRetries {
				break
			}
			select {
			case <-ctx.Done():
				return done, ctx.Err()
			case <-time.After(time.Second):
			}
		}
		if err != nil {
			if lockNotAvailable(err) {
				err = fmt.Errorf("%w (waited %v for a lock %d times: a long transaction holds the table; retry when it has ended)", err, opts.LockTimeout, opts.LockRetries+1)
			}
			return done, err
		}
		done = append(done, m.Name)
	}
	return done, nil
}

// apply runs one migration and records it, in one transaction, within the
// bounds of opts.
func apply(ctx context.Context, conn *sqlx.Conn, m Migration, opts MigrateOptions) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database: migrate %s: %w", m.Name, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)`,
		milliseconds(opts.LockTimeout), milliseconds(opts.StatementTimeout)); err != nil {
		return fmt.Errorf("database: migrate %s: timeouts: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("database: migrate %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`, m.Version, m.Name, m.Checksum()); err != nil {
		return fmt.Errorf("database: migrate %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database: migrate %s: commit: %w", m.Name, err)
	}
	return nil
}

func milliseconds(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// lockNotAvailable reports whether err is PostgreSQL's lock_timeout.
func lockNotAvailable(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "55P03"
}

// ErrMigrationChanged is returned when an applied migration's file no
// longer matches what was applied.
var ErrMigrationChanged = errors.New("an applied migration was changed")

// checkUnchanged compares the recorded checksums with the files.
func checkUnchanged(ms []Migration, applied map[int]string) error {
	var changed []string
	for _, m := range ms {
		if sum := applied[m.Version]; sum != "" && sum != m.Checksum() {
			changed = append(changed, m.Name)
		}
	}
	if len(changed) > 0 {
		return fmt.Errorf("database: %w: %s differs from the version applied to this database; migrations are never edited after they are applied: restore the file and put the change in a new migration", ErrMigrationChanged, strings.Join(changed, ", "))
	}
	return nil
}

// Pending returns the migrations not yet applied to db. It fails, like
// Migrate, when an applied migration's file has changed.
func Pending(ctx context.Context, db *sqlx.DB, ms []Migration) ([]Migration, error) {
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT to_regclass('schema_migrations') IS NOT NULL`); err != nil {
		return nil, fmt.Errorf("database: pending: %w", err)
	}
	if !exists {
		return ms, nil
	}
	has, err := hasChecksumColumn(ctx, db)
	if err != nil {
		return nil, err
	}
	applied, err := appliedMigrations(ctx, db, has)
	if err != nil {
		return nil, err
	}
	if err := checkUnchanged(ms, applied); err != nil {
		return nil, err
	}
	var pending []Migration
	for _, m := range ms {
		if _, ok := applied[m.Version]; !ok {
			pending = append(pending, m)
		}
	}
	return pending, nil
}

func hasChecksumColumn(ctx context.Context, q sqlx.QueryerContext) (bool, error) {
	var has bool
	err := sqlx.GetContext(ctx, q, &has, `SELECT EXISTS (SELECT 1 FROM pg_attribute
		WHERE attrelid = to_regclass('schema_migrations') AND attname = 'checksum' AND NOT attisdropped)`)
	if err != nil {
		return false, fmt.Errorf("database: migrations: %w", err)
	}
	return has, nil
}

// appliedMigrations maps each applied version to its recorded checksum
// ("" when none was recorded).
func appliedMigrations(ctx context.Context, q sqlx.QueryerContext, withChecksums bool) (map[int]string, error) {
	query := `SELECT version, NULL::text AS checksum FROM schema_migrations`
	if withChecksums {
		query = `SELECT version, checksum FROM schema_migrations`
	}
	var rows []struct {
		Version  int            `db:"version"`
		Checksum sql.NullString `db:"checksum"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query); err != nil {
		return nil, fmt.Errorf("database: applied migrations: %w", err)
	}
	applied := make(map[int]string, len(rows))
	for _, r := range rows {
		applied[r.Version] = r.Checksum.String
	}
	return applied, nil
}
