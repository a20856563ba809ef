package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/sso"
)

const orgSSOUsage = `usage: nabij org sso --org NAME --issuer URL --client-id ID --client-secret-file FILE --domains a.be,b.be
                    [--manager-claim NAME=VALUE] [--team-claim NAME] [--secret-expires YYYY-MM-DD] [--sso-only]
       nabij org sso --org NAME --off
       nabij org sso --org NAME            (show the organisation's single sign-on)`

// orgCommand administers organisations: `nabij org sso …` connects one to
// its OpenID Connect provider.
func orgCommand(ctx context.Context, log *slog.Logger, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "sso" {
		return errors.New(orgSSOUsage)
	}
	fs := flag.NewFlagSet("org sso", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	orgName := fs.String("org", "", "organisation name (created when missing)")
	issuer := fs.String("issuer", "", "issuer URL of the provider (discovery at ISSUER/.well-known/openid-configuration)")
	clientID := fs.String("client-id", "", "client id the provider gave the platform")
	secretFile := fs.String("client-secret-file", "", "file holding the client secret (- for standard input); omit to keep the stored one")
	domains := fs.String("domains", "", "e-mail domains of the organisation, comma-separated")
	manager := fs.String("manager-claim", "", "NAME=VALUE: a claim value that makes someone a manager")
	team := fs.String("team-claim", "", "a claim naming the person's team(s)")
	expires := fs.String("secret-expires", "", "the client secret's expiry date, YYYY-MM-DD (a warning shows 30 days before)")
	only := fs.Bool("sso-only", false, "people of the organisation may not sign in with a password")
	off := fs.Bool("off", false, "turn single sign-on off for the organisation")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("org sso: %w\n%s", err, orgSSOUsage)
	}
	if strings.TrimSpace(*orgName) == "" {
		return errors.New(orgSSOUsage)
	}
	db, cfg, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := sso.New(db, nil, cfg, nil, log)
	store := sso.NewStore(db)
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	orgID, err := store.OrganisationID(ctx, *orgName)
	if errors.Is(err, database.ErrNotFound) {
		if *off || len(set) == 1 {
			return fmt.Errorf("org sso: there is no organisation %q", *orgName)
		}
		if orgID, err = store.CreateOrganisation(ctx, *orgName); err != nil {
			return err
		}
		fmt.Fprintf(out, "organisation %q created\n", strings.TrimSpace(*orgName))
	} else if err != nil {
		return err
	}
	switch {
	case *off:
		if err := s.TurnOff(ctx, orgID); err != nil {
			return err
		}
		fmt.Fprintf(out, "single sign-on is off for %s; people with a password sign in with it\n", *orgName)
		return nil
	case len(set) == 1: // only --org
		return printSSO(ctx, s, orgID, cfg.BaseURL, out)
	}

	settings := sso.Settings{Issuer: *issuer, ClientID: *clientID, TeamClaim: *team, SSOOnly: *only}
	if *secretFile != "" {
		if settings.Secret, err = readSecret(*secretFile); err != nil {
			return err
		}
	}
	if settings.Domains, err = sso.ParseDomains(*domains); err != nil {
		return err
	}
	if settings.ManagerClaim, settings.ManagerValue, err = sso.ParseManagerClaim(*manager); err != nil {
		return err
	}
	if settings.SecretExpires, err = sso.ParseDate(*expires); err != nil {
		return err
	}
	if err := s.Configure(ctx, orgID, settings); err != nil {
		return fmt.Errorf("org sso: %w", err)
	}
	fmt.Fprintf(out, "single sign-on saved for %s\n", *orgName)
	if !s.Sealing() {
		fmt.Fprintln(out, "warning: SSO_SECRET_KEY is not set, so the client secret is stored unencrypted")
	}
	return printSSO(ctx, s, orgID, cfg.BaseURL, out)
}

// readSecret reads a client secret from a file or standard input.
func readSecret(path string) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, 8192))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("org sso: client secret: %w", err)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", fmt.Errorf("org sso: the client secret file %s is empty", path)
	}
	return secret, nil
}

func printSSO(ctx context.Context, s *sso.SSO, orgID int64, baseURL string, out io.Writer) error {
	st, err := s.Status(ctx, orgID)
	if err != nil {
		return err
	}
	if !st.Configured {
		fmt.Fprintln(out, "no single sign-on: the organisation signs in with passwords")
		return nil
	}
	fmt.Fprintf(out, "  issuer:        %s\n  domains:       %s\n  sso only:      %v\n", st.Issuer, st.Domains, st.SSOOnly)
	fmt.Fprintf(out, "  redirect URI:  %s%s (register it at the provider; scopes openid email profile)\n", baseURL, sso.CallbackPath)
	if st.LastLogin != nil {
		fmt.Fprintf(out, "  last login:    %s\n", st.LastLogin.Format("2006-01-02 15:04"))
	} else {
		fmt.Fprintln(out, "  last login:    none yet")
	}
	switch {
	case st.SecretExpires == nil:
		fmt.Fprintln(out, "  secret expiry: not given (--secret-expires)")
	case st.Expired:
		fmt.Fprintf(out, "  secret expiry: %s — EXPIRED: enter a new secret\n", st.SecretExpires.Format("2006-01-02"))
	case st.ExpiresSoon:
		fmt.Fprintf(out, "  secret expiry: %s — expires in %d days: create a new secret in time\n", st.SecretExpires.Format("2006-01-02"), st.DaysLeft)
	default:
		fmt.Fprintf(out, "  secret expiry: %s\n", st.SecretExpires.Format("2006-01-02"))
	}
	return nil
}
