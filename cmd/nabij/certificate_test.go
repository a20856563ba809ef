package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCertificateSample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sample.pdf")
	var stdout bytes.Buffer
	name := "Gráinne Ní Mhaoláin-Żółkiewska"
	err := certificateCommand([]string{"sample", "--name", name, "--out", out, "--title", "Online begeleiden",
		"--org", "OCMW Sint-Niklaas", "--date", "2026-11-22", "--base-url", "https://leer.example.be/"}, &stdout)
	if err != nil {
		t.Fatalf("certificate sample: %v", err)
	}
	if !strings.Contains(stdout.String(), out) {
		t.Errorf("output %q does not name the file", stdout.String())
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 100*1024 {
		t.Errorf("sample is %d bytes, want at most 100 KB", info.Size())
	}
	if b, err := exec.Command("qpdf", "--check", out).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, b)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	for _, want := range []string{name, "Online begeleiden", "OCMW Sint-Niklaas", "22 november 2026", "https://leer.example.be/verifieer/"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("sample text lacks %q:\n%s", want, text)
		}
	}
}

func TestCertificateSampleRefuses(t *testing.T) {
	dir := t.TempDir()
	tests := map[string][]string{
		"no subcommand":      {},
		"no name":            {"sample", "--out", filepath.Join(dir, "a.pdf")},
		"no output":          {"sample", "--name", "An"},
		"unprintable name":   {"sample", "--name", "李小龍", "--out", filepath.Join(dir, "b.pdf")},
		"bad date":           {"sample", "--name", "An", "--out", filepath.Join(dir, "c.pdf"), "--date", "22/11/2026"},
		"unknown flag":       {"sample", "--name", "An", "--out", filepath.Join(dir, "d.pdf"), "--colour", "red"},
		"unknown subcommand": {"issue"},
	}
	for what, args := range tests {
		if err := certificateCommand(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%s: certificate %q succeeded, want an error", what, args)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused commands wrote %d files, want none", len(entries))
	}
}
