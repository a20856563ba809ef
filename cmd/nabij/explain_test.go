package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/report"
)

// `nabij explain-reports` (scripts/plans.sh) prints the analysed plan of
// every report page's statements for the organisation named, the demo
// organisation by default, and refuses an unknown one.
func TestExplainReports(t *testing.T) {
	db, dbURL := apptest.NewCurriculumDB(t)
	t.Setenv("DATABASE_URL", dbURL)
	ctx := context.Background()
	for _, name := range []string{demoOrganisation, "OCMW Andersdorp"} {
		org, err := report.SeedOrganisation(ctx, db, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := report.SeedLearners(ctx, db, org, 30); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{nil, {"ocmw andersdorp"}} {
		var out bytes.Buffer
		if err := explainReports(ctx, nil, args, &out); err != nil {
			t.Fatalf("explain-reports %q: %v", args, err)
		}
		text := out.String()
		for _, want := range []string{"dashboard: (*Store).Dashboard", "matrix first page: (*Store).Matrix", "csv export: (*Store).cells",
			"person: (*Store).Person", "questions: (*Store).QuestionStats", "Buffers: shared hit=", "Execution Time:", "Summary"} {
			if !strings.Contains(text, want) {
				t.Errorf("explain-reports %q: no %q in\n%.2000s", args, want, text)
			}
		}
	}
	if err := explainReports(ctx, nil, []string{"OCMW Nergensdorp"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "Nergensdorp") {
		t.Errorf("explain-reports of an unknown organisation: error %v, want one naming it", err)
	}
}
