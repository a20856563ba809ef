package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/certificate"
	"nabij.be/leerplatform/internal/database"
)

// teamNames are the teams a seeded organisation gets, in this order.
var teamNames = []string{
	"Onthaal", "Algemene sociale dienst", "Schuldbemiddeling", "Woonbegeleiding",
	"Activering", "Thuiszorg", "Seniorenzorg", "Jeugdhulp", "Budgetbeheer",
	"Integratie", "Psychosociale begeleiding", "Dienstencentrum",
}

var firstNames = []string{
	"Anaïs", "Bart", "Céline", "Dries", "Elise", "Frédéric", "Griet", "Hanne", "Ilse", "Jens",
	"Kaat", "Lotte", "Mathias", "Noor", "Olivier", "Pieter", "Quinten", "Renée", "Sofie", "Thomas",
	"Ursula", "Veerle", "Wout", "Xavier", "Yasmine", "Zoë", "Ahmed", "Fatima", "Jürgen", "Maëlle",
}

var lastNames = []string{
	"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
	"De Smedt", "Dubois", "Lambert", "Van den Broeck", "Hermans", "De Clercq", "Vermeulen",
	"Aerts", "Desmet", "Van Damme", "Lemmens", "Bogaert", "Verhoeven", "El Amrani", "Öztürk", "Coppens",
}

// SeedLearners adds n learners with realistic progress to the organisation:
// spread over up to twelve teams, each module started and completed by a
// decreasing share of people (module 1 most, module 5 least), lessons done,
// one submitted quiz attempt with answers where a quiz was taken. The
// lessons and attempts are written in bulk, and so are the stored
// progress, the completions and their certificates (storeSeeded), with the
// outcome learning's Refresh gives every real learning event: a seeded
// completion has its certificate like any other. Seeded people have no
// password and cannot sign in. It is idempotent per e-mail address:
// running it again adds nobody twice. It returns the number of people
// added. The curriculum must be imported.
func SeedLearners(ctx context.Context, db *sqlx.DB, orgID int64, n int) (int, error) {
	return SeedMany(ctx, db, []Seed{{OrgID: orgID, Learners: n}})
}

// Seed is how many learners SeedMany adds to an organisation.
type Seed struct {
	OrgID    int64
	Learners int
}

// SeedMany is SeedLearners for several organisations, one transaction per
// organisation, with the planner's statistics refreshed once at the end
// instead of after each: for 300 organisations, that saves minutes. It
// returns the number of people added.
func SeedMany(ctx context.Context, db *sqlx.DB, seeds []Seed) (int, error) {
	total := 0
	for _, s := range seeds {
		added, err := seedLearners(ctx, db, s.OrgID, s.Learners)
		total += added
		if err != nil {
			return total, err
		}
	}
	if total == 0 {
		return 0, nil
	}
	if _, err := db.ExecContext(ctx, `ANALYZE users, teams, team_members, module_progress, lesson_progress, quiz_attempts, attempt_answers, programme_completions, certificates`); err != nil {
		return total, fmt.Errorf("report: seed analyze: %w", err)
	}
	return total, nil
}

// seedLearners adds n learners to the organisation (see SeedLearners), in
// one transaction, and returns the number of people added.
func seedLearners(ctx context.Context, db *sqlx.DB, orgID int64, n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	var added int
	err := database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		nteams := min(len(teamNames), max(1, (n+24)/25))
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO teams (organisation_id, name) SELECT $1, unnest($2::text[])
			ON CONFLICT (organisation_id, name) DO NOTHING`, orgID, pq.Array(teamNames[:nteams])); err != nil {
			return fmt.Errorf("report: seed teams: %w", err)
		}
		var teamIDs []int64
		if err := tx.SelectContext(ctx, &teamIDs, `
			SELECT id FROM teams WHERE organisation_id = $1 AND name = ANY($2) ORDER BY id`,
			orgID, pq.Array(teamNames[:nteams])); err != nil {
			return fmt.Errorf("report: seed teams: %w", err)
		}
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `
			INSERT INTO users (organisation_id, email, full_name, role, created_at)
			SELECT $1, format('lerende%s.%s@demo.nabij.example', $1::bigint, lpad(g::text, 6, '0')),
			       ($3::text[])[1 + (g * 7) % cardinality($3::text[])] || ' ' || ($4::text[])[1 + (g * 11 + g / 30) % cardinality($4::text[])],
			       'learner', now() - interval '200 days'
			FROM generate_series(1, $2::int) g
			ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO NOTHING
			RETURNING id`, orgID, n, pq.Array(firstNames), pq.Array(lastNames)); err != nil {
			return fmt.Errorf("report: seed learners: %w", err)
		}
		added = len(ids)
		if added == 0 {
			return nil
		}
		steps := []struct{ what, sql string }{
			{"team members", `
				INSERT INTO team_members (team_id, user_id)
				SELECT ($2::bigint[])[1 + (i % cardinality($2::bigint[]))], id
				FROM unnest($1::bigint[]) WITH ORDINALITY AS x(id, i)
				ON CONFLICT DO NOTHING`},
			// What each person did in each module, decided once: module 1
			// is completed by about 55%, module 5 by about 23%; another
			// quarter is busy with each module. A quiz is taken for every
			// module to complete (passed) and for a third of the others
			// (not passed).
			{"plan", `
				CREATE TEMPORARY TABLE seed_plan ON COMMIT DROP AS
				WITH x AS (
					SELECT u.id AS user_id, m.id AS module_id, m.position,
					       (SELECT count(*) FROM lessons l WHERE l.module_id = m.id)::int AS n,
					       random() AS r, random() AS r2, random() AS r3, random() AS r4
					FROM unnest($1::bigint[]) u(id) CROSS JOIN modules m
				), y AS (
					SELECT *, greatest(0.05, 0.63 - 0.08 * position) AS pc FROM x
				)
				SELECT user_id, module_id, r < pc AS complete,
				       CASE WHEN r < pc THEN n ELSE floor(r2 * n)::int END AS lessons_done,
				       r < pc OR r4 < 0.33 AS quiz,
				       CASE WHEN r < pc THEN now() - r2 * interval '180 days' ELSE now() - r3 * interval '90 days' END AS at
				FROM y WHERE r < pc + 0.25`},
			{"lessons done", `
				INSERT INTO lesson_progress (user_id, lesson_id, module_id, done_at)
				SELECT p.user_id, l.id, l.module_id, p.at - (p.lessons_done - l.rn) * interval '1 day'
				FROM seed_plan p
				JOIN (SELECT id, module_id, row_number() OVER (PARTITION BY module_id ORDER BY position, id) AS rn FROM lessons) l
				  ON l.module_id = p.module_id AND l.rn <= p.lessons_done
				ON CONFLICT DO NOTHING`},
			{"quiz attempts", `
				WITH q AS (
					SELECT m.id AS module_id, m.pass_mark, count(qu.id)::int AS qn
					FROM modules m JOIN questions qu ON qu.module_id = m.id GROUP BY m.id
				), x AS (
					SELECT p.user_id, p.module_id, p.at, q.qn,
					       CASE WHEN p.complete
					            THEN ceil(q.qn * (q.pass_mark + random() * (100 - q.pass_mark)) / 100.0)
					            ELSE floor(q.qn * random() * (q.pass_mark - 1) / 100.0) END::int AS correct
					FROM seed_plan p JOIN q ON q.module_id = p.module_id
					WHERE p.quiz
				)
				INSERT INTO quiz_attempts (user_id, module_id, seq, layout, started_at, submitted_at, correct_count, question_count, score, passed)
				SELECT x.user_id, x.module_id, 1, '{}'::jsonb, x.at - interval '10 minutes', x.at,
				       least(x.correct, x.qn), x.qn, least(x.correct, x.qn) * 100 / x.qn,
				       least(x.correct, x.qn) * 100 / x.qn >= (SELECT pass_mark FROM modules WHERE id = x.module_id)
				FROM x
				ON CONFLICT DO NOTHING`},
			// Some questions are harder than others: each attempt answers
			// its correct_count easiest questions (with some noise) right.
			{"answers", `
				INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct, number, question_kind, question_text)
				SELECT a.id, r.question_id, '{}'::bigint[], r.rk <= a.correct_count, r.position, r.kind, r.text
				FROM quiz_attempts a
				CROSS JOIN LATERAL (
					SELECT qu.id AS question_id, qu.position, qu.kind, qu.text,
					       row_number() OVER (ORDER BY (abs(hashtext(qu.slug)) % 100) / 100.0 + random() * 0.6) AS rk
					FROM questions qu WHERE qu.module_id = a.module_id
				) r
				WHERE a.user_id = ANY($1)
				ON CONFLICT DO NOTHING`},
		}
		for _, s := range steps {
			var args []any // the people added ($1) and the teams ($2), where used
			if strings.Contains(s.sql, "$1") {
				args = append(args, pq.Array(ids))
			}
			if strings.Contains(s.sql, "$2") {
				args = append(args, pq.Array(teamIDs))
			}
			if _, err := tx.ExecContext(ctx, s.sql, args...); err != nil {
				return fmt.Errorf("report: seed %s: %w", s.what, err)
			}
		}
		return storeSeeded(ctx, tx, ids)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// storeSeeded stores the progress of every planned (person, module) with
// set statements, exactly as learning's Refresh would have stored it had it
// run once per planned row in the order the events happened (the per-event
// path, two orders of magnitude slower at 100,000 people): lessons_done
// counts the lessons done among the module's current lessons, best_score
// and passed_at come from the submitted attempts, last_activity_at is the
// planned moment, and a module is completed at that moment when its quiz
// was passed and all its lessons are done. The programme is completed at
// the completion of the last module, when every module is; the
// certificates of both follow. TestBulkSeedIsWhatRefreshStores holds this
// to Refresh. The people are new, so no earlier row can be in the way.
func storeSeeded(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	steps := []struct{ what, sql string }{
		{"progress", `
			WITH lc AS (
				SELECT m.id AS module_id, count(l.id) AS n
				FROM modules m LEFT JOIN lessons l ON l.module_id = m.id GROUP BY m.id
			), d AS (
				SELECT p.user_id, l.module_id, count(*) AS n
				FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
				WHERE p.user_id = ANY($1) GROUP BY p.user_id, l.module_id
			), a AS (
				SELECT user_id, module_id,
				       max(score) FILTER (WHERE submitted_at IS NOT NULL) AS best_score,
				       min(submitted_at) FILTER (WHERE passed) AS passed_at
				FROM quiz_attempts WHERE user_id = ANY($1) GROUP BY user_id, module_id
			)
			INSERT INTO module_progress (user_id, module_id, lessons_done, best_score, passed_at, last_activity_at, completed_at)
			SELECT p.user_id, p.module_id, coalesce(d.n, 0), a.best_score, a.passed_at, p.at,
			       CASE WHEN a.passed_at IS NOT NULL AND coalesce(d.n, 0) >= lc.n THEN p.at END
			FROM seed_plan p
			JOIN lc ON lc.module_id = p.module_id
			LEFT JOIN d ON d.user_id = p.user_id AND d.module_id = p.module_id
			LEFT JOIN a ON a.user_id = p.user_id AND a.module_id = p.module_id
			ORDER BY p.user_id, p.at`},
		{"programme completions", `
			INSERT INTO programme_completions (user_id, completed_at)
			SELECT mp.user_id, max(mp.completed_at)
			FROM module_progress mp
			WHERE mp.user_id = ANY($1) AND mp.completed_at IS NOT NULL
			GROUP BY mp.user_id
			HAVING count(*) = (SELECT count(*) FROM modules)
			ON CONFLICT (user_id) DO NOTHING`},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.sql, pq.Array(ids)); err != nil {
			return fmt.Errorf("report: seed %s: %w", s.what, err)
		}
	}
	if err := certificate.IssueCompletions(ctx, tx, ids); err != nil {
		return fmt.Errorf("report: seed certificates: %w", err)
	}
	return nil
}

// SeedOrganisation returns the id of the organisation called name,
// creating it when it does not exist.
func SeedOrganisation(ctx context.Context, db *sqlx.DB, name string) (int64, error) {
	var id int64
	err := db.GetContext(ctx, &id, `
		INSERT INTO organisations (name) VALUES ($1)
		ON CONFLICT (lower(name)) DO UPDATE SET name = organisations.name
		RETURNING id`, name)
	if err != nil {
		return 0, fmt.Errorf("report: seed organisation %q: %w", name, err)
	}
	return id, nil
}
