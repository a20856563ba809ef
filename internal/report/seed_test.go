package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/certificate"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/report"
)

// seedProgress is the learning store with the certificate issuer, as the
// platform and `nabij demo` wire it.
func seedProgress(db *sqlx.DB) *learning.Store {
	return learning.NewStore(db, certificate.NewIssuer(certificate.NewStore(db)))
}

// Seeded demo learners complete modules the way real learners do: every
// completed module has its certificate, every completed programme too, and
// the stored progress agrees with the lessons and attempts behind it.
func TestSeededLearnersHaveTheirCertificates(t *testing.T) {
	db, _ := apptest.NewCurriculumDB(t)
	ctx := context.Background()
	org, err := report.SeedOrganisation(ctx, db, "OCMW Demodorp")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.SeedLearners(ctx, db, org, 150); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.Get(&n, q, org); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	completed := count(`SELECT count(*) FROM module_progress mp JOIN users u ON u.id = mp.user_id WHERE u.organisation_id = $1 AND mp.completed_at IS NOT NULL`)
	if completed == 0 {
		t.Fatal("no seeded learner completed a module")
	}
	if certs := count(`SELECT count(*) FROM certificates WHERE organisation_id = $1 AND NOT programme`); certs != completed {
		t.Errorf("module certificates = %d, want one per completed module (%d)", certs, completed)
	}
	if missing := count(`SELECT count(*) FROM module_progress mp JOIN users u ON u.id = mp.user_id
		WHERE u.organisation_id = $1 AND mp.completed_at IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.user_id = mp.user_id AND c.module_id = mp.module_id AND NOT c.programme)`); missing != 0 {
		t.Errorf("%d completed modules without their certificate", missing)
	}
	if progs, certs := count(`SELECT count(*) FROM programme_completions p JOIN users u ON u.id = p.user_id WHERE u.organisation_id = $1`),
		count(`SELECT count(*) FROM certificates WHERE organisation_id = $1 AND programme`); progs != certs {
		t.Errorf("programme certificates = %d, want %d (one per completed programme)", certs, progs)
	}
	// Stored progress is what the events say.
	if bad := count(`SELECT count(*) FROM module_progress mp JOIN users u ON u.id = mp.user_id
		WHERE u.organisation_id = $1 AND (
			mp.lessons_done <> (SELECT count(*) FROM lesson_progress p WHERE p.user_id = mp.user_id AND p.module_id = mp.module_id)
			OR mp.best_score IS DISTINCT FROM (SELECT max(score) FROM quiz_attempts a WHERE a.user_id = mp.user_id AND a.module_id = mp.module_id AND a.submitted_at IS NOT NULL)
			OR (mp.completed_at IS NOT NULL) <> (mp.passed_at IS NOT NULL AND mp.lessons_done >= (SELECT count(*) FROM lessons l WHERE l.module_id = mp.module_id)))`); bad != 0 {
		t.Errorf("%d seeded progress rows disagree with their lessons and attempts", bad)
	}
}

// seededState is what the completion path stores for an organisation's
// people, as text so that two states compare with ==: module progress,
// programme completions and certificates (without their random code, id
// and moment of issue).
func seededState(t *testing.T, db *sqlx.DB, org int64) map[string][]string {
	t.Helper()
	state := map[string][]string{}
	for name, q := range map[string]string{
		"module_progress": `
			SELECT concat_ws('|', mp.user_id, mp.module_id, mp.lessons_done, mp.best_score, mp.passed_at, mp.completed_at, mp.last_activity_at)
			FROM module_progress mp JOIN users u ON u.id = mp.user_id
			WHERE u.organisation_id = $1 ORDER BY mp.user_id, mp.module_id`,
		"programme_completions": `
			SELECT concat_ws('|', p.user_id, p.completed_at)
			FROM programme_completions p JOIN users u ON u.id = p.user_id
			WHERE u.organisation_id = $1 ORDER BY p.user_id`,
		"certificates": `
			SELECT concat_ws('|', c.user_id, c.module_id, c.programme, c.name, c.organisation, c.organisation_id,
			                 c.title, c.minutes, c.completed_at, c.revoked_at)
			FROM certificates c JOIN users u ON u.id = c.user_id
			WHERE u.organisation_id = $1 ORDER BY c.user_id, c.programme, c.module_id`,
	} {
		var rows []string
		if err := db.Select(&rows, q, org); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		state[name] = rows
	}
	return state
}

// The bulk seeder stores exactly what learning's Refresh, the path of
// every real learning event, stores for the same lessons and attempts:
// after the seeded progress, completions and certificates are thrown away
// and rebuilt by one Refresh per planned (person, module), in the order the
// events happened and with the certificate issuer as hook, every row is as
// the seeder left it. 1500 people make a completed programme (about 0.7 %
// of people complete all five modules) all but certain.
func TestBulkSeedIsWhatRefreshStores(t *testing.T) {
	db, _ := apptest.NewCurriculumDB(t)
	ctx := context.Background()
	org, err := report.SeedOrganisation(ctx, db, "OCMW Demodorp")
	if err != nil {
		t.Fatal(err)
	}
	other, err := report.SeedOrganisation(ctx, db, "OCMW Andersdorp")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		org int64
		n   int
	}{{other, 40}, {org, 1500}, {other, 60}} {
		if _, err := report.SeedLearners(ctx, db, s.org, s.n); err != nil {
			t.Fatal(err)
		}
	}
	bulk := seededState(t, db, org)
	for _, name := range []string{"module_progress", "programme_completions", "certificates"} {
		if len(bulk[name]) == 0 {
			t.Fatalf("the seeder stored no %s", name)
		}
	}
	// Every code is a valid, distinct certificate code.
	var codes []string
	if err := db.Select(&codes, `SELECT code FROM certificates WHERE organisation_id = $1`, org); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if raw, ok := certificate.NormalizeCode(c); !ok || raw != c || seen[c] {
			t.Fatalf("certificate code %q: valid %v, canonical %v, seen before %v", c, ok, raw == c, seen[c])
		}
		seen[c] = true
	}
	if len(codes) != len(bulk["certificates"]) {
		t.Fatalf("%d codes for %d certificates", len(codes), len(bulk["certificates"]))
	}

	// The plan, read back: Refresh sets a new row's last activity to the
	// moment of its event.
	var plan []struct {
		UserID   int64     `db:"user_id"`
		ModuleID int64     `db:"module_id"`
		At       time.Time `db:"last_activity_at"`
	}
	if err := db.Select(&plan, `
		SELECT mp.user_id, mp.module_id, mp.last_activity_at
		FROM module_progress mp JOIN users u ON u.id = mp.user_id
		WHERE u.organisation_id = $1 ORDER BY mp.user_id, mp.last_activity_at`, org); err != nil {
		t.Fatal(err)
	}
	progress := seedProgress(db)
	err = database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		for _, table := range []string{"certificates", "programme_completions", "module_progress"} {
			if _, err := tx.Exec(`DELETE FROM `+table+` t USING users u WHERE u.id = t.user_id AND u.organisation_id = $1`, org); err != nil {
				return err
			}
		}
		var locked int64
		for _, p := range plan {
			if p.UserID != locked {
				if err := learning.LockLearner(ctx, tx, p.UserID, org); err != nil {
					return err
				}
				locked = p.UserID
			}
			if _, err := progress.Refresh(ctx, tx, p.UserID, p.ModuleID, p.At); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	refreshed := seededState(t, db, org)
	for _, name := range []string{"module_progress", "programme_completions", "certificates"} {
		b, r := bulk[name], refreshed[name]
		if len(b) != len(r) {
			t.Errorf("%s: the seeder stored %d rows, Refresh %d", name, len(b), len(r))
			continue
		}
		for i := range b {
			if b[i] != r[i] {
				t.Errorf("%s row %d: seeder %q, Refresh %q", name, i, b[i], r[i])
				break
			}
		}
	}
}
