package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
)

// River's tables come with River's own migrations (recorded in
// river_migration), applied right after the platform's numbered ones.
// Upgrading River to a version with new migrations needs no file of ours.

// migrationLock is the same key the platform's migrations take, so two
// instances starting together migrate one after the other.
const migrationLock = 7_462_201

func migrator(db *sql.DB) (*rivermigrate.Migrator[*sql.Tx], error) {
	m, err := rivermigrate.New(riverdatabasesql.New(db), &rivermigrate.Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: migrate: %w", err)
	}
	return m, nil
}

// Migrate applies River's migrations that db lacks and returns their names.
// Each runs in its own transaction (one adds an enum value that the next
// uses, which PostgreSQL refuses within one transaction), under the same
// advisory lock as the platform's migrations, held on a connection of its
// own.
func Migrate(ctx context.Context, db *sql.DB) ([]string, error) {
	m, err := migrator(db)
	if err != nil {
		return nil, err
	}
	if db.Stats().MaxOpenConnections != 1 {
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("jobs: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return nil, fmt.Errorf("jobs: migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock) //nolint:errcheck
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("jobs: migrate: %w", err)
	}
	var names []string
	for _, v := range res.Versions {
		names = append(names, fmt.Sprintf("river_%03d_%s", v.Version, v.Name))
	}
	return names, nil
}

// Pending describes River's migrations that db lacks ("" when none).
func Pending(ctx context.Context, db *sql.DB) (string, error) {
	m, err := migrator(db)
	if err != nil {
		return "", err
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("jobs: pending migrations: %w", err)
	}
	if res.OK {
		return "", nil
	}
	return strings.Join(res.Messages, "; "), nil
}

// Versions is how many River migrations this build knows (part of the
// test databases' template name, so a River upgrade builds a new one).
func Versions() int {
	m, err := migrator(nil)
	if err != nil {
		return 0
	}
	return len(m.AllVersions())
}
