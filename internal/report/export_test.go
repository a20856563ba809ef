package report

import (
	"testing"

	"github.com/jmoiron/sqlx"
)

// BenchDatabase gives the HTTP benchmark (package report_test, which may
// import apptest) the shared seeded database: its URL and the id of the
// organisation with benchLearners learners.
func BenchDatabase(b *testing.B) (db *sqlx.DB, url string, orgID int64) {
	d := benchDB(b)
	return d.db, d.url, d.orgID
}

// SuiteTB wraps tb so that its clean-ups run when the test binary ends.
func SuiteTB(tb testing.TB) testing.TB { return suiteTB{tb} }
