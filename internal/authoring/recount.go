package authoring

import (
	"context"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/learning"
)

// recountModule keeps the learners' stored progress of a module truthful
// after a lesson was removed; the learning capability owns that table.
func recountModule(ctx context.Context, tx *sqlx.Tx, moduleID int64) error {
	return learning.RecountModule(ctx, tx, moduleID)
}
