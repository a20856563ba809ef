package report_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/certificate"
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
	if _, err := report.SeedLearners(ctx, db, seedProgress(db), org, 150); err != nil {
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
