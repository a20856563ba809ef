package assignment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/jobs"
	"nabij.be/leerplatform/internal/mail"
	"nabij.be/leerplatform/internal/web"
)

// Assignments is the capability: its store, the mail it queues and the
// pages it serves.
type Assignments struct {
	db      *sqlx.DB
	store   *Store
	mail    mail.Sender
	queue   *jobs.Queue
	render  *web.Renderer // nil on the command line
	baseURL string
	key     []byte // signs unsubscribe links
	log     *slog.Logger
	now     func() time.Time
}

// New returns the capability. It needs a queue (UseQueue) before it queues
// reminders.
func New(ctx context.Context, db *sqlx.DB, render *web.Renderer, sender mail.Sender, baseURL string, log *slog.Logger) (*Assignments, error) {
	key, err := database.Secret(ctx, db, "unsubscribe")
	if err != nil {
		return nil, err
	}
	return &Assignments{db: db, store: NewStore(db), mail: sender, render: render, baseURL: baseURL, key: key, log: log, now: time.Now}, nil
}

// Store is the capability's SQL, for the command line and other capabilities.
func (a *Assignments) Store() *Store { return a.store }

// UseQueue sets the queue reminders go through.
func (a *Assignments) UseQueue(q *jobs.Queue) { a.queue = q }

// UseClock replaces the clock (tests move time on).
func (a *Assignments) UseClock(now func() time.Time) { a.now = now }

// AddWorkers registers the capability's jobs with the queue's workers.
func (a *Assignments) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &remindWorker{a: a})
	river.AddWorker(w, &remindersWorker{a: a})
	river.AddWorker(w, &digestWorker{a: a})
}

// Periodic is the capability's recurring work: the reminders every quarter
// of an hour (a reminder leaves at most that long after its hour) and the
// weekly digests, whose job finds on its own whether this week's went out.
func (a *Assignments) Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return RemindersArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return DigestsArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// reminderMail writes the reminder in the person's language.
func (a *Assignments) reminderMail(ctx context.Context, tx *sqlx.Tx, args RemindArgs, moduleIDs []int64) (mail.Message, error) {
	var p struct {
		Email string `db:"email"`
		Name  string `db:"full_name"`
		Lang  string `db:"lang"`
	}
	if err := tx.GetContext(ctx, &p, `SELECT email, full_name, lang FROM users WHERE id = $1`, args.UserID); err != nil {
		return mail.Message{}, fmt.Errorf("assignment: reminder for %d: %w", args.UserID, err)
	}
	var mods []struct {
		Slug  string `db:"slug"`
		Title string `db:"title"`
	}
	if err := tx.SelectContext(ctx, &mods, `SELECT slug, title FROM modules WHERE id = ANY($1) ORDER BY position`, moduleIDsArray(moduleIDs)); err != nil {
		return mail.Message{}, fmt.Errorf("assignment: reminder modules: %w", err)
	}
	due, _ := time.Parse(time.DateOnly, args.DueOn)
	lang := p.Lang
	day := FormatDate(lang, due)
	titles := make([]string, len(mods))
	var list strings.Builder
	for i, m := range mods {
		titles[i] = m.Title
		fmt.Fprintf(&list, "- %s\n  %s/modules/%s\n", m.Title, a.baseURL, m.Slug)
	}
	subjectKey := "assignment.mail.subject.before"
	intro := i18n.T(lang, "assignment.mail.intro.before", day, args.DaysBefore)
	switch args.DaysBefore {
	case 0:
		subjectKey = "assignment.mail.subject.today"
		intro = i18n.T(lang, "assignment.mail.intro.today", day)
	case 1:
		intro = i18n.T(lang, "assignment.mail.intro.tomorrow", day)
	}
	unsub := a.UnsubscribeURL(args.UserID, KindReminders)
	body := i18n.T(lang, "assignment.mail.greeting", p.Name) + "\n\n" + intro + "\n\n" + list.String() + "\n" +
		i18n.T(lang, "assignment.mail.dashboard") + "\n\n" + a.baseURL + "/mijn-leertraject\n\n" +
		i18n.T(lang, "assignment.mail.unsubscribe") + "\n\n" + unsub
	return mail.Message{
		To: p.Email, Lang: lang, Unsubscribe: unsub,
		Subject: i18n.T(lang, subjectKey, strings.Join(titles, ", "), day),
		Body:    body,
	}, nil
}

// Kinds of optional mail a person can turn off.
const (
	KindReminders = "herinneringen"
	KindDigest    = "overzicht"
)

// UnsubscribeURL is the signed one-click link that turns kind off for
// userID. It holds no secret of the person: only who and what, signed.
func (a *Assignments) UnsubscribeURL(userID int64, kind string) string {
	payload := strconv.FormatInt(userID, 10) + "." + kind
	return a.baseURL + "/uitschrijven/" + payload + "." + a.sign(payload)
}

func (a *Assignments) sign(payload string) string {
	h := hmac.New(sha256.New, a.key)
	h.Write([]byte("unsubscribe\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// parseUnsubscribe checks a token from UnsubscribeURL; ok is false for a
// forged or damaged one.
func (a *Assignments) parseUnsubscribe(token string) (userID int64, kind string, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || (parts[1] != KindReminders && parts[1] != KindDigest) {
		return 0, "", false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	want := a.sign(parts[0] + "." + parts[1])
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return 0, "", false
	}
	return id, parts[1], true
}

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// FormatDate writes a due date for people: "31 maart 2027", "31 March 2027".
func FormatDate(lang string, d time.Time) string {
	if lang == "en" {
		return d.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", d.Day(), monthsNL[d.Month()-1], d.Year())
}

// DueDates implements learning.DueDates: the due date of every module
// userID must complete.
func (a *Assignments) DueDates(ctx context.Context, userID, orgID int64) (map[int64]time.Time, error) {
	rs, err := a.store.ForUser(ctx, userID, orgID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]time.Time, len(rs))
	for id, r := range rs {
		out[id] = r.DueOn
	}
	return out, nil
}

// DueCells implements report.DueSource.
func (a *Assignments) DueCells(ctx context.Context, orgID int64, userIDs []int64) (map[[2]int64]time.Time, error) {
	var rs []struct {
		UserID   int64     `db:"user_id"`
		ModuleID int64     `db:"module_id"`
		DueOn    time.Time `db:"due_on"`
	}
	if err := a.db.SelectContext(ctx, &rs, dueCTE+`
		SELECT user_id, module_id, due_on FROM due WHERE completed_at IS NULL AND user_id = ANY($3)`,
		orgID, 0, moduleIDsArray(userIDs)); err != nil {
		return nil, fmt.Errorf("assignment: due cells of organisation %d: %w", orgID, err)
	}
	out := make(map[[2]int64]time.Time, len(rs))
	for _, r := range rs {
		out[[2]int64{r.UserID, r.ModuleID}] = r.DueOn
	}
	return out, nil
}

// LateUserIDs implements report.DueSource.
func (a *Assignments) LateUserIDs(ctx context.Context, orgID, moduleID int64) ([]int64, error) {
	ids := []int64{}
	if err := a.db.SelectContext(ctx, &ids, dueCTE+`
		SELECT DISTINCT user_id FROM due
		WHERE completed_at IS NULL AND due_on < $3::date AND ($4::bigint = 0 OR module_id = $4)`,
		orgID, 0, Today(a.now()).Format(time.DateOnly), moduleID); err != nil {
		return nil, fmt.Errorf("assignment: late people of organisation %d: %w", orgID, err)
	}
	return ids, nil
}
