package org

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/mail"
)

// InvitationValidity is how long an invitation link works.
const InvitationValidity = 14 * 24 * time.Hour

// MaxInviteRows bounds one invitation batch.
const MaxInviteRows = 500

// InviteRow is one line of a paste or CSV upload.
type InviteRow struct {
	Line  int
	Email string
	Name  string
	// Problem is an i18n key when the row cannot be used ("" when fine).
	Problem string
}

// RowResult is what happened to one row.
type RowResult struct {
	Line    int
	Email   string
	OK      bool
	Message string // i18n key
}

// ParsePasted reads e-mail addresses separated by new lines, commas,
// semicolons or spaces, also as Outlook copies them with names:
// `Jan Peeters <jan.peeters@…>; "Vermeulen, An" <an.vermeulen@…>`
// (net/mail parses each such entry, a comma inside quotes included).
func ParsePasted(text string) []InviteRow {
	var rows []InviteRow
	for i, line := range strings.Split(text, "\n") {
		for _, entry := range splitUnquoted(line) {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			if strings.ContainsAny(entry, "<\"") {
				row := InviteRow{Line: i + 1, Email: entry}
				if a, err := netmail.ParseAddress(entry); err == nil {
					row.Email, row.Name = a.Address, auth.CleanName(a.Name)
				}
				rows = append(rows, row)
				continue
			}
			for _, f := range strings.Fields(entry) {
				rows = append(rows, InviteRow{Line: i + 1, Email: f})
			}
		}
	}
	return rows
}

// splitUnquoted splits s at commas and semicolons outside double quotes.
func splitUnquoted(s string) []string {
	var parts []string
	quoted, start := false, 0
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';'):
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// ParseCSV reads an upload with the e-mail address in the first column and
// optionally the full name in the second, separated by commas or (as Excel
// writes in Belgium) semicolons. A header row is skipped. A line that is not
// valid CSV becomes a row with a problem; the others still count.
func ParseCSV(r io.Reader) []InviteRow {
	data, err := io.ReadAll(io.LimitReader(r, 2<<20))
	if err != nil {
		return []InviteRow{{Line: 1, Problem: "org.invite.row.unreadable"}}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []InviteRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rows = append(rows, InviteRow{Line: pe.StartLine, Problem: "org.invite.row.unreadable"})
			if len(rows) > MaxInviteRows {
				break
			}
			continue
		}
		if err != nil || len(rec) == 0 {
			rows = append(rows, InviteRow{Line: len(rows) + 1, Problem: "org.invite.row.unreadable"})
			break
		}
		line, _ := cr.FieldPos(0)
		email := strings.TrimSpace(rec[0])
		if email == "" && (len(rec) == 1 || strings.Join(rec, "") == "") {
			continue // blank line
		}
		if len(rows) == 0 && isHeader(email) {
			continue
		}
		row := InviteRow{Line: line, Email: email}
		if len(rec) > 1 {
			row.Name = auth.CleanName(rec[1])
		}
		rows = append(rows, row)
	}
	return rows
}

func isHeader(cell string) bool {
	switch strings.ToLower(strings.TrimSpace(cell)) {
	case "email", "e-mail", "e-mailadres", "emailadres", "mail", "adres":
		return true
	}
	return false
}

// Inviter sends invitations into an organisation.
type Inviter struct {
	db      *sqlx.DB
	mail    mail.Sender
	baseURL string
}

// Invite invites each row into orgID (and teamID when not 0). Rows are
// handled one by one: a bad row is reported and the good ones still go
// through.
func (in *Inviter) Invite(ctx context.Context, orgID, teamID, invitedBy int64, orgName string, rows []InviteRow) ([]RowResult, error) {
	var results []RowResult
	seen := map[string]bool{}
	for i, row := range rows {
		res := RowResult{Line: row.Line, Email: row.Email}
		key := strings.ToLower(row.Email)
		switch {
		case i >= MaxInviteRows:
			res.Message = "org.invite.row.too_many"
		case row.Problem != "":
			res.Message = row.Problem
		case !auth.ValidEmail(row.Email):
			res.Message = "org.invite.row.invalid"
		case seen[key]:
			res.Message = "org.invite.row.duplicate"
		default:
			seen[key] = true
			msg, err := in.inviteOne(ctx, orgID, teamID, invitedBy, orgName, row)
			if err != nil {
				return results, err
			}
			res.OK, res.Message = msg == "org.invite.row.sent", msg
		}
		results = append(results, res)
	}
	return results, nil
}

func (in *Inviter) inviteOne(ctx context.Context, orgID, teamID, invitedBy int64, orgName string, row InviteRow) (string, error) {
	token, hash := auth.NewToken()
	msg := "org.invite.row.sent"
	err := database.WithTx(ctx, in.db, func(tx *sqlx.Tx) error {
		var existing struct {
			ID      int64  `db:"id"`
			OrgID   *int64 `db:"organisation_id"`
			Pending bool   `db:"pending"`
		}
		err := tx.GetContext(ctx, &existing, `SELECT id, organisation_id, password_hash IS NULL AS pending
			FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL FOR UPDATE`, row.Email)
		var userID int64
		switch {
		case errors.Is(database.NotFound(err), database.ErrNotFound):
			if err := tx.GetContext(ctx, &userID, `
				INSERT INTO users (organisation_id, email, full_name, role) VALUES ($1, $2, $3, 'learner')
				ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
				orgID, row.Email, row.Name); err != nil {
				if errors.Is(database.NotFound(err), database.ErrNotFound) {
					msg = "org.invite.row.other_org" // created concurrently elsewhere
					return nil
				}
				return err
			}
		case err != nil:
			return err
		case existing.OrgID == nil || *existing.OrgID != orgID:
			msg = "org.invite.row.other_org"
			return nil
		case !existing.Pending:
			msg = "org.invite.row.member"
			return nil
		default:
			userID = existing.ID
			// A new invitation replaces the earlier ones.
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
				return err
			}
		}
		var team *int64
		if teamID != 0 {
			team = &teamID
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO invitations (token_hash, user_id, team_id, invited_by, expires_at)
			VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
			hash, userID, team, invitedBy, InvitationValidity.Seconds())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("org: invite %s: %w", row.Email, err)
	}
	if msg != "org.invite.row.sent" {
		return msg, nil
	}
	link := in.baseURL + "/uitnodiging/" + token
	if err := in.mail.Send(ctx, mail.Message{
		To:      row.Email,
		Subject: i18n.T("nl", "org.invite.mail.subject", orgName),
		Body:    i18n.T("nl", "org.invite.mail.body", orgName, link),
	}); err != nil {
		return "org.invite.row.mail_failed", nil
	}
	return msg, nil
}

// pendingInvitation is a valid invitation, found by its token.
type pendingInvitation struct {
	UserID  int64  `db:"user_id"`
	Email   string `db:"email"`
	Name    string `db:"full_name"`
	OrgName string `db:"organisation_name"`
}

func (in *Inviter) find(ctx context.Context, token string) (*pendingInvitation, error) {
	var p pendingInvitation
	err := in.db.GetContext(ctx, &p, `
		SELECT u.id AS user_id, u.email, u.full_name, o.name AS organisation_name
		FROM invitations i JOIN users u ON u.id = i.user_id JOIN organisations o ON o.id = u.organisation_id
		WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > now()
		  AND u.deleted_at IS NULL AND u.active AND u.password_hash IS NULL`, auth.HashToken(token))
	if err != nil {
		return nil, database.NotFound(err)
	}
	return &p, nil
}

// accept uses up the invitation and sets the person's name and password,
// in one transaction. It returns the user's id.
func (in *Inviter) accept(ctx context.Context, token, name, password string) (int64, error) {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, err
	}
	var userID int64
	err = database.WithTx(ctx, in.db, func(tx *sqlx.Tx) error {
		var inv struct {
			UserID int64  `db:"user_id"`
			TeamID *int64 `db:"team_id"`
		}
		if err := tx.GetContext(ctx, &inv, `UPDATE invitations SET used_at = now()
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id, team_id`,
			auth.HashToken(token)); err != nil {
			return database.NotFound(err)
		}
		userID = inv.UserID
		res, err := tx.ExecContext(ctx, `UPDATE users SET full_name = $2, password_hash = $3
			WHERE id = $1 AND password_hash IS NULL AND deleted_at IS NULL AND active`, userID, name, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return database.ErrNotFound
		}
		if inv.TeamID != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id)
				SELECT t.id, u.id FROM teams t JOIN users u ON u.organisation_id = t.organisation_id
				WHERE t.id = $1 AND u.id = $2 ON CONFLICT DO NOTHING`, *inv.TeamID, userID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE invitations SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID)
		return err
	})
	return userID, err
}
