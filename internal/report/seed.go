package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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
// one submitted quiz attempt with answers where a quiz was taken. Seeded
// people have no password and cannot sign in. It uses bulk INSERT … SELECT
// and is idempotent per e-mail address: running it again adds nobody twice.
// It returns the number of people added. The curriculum must be imported.
func SeedLearners(ctx context.Context, db *sqlx.DB, orgID int64, n int) (int, error) {
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
			// Module 1 is completed by about 55%, module 5 by about 23%;
			// another quarter is busy with each module.
			{"module progress", `
				WITH x AS (
					SELECT u.id AS user_id, m.id AS module_id, m.position,
					       (SELECT count(*) FROM lessons l WHERE l.module_id = m.id)::int AS n,
					       random() AS r, random() AS r2, random() AS r3
					FROM unnest($1::bigint[]) u(id) CROSS JOIN modules m
				), y AS (
					SELECT *, greatest(0.05, 0.63 - 0.08 * position) AS pc FROM x
				)
				INSERT INTO module_progress (user_id, module_id, lessons_done, passed_at, completed_at, last_activity_at)
				SELECT user_id, module_id,
				       CASE WHEN r < pc THEN n ELSE floor(r2 * n)::int END,
				       CASE WHEN r < pc THEN now() - r2 * interval '180 days' END,
				       CASE WHEN r < pc THEN now() - r2 * interval '180 days' END,
				       CASE WHEN r < pc THEN now() - r2 * interval '180 days' ELSE now() - r3 * interval '90 days' END
				FROM y WHERE r < pc + 0.25
				ON CONFLICT DO NOTHING`},
			{"lessons done", `
				INSERT INTO lesson_progress (user_id, lesson_id, module_id, done_at)
				SELECT mp.user_id, l.id, l.module_id, mp.last_activity_at - (mp.lessons_done - l.rn) * interval '1 day'
				FROM module_progress mp
				JOIN (SELECT id, module_id, row_number() OVER (PARTITION BY module_id ORDER BY position, id) AS rn FROM lessons) l
				  ON l.module_id = mp.module_id AND l.rn <= mp.lessons_done
				WHERE mp.user_id = ANY($1)
				ON CONFLICT DO NOTHING`},
			// A quiz taken: always for a completed module (passed), for a
			// third of the others (not passed).
			{"quiz attempts", `
				WITH q AS (
					SELECT m.id AS module_id, m.pass_mark, count(qu.id)::int AS qn
					FROM modules m JOIN questions qu ON qu.module_id = m.id GROUP BY m.id
				), x AS (
					SELECT mp.user_id, mp.module_id, mp.last_activity_at, q.qn,
					       CASE WHEN mp.completed_at IS NOT NULL
					            THEN ceil(q.qn * (q.pass_mark + random() * (100 - q.pass_mark)) / 100.0)
					            ELSE floor(q.qn * random() * (q.pass_mark - 1) / 100.0) END::int AS correct
					FROM module_progress mp JOIN q ON q.module_id = mp.module_id
					WHERE mp.user_id = ANY($1) AND (mp.completed_at IS NOT NULL OR random() < 0.33)
				)
				INSERT INTO quiz_attempts (user_id, module_id, seq, layout, started_at, submitted_at, correct_count, question_count, score, passed)
				SELECT x.user_id, x.module_id, 1, '{}'::jsonb, x.last_activity_at - interval '10 minutes', x.last_activity_at,
				       least(x.correct, x.qn), x.qn, least(x.correct, x.qn) * 100 / x.qn,
				       least(x.correct, x.qn) * 100 / x.qn >= (SELECT pass_mark FROM modules WHERE id = x.module_id)
				FROM x
				ON CONFLICT DO NOTHING`},
			{"best scores", `
				UPDATE module_progress mp SET best_score = a.score
				FROM quiz_attempts a
				WHERE a.user_id = mp.user_id AND a.module_id = mp.module_id AND mp.user_id = ANY($1)`},
			// Some questions are harder than others: each attempt answers
			// its correct_count easiest questions (with some noise) right.
			{"answers", `
				INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct)
				SELECT a.id, r.question_id, '{}'::bigint[], r.rk <= a.correct_count
				FROM quiz_attempts a
				CROSS JOIN LATERAL (
					SELECT qu.id AS question_id,
					       row_number() OVER (ORDER BY (abs(hashtext(qu.slug)) % 100) / 100.0 + random() * 0.6) AS rk
					FROM questions qu WHERE qu.module_id = a.module_id
				) r
				WHERE a.user_id = ANY($1)
				ON CONFLICT DO NOTHING`},
		}
		for _, s := range steps {
			args := []any{pq.Array(ids)}
			if strings.Contains(s.sql, "$2") {
				args = append(args, pq.Array(teamIDs))
			}
			if _, err := tx.ExecContext(ctx, s.sql, args...); err != nil {
				return fmt.Errorf("report: seed %s: %w", s.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, `ANALYZE users, teams, team_members, module_progress, lesson_progress, quiz_attempts, attempt_answers`); err != nil {
		return added, fmt.Errorf("report: seed analyze: %w", err)
	}
	return added, nil
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
