package org

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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
	Detail  string // more about a refusal, in the manager's language ("" when none)
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
	// checkName explains in Dutch why a name cannot be used ("" when it
	// can): the profile's rules, so an invited name is one the person
	// could have typed themselves.
	checkName func(lang, name string) string
}

// Invite invites each row into orgID (and teamID when not 0), in one
// transaction with the mails: the request only queues them, so a batch of
// 500 answers at once. lang is the manager's, for the report. A bad row is reported and the good ones still go
// through.
//
// An address that belongs elsewhere (a member of another organisation, a
// trainer or an admin) gets no invitation and a line that names neither;
// an address invited by another organisation but not yet accepted can be
// invited here too (an invitation does not claim the address), and the
// person joins whichever organisation's invitation they accept.
func (in *Inviter) Invite(ctx context.Context, lang string, orgID, teamID, invitedBy int64, orgName string, rows []InviteRow) ([]RowResult, error) {
	results := make([]RowResult, len(rows))
	var todo []int
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
		case row.Name != "" && in.checkName != nil && in.checkName(lang, row.Name) != "":
			res.Message = "org.invite.row.name_invalid"
			res.Detail = in.checkName(lang, row.Name)
		default:
			seen[key] = true
			todo = append(todo, i)
		}
		results[i] = res
	}
	// In address order: two batches at once lock the same people's rows in
	// the same order, so they wait for each other instead of deadlocking.
	sort.Slice(todo, func(a, b int) bool {
		return strings.ToLower(rows[todo[a]].Email) < strings.ToLower(rows[todo[b]].Email)
	})
	err := database.WithTx(ctx, in.db, func(tx *sqlx.Tx) error {
		return in.inviteAll(ctx, tx, orgID, teamID, invitedBy, orgName, rows, todo, results)
	})
	if err != nil {
		return nil, fmt.Errorf("org: invite: %w", err)
	}
	return results, nil
}

// inviteAll invites rows[todo] (sorted by address) and fills in their
// results. It takes a handful of statements however many rows there are.
func (in *Inviter) inviteAll(ctx context.Context, tx *sqlx.Tx, orgID, teamID, invitedBy int64, orgName string, rows []InviteRow, todo []int, results []RowResult) error {
	emails := make([]string, len(todo))
	for k, i := range todo {
		emails[k] = strings.ToLower(rows[i].Email)
	}
	var existing []struct {
		ID      int64  `db:"id"`
		Email   string `db:"email"`
		OrgID   *int64 `db:"organisation_id"`
		Role    string `db:"role"`
		Pending bool   `db:"pending"`
	}
	if err := tx.SelectContext(ctx, &existing, `
		SELECT id, lower(email) AS email, organisation_id, role, password_hash IS NULL AS pending
		FROM users WHERE lower(email) = ANY($1) AND deleted_at IS NULL
		ORDER BY lower(email) FOR UPDATE`, pq.Array(emails)); err != nil {
		return err
	}
	userIDs := map[string]int64{}
	var again []int64                // invited before, not accepted yet
	var newEmails, newNames []string // no account yet
	for _, e := range existing {
		switch {
		case e.OrgID != nil && *e.OrgID == orgID && !e.Pending:
			userIDs[e.Email] = -1 // a member
		case e.OrgID == nil || e.Role == "trainer" || e.Role == "admin" || !e.Pending:
			userIDs[e.Email] = 0 // a platform role or someone else's member
		default:
			userIDs[e.Email] = e.ID
			again = append(again, e.ID)
		}
	}
	for _, i := range todo {
		if _, ok := userIDs[strings.ToLower(rows[i].Email)]; !ok {
			newEmails = append(newEmails, rows[i].Email)
			newNames = append(newNames, rows[i].Name)
		}
	}
	if len(newEmails) > 0 {
		var created []struct {
			ID    int64  `db:"id"`
			Email string `db:"email"`
		}
		// An address created by someone else meanwhile is skipped here and
		// counts as belonging elsewhere.
		if err := tx.SelectContext(ctx, &created, `
			INSERT INTO users (organisation_id, email, full_name, role)
			SELECT $1, e, n, 'learner' FROM unnest($2::text[], $3::text[]) AS t (e, n) ORDER BY lower(e)
			ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO NOTHING
			RETURNING id, lower(email) AS email`, orgID, pq.Array(newEmails), pq.Array(newNames)); err != nil {
			return err
		}
		for _, e := range newEmails {
			userIDs[strings.ToLower(e)] = 0
		}
		for _, c := range created {
			userIDs[c.Email] = c.ID
		}
	}
	// A new invitation replaces this organisation's earlier ones to the
	// same person, and leaves another organisation's alone.
	if len(again) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE invitations i SET used_at = now()
			FROM users u WHERE u.id = i.user_id AND i.user_id = ANY($1) AND i.used_at IS NULL
			  AND coalesce(i.organisation_id, u.organisation_id) = $2`, pq.Array(again), orgID); err != nil {
			return err
		}
	}
	var hashes [][]byte
	var invited []int64
	var mails []mail.Message
	for _, i := range todo {
		switch id := userIDs[strings.ToLower(rows[i].Email)]; {
		case id == -1:
			results[i].Message = "org.invite.row.member"
		case id == 0:
			// No mail, and a line that says neither where nor what.
			results[i].Message = "org.invite.row.elsewhere"
		default:
			token, hash := auth.NewToken()
			hashes, invited = append(hashes, hash), append(invited, id)
			results[i].OK, results[i].Message = true, "org.invite.row.sent"
			// In the organisation's language, which is Dutch (the person
			// picks theirs after accepting).
			link := in.baseURL + "/uitnodiging/" + token
			mails = append(mails, mail.Message{
				To:      rows[i].Email,
				Subject: i18n.T("nl", "org.invite.mail.subject", orgName),
				Body:    i18n.T("nl", "org.invite.mail.body", orgName, link),
				Lang:    "nl",
			})
		}
	}
	if len(invited) == 0 {
		return nil
	}
	var team *int64
	if teamID != 0 {
		team = &teamID
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO invitations (token_hash, user_id, organisation_id, team_id, invited_by, expires_at)
		SELECT h, u, $3, $4, $5, now() + make_interval(secs => $6)
		FROM unnest($1::bytea[], $2::bigint[]) AS t (h, u)`,
		pq.ByteaArray(hashes), pq.Array(invited), orgID, team, invitedBy, InvitationValidity.Seconds()); err != nil {
		return err
	}
	return in.mail.Queue(ctx, tx, mails...)
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
		FROM invitations i JOIN users u ON u.id = i.user_id
		JOIN organisations o ON o.id = coalesce(i.organisation_id, u.organisation_id)
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
			OrgID  *int64 `db:"organisation_id"`
			TeamID *int64 `db:"team_id"`
		}
		if err := tx.GetContext(ctx, &inv, `UPDATE invitations SET used_at = now()
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id, organisation_id, team_id`,
			auth.HashToken(token)); err != nil {
			return database.NotFound(err)
		}
		userID = inv.UserID
		// The person joins the organisation whose invitation they accept
		// (another one may have invited them too).
		res, err := tx.ExecContext(ctx, `UPDATE users SET full_name = $2, password_hash = $3,
				organisation_id = coalesce($4, organisation_id)
			WHERE id = $1 AND password_hash IS NULL AND deleted_at IS NULL AND active`, userID, name, hash, inv.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return database.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_members m USING teams t, users u
			WHERE m.team_id = t.id AND m.user_id = u.id AND u.id = $1 AND t.organisation_id <> u.organisation_id`, userID); err != nil {
			return err
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
