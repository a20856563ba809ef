// Command nabij is the N@BIJ leerplatform: one binary that serves the
// platform and administers it.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // certificate and report dates are Brussels dates, also in a container without zone files

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/database"
)

const usage = `nabij — N@BIJ leerplatform

Usage:
  nabij serve                 run the web server (migrates and imports the curriculum on first start)
  nabij migrate               apply pending database migrations
  nabij import [--check] [--force] [DIR]
                              validate and import a course folder (default: the built-in courses/)
                              --check validates only, without a database
  nabij export [--module SLUG] DIR
                              write the published curriculum (or one module) as a course folder in DIR

  nabij user create --email E --name N --role admin|trainer|manager|learner [--org NAME] [--team NAME]
                              create or update an account (password from NABIJ_PASSWORD, else generated and printed)
  nabij demo [--learners N]   create the demo organisation "OCMW Demodorp" and its accounts and print their logins;
                              --learners adds N learners with random progress (for reports and benchmarks);
                              --organisations K spreads them over K organisations (a tenth in the demo one)
  nabij org sso --org NAME --issuer URL --client-id ID --client-secret-file FILE --domains a.be,b.be
                [--manager-claim NAME=VALUE] [--team-claim NAME] [--secret-expires YYYY-MM-DD] [--sso-only] | --off
                              sign the organisation's people in through its OpenID Connect provider (README: Single sign-on)
  nabij assign --org NAME [--team NAME | --person EMAIL] (--module SLUG | --programme) (--due YYYY-MM-DD | --due-days N)
                              assign modules (or the programme) to the organisation, a team or a person (README: Assigned training)
  nabij reminders [--dry-run] queue the reminder mails due now (--dry-run: print them: recipient, kind, module, due date)
  nabij healthcheck           exit 0 when this machine's server answers /healthz (for a container's HEALTHCHECK)
  nabij certificate sample --name N --out FILE.pdf [--title T] [--org O]
                              render a sample certificate, without a database, to check the layout

Configuration comes from environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	level, err := config.LogLevel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nabij: config:", err)
		os.Exit(1)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(ctx, log)
	case "migrate":
		err = migrate(ctx, log)
	case "import":
		err = importCourses(ctx, log, args)
	case "export":
		err = exportCourses(ctx, log, args)
	case "user":
		err = user(ctx, log, args)
	case "demo":
		err = demo(ctx, log, args)
	case "org":
		err = orgCommand(ctx, log, args, os.Stdout)
	case "assign":
		err = assignCommand(ctx, log, args, os.Stdout)
	case "reminders":
		err = remindersCommand(ctx, log, args, os.Stdout, time.Now())
	case "healthcheck":
		err = healthcheck(ctx)
	case "certificate":
		err = certificateCommand(args, os.Stdout)
	case "explain-reports": // hidden: scripts/plans.sh
		err = explainReports(ctx, log, args, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "nabij: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nabij:", err)
		os.Exit(1)
	}
}

// openDatabase loads the configuration from the environment and opens the
// database it names, for the subcommands that need one. The caller closes
// the database.
func openDatabase(ctx context.Context) (*sqlx.DB, *config.Config, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, nil, err
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return db, cfg, nil
}
