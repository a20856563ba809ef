package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/report"
)

// explainReports handles the hidden `nabij explain-reports [ORGANISATION]`
// (scripts/plans.sh): it prints EXPLAIN (ANALYZE, BUFFERS) of every
// statement the manager report pages run for the organisation ("OCMW
// Demodorp" by default), with its cost and the buffers it touched, so an
// operator can check on a seeded database that no report reads other
// organisations' rows. It reads the database and changes nothing.
func explainReports(ctx context.Context, _ *slog.Logger, args []string, w io.Writer) error {
	name := demoOrganisation
	switch len(args) {
	case 0:
	case 1:
		name = args[0]
	default:
		return fmt.Errorf("explain-reports: usage: nabij explain-reports [ORGANISATION]")
	}
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	orgID, err := assignment.NewStore(db).OrganisationID(ctx, name)
	if err != nil {
		return fmt.Errorf("explain-reports: organisation %q: %w", name, err)
	}
	plans, err := report.Plans(ctx, db, orgID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Report queries of %q (organisation %d)\n", name, orgID)
	for i, p := range plans {
		fmt.Fprintf(w, "\n=== %d. %s: %s — cost %.0f, %d buffers, %d rows\n", i+1, p.Page, p.Query, p.Cost, p.Buffers, p.Rows)
		fmt.Fprintf(w, "%s\n-- arguments: %s\n\n%s\n", strings.TrimSpace(p.SQL), p.Arguments(), p.Text)
	}
	fmt.Fprintf(w, "\nSummary (page, query, cost, buffers, rows):\n")
	for i, p := range plans {
		fmt.Fprintf(w, "%3d. %-30s %-28s %10.0f %8d %7d\n", i+1, p.Page, p.Query, p.Cost, p.Buffers, p.Rows)
	}
	return nil
}
