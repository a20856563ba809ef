// Package quiz serves the end-of-module quizzes: attempts with a shuffled
// option order stored per attempt, server-side grading, the review of a
// submitted attempt and the attempt history. Submitting an attempt updates
// the learner's progress through the learning capability, in the same
// transaction.
package quiz

import (
	"context"
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

// LayoutQuestion is one question of an attempt with its option order.
type LayoutQuestion struct {
	ID      int64   `json:"id"`
	Options []int64 `json:"options"`
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
	a.correct_count, a.question_count, a.score, a.passed`

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
		SELECT o.id, o.question_id, o.text, o.correct, o.explanation
		FROM options o JOIN questions q ON q.id = o.question_id
		WHERE q.module_id = $1 ORDER BY o.question_id, o.position`, moduleID)
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
		l.Questions = append(l.Questions, LayoutQuestion{ID: q.ID, Options: ids})
	}
	return l
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
		// Locking the learner serialises their submissions: a second,
		// simultaneous submit waits here and then finds submitted_at set.
		if err := learning.LockLearner(ctx, tx, userID, orgID); err != nil {
			return err
		}
		a := res.Attempt
		err := tx.GetContext(ctx, a, `SELECT `+attemptColumns+` FROM quiz_attempts a
			WHERE a.id = $1 AND a.user_id = $2 AND a.module_id = $3`, sub.AttemptID, userID, m.ID)
		if err != nil {
			return fmt.Errorf("quiz: attempt %d of user %d: %w", sub.AttemptID, userID, database.NotFound(err))
		}
		if a.Seq != sub.Seq {
			return ErrTampered
		}
		if a.SubmittedAt != nil {
			return ErrSubmitted
		}
		layout, err := a.Layout()
		if err != nil {
			return err
		}
		qs, opts, err := s.questions(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		answers, err := grade(layout, qs, opts, sub.Chosen)
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
			_, err := tx.ExecContext(ctx, `INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct) VALUES ($1, $2, $3, $4)`,
				a.ID, an.question, pq.Array(an.chosen), an.correct)
			if err != nil {
				return fmt.Errorf("quiz: answer to question %d of attempt %d: %w", an.question, a.ID, err)
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
	question int64
	chosen   []int64
	correct  bool
}

// grade checks a submission against an attempt's layout and the current
// answer key. Questions removed since the attempt started are skipped.
// A question counts as right only when exactly its correct options are
// chosen.
func grade(layout Layout, qs []question, opts map[int64][]option, chosen map[int64][]int64) ([]answer, error) {
	kinds := map[int64]string{}
	for _, q := range qs {
		kinds[q.ID] = q.Kind
	}
	inLayout := map[int64]map[int64]bool{}
	for _, lq := range layout.Questions {
		set := map[int64]bool{}
		for _, o := range lq.Options {
			set[o] = true
		}
		inLayout[lq.ID] = set
	}
	for qid, os := range chosen {
		set, ok := inLayout[qid]
		if !ok {
			return nil, ErrTampered
		}
		seen := map[int64]bool{}
		for _, o := range os {
			if !set[o] || seen[o] {
				return nil, ErrTampered
			}
			seen[o] = true
		}
		if kind := kinds[qid]; kind != "multiple" && len(os) > 1 {
			return nil, ErrTampered
		}
	}
	var missing []int64
	var answers []answer
	for _, lq := range layout.Questions {
		if _, exists := kinds[lq.ID]; !exists {
			continue
		}
		cs := chosen[lq.ID]
		if len(cs) == 0 {
			missing = append(missing, lq.ID)
			continue
		}
		var right []int64
		for _, o := range opts[lq.ID] {
			if o.Correct && inLayout[lq.ID][o.ID] {
				right = append(right, o.ID)
			}
		}
		got := slices.Clone(cs)
		slices.Sort(got)
		slices.Sort(right)
		answers = append(answers, answer{question: lq.ID, chosen: got, correct: slices.Equal(got, right)})
	}
	if len(missing) > 0 {
		return nil, &MissingAnswers{Questions: missing}
	}
	return answers, nil
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

// shownQuestion is a question of an attempt as its learner saw it: with
// its options in the attempt's order.
type shownQuestion struct {
	question
	options []option
}

// shown returns the questions of an attempt in its stored order. Questions
// and options removed since the attempt began are left out.
func (s *Store) shown(ctx context.Context, a *Attempt) ([]shownQuestion, error) {
	layout, err := a.Layout()
	if err != nil {
		return nil, err
	}
	qs, opts, err := s.questions(ctx, s.db, a.ModuleID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]question{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	var shown []shownQuestion
	for _, lq := range layout.Questions {
		q, ok := byID[lq.ID]
		if !ok {
			continue
		}
		optByID := map[int64]option{}
		for _, o := range opts[q.ID] {
			optByID[o.ID] = o
		}
		sq := shownQuestion{question: q}
		for _, oid := range lq.Options {
			if o, ok := optByID[oid]; ok {
				sq.options = append(sq.options, o)
			}
		}
		shown = append(shown, sq)
	}
	return shown, nil
}

// Form returns the questions of an attempt in its stored order.
func (s *Store) Form(ctx context.Context, a *Attempt) (*Form, error) {
	shown, err := s.shown(ctx, a)
	if err != nil {
		return nil, err
	}
	f := &Form{Attempt: a}
	for i, q := range shown {
		fq := FormQuestion{ID: q.ID, Number: i + 1, Kind: q.Kind, Text: q.Text}
		for _, o := range q.options {
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

// Review returns a submitted attempt with, per question, what was chosen,
// what was right and each option's explanation.
func (s *Store) Review(ctx context.Context, a *Attempt) (*Review, error) {
	if a.SubmittedAt == nil {
		return nil, fmt.Errorf("quiz: review of open attempt %d: %w", a.ID, database.ErrNotFound)
	}
	shown, err := s.shown(ctx, a)
	if err != nil {
		return nil, err
	}
	var stored []struct {
		QuestionID int64         `db:"question_id"`
		Chosen     pq.Int64Array `db:"chosen"`
		Correct    bool          `db:"correct"`
	}
	if err := s.db.SelectContext(ctx, &stored, `SELECT question_id, chosen, correct FROM attempt_answers WHERE attempt_id = $1`, a.ID); err != nil {
		return nil, fmt.Errorf("quiz: answers of attempt %d: %w", a.ID, err)
	}
	byQ := map[int64]int{}
	for i, st := range stored {
		byQ[st.QuestionID] = i
	}
	r := &Review{Attempt: a}
	for n, q := range shown {
		rq := ReviewQuestion{ID: q.ID, Number: n + 1, Kind: q.Kind, Text: q.Text}
		chosen := map[int64]bool{}
		if i, ok := byQ[q.ID]; ok {
			rq.Answered, rq.Correct = true, stored[i].Correct
			for _, c := range stored[i].Chosen {
				chosen[c] = true
			}
		}
		for _, o := range q.options {
			rq.Options = append(rq.Options, ReviewOption{ID: o.ID, Text: o.Text, Right: o.Correct, Chosen: chosen[o.ID], Explanation: o.Explanation})
		}
		r.Questions = append(r.Questions, rq)
	}
	return r, nil
}
