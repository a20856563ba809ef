// Package i18n holds the UI text catalogues (nl-BE by default, English as
// second language) and picks the language of a request. The texts live in
// message files translators can work with, locales/nl.json and
// locales/en.json (go-i18n v2 format, CLDR plural forms, a note per key
// where the meaning is not obvious); internal/gen regenerates them.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"nl", "en"}

// catalogues holds, per language, every text by key; a plural text has one
// key per CLDR form: "module.lessons.one", "module.lessons.other".
var catalogues = mustLoad()

// fromFiles marks the keys that came from the message files, which a Go
// map registered later may override (see register).
var fromFiles = map[string]map[string]bool{}

//go:embed locales/*.json
var locales embed.FS

// mustLoad reads the message files locales/<lang>.json, in the go-i18n v2
// format translators' tools read: per key the text, or its plural forms
// ("one", "other", …), and a "description" for the translator. A broken
// file stops the program at start-up.
func mustLoad() map[string]map[string]string {
	cats := map[string]map[string]string{}
	unmarshal := map[string]goi18n.UnmarshalFunc{"json": json.Unmarshal}
	for _, lang := range Languages {
		name := "locales/" + lang + ".json"
		buf, err := locales.ReadFile(name)
		if err != nil {
			panic("i18n: " + err.Error())
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, name, unmarshal)
		if err != nil {
			panic("i18n: " + name + ": " + err.Error())
		}
		cat := map[string]string{}
		fromFiles[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			plural := m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
			if !plural {
				cat[m.ID] = m.Other
				fromFiles[lang][m.ID] = true
				continue
			}
			for form, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
				if text != "" {
					cat[m.ID+"."+form] = text
					fromFiles[lang][m.ID+"."+form] = true
				}
			}
		}
		cats[lang] = cat
	}
	return cats
}

// register adds texts kept in a Go map (a capability's nl_x.go, en_x.go)
// to a language's catalogue, from init. The message files are the home of
// the texts; a Go map is where someone adds a key before the generator
// (internal/i18n/internal/gen) folds it into the files, so it may
// override a text from the files. A key registered twice by Go maps
// panics at start-up.
func register(lang string, texts map[string]string) {
	cat := catalogues[lang]
	for k, v := range texts {
		if _, dup := cat[k]; dup && !fromFiles[lang][k] {
			panic("i18n: key registered twice: " + lang + " " + k)
		}
		fromFiles[lang][k] = false
		cat[k] = v
	}
}

var matcher = language.NewMatcher([]language.Tag{language.MustParse("nl-BE"), language.English})

// Supported reports whether lang is a UI language.
func Supported(lang string) bool {
	_, ok := catalogues[lang]
	return ok
}

// FromAcceptLanguage picks the UI language from an Accept-Language header.
// Browsers send few distinct headers, so the choice for each is
// remembered (up to maxRemembered; longer headers are parsed every time).
func FromAcceptLanguage(header string) string {
	if header == "" {
		return "nl"
	}
	if len(header) > maxRememberedHeader {
		return matchAcceptLanguage(header)
	}
	remembered.RLock()
	lang, ok := remembered.m[header]
	remembered.RUnlock()
	if ok {
		return lang
	}
	lang = matchAcceptLanguage(header)
	remembered.Lock()
	if len(remembered.m) >= maxRemembered {
		clear(remembered.m) // a client making up headers: start again
	}
	remembered.m[header] = lang
	remembered.Unlock()
	return lang
}

// remembered holds the language chosen for each Accept-Language header.
var remembered = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const (
	maxRemembered       = 512
	maxRememberedHeader = 200
)

func matchAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return "nl"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return "nl"
	}
	return Languages[i]
}

// T returns the text for key in lang, formatted with args when given. A
// missing key shows as the key itself, so a gap is visible, not blank.
func T(lang, key string, args ...any) string {
	cat, ok := catalogues[lang]
	if !ok {
		cat = catalogues["nl"]
	}
	s, ok := cat[key]
	if !ok {
		s, ok = catalogues["nl"][key]
		if !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var tags = map[string]language.Tag{"nl": language.MustParse("nl-BE"), "en": language.English}

// N returns the plural form of key for the count n in lang, following the
// language's CLDR cardinal rules: the catalogue holds key+".one" ("1 les")
// and key+".other" ("%d lessen"), and languages with more forms may add
// ".zero", ".two", ".few" or ".many". The text is formatted with n and then
// args (use %[2]s and the like to put them in another order); a form
// without any verb is shown as it is.
func N(lang, key string, n int, args ...any) string {
	k := key + "." + pluralForm(lang, n)
	text, ok := lookup(lang, k)
	if !ok {
		k = key + ".other"
		text, _ = lookup(lang, k)
	}
	if !strings.Contains(text, "%") {
		return T(lang, k) // a form without the number: "Beantwoord de vraag"
	}
	return T(lang, k, append([]any{n}, args...)...)
}

func pluralForm(lang string, n int) string {
	tag, ok := tags[lang]
	if !ok {
		tag = tags["nl"]
	}
	abs := n
	if abs < 0 {
		abs = -abs
	}
	switch plural.Cardinal.MatchPlural(tag, abs, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

func lookup(lang, key string) (string, bool) {
	cat, ok := catalogues[lang]
	if !ok {
		cat = catalogues["nl"]
	}
	s, ok := cat[key]
	return s, ok
}

// Keys lists the keys of a language's catalogue, sorted.
func Keys(lang string) []string {
	var keys []string
	for k := range catalogues[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
