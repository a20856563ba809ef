// Command gen writes the UI text catalogues to the message files
// translators work with, internal/i18n/locales/<lang>.json (the go-i18n
// v2 format: per key the text, or its CLDR plural forms "one", "other", …,
// with a "description" for the translator).
//
// It reads the catalogue as the running program sees it: the message files
// plus any Go map a capability still registers (nl_x.go, en_x.go). After
// merging someone's Go map keys, run it from the repository root and
// delete the Go map files it folded in:
//
//	go run ./internal/i18n/internal/gen && git rm internal/i18n/nl_*.go internal/i18n/en_*.go
//
// Descriptions already in the files are kept; keys with placeholders get
// one naming them when they have none.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"nabij.be/leerplatform/internal/i18n"
)

var forms = []string{"zero", "one", "two", "few", "many", "other"}

var verbRe = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]`)

func main() {
	dir := filepath.Join("internal", "i18n", "locales")
	for _, lang := range i18n.Languages {
		if err := write(dir, lang); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

func write(dir, lang string) error {
	path := filepath.Join(dir, lang+".json")
	notes := map[string]string{}
	if old, err := os.ReadFile(path); err == nil {
		var prev map[string]json.RawMessage
		if err := json.Unmarshal(old, &prev); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for k, raw := range prev {
			var m struct {
				Description string `json:"description"`
			}
			if json.Unmarshal(raw, &m) == nil && m.Description != "" {
				notes[k] = m.Description
			}
		}
	}

	keys := i18n.Keys(lang)
	have := map[string]bool{}
	for _, k := range keys {
		have[k] = true
	}
	out := map[string]map[string]string{}
	for _, k := range keys {
		id, form := k, "other"
		if base, f, ok := cutForm(k); ok && have[base+".other"] {
			id, form = base, f
		} else if have[k+".other"] {
			// An old singular key beside the plural forms that replaced
			// it (a Go map merged from before the change): drop it.
			fmt.Printf("%s: %s is superseded by %s.one/.other; dropped\n", lang, k, k)
			continue
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][form] = i18n.T(lang, k)
	}
	for id, m := range out {
		note := notes[id]
		if note == "" {
			note = manualNotes[id]
		}
		if note == "" {
			note = placeholderNote(m)
		}
		if note != "" {
			m["description"] = note
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d messages\n", path, len(out))
	return nil
}

func cutForm(k string) (base, form string, ok bool) {
	i := strings.LastIndexByte(k, '.')
	if i < 0 {
		return "", "", false
	}
	for _, f := range forms {
		if k[i+1:] == f {
			return k[:i], f, true
		}
	}
	return "", "", false
}

// manualNotes explain keys whose meaning the text alone does not show.
var manualNotes = map[string]string{
	"nav.skip":            "The first link on every page, for keyboard and screen-reader users: it jumps to the main content.",
	"lang.button":         "The button beside the language list in the footer; only this button changes the language.",
	"module.number":       "Small label above a module's title: \"Module 3\".",
	"quiz.crumb":          "Breadcrumb and side-panel link to the module's quiz.",
	"org.invite.summary":  "A sentence of two counted parts (org.invite.sent, org.invite.failed), each already translated.",
	"learning.lessons":    "%[1]d is the number of lessons in the module and picks the plural form; %[2]d is how many were read.",
	"report.matrix.count": "%[1]d is the number of people and picks the plural form; %[2]d and %[3]d are the first and last shown.",
	"a11y.check.text":     "%s is a date as pages write it: \"1 december 2026\".",
	"a11y.check.drawn_up": "%s is a date as pages write it: \"1 december 2026\".",
	"site.name":           "The platform's name; N@BIJ is a brand, not translated.",
}

// placeholderNote tells the translator which placeholders the text has.
func placeholderNote(m map[string]string) string {
	verbs := verbRe.FindAllString(m["other"], -1)
	if len(verbs) == 0 {
		return ""
	}
	seen := map[string]bool{}
	var uniq []string
	for _, v := range verbs {
		if !seen[v] {
			seen[v] = true
			uniq = append(uniq, v)
		}
	}
	sort.Strings(uniq)
	note := "Keep the placeholders " + strings.Join(uniq, " ") + " (filled in by the program"
	if strings.Contains(m["other"], "d") && strings.Contains(strings.Join(uniq, ""), "d") {
		note += "; %d is a number"
	}
	note += ")"
	if _, plural := m["one"]; plural {
		note += "; the number picks the plural form"
	}
	return note + "."
}
