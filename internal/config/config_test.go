package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := load(env(map[string]string{"DATABASE_URL": "postgres://x@/nabij"}))
	if err != nil {
		t.Fatalf("load with only DATABASE_URL: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Port", c.Port, 8080},
		{"DatabaseURL", c.DatabaseURL, "postgres://x@/nabij"},
		{"BaseURL", c.BaseURL, "http://localhost:8080"},
		{"MigrateOnStart", c.MigrateOnStart, true},
		{"ImportOnStart", c.ImportOnStart, true},
		{"MigrateLockWait", c.MigrateLockWait, 5 * time.Second},
		{"MigrateStatement", c.MigrateStatement, 5 * time.Minute},
		{"SecureCookies", c.SecureCookies, false},
		{"TrustedProxies", len(c.TrustedProxies), 0},
		{"SMTPURL", c.SMTPURL, ""},
		{"MailFrom", c.MailFrom, `"N@BIJ leerplatform" <noreply@localhost>`},
		{"MailReplyTo", c.MailReplyTo, ""},
		{"JobRetryBase", c.JobRetryBase, 30 * time.Second},
		{"JobRescueAfter", c.JobRescueAfter, 5 * time.Minute},
		{"ShutdownTimeout", c.ShutdownTimeout, 20 * time.Second},
		{"SessionIdle", c.SessionIdle, 2 * time.Hour},
		{"SessionAbsolute", c.SessionAbsolute, 12 * time.Hour},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"ListenAddr", c.ListenAddr, ""},
		{"Addr", c.Addr(), ":8080"},
		{"MetricsAddr", c.MetricsAddr, "127.0.0.1:9180"},
		{"PprofAddr", c.PprofAddr, ""},
		{"MemoryLimit", c.MemoryLimit, int64(40 << 20)},
		{"MemoryLimitSet", c.MemoryLimitSet, false},
		{"MaxBodyBytes", c.MaxBodyBytes, int64(10 << 20)},
		{"MaxDBConnections", c.MaxDBConnections, 32},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestValuesFromEnvironment(t *testing.T) {
	c, err := load(env(map[string]string{
		"DATABASE_URL":             "postgres://db/nabij",
		"PORT":                     " 9090 ",
		"BASE_URL":                 "https://leren.nabij.be/",
		"MIGRATE_ON_START":         "false",
		"IMPORT_ON_START":          "0",
		"TRUSTED_PROXIES":          "10.0.0.0/8, 192.168.1.1,",
		"SMTP_URL":                 "smtp://user:geheim@mail.example:587",
		"SESSION_IDLE_TIMEOUT":     "30m",
		"LOG_LEVEL":                "debug",
		"MAX_BODY_BYTES":           "2048",
		"DATABASE_MAX_CONNECTIONS": "5",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9090 || c.BaseURL != "https://leren.nabij.be" || c.MigrateOnStart || c.ImportOnStart {
		t.Errorf("got port %d, base %q, migrate %v, import %v", c.Port, c.BaseURL, c.MigrateOnStart, c.ImportOnStart)
	}
	if !c.SecureCookies {
		t.Errorf("SecureCookies is false for an https BASE_URL, want true by default")
	}
	if strings.Join(c.TrustedProxies, "|") != "10.0.0.0/8|192.168.1.1" {
		t.Errorf("TrustedProxies = %q", c.TrustedProxies)
	}
	if c.SessionIdle != 30*time.Minute || c.LogLevel != slog.LevelDebug || c.MaxBodyBytes != 2048 || c.MaxDBConnections != 5 {
		t.Errorf("got idle %v, level %q, body %d, conns %d", c.SessionIdle, c.LogLevel, c.MaxBodyBytes, c.MaxDBConnections)
	}
	// BASE_URL without PORT follows PORT.
	c, _ = load(env(map[string]string{"DATABASE_URL": "x", "PORT": "3000"}))
	if c.BaseURL != "http://localhost:3000" {
		t.Errorf("BaseURL = %q, want http://localhost:3000", c.BaseURL)
	}
	// SECURE_COOKIES can be forced off for plain-HTTP tests.
	c, _ = load(env(map[string]string{"DATABASE_URL": "x", "BASE_URL": "https://a.example", "SECURE_COOKIES": "false"}))
	if c.SecureCookies {
		t.Errorf("SECURE_COOKIES=false ignored")
	}
}

func TestBadValuesAreRejected(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "DATABASE_URL is not set"},
		{map[string]string{"PORT": "http"}, `PORT="http" is not a whole number`},
		{map[string]string{"PORT": "-1"}, `PORT="-1" is not a whole number`},
		{map[string]string{"PORT": "70000"}, "PORT=70000 is not a TCP port"},
		{map[string]string{"PORT": "0"}, "PORT=0 is not a TCP port"},
		{map[string]string{"BASE_URL": "leren.nabij.be"}, `BASE_URL="leren.nabij.be" is not an absolute http(s) URL`},
		{map[string]string{"BASE_URL": "ftp://x"}, "is not an absolute http(s) URL"},
		{map[string]string{"MIGRATE_ON_START": "ja"}, `MIGRATE_ON_START="ja" is not true or false`},
		{map[string]string{"SECURE_COOKIES": "yes"}, `SECURE_COOKIES="yes" is not true or false`},
		{map[string]string{"SHUTDOWN_TIMEOUT": "20"}, `SHUTDOWN_TIMEOUT="20" is not a duration`},
		{map[string]string{"SESSION_MAX_AGE": "-1h"}, `SESSION_MAX_AGE="-1h" is not a duration`},
		{map[string]string{"LOG_LEVEL": "loud"}, `LOG_LEVEL="loud" is not debug, info, warn or error`},
		{map[string]string{"MAX_BODY_BYTES": "0"}, "MAX_BODY_BYTES=0 is too small"},
		{map[string]string{"DATABASE_MAX_CONNECTIONS": "0"}, "DATABASE_MAX_CONNECTIONS must be at least 1"},
		{map[string]string{"SMTP_URL": "mail.example:25"}, "SMTP_URL is not an smtp://"},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,nginx"}, `TRUSTED_PROXIES: "nginx" is not an IP address or a CIDR range`},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"}, `TRUSTED_PROXIES: "10.0.0.0/33" is not an IP address`},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.300"}, `TRUSTED_PROXIES: "10.0.0.300" is not an IP address`},
		{map[string]string{"LISTEN_ADDR": "0.0.0.0:8080"}, `LISTEN_ADDR="0.0.0.0:8080" is not an IP address`},
		{map[string]string{"LISTEN_ADDR": "example.org"}, `LISTEN_ADDR="example.org" is not an IP address`},
		{map[string]string{"METRICS_ADDR": "9180"}, `METRICS_ADDR="9180" is not an address`},
		{map[string]string{"METRICS_ADDR": "127.0.0.1:http"}, `METRICS_ADDR="127.0.0.1:http" is not an address`},
		{map[string]string{"PPROF_ADDR": ":6060"}, `PPROF_ADDR=":6060" is not a loopback address`},
		{map[string]string{"PPROF_ADDR": "0.0.0.0:6060"}, `PPROF_ADDR="0.0.0.0:6060" is not a loopback address`},
		{map[string]string{"PPROF_ADDR": "192.168.1.5:6060"}, `PPROF_ADDR="192.168.1.5:6060" is not a loopback address`},
		{map[string]string{"PPROF_ADDR": "[::]:6060"}, `is not a loopback address`},
		{map[string]string{"PPROF_ADDR": "6060"}, `PPROF_ADDR="6060" is not an address`},
		{map[string]string{"MIGRATE_LOCK_TIMEOUT": "soon"}, `MIGRATE_LOCK_TIMEOUT="soon" is not a duration`},
		{map[string]string{"GOMEMLIMIT": "40MB"}, `GOMEMLIMIT="40MB" is not a size`},
		{map[string]string{"SMTP_URL": "http://mail.example"}, "SMTP_URL is not an smtp://"},
		// The old default: net/mail refuses an unquoted @ in the name.
		{map[string]string{"MAIL_FROM": "N@BIJ leerplatform <noreply@localhost>"}, `MAIL_FROM="N@BIJ leerplatform <noreply@localhost>" is not an e-mail address such as "N@BIJ leerplatform" <noreply@gemeente.be>`},
		{map[string]string{"MAIL_REPLY_TO": "opleiding"}, `MAIL_REPLY_TO="opleiding" is not an e-mail address`},
	} {
		e := map[string]string{"DATABASE_URL": "postgres://x@/nabij"}
		if _, ok := tc.env["DATABASE_URL"]; len(tc.env) == 0 && !ok {
			delete(e, "DATABASE_URL")
		}
		for k, v := range tc.env {
			e[k] = v
		}
		_, err := load(env(e))
		if err == nil {
			t.Errorf("load(%v) accepted it, want an error %q", tc.env, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("load(%v) = %q, want it to contain %q", tc.env, err, tc.want)
		}
	}
	// Every problem is reported at once, and a password is never echoed.
	_, err := load(env(map[string]string{"PORT": "x", "LOG_LEVEL": "y", "SMTP_URL": "geheim-wachtwoord"}))
	if err == nil || !strings.Contains(err.Error(), "PORT") || !strings.Contains(err.Error(), "LOG_LEVEL") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("load with three problems = %v, want all three named", err)
	}
	if err != nil && strings.Contains(err.Error(), "geheim") {
		t.Errorf("the error %q echoes SMTP_URL", err)
	}
}

func TestListenersAndMemory(t *testing.T) {
	c, err := load(env(map[string]string{
		"DATABASE_URL": "x",
		"LISTEN_ADDR":  "127.0.0.1",
		"PORT":         "8081",
		"METRICS_ADDR": "10.1.2.3:9180",
		"PPROF_ADDR":   "127.0.0.1:6060",
		"GOMEMLIMIT":   "64MiB",
		"LOG_LEVEL":    "warn",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr() != "127.0.0.1:8081" || c.MetricsAddr != "10.1.2.3:9180" || c.PprofAddr != "127.0.0.1:6060" {
		t.Errorf("got listen %q, metrics %q, pprof %q", c.Addr(), c.MetricsAddr, c.PprofAddr)
	}
	if c.MemoryLimit != 64<<20 || !c.MemoryLimitSet || c.LogLevel != slog.LevelWarn {
		t.Errorf("got memory limit %d (set %v), level %v", c.MemoryLimit, c.MemoryLimitSet, c.LogLevel)
	}
	for _, ok := range []map[string]string{
		{"LISTEN_ADDR": "::", "METRICS_ADDR": "off", "PPROF_ADDR": "localhost:6060", "GOMEMLIMIT": "off"},
		{"LISTEN_ADDR": "::1", "METRICS_ADDR": "[::1]:0", "PPROF_ADDR": "[::1]:6060", "GOMEMLIMIT": "1073741824"},
		{"TRUSTED_PROXIES": "127.0.0.1, ::1, fd00::/8, 192.168.0.0/16"},
	} {
		ok["DATABASE_URL"] = "x"
		if _, err := load(env(ok)); err != nil {
			t.Errorf("load(%v) = %v, want it accepted", ok, err)
		}
	}
	c, _ = load(env(map[string]string{"DATABASE_URL": "x", "METRICS_ADDR": "off"}))
	if c.MetricsAddr != "" {
		t.Errorf("METRICS_ADDR=off gives %q, want empty (no metrics listener)", c.MetricsAddr)
	}
}

func TestMailSettings(t *testing.T) {
	c, err := load(env(map[string]string{
		"DATABASE_URL":  "postgres://x@/nabij",
		"SMTP_URL":      "smtps://user:geheim@mail.example:465",
		"MAIL_FROM":     `"OCMW Testdorp, opleiding" <opleiding@testdorp.be>`,
		"MAIL_REPLY_TO": "Dienst Opleiding <dienst@testdorp.be>",
	}))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if c.SMTPURL != "smtps://user:geheim@mail.example:465" || c.MailReplyTo != "Dienst Opleiding <dienst@testdorp.be>" {
		t.Errorf("SMTP_URL = %q, MAIL_REPLY_TO = %q", c.SMTPURL, c.MailReplyTo)
	}
}
