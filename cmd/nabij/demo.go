package main

import (
	"context"
	"fmt"
	"log/slog"

	"nabij.be/leerplatform/internal/auth"
)

// DemoPassword is the documented password of every demo account. The demo
// is for trying the platform locally; never run it on a public server.
const DemoPassword = "demo-nabij-2026"

// demoAccounts live in the organisation "OCMW Demodorp" (trainer and admin
// are platform-wide).
var demoAccounts = []auth.NewAccount{
	{Email: "beheerder@demodorp.example", Name: "Bram Beheerder", Role: "admin"},
	{Email: "trainer@demodorp.example", Name: "Tine Trainer", Role: "trainer"},
	{Email: "manager@demodorp.example", Name: "Mieke Maes", Role: "manager", Org: "OCMW Demodorp", Teams: []string{"Sociale dienst"}},
	{Email: "lerende1@demodorp.example", Name: "Lotte Janssens", Role: "learner", Org: "OCMW Demodorp", Teams: []string{"Sociale dienst"}},
	{Email: "lerende2@demodorp.example", Name: "Youssef El Amrani", Role: "learner", Org: "OCMW Demodorp", Teams: []string{"Sociale dienst"}},
	{Email: "lerende3@demodorp.example", Name: "Séverine Dubois", Role: "learner", Org: "OCMW Demodorp", Teams: []string{"Thuiszorg"}},
}

// demo creates (or restores) the demo organisation and accounts and
// prints their logins. Running it again changes nothing but resets the
// demo passwords.
func demo(ctx context.Context, _ *slog.Logger, args []string) error {
	// Arguments first: a wrong one writes nothing.
	orgs, args, err := organisationsFlag(args)
	if err != nil {
		return err
	}
	learners, err := learnersFlag(args)
	if err != nil {
		return err
	}
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Println("Demo accounts (organisation \"OCMW Demodorp\"), password for all:", DemoPassword)
	for _, a := range demoAccounts {
		a.Password = DemoPassword
		if _, err := auth.Provision(ctx, db, a); err != nil {
			return err
		}
		fmt.Printf("  %-8s %s\n", a.Role, a.Email)
	}
	if err := demoProgress(ctx, db, demoAccounts[3].Email); err != nil {
		return err
	}
	fmt.Printf("  %s has completed module 1 and has its certificate.\n", demoAccounts[3].Email)
	if orgs > 1 {
		return seedOrganisations(ctx, db, learners, orgs)
	}
	return seedLearners(ctx, db, learners)
}
