package report_test

import (
	"context"
	"fmt"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/report"
)

// growthBound is how many buffers a report statement may touch for the
// same organisation once the database holds many others: half as much
// again, plus a few for index trees grown a level deeper. A statement that
// scans other organisations' rows touches many times more.
func growthBound(before int64) int64 { return before*3/2 + 20 }

// No report statement's cost grows with the number of organisations: the
// buffers each statement of each manager page touches for one organisation
// of 1000 people stay within growthBound when the other organisations grow
// from 20 to 60 and their people from 2000 to 10,000, so that a scan over
// everyone's rows touches 3.7 times as much. The first state already
// holds more people of other organisations than of this one: with the
// organisation nearly alone, a scan of a whole table is the planner's best
// choice and would be no fair measure. The same comparison without the
// primary key of module_progress (dropped in a transaction that is rolled
// back) shows that the bound catches statements that scan everyone's
// progress.
func TestReportPlansDoNotGrowWithOrganisations(t *testing.T) {
	db, _ := apptest.NewCurriculumDB(t)
	ctx := context.Background()
	seed := func(first, orgs, each int) {
		t.Helper()
		var seeds []report.Seed
		for i := first; i < first+orgs; i++ {
			org, err := report.SeedOrganisation(ctx, db, fmt.Sprintf("Gemeente %02d", i))
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, report.Seed{OrgID: org, Learners: each})
		}
		if _, err := report.SeedMany(ctx, db, seeds); err != nil {
			t.Fatal(err)
		}
	}
	org, err := report.SeedOrganisation(ctx, db, "OCMW Demodorp")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.SeedLearners(ctx, db, org, 1000); err != nil {
		t.Fatal(err)
	}
	seed(0, 20, 100)
	// The plans as they are, and without the primary key of module_progress.
	const withoutKey = `ALTER TABLE module_progress DROP CONSTRAINT module_progress_pkey`
	plans := func(ddl string) []report.Plan {
		t.Helper()
		tx, err := db.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if ddl != "" {
			if _, err := tx.Exec(ddl); err != nil {
				t.Fatal(err)
			}
		}
		ps, err := report.Plans(ctx, tx, org)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	few, fewWithoutKey := plans(""), plans(withoutKey)
	if len(few) < 20 {
		t.Fatalf("%d report statements explained, want every statement of the seven pages", len(few))
	}
	seed(20, 40, 200)
	// grown lists the statements that touch more than growthBound allows.
	grown := func(label string, few, many []report.Plan) []string {
		t.Helper()
		if len(many) != len(few) {
			t.Fatalf("%s: %d statements, %d with fewer organisations", label, len(many), len(few))
		}
		var over []string
		for i, p := range many {
			a := few[i]
			if p.Page != a.Page || p.Query != a.Query {
				t.Fatalf("%s: statement %d is %s %s, was %s %s", label, i, p.Page, p.Query, a.Page, a.Query)
			}
			t.Logf("%s: %-30s %-26s cost %8.0f → %8.0f, buffers %6d → %6d", label, p.Page, p.Query, a.Cost, p.Cost, a.Buffers, p.Buffers)
			if p.Buffers > growthBound(a.Buffers) {
				over = append(over, fmt.Sprintf("%s %s: %d buffers, %d with 21 organisations\n%s", p.Page, p.Query, p.Buffers, a.Buffers, p.Text))
			}
		}
		return over
	}
	for _, o := range grown("61 organisations", few, plans("")) {
		t.Errorf("grows with the number of organisations: %s", o)
	}
	if over := grown("without the primary key", fewWithoutKey, plans(withoutKey)); len(over) == 0 {
		t.Error("without the primary key of module_progress, no statement touched more buffers than growthBound allows: the bound proves nothing")
	}
}
