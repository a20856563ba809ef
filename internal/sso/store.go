package sso

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/database"
)

// Provider is an organisation's OpenID Connect configuration as stored.
type Provider struct {
	OrgID         int64      `db:"organisation_id"`
	OrgName       string     `db:"organisation_name"`
	Issuer        string     `db:"issuer"`
	ClientID      string     `db:"client_id"`
	Secret        []byte     `db:"client_secret"` // sealed when SecretSealed
	SecretSealed  bool       `db:"secret_sealed"`
	SecretExpires *time.Time `db:"secret_expires_on"`
	ManagerClaim  string     `db:"manager_claim"`
	ManagerValue  string     `db:"manager_value"`
	TeamClaim     string     `db:"team_claim"`
	SSOOnly       bool       `db:"sso_only"`
	LastLogin     *time.Time `db:"last_login_at"`
	Domains       string     `db:"domains"` // comma-separated, sorted
}

// DomainList returns the organisation's e-mail domains.
func (p *Provider) DomainList() []string {
	if p.Domains == "" {
		return nil
	}
	return strings.Split(p.Domains, ",")
}

// Store holds the single sign-on queries.
type Store struct{ db *sqlx.DB }

// NewStore returns the single sign-on store.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

const providerColumns = `p.organisation_id, o.name AS organisation_name, p.issuer, p.client_id, p.client_secret,
	p.secret_sealed, p.secret_expires_on, p.manager_claim, p.manager_value, p.team_claim, p.sso_only, p.last_login_at,
	coalesce((SELECT string_agg(d.domain, ',' ORDER BY d.domain) FROM sso_domains d
	          WHERE d.organisation_id = p.organisation_id), '') AS domains`

// Provider returns the configuration of an organisation, or ErrNotFound.
func (s *Store) Provider(ctx context.Context, orgID int64) (*Provider, error) {
	var p Provider
	err := s.db.GetContext(ctx, &p, `SELECT `+providerColumns+`
		FROM sso_providers p JOIN organisations o ON o.id = p.organisation_id
		WHERE p.organisation_id = $1`, orgID)
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &p, nil
}

// ExpiringSecrets lists the configurations whose client secret expires
// on or before a day, soonest first.
func (s *Store) ExpiringSecrets(ctx context.Context, before time.Time) ([]Provider, error) {
	var ps []Provider
	err := s.db.SelectContext(ctx, &ps, `SELECT `+providerColumns+`
		FROM sso_providers p JOIN organisations o ON o.id = p.organisation_id
		WHERE p.secret_expires_on <= $1::date ORDER BY p.secret_expires_on, lower(o.name)`, before.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("sso: expiring secrets: %w", err)
	}
	return ps, nil
}

// ProviderForDomain returns the configuration of the organisation that owns
// an e-mail domain, or ErrNotFound.
func (s *Store) ProviderForDomain(ctx context.Context, domain string) (*Provider, error) {
	var p Provider
	err := s.db.GetContext(ctx, &p, `SELECT `+providerColumns+`
		FROM sso_domains d JOIN sso_providers p ON p.organisation_id = d.organisation_id
		JOIN organisations o ON o.id = p.organisation_id
		WHERE d.domain = lower($1)`, domain)
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &p, nil
}

// Any reports whether some organisation has single sign-on.
func (s *Store) Any(ctx context.Context) (bool, error) {
	var ok bool
	if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM sso_providers)`); err != nil {
		return false, fmt.Errorf("sso: any provider: %w", err)
	}
	return ok, nil
}

// SSOOnly reports whether an organisation allows only single sign-on.
func (s *Store) SSOOnly(ctx context.Context, orgID int64) (bool, error) {
	var only bool
	err := s.db.GetContext(ctx, &only, `SELECT coalesce((SELECT sso_only FROM sso_providers WHERE organisation_id = $1), false)`, orgID)
	if err != nil {
		return false, fmt.Errorf("sso: sso only for %d: %w", orgID, err)
	}
	return only, nil
}

// ErrDomainTaken is returned when an e-mail domain belongs to another
// organisation.
type ErrDomainTaken struct{ Domain, Org string }

func (e *ErrDomainTaken) Error() string {
	return fmt.Sprintf("sso: domain %s belongs to %s", e.Domain, e.Org)
}

// Save stores an organisation's configuration and its domains in one
// transaction. A nil secret keeps the stored one.
func (s *Store) Save(ctx context.Context, orgID int64, set Settings, secret []byte, sealed bool) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var taken struct {
			Domain string `db:"domain"`
			Org    string `db:"name"`
		}
		err := tx.GetContext(ctx, &taken, `SELECT d.domain, o.name FROM sso_domains d JOIN organisations o ON o.id = d.organisation_id
			WHERE d.domain = ANY($1) AND d.organisation_id <> $2 ORDER BY d.domain LIMIT 1`, pq.Array(set.Domains), orgID)
		if err == nil {
			return &ErrDomainTaken{Domain: taken.Domain, Org: taken.Org}
		}
		if err = database.NotFound(err); !errors.Is(err, database.ErrNotFound) {
			return fmt.Errorf("sso: check domains: %w", err)
		}
		if secret == nil {
			res, err := tx.ExecContext(ctx, `UPDATE sso_providers SET issuer = $2, client_id = $3, secret_expires_on = $4,
				manager_claim = $5, manager_value = $6, team_claim = $7, sso_only = $8, updated_at = now()
				WHERE organisation_id = $1`,
				orgID, set.Issuer, set.ClientID, set.SecretExpires, set.ManagerClaim, set.ManagerValue, set.TeamClaim, set.SSOOnly)
			if err != nil {
				return fmt.Errorf("sso: save provider of %d: %w", orgID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrSecretNeeded
			}
		} else {
			_, err := tx.ExecContext(ctx, `INSERT INTO sso_providers (organisation_id, issuer, client_id, client_secret, secret_sealed,
					secret_expires_on, manager_claim, manager_value, team_claim, sso_only)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (organisation_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
					client_secret = excluded.client_secret, secret_sealed = excluded.secret_sealed,
					secret_expires_on = excluded.secret_expires_on, manager_claim = excluded.manager_claim,
					manager_value = excluded.manager_value, team_claim = excluded.team_claim, sso_only = excluded.sso_only,
					updated_at = now()`,
				orgID, set.Issuer, set.ClientID, secret, sealed, set.SecretExpires, set.ManagerClaim, set.ManagerValue, set.TeamClaim, set.SSOOnly)
			if err != nil {
				return fmt.Errorf("sso: save provider of %d: %w", orgID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_domains WHERE organisation_id = $1`, orgID); err != nil {
			return fmt.Errorf("sso: save domains of %d: %w", orgID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sso_domains (domain, organisation_id) SELECT unnest($1::text[]), $2`,
			pq.Array(set.Domains), orgID)
		if err != nil {
			var pe *pq.Error
			if errors.As(err, &pe) && pe.Code == "23505" { // a concurrent save took the domain
				return &ErrDomainTaken{Domain: strings.Join(set.Domains, ", ")}
			}
			return fmt.Errorf("sso: save domains of %d: %w", orgID, err)
		}
		return nil
	})
}

// Remove turns single sign-on off for an organisation. Accounts stay; their
// links to the provider go.
func (s *Store) Remove(ctx context.Context, orgID int64) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		for _, q := range []string{
			`DELETE FROM sso_identities WHERE organisation_id = $1`,
			`DELETE FROM sso_logins WHERE organisation_id = $1`,
			`DELETE FROM sso_logouts WHERE organisation_id = $1`,
			`DELETE FROM sso_providers WHERE organisation_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, orgID); err != nil {
				return fmt.Errorf("sso: remove provider of %d: %w", orgID, err)
			}
		}
		return nil
	})
}

// loginRow is a login in progress.
type loginRow struct {
	OrgID    int64  `db:"organisation_id"`
	Browser  []byte `db:"browser_hash"`
	Nonce    string `db:"nonce"`
	Verifier string `db:"verifier"`
	Back     string `db:"back"`
	Fresh    bool   `db:"fresh"`
}

// loginLifetime is how long a person may take at their provider.
const loginLifetime = 15 * time.Minute

// StartLogin records a login in progress, and forgets those that expired.
func (s *Store) StartLogin(ctx context.Context, stateHash []byte, l loginRow) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sso_logins WHERE created_at < now() - make_interval(secs => $1)`,
		loginLifetime.Seconds()); err != nil {
		return fmt.Errorf("sso: forget old logins: %w", err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sso_logins (state_hash, browser_hash, organisation_id, nonce, verifier, back)
		VALUES ($1, $2, $3, $4, $5, $6)`, stateHash, l.Browser, l.OrgID, l.Nonce, l.Verifier, l.Back)
	if err != nil {
		return fmt.Errorf("sso: start login: %w", err)
	}
	return nil
}

// TakeLogin returns a living login in progress and deletes it, so that a
// state is used once: a replay finds nothing (ErrNotFound).
func (s *Store) TakeLogin(ctx context.Context, stateHash []byte) (*loginRow, error) {
	var l loginRow
	err := s.db.GetContext(ctx, &l, `DELETE FROM sso_logins WHERE state_hash = $1
		RETURNING organisation_id, browser_hash, nonce, verifier, back,
		          created_at > now() - make_interval(secs => $2) AS fresh`, stateHash, loginLifetime.Seconds())
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &l, nil
}

// Identity is who the provider says signed in.
type Identity struct {
	Issuer  string
	Subject string
	Email   string
	Name    string
	Manager *bool    // nil: no manager claim is configured, the role stays
	Teams   []string // team names from the team claim
}

// Outcome is what signing in did to the account.
type Outcome struct {
	UserID  int64
	Created bool
	Linked  bool
}

// ErrOtherOrganisation is returned when the address belongs to an account
// outside the organisation of the provider: it is never linked.
var ErrOtherOrganisation = errors.New("sso: the address belongs to an account of another organisation")

// ErrInactive is returned for a deactivated account.
var ErrInactive = errors.New("sso: the account is deactivated")

// SignIn finds the account of an identity in an organisation — by its
// subject, else by its address in the same organisation (linking it) — or
// creates it, then applies the role and teams of the claims and records the
// login, in one transaction.
func (s *Store) SignIn(ctx context.Context, orgID int64, id Identity) (Outcome, error) {
	var out Outcome
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		out = Outcome{}
		type account struct {
			ID     int64  `db:"id"`
			OrgID  *int64 `db:"organisation_id"`
			Role   string `db:"role"`
			Active bool   `db:"active"`
		}
		var acc account
		err := tx.GetContext(ctx, &acc, `SELECT u.id, u.organisation_id, u.role, u.active
			FROM sso_identities i JOIN users u ON u.id = i.user_id
			WHERE i.issuer = $1 AND i.subject = $2 AND i.organisation_id = $3 AND u.deleted_at IS NULL
			FOR UPDATE OF u`, id.Issuer, id.Subject, orgID)
		if err = database.NotFound(err); errors.Is(err, database.ErrNotFound) {
			err = tx.GetContext(ctx, &acc, `SELECT id, organisation_id, role, active FROM users
				WHERE lower(email) = lower($1) AND deleted_at IS NULL FOR UPDATE`, id.Email)
			switch err = database.NotFound(err); {
			case errors.Is(err, database.ErrNotFound):
				role := "learner"
				if id.Manager != nil && *id.Manager {
					role = "manager"
				}
				// ON CONFLICT: two first logins at once make one account.
				err = tx.GetContext(ctx, &acc.ID, `INSERT INTO users (organisation_id, email, full_name, role)
					VALUES ($1, $2, $3, $4)
					ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
					orgID, id.Email, id.Name, role)
				if err = database.NotFound(err); errors.Is(err, database.ErrNotFound) {
					return errRetry
				}
				if err != nil {
					return fmt.Errorf("sso: create account: %w", err)
				}
				acc.OrgID, acc.Role, acc.Active = &orgID, role, true
				out.Created = true
			case err != nil:
				return fmt.Errorf("sso: find account: %w", err)
			default:
				out.Linked = true
			}
			if out.Linked && acc.OrgID != nil && *acc.OrgID == orgID {
				if err := acceptInvitations(ctx, tx, acc.ID, id.Name); err != nil {
					return err
				}
			}
			if acc.OrgID == nil || *acc.OrgID != orgID {
				return ErrOtherOrganisation
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO sso_identities (issuer, subject, organisation_id, user_id)
				VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO UPDATE SET user_id = excluded.user_id,
				organisation_id = excluded.organisation_id, created_at = now()`, id.Issuer, id.Subject, orgID, acc.ID)
			if err != nil {
				return fmt.Errorf("sso: link account %d: %w", acc.ID, err)
			}
		} else if err != nil {
			return fmt.Errorf("sso: find identity: %w", err)
		}
		if acc.OrgID == nil || *acc.OrgID != orgID {
			return ErrOtherOrganisation
		}
		if !acc.Active {
			return ErrInactive
		}
		out.UserID = acc.ID
		// The claim decides between learner and manager at every login;
		// trainers and admins keep their role.
		if id.Manager != nil && (acc.Role == "learner" || acc.Role == "manager") {
			role := "learner"
			if *id.Manager {
				role = "manager"
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $2 WHERE id = $1 AND role <> $2`, acc.ID, role); err != nil {
				return fmt.Errorf("sso: set role of %d: %w", acc.ID, err)
			}
		}
		if len(id.Teams) > 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id)
				SELECT t.id, $2 FROM teams t WHERE t.organisation_id = $1 AND lower(t.name) = ANY($3)
				ON CONFLICT DO NOTHING`, orgID, acc.ID, pq.Array(lowerAll(id.Teams)))
			if err != nil {
				return fmt.Errorf("sso: teams of %d: %w", acc.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sso_providers SET last_login_at = now() WHERE organisation_id = $1`, orgID); err != nil {
			return fmt.Errorf("sso: record login of %d: %w", orgID, err)
		}
		return nil
	})
	if errors.Is(err, errRetry) {
		return s.SignIn(ctx, orgID, id) // the concurrent first login has committed its account
	}
	return out, err
}

var errRetry = errors.New("sso: retry")

// acceptInvitations completes what accepting an invitation would have done
// for a person who signs in through their provider instead of following
// the invitation's link: the name (an invitation leaves it empty), the
// team of the invitation, and the invitation used up.
func acceptInvitations(ctx context.Context, tx *sqlx.Tx, userID int64, name string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET full_name = $2 WHERE id = $1 AND full_name = ''`, userID, name); err != nil {
		return fmt.Errorf("sso: name of %d: %w", userID, err)
	}
	_, err := tx.ExecContext(ctx, `
		WITH used AS (
			UPDATE invitations SET used_at = now()
			WHERE user_id = $1 AND used_at IS NULL AND expires_at > now() RETURNING team_id
		)
		INSERT INTO team_members (team_id, user_id)
		SELECT team_id, $1 FROM used WHERE team_id IS NOT NULL ON CONFLICT DO NOTHING`, userID)
	if err != nil {
		return fmt.Errorf("sso: invitations of %d: %w", userID, err)
	}
	return nil
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}

// SaveLogout keeps the ID token of an SSO login for RP-initiated logout.
func (s *Store) SaveLogout(ctx context.Context, ticketHash []byte, orgID int64, idToken string, lifetime time.Duration) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sso_logouts WHERE expires_at < now()`); err != nil {
		return fmt.Errorf("sso: forget old logouts: %w", err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sso_logouts (ticket_hash, organisation_id, id_token, expires_at)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, ticketHash, orgID, idToken, lifetime.Seconds())
	if err != nil {
		return fmt.Errorf("sso: save logout: %w", err)
	}
	return nil
}

// TakeLogout returns and deletes the logout ticket's organisation and ID
// token.
func (s *Store) TakeLogout(ctx context.Context, ticketHash []byte) (orgID int64, idToken string, err error) {
	var r struct {
		OrgID   int64  `db:"organisation_id"`
		IDToken string `db:"id_token"`
	}
	err = s.db.GetContext(ctx, &r, `DELETE FROM sso_logouts WHERE ticket_hash = $1 AND expires_at > now()
		RETURNING organisation_id, id_token`, ticketHash)
	if err != nil {
		return 0, "", database.NotFound(err)
	}
	return r.OrgID, r.IDToken, nil
}

// OrganisationName returns an organisation's name, or ErrNotFound.
func (s *Store) OrganisationName(ctx context.Context, orgID int64) (string, error) {
	var name string
	if err := s.db.GetContext(ctx, &name, `SELECT name FROM organisations WHERE id = $1`, orgID); err != nil {
		return "", database.NotFound(err)
	}
	return name, nil
}

// OrganisationID finds an organisation by name, case-insensitively, or
// ErrNotFound.
func (s *Store) OrganisationID(ctx context.Context, name string) (int64, error) {
	var id int64
	if err := s.db.GetContext(ctx, &id, `SELECT id FROM organisations WHERE lower(name) = lower($1)`, strings.TrimSpace(name)); err != nil {
		return 0, database.NotFound(err)
	}
	return id, nil
}

// CreateOrganisation adds an organisation for `nabij org sso` and returns
// its id.
func (s *Store) CreateOrganisation(ctx context.Context, name string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `
		WITH ins AS (INSERT INTO organisations (name) VALUES ($1) ON CONFLICT (lower(name)) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM organisations WHERE lower(name) = lower($1) LIMIT 1`,
		strings.Join(strings.Fields(name), " "))
	if err != nil {
		return 0, fmt.Errorf("sso: create organisation %q: %w", name, err)
	}
	return id, nil
}
