package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"nabij.be/leerplatform/internal/certificate"
)

const certificateUsage = `usage: nabij certificate sample --name NAME --out FILE.pdf [--title TITLE] [--org ORGANISATION]
                                [--minutes N] [--date YYYY-MM-DD] [--base-url URL]`

// certificateCommand renders certificates without a database:
// `nabij certificate sample --name … --out file.pdf`, for trainers who check
// the layout with a name of their choice, and for tests.
func certificateCommand(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "sample" {
		return errors.New(certificateUsage)
	}
	fs := flag.NewFlagSet("certificate sample", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("name", "", "the learner's name as printed")
	out := fs.String("out", "", "the PDF file to write, or - for standard output")
	title := fs.String("title", "Online informeren", "the module title")
	org := fs.String("org", "OCMW Voorbeeldstad", "the organisation; empty leaves the line out")
	minutes := fs.Int("minutes", 150, "the study load in minutes; 0 leaves the line out")
	date := fs.String("date", "", "the completion date, YYYY-MM-DD (default: today)")
	base := fs.String("base-url", "", "the platform's public address (default: BASE_URL, else http://localhost:8080)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("certificate sample: %w\n%s", err, certificateUsage)
	}
	if strings.TrimSpace(*name) == "" || *out == "" || fs.NArg() > 0 {
		return errors.New(certificateUsage)
	}
	completed := time.Now()
	if *date != "" {
		d, err := time.ParseInLocation("2006-01-02", *date, time.Local)
		if err != nil {
			return fmt.Errorf("certificate sample: --date %q is not a date like 2026-11-22", *date)
		}
		completed = d.Add(12 * time.Hour) // midday: the same calendar day in Brussels
	}
	if *base == "" {
		*base = os.Getenv("BASE_URL")
	}
	if *base == "" {
		*base = "http://localhost:8080"
	}

	r, err := certificate.NewRenderer()
	if err != nil {
		return err
	}
	for _, f := range []struct{ flag, text string }{{"--name", *name}, {"--title", *title}, {"--org", *org}} {
		if missing := r.Unprintable(f.text); len(missing) > 0 {
			return fmt.Errorf("certificate sample: %s holds characters the certificate font cannot print: %q", f.flag, string(missing))
		}
	}
	raw, err := certificate.NewCode()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = r.Render(&buf, certificate.Certificate{
		Name: *name, Organisation: *org, Title: *title, Completed: completed, Minutes: *minutes,
		Code: certificate.FormatCode(raw), VerifyURL: certificate.VerifyURL(strings.TrimRight(*base, "/"), raw),
		Issuer: certificate.DefaultIssuer,
	})
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = buf.WriteTo(stdout)
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("certificate sample: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d bytes, code %s (a sample: it verifies nowhere)\n", *out, buf.Len(), certificate.FormatCode(raw))
	return nil
}
