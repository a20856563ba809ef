// Package quiz serves the end-of-module quizzes: attempts with a shuffled
// option order stored per attempt, server-side grading, the review of a
// submitted attempt and the attempt history. Submitting an attempt updates
// the learner's progress through the learning capability, in the same
// transaction.
package quiz

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/learning"
)

var (
	// ErrNoQuestions means the module has no quiz yet.
	ErrNoQuestions = errors.New("quiz: module has no questions")
	// ErrTampered means a submission refers to options or attempts that a
	// genuine form cannot produce.
	ErrTampered = errors.New("quiz: submission does not match the attempt")
	// ErrSubmitted means the attempt was already submitted; the first
	// submission stands.
	ErrSubmitted = errors.New("quiz: attempt already submitted")
)

// MissingAnswers lists the questions left unanswered in a submission.
type MissingAnswers struct{ Questions []int64 }

func (e *MissingAnswers) Error() string {
	return fmt.Sprintf("quiz: %d questions unanswered", len(e.Questions))
}

// Module is the module a quiz belongs to.
type Module struct {
	ID       int64  `db:"id"`
	Slug     string `db:"slug"`
	Title    string `db:"title"`
	Position int    `db:"position"`
	PassMark int    `db:"pass_mark"`
}

// Layout is the order of questions and options of one attempt, stored in
// quiz_attempts.layout.
type Layout struct {
	Questions []LayoutQuestion `json:"questions"`
}

// LayoutQuestion is one question of an attempt with its option order and,
// since migration 070, the question as its learner was shown it: the
// attempt is shown and graded against this copy, whatever a trainer
// publishes while it is open.
type LayoutQuestion struct {
	ID      int64          `json:"id"`
	Options []int64        `json:"options"`
	Kind    string         `json:"kind,omitempty"`
	Text    string         `json:"text,omitempty"`
	Shown   []LayoutOption `json:"shown,omitempty"`
}

// LayoutOption is an option as shown in an attempt, with its answer key.
// The layout stays on the server; the quiz page never carries it.
type LayoutOption struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Text        string `json:"text"`
	Correct     bool   `json:"correct"`
	Explanation string `json:"explanation"`
}

// Attempt is one quiz attempt of a learner.
type Attempt struct {
	ID            int64      `db:"id"`
	UserID        int64      `db:"user_id"`
	ModuleID      int64      `db:"module_id"`
	Seq           int        `db:"seq"`
	LayoutJSON    []byte     `db:"layout"`
	StartedAt     time.Time  `db:"started_at"`
	SubmittedAt   *time.Time `db:"submitted_at"`
	CorrectCount  *int       `db:"correct_count"`
	QuestionCount *int       `db:"question_count"`
	Score         *int       `db:"score"`
	Passed        *bool      `db:"passed"`
	KeptJSON      []byte     `db:"kept"`
}

// Kept returns the answers kept so far in an open attempt: question id →
// chosen option ids.
func (a *Attempt) Kept() (map[int64][]int64, error) {
	kept := map[int64][]int64{}
	if len(a.KeptJSON) == 0 {
		return kept, nil
	}
	if err := json.Unmarshal(a.KeptJSON, &kept); err != nil {
		return nil, fmt.Errorf("quiz: kept answers of attempt %d: %w", a.ID, err)
	}
	return kept, nil
}

// Layout decodes the attempt's stored layout.
func (a *Attempt) Layout() (Layout, error) {
	var l Layout
	if err := json.Unmarshal(a.LayoutJSON, &l); err != nil {
		return l, fmt.Errorf("quiz: layout of attempt %d: %w", a.ID, err)
	}
	return l, nil
}

// question and option rows as stored. The answer key (Correct,
// Explanation) stays in the store and the review; the form never gets it.
type question struct {
	ID       int64  `db:"id"`
	Position int    `db:"position"`
	Kind     string `db:"kind"`
	Text     string `db:"text"`
}

type option struct {
	ID          int64  `db:"id"`
	QuestionID  int64  `db:"question_id"`
	Key         string `db:"key"`
	Text        string `db:"text"`
	Correct     bool   `db:"correct"`
	Explanation string `db:"explanation"`
}

// Store reads and writes quiz attempts.
type Store struct {
	db       *sqlx.DB
	learning *learning.Store
}

// NewStore returns a store on db that records progress through progress.
func NewStore(db *sqlx.DB, progress *learning.Store) *Store {
	return &Store{db: db, learning: progress}
}

// Module returns the module with slug.
func (s *Store) Module(ctx context.Context, slug string) (*Module, error) {
	var m Module
	err := s.db.GetContext(ctx, &m, `SELECT id, slug, title, position, pass_mark FROM modules WHERE slug = $1`, slug)
	if err != nil {
		return nil, fmt.Errorf("quiz: module %q: %w", slug, database.NotFound(err))
	}
	return &m, nil
}

const attemptColumns = `a.id, a.user_id, a.module_id, a.seq, a.layout, a.started_at, a.submitted_at,
	a.correct_count, a.question_count, a.score, a.passed, a.kept`

// tenancy limits attempts to the learner $2 of organisation $3.
const tenancy = `a.user_id = $2 AND EXISTS (
	SELECT 1 FROM users u WHERE u.id = a.user_id AND COALESCE(u.organisation_id, 0) = $3 AND u.deleted_at IS NULL)`

// OpenAttempt returns the learner's attempt in progress in a module, or
// database.ErrNotFound.
func (s *Store) OpenAttempt(ctx context.Context, userID, orgID, moduleID int64) (*Attempt, error) {
	var a Attempt
	err := s.db.GetContext(ctx, &a, `SELECT `+attemptColumns+` FROM quiz_attempts a
		WHERE a.module_id = $1 AND `+tenancy+` AND a.submitted_at IS NULL`, moduleID, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("quiz: open attempt of user %d in module %d: %w", userID, moduleID, database.NotFound(err))
	}
	return &a, nil
}

// AttemptBySeq returns the learner's attempt number seq in a module.
func (s *Store) AttemptBySeq(ctx context.Context, userID, orgID, moduleID int64, seq int) (*Attempt, error) {
	var a Attempt
	err := s.db.GetContext(ctx, &a, `SELECT `+attemptColumns+` FROM quiz_attempts a
		WHERE a.module_id = $1 AND `+tenancy+` AND a.seq = $4`, moduleID, userID, orgID, seq)
	if err != nil {
		return nil, fmt.Errorf("quiz: attempt %d of user %d in module %d: %w", seq, userID, moduleID, database.NotFound(err))
	}
	return &a, nil
}

// History lists the learner's submitted attempts in a module, newest first.
func (s *Store) History(ctx context.Context, userID, orgID, moduleID int64) ([]Attempt, error) {
	var as []Attempt
	err := s.db.SelectContext(ctx, &as, `SELECT `+attemptColumns+` FROM quiz_attempts a
		WHERE a.module_id = $1 AND `+tenancy+` AND a.submitted_at IS NOT NULL
		ORDER BY a.seq DESC`, moduleID, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("quiz: attempts of user %d in module %d: %w", userID, moduleID, err)
	}
	return as, nil
}

// BestScore returns the learner's best score in a module, nil before any
// submitted attempt.
func (s *Store) BestScore(ctx context.Context, userID, orgID, moduleID int64) (*int, error) {
	var best *int
	err := s.db.GetContext(ctx, &best, `SELECT max(a.score) FROM quiz_attempts a
		WHERE a.module_id = $1 AND `+tenancy+` AND a.submitted_at IS NOT NULL`, moduleID, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("quiz: best score of user %d in module %d: %w", userID, moduleID, err)
	}
	return best, nil
}

func (s *Store) questions(ctx context.Context, q sqlx.QueryerContext, moduleID int64) ([]question, map[int64][]option, error) {
	var qs []question
	if err := sqlx.SelectContext(ctx, q, &qs, `SELECT id, position, kind, text FROM questions WHERE module_id = $1 ORDER BY position`, moduleID); err != nil {
		return nil, nil, fmt.Errorf("quiz: questions of module %d: %w", moduleID, err)
	}
	var os []option
	err := sqlx.SelectContext(ctx, q, &os, `
		SELECT o.id, o.question_id, o.key, o.text, o.correct, o.explanation
		FROM options o JOIN questions q ON q.id = o.question_id
		WHERE q.module_id = $1 ORDER BY o.question_id, o.position, o.id`, moduleID)
	if err != nil {
		return nil, nil, fmt.Errorf("quiz: options of module %d: %w", moduleID, err)
	}
	byQ := map[int64][]option{}
	for _, o := range os {
		byQ[o.QuestionID] = append(byQ[o.QuestionID], o)
	}
	return qs, byQ, nil
}

// newLayout keeps the questions in their authored order and shuffles the
// options of each question, except true/false, where "true" stays first.
func newLayout(qs []question, opts map[int64][]option) Layout {
	l := Layout{Questions: make([]LayoutQuestion, 0, len(qs))}
	for _, q := range qs {
		ids := make([]int64, 0, len(opts[q.ID]))
		for _, o := range opts[q.ID] {
			ids = append(ids, o.ID)
		}
		if q.Kind != "truefalse" {
			rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		}
		l.Questions = append(l.Questions, snapshot(q, opts[q.ID], ids))
	}
	return l
}

// snapshot is question q with its options in the order ids, as an
// attempt keeps it.
func snapshot(q question, opts []option, ids []int64) LayoutQuestion {
	byID := map[int64]option{}
	for _, o := range opts {
		byID[o.ID] = o
	}
	lq := LayoutQuestion{ID: q.ID, Kind: q.Kind, Text: q.Text, Options: []int64{}}
	for _, id := range ids {
		o, ok := byID[id]
		if !ok {
			continue // removed before this copy was taken
		}
		lq.Options = append(lq.Options, id)
		lq.Shown = append(lq.Shown, LayoutOption{ID: o.ID, Key: o.Key, Text: o.Text, Correct: o.Correct, Explanation: o.Explanation})
	}
	return lq
}

// shownLayout returns the questions of an attempt as its learner sees
// them. An attempt started before attempts kept their own copy (its layout
// has no texts) is completed from the current quiz, leaving out what was
// removed since.
func (s *Store) shownLayout(ctx context.Context, q sqlx.QueryerContext, a *Attempt) ([]LayoutQuestion, error) {
	layout, err := a.Layout()
	if err != nil {
		return nil, err
	}
	var qs []question
	var opts map[int64][]option
	var out []LayoutQuestion
	for _, lq := range layout.Questions {
		if lq.Text != "" {
			out = append(out, lq)
			continue
		}
		if qs == nil {
			if qs, opts, err = s.questions(ctx, q, a.ModuleID); err != nil {
				return nil, err
			}
		}
		for _, cur := range qs {
			if cur.ID == lq.ID {
				out = append(out, snapshot(cur, opts[cur.ID], lq.Options))
			}
		}
	}
	return out, nil
}

// Start returns the learner's open attempt in a module, or starts a new
// one with a freshly shuffled layout. Starting twice gives the same
// attempt.
func (s *Store) Start(ctx context.Context, userID, orgID, moduleID int64) (*Attempt, error) {
	var a Attempt
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := learning.LockLearner(ctx, tx, userID, orgID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &a, `SELECT `+attemptColumns+` FROM quiz_attempts a
			WHERE a.module_id = $1 AND a.user_id = $2 AND a.submitted_at IS NULL`, moduleID, userID)
		if err == nil {
			return nil
		}
		if !errors.Is(database.NotFound(err), database.ErrNotFound) {
			return fmt.Errorf("quiz: open attempt: %w", err)
		}
		qs, opts, err := s.questions(ctx, tx, moduleID)
		if err != nil {
			return err
		}
		if len(qs) == 0 {
			return ErrNoQuestions
		}
		layout, err := json.Marshal(newLayout(qs, opts))
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &a, `
			INSERT INTO quiz_attempts AS a (user_id, module_id, seq, layout)
			VALUES ($1, $2, (SELECT COALESCE(max(seq), 0) + 1 FROM quiz_attempts WHERE user_id = $1 AND module_id = $2), $3)
			RETURNING `+attemptColumns, userID, moduleID, string(layout)) // text, not bytes: a []byte would go out as binary jsonb
		if err != nil {
			return fmt.Errorf("quiz: start attempt of user %d in module %d: %w", userID, moduleID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Submission is what a learner sent for an attempt: the attempt's id and
// sequence number from the form and the chosen option ids per question.
type Submission struct {
	AttemptID int64
	Seq       int
	Chosen    map[int64][]int64
}

// Result is a graded attempt.
type Result struct {
	Attempt    *Attempt
	Completion learning.Completion
}

// Submit grades a submission and stores it with the learner's progress, in
// one transaction. It returns ErrSubmitted (with the stored attempt in
// Result) when the attempt was already submitted, database.ErrNotFound when
// the attempt is not the learner's own in this module, ErrTampered when the
// answers do not fit the attempt, and *MissingAnswers when questions were
// left open. Except for a first valid submission, nothing is stored.
func (s *Store) Submit(ctx context.Context, userID, orgID int64, m *Module, sub Submission, at time.Time) (*Result, error) {
	res := &Result{Attempt: &Attempt{}}
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		a := res.Attempt
		shown, err := s.openAttempt(ctx, tx, userID, orgID, m, sub, a)
		if err != nil {
			return err
		}
		answers, err := grade(shown, sub.Chosen)
		if err != nil {
			return err
		}
		correct := 0
		for _, an := range answers {
			if an.correct {
				correct++
			}
		}
		score := 0
		if len(answers) > 0 {
			score = correct * 100 / len(answers)
		}
		passed := score >= m.PassMark
		err = tx.GetContext(ctx, a, `
			UPDATE quiz_attempts a SET submitted_at = $2, correct_count = $3, question_count = $4, score = $5, passed = $6
			WHERE a.id = $1 AND a.submitted_at IS NULL
			RETURNING `+attemptColumns, a.ID, at, correct, len(answers), score, passed)
		if errors.Is(database.NotFound(err), database.ErrNotFound) {
			return ErrSubmitted
		}
		if err != nil {
			return fmt.Errorf("quiz: submit attempt %d: %w", a.ID, err)
		}
		for _, an := range answers {
			if err := storeAnswer(ctx, tx, a.ID, an); err != nil {
				return fmt.Errorf("quiz: answer to question %d of attempt %d: %w", an.shown.ID, a.ID, err)
			}
		}
		res.Completion, err = s.learning.Refresh(ctx, tx, userID, m.ID, at)
		return err
	})
	if errors.Is(err, ErrSubmitted) {
		// Show the first submission's result; read it after the rollback.
		stored, err2 := s.AttemptBySeq(ctx, userID, orgID, m.ID, res.Attempt.Seq)
		if err2 != nil {
			return nil, err2
		}
		return &Result{Attempt: stored}, err
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

type answer struct {
	number  int
	shown   LayoutQuestion
	chosen  []int64
	correct bool
}

// storeAnswer records one graded answer with a copy of the question and
// its options as the learner saw them. option_id points at the option
// while it exists (an option removed during the attempt leaves it NULL).
func storeAnswer(ctx context.Context, tx *sqlx.Tx, attemptID int64, an answer) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct, number, question_kind, question_text)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		attemptID, an.shown.ID, pq.Array(an.chosen), an.correct, an.number, an.shown.Kind, an.shown.Text)
	if err != nil {
		return err
	}
	for i, o := range an.shown.Shown {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO attempt_answer_options (attempt_id, question_id, position, option_id, option_key, text, correct, explanation, chosen)
			VALUES ($1, $2, $3, (SELECT id FROM options WHERE id = $4), $5, $6, $7, $8, $9)`,
			attemptID, an.shown.ID, i+1, o.ID, o.Key, o.Text, o.Correct, o.Explanation, slices.Contains(an.chosen, o.ID))
		if err != nil {
			return err
		}
	}
	return nil
}

// grade checks a submission against the questions of an attempt as shown,
// with the answer key they were shown with. A question counts as right
// only when exactly its correct options are chosen.
func grade(shown []LayoutQuestion, chosen map[int64][]int64) ([]answer, error) {
	if err := checkChoices(shown, chosen); err != nil {
		return nil, err
	}
	var missing []int64
	var answers []answer
	for n, lq := range shown {
		cs := chosen[lq.ID]
		if len(cs) == 0 {
			missing = append(missing, lq.ID)
			continue
		}
		var right []int64
		for _, o := range lq.Shown {
			if o.Correct {
				right = append(right, o.ID)
			}
		}
		got := slices.Clone(cs)
		slices.Sort(got)
		slices.Sort(right)
		answers = append(answers, answer{number: n + 1, shown: lq, chosen: got, correct: slices.Equal(got, right)})
	}
	if len(missing) > 0 {
		return nil, &MissingAnswers{Questions: missing}
	}
	return answers, nil
}

// checkChoices returns ErrTampered when chosen names a question or option
// that the attempt did not show, an option twice, or several options for a
// question that takes one.
func checkChoices(shown []LayoutQuestion, chosen map[int64][]int64) error {
	byID := map[int64]LayoutQuestion{}
	inLayout := map[int64]map[int64]bool{}
	for _, lq := range shown {
		byID[lq.ID] = lq
		set := map[int64]bool{}
		for _, o := range lq.Shown {
			set[o.ID] = true
		}
		inLayout[lq.ID] = set
	}
	for qid, os := range chosen {
		set, ok := inLayout[qid]
		if !ok {
			return ErrTampered
		}
		seen := map[int64]bool{}
		for _, o := range os {
			if !set[o] || seen[o] {
				return ErrTampered
			}
			seen[o] = true
		}
		if byID[qid].Kind != "multiple" && len(os) > 1 {
			return ErrTampered
		}
	}
	return nil
}

// Form is an attempt as the quiz page shows it: question and option texts
// in the attempt's order, without the answer key.
type Form struct {
	Attempt   *Attempt
	Questions []FormQuestion
}

// FormQuestion is a question on the quiz page.
type FormQuestion struct {
	ID      int64
	Number  int
	Kind    string
	Text    string
	Options []FormOption
}

// FormOption is an option on the quiz page. It deliberately has no field
// for correctness or explanation.
type FormOption struct {
	ID   int64
	Text string
}

// Form returns the questions of an attempt in its stored order, as its
// learner was first shown them.
func (s *Store) Form(ctx context.Context, a *Attempt) (*Form, error) {
	shown, err := s.shownLayout(ctx, s.db, a)
	if err != nil {
		return nil, err
	}
	f := &Form{Attempt: a}
	for i, q := range shown {
		fq := FormQuestion{ID: q.ID, Number: i + 1, Kind: q.Kind, Text: q.Text}
		for _, o := range q.Shown {
			fq.Options = append(fq.Options, FormOption{ID: o.ID, Text: o.Text})
		}
		f.Questions = append(f.Questions, fq)
	}
	return f, nil
}

// Review is a submitted attempt with the answer key.
type Review struct {
	Attempt   *Attempt
	Questions []ReviewQuestion
}

// ReviewQuestion is one question of a submitted attempt.
type ReviewQuestion struct {
	ID       int64
	Number   int
	Kind     string
	Text     string
	Correct  bool
	Answered bool
	Options  []ReviewOption
}

// ReviewOption is one option with whether it was chosen and right.
type ReviewOption struct {
	ID          int64
	Text        string
	Right       bool
	Chosen      bool
	Explanation string
}

// Review returns a submitted attempt as it was answered: per question the
// text, what was chosen, what was right and each option's explanation, all
// from the copy stored with the answer, so that later edits of the quiz
// never change it.
func (s *Store) Review(ctx context.Context, a *Attempt) (*Review, error) {
	if a.SubmittedAt == nil {
		return nil, fmt.Errorf("quiz: review of open attempt %d: %w", a.ID, database.ErrNotFound)
	}
	var rows []struct {
		QuestionID  int64          `db:"question_id"`
		Kind        string         `db:"question_kind"`
		QText       string         `db:"question_text"`
		Correct     bool           `db:"correct"`
		OptionID    sql.NullInt64  `db:"option_id"`
		Position    sql.NullInt64  `db:"position"`
		Text        sql.NullString `db:"text"`
		Right       sql.NullBool   `db:"right"`
		Explanation sql.NullString `db:"explanation"`
		Chosen      sql.NullBool   `db:"chosen"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT aa.question_id, aa.question_kind, aa.question_text, aa.correct,
			ao.option_id, ao.position, ao.text, ao.correct AS right, ao.explanation, ao.chosen
		FROM attempt_answers aa
		LEFT JOIN attempt_answer_options ao ON ao.attempt_id = aa.attempt_id AND ao.question_id = aa.question_id
		WHERE aa.attempt_id = $1
		ORDER BY aa.number, aa.question_id, ao.position`, a.ID)
	if err != nil {
		return nil, fmt.Errorf("quiz: answers of attempt %d: %w", a.ID, err)
	}
	r := &Review{Attempt: a}
	for _, row := range rows {
		if n := len(r.Questions); n == 0 || r.Questions[n-1].ID != row.QuestionID {
			r.Questions = append(r.Questions, ReviewQuestion{
				ID: row.QuestionID, Number: n + 1, Kind: row.Kind, Text: row.QText, Correct: row.Correct, Answered: true,
			})
		}
		if !row.Position.Valid {
			continue
		}
		rq := &r.Questions[len(r.Questions)-1]
		rq.Options = append(rq.Options, ReviewOption{
			ID: row.OptionID.Int64, Text: row.Text.String, Right: row.Right.Bool, Chosen: row.Chosen.Bool, Explanation: row.Explanation.String,
		})
	}
	return r, nil
}

// openAttempt loads into a the learner's open attempt that sub names, with
// the questions it showed, under the learner's lock: that lock serialises
// their submissions and saves, so a second, simultaneous one waits here and
// then finds submitted_at set. An attempt of someone else or of another
// module is database.ErrNotFound, a wrong sequence number ErrTampered, and
// a submitted attempt ErrSubmitted (a is loaded then too).
func (s *Store) openAttempt(ctx context.Context, tx *sqlx.Tx, userID, orgID int64, m *Module, sub Submission, a *Attempt) ([]LayoutQuestion, error) {
	if err := learning.LockLearner(ctx, tx, userID, orgID); err != nil {
		return nil, err
	}
	err := tx.GetContext(ctx, a, `SELECT `+attemptColumns+` FROM quiz_attempts a
		WHERE a.id = $1 AND a.user_id = $2 AND a.module_id = $3`, sub.AttemptID, userID, m.ID)
	if err != nil {
		return nil, fmt.Errorf("quiz: attempt %d of user %d: %w", sub.AttemptID, userID, database.NotFound(err))
	}
	if a.Seq != sub.Seq {
		return nil, ErrTampered
	}
	if a.SubmittedAt != nil {
		return nil, ErrSubmitted
	}
	return s.shownLayout(ctx, tx, a)
}
