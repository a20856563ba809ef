package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

// TestBackupCheck runs `make backup-check`'s script: a seeded database,
// dumped with pg_dump and restored into a fresh one, serves the same
// people, progress and certificates.
func TestBackupCheck(t *testing.T) {
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`")
	}
	cmd := exec.Command(filepath.Join(apptest.RepoRoot(t), "scripts", "backup-check.sh"))
	cmd.Env = append(processEnv(nil), "DATABASE_URL="+base, "BACKUP_LEARNERS=100", fmt.Sprintf("BACKUP_PORT=%d", freePort(t)))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "backup-check: OK") {
		t.Fatalf("scripts/backup-check.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
