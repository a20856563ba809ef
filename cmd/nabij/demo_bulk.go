package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/report"
)

// organisationsFlag takes --organisations K (or --organisations=K) out of
// args and returns K (1 without it) and the other arguments, which the
// demo command's own flags read.
func organisationsFlag(args []string) (int, []string, error) {
	const usage = "usage: nabij demo [--learners N [--organisations K]]"
	orgs, rest := 1, make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(args[i], "=")
		if name != "--organisations" && name != "-organisations" {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return 0, nil, fmt.Errorf("demo: --organisations needs a number; %s", usage)
			}
			i++
			value = args[i]
		}
		k, err := strconv.Atoi(value)
		if err != nil || k < 1 || k > 10_000 {
			return 0, nil, fmt.Errorf("demo: --organisations %q: want a number from 1 to 10000; %s", value, usage)
		}
		orgs = k
	}
	return orgs, rest, nil
}

// seedOrganisations is the bulk path of `nabij demo --learners N
// --organisations K`, for measuring the platform at the scale of a whole
// region: a tenth of the N learners (the large organisation the benchmark
// reads) go to the demo organisation, the rest are spread evenly over K-1
// organisations "Demogemeente 002" …, all by report.SeedMany, in set
// statements, one transaction per organisation.
func seedOrganisations(ctx context.Context, db *sqlx.DB, n, k int) error {
	start := time.Now()
	big := max(1, n/10)
	if k == 1 {
		big = n
	}
	var seeds []report.Seed
	add := func(name string, m int) error {
		orgID, err := report.SeedOrganisation(ctx, db, name)
		if err != nil {
			return err
		}
		seeds = append(seeds, report.Seed{OrgID: orgID, Learners: m})
		return nil
	}
	if err := add(demoOrganisation, big); err != nil {
		return err
	}
	others := k - 1
	for i := 0; i < others; i++ {
		// Learners n-big spread over the others, the remainder to the first.
		m := (n - big) / others
		if i < (n-big)%others {
			m++
		}
		if err := add(fmt.Sprintf("Demogemeente %03d", i+2), m); err != nil {
			return err
		}
	}
	total, err := report.SeedMany(ctx, db, seeds)
	if err != nil {
		return err
	}
	fmt.Printf("Added %d demo learners with progress in %d organisations (%d in %q) in %v.\n",
		total, k, big, demoOrganisation, time.Since(start).Round(100*time.Millisecond))
	return nil
}
