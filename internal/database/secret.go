package database

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Secret returns the installation's secret called name: 32 random bytes,
// made by the first instance that asks and the same for every instance
// after, so that what one instance seals another can open.
func Secret(ctx context.Context, db *sqlx.DB, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("database: secret %s: %w", name, err)
	}
	var secret []byte
	for attempt := 0; ; attempt++ {
		// The CTE's insert is not visible to the SELECT of the same
		// statement, hence the union: the new row when this call made it,
		// else the stored one. When another instance made it at the same
		// moment, its row came after this statement's snapshot and neither
		// side returns it: the next statement sees it.
		err := db.GetContext(ctx, &secret, `
			WITH made AS (
				INSERT INTO installation_secrets (name, secret) VALUES ($1, $2)
				ON CONFLICT (name) DO NOTHING
				RETURNING secret)
			SELECT secret FROM made
			UNION ALL
			SELECT secret FROM installation_secrets WHERE name = $1
			LIMIT 1`, name, fresh)
		if errors.Is(err, sql.ErrNoRows) && attempt == 0 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("database: secret %s: %w", name, err)
		}
		return secret, nil
	}
}
