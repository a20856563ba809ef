package report

import (
	"context"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// benchLearners is the size of the organisation the benchmarks report on.
const benchLearners = 10_000

// Benchmarks share one seeded database: seeding takes seconds, and a
// benchmark function runs several times. Its clean-up runs after all tests.
var (
	benchOnce     sync.Once
	bench         *benchData
	suiteCleanups []func()
)

type benchData struct {
	db    *sqlx.DB
	url   string
	orgID int64
	store *Store
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(suiteCleanups) - 1; i >= 0; i-- {
		suiteCleanups[i]()
	}
	os.Exit(code)
}

// suiteTB is a testing.TB whose clean-ups run at the end of the test binary
// instead of at the end of the first benchmark that asked for them.
type suiteTB struct{ testing.TB }

func (suiteTB) Cleanup(f func()) { suiteCleanups = append(suiteCleanups, f) }

// benchDB returns the shared database: the curriculum, an organisation of
// benchLearners learners and a second organisation of half as many, whose
// rows the queries must skip at no cost.
func benchDB(b *testing.B) *benchData {
	b.Helper()
	benchOnce.Do(func() {
		start := time.Now()
		ctx := context.Background()
		db, url := dbtest.NewWithURL(suiteTB{b})
		importCurriculum(b, db)
		other, err := SeedOrganisation(ctx, db, "OCMW Andersdorp")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := SeedLearners(ctx, db, other, benchLearners/2); err != nil {
			b.Fatal(err)
		}
		org, err := SeedOrganisation(ctx, db, "OCMW Demodorp")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := SeedLearners(ctx, db, org, benchLearners); err != nil {
			b.Fatal(err)
		}
		bench = &benchData{db: db, url: url, orgID: org, store: NewStore(db)}
		b.Logf("seeded %d + %d learners in %v", benchLearners, benchLearners/2, time.Since(start).Round(time.Millisecond))
	})
	if bench == nil {
		b.Fatal("benchmark database could not be seeded")
	}
	return bench
}

func importCurriculum(tb testing.TB, db *sqlx.DB) {
	tb.Helper()
	r := content.NewRenderer()
	c, problems := r.Parse(courses.FS)
	if problems != nil {
		tb.Fatalf("built-in curriculum: %v", problems)
	}
	if _, err := catalog.NewImporter(db, r).Import(context.Background(), c); err != nil {
		tb.Fatalf("import curriculum: %v", err)
	}
}

func BenchmarkDashboard(b *testing.B) {
	d := benchDB(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		dash, err := d.store.Dashboard(ctx, d.orgID)
		if err != nil {
			b.Fatal(err)
		}
		if dash.People < benchLearners {
			b.Fatalf("people = %d, want at least %d", dash.People, benchLearners)
		}
	}
}

func BenchmarkMatrixFirstPage(b *testing.B) {
	d := benchDB(b)
	ctx := context.Background()
	for _, sort := range []string{"name", "progress", "activity"} {
		b.Run(sort, func(b *testing.B) {
			for b.Loop() {
				mx, err := d.store.Matrix(ctx, d.orgID, Filter{Sort: sort, Desc: sort != "name", Page: 1, PerPage: PerPage})
				if err != nil {
					b.Fatal(err)
				}
				if mx.Total < benchLearners || len(mx.People) != PerPage {
					b.Fatalf("total = %d, rows = %d, want at least %d, %d", mx.Total, len(mx.People), benchLearners, PerPage)
				}
			}
		})
	}
}

func BenchmarkCSV(b *testing.B) {
	d := benchDB(b)
	ctx := context.Background()
	for b.Loop() {
		mx, err := d.store.Matrix(ctx, d.orgID, Filter{Sort: "name"})
		if err != nil {
			b.Fatal(err)
		}
		if len(mx.People) < benchLearners {
			b.Fatalf("rows = %d, want at least %d", len(mx.People), benchLearners)
		}
		if err := WriteCSV(io.Discard, mx, "nl"); err != nil {
			b.Fatal(err)
		}
	}
}
