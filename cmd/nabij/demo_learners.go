package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/report"
)

// demoOrganisation is where `nabij demo` puts its accounts.
const demoOrganisation = "OCMW Demodorp"

// seedLearners handles `nabij demo --learners N`: it adds N learners with
// random progress, spread over teams, to the demo organisation, for trying
// the reports and benchmarking them. Without the flag it does nothing.
// Running it again adds nobody twice.
func seedLearners(ctx context.Context, db *sqlx.DB, n int) error {
	if n == 0 {
		return nil
	}
	orgID, err := report.SeedOrganisation(ctx, db, demoOrganisation)
	if err != nil {
		return err
	}
	added, err := report.SeedLearners(ctx, db, orgID, n)
	if err != nil {
		return err
	}
	fmt.Printf("Added %d demo learners with progress to %q (%d already there).\n", added, demoOrganisation, n-added)
	return nil
}

// learnersFlag reads --learners N or --learners=N, the demo command's only
// argument; anything else (a typo such as --learner) is an error.
func learnersFlag(args []string) (int, error) {
	const usage = "usage: nabij demo [--learners N]"
	fl := flag.NewFlagSet("demo", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	n := fl.Int("learners", 0, "learners to add")
	if err := fl.Parse(args); err != nil {
		return 0, fmt.Errorf("demo: %v; %s", err, usage)
	}
	if fl.NArg() > 0 {
		return 0, fmt.Errorf("demo: unknown argument %q; %s", fl.Arg(0), usage)
	}
	if *n < 0 || *n > 1_000_000 {
		return 0, fmt.Errorf("demo: --learners %d: want a number from 0 to 1000000", *n)
	}
	return *n, nil
}
