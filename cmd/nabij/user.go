package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"nabij.be/leerplatform/internal/auth"
)

// user administers accounts: `nabij user create --email … --name … --role …
// [--org …]`. The password comes from NABIJ_PASSWORD or is generated and
// printed once.
func user(ctx context.Context, _ *slog.Logger, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: nabij user create --email E --name N --role admin|trainer|manager|learner [--org NAME] [--team NAME]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "full name as on certificates")
	role := fs.String("role", "", "admin, trainer, manager or learner")
	org := fs.String("org", "", "organisation name (created when missing)")
	team := fs.String("team", "", "team name within the organisation (optional)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	password, generated := os.Getenv("NABIJ_PASSWORD"), false
	if password == "" {
		password, generated = auth.GeneratePassword(), true
	}
	acc := auth.NewAccount{Email: *email, Name: *name, Role: *role, Org: *org, Password: password}
	if *team != "" {
		acc.Teams = []string{*team}
	}
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := auth.Provision(ctx, db, acc)
	if err != nil {
		return err
	}
	fmt.Printf("account %d: %s (%s)\n", id, acc.Email, acc.Role)
	if generated {
		fmt.Printf("password: %s\n", password)
	}
	return nil
}
