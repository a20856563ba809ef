// Package i18n holds the UI text catalogues (nl-BE by default, English as
// second language) and picks the language of a request.
package i18n

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"nl", "en"}

var catalogues = map[string]map[string]string{"nl": {}, "en": {}}

// register adds a capability's texts to a language's catalogue. Each
// capability keeps its texts in its own pair of files (nl_x.go, en_x.go)
// and registers them from init. A key registered twice panics at start-up.
func register(lang string, texts map[string]string) {
	cat := catalogues[lang]
	for k, v := range texts {
		if _, dup := cat[k]; dup {
			panic("i18n: key registered twice: " + lang + " " + k)
		}
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
func FromAcceptLanguage(header string) string {
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
