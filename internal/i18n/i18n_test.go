package i18n

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"nabij.be/leerplatform/templates"
)

func TestEveryKeyInBothLanguages(t *testing.T) {
	nl, en := catalogues["nl"], catalogues["en"]
	if len(nl) < 50 {
		t.Fatalf("the nl catalogue has %d keys; the texts did not register", len(nl))
	}
	for k := range nl {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in nl but not in en", k)
		}
	}
	for k := range en {
		if _, ok := nl[k]; !ok {
			t.Errorf("key %q is in en but not in nl", k)
		}
	}
	for lang, cat := range catalogues {
		for k, v := range cat {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
		}
	}
}

// verbs lists the printf verbs of s, in order.
var verbRe = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

func TestTranslationsTakeTheSameArguments(t *testing.T) {
	for k, nlText := range catalogues["nl"] {
		enText, ok := catalogues["en"][k]
		if !ok {
			continue
		}
		a, b := verbRe.FindAllString(nlText, -1), verbRe.FindAllString(enText, -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%q: nl has verbs %v, en has %v", k, a, b)
		}
	}
}

// Keys that code builds at run time: the error pages.
var dynamicKeys = func() []string {
	keys := []string{"error.home", "error.reference"}
	for _, status := range []string{"400", "401", "403", "404", "405", "409", "413", "422", "429", "500", "503"} {
		keys = append(keys, "error."+status+".title", "error."+status+".message")
	}
	return keys
}()

// The values that templates put after a printf prefix such as
// {{ .T (printf "org.role.%s" .Role) }}; checked when a template uses the prefix.
var prefixValues = map[string][]string{
	"org.role.":            {"learner", "manager", "trainer", "admin"},
	"auth.lang.":           Languages,
	"authoring.quiz.kind.": {"single", "multiple", "truefalse"},
}

var (
	// {{ .T "key" … }}, {{ $.T "key" }}
	templateKeyRe = regexp.MustCompile(`\.T\s+"([^"]+)"`)
	// {{ .N "key" n }}, i18n.N(lang, "key", n), p.N("key", n): key.one and key.other
	templatePluralRe = regexp.MustCompile(`\.N\s+"([^"]+)"`)
	codePluralRe     = regexp.MustCompile(`(?:\bi18n\.N\(\s*[^,()"]+(?:\([^()]*\))?\s*,|\.N\()\s*"([a-z][a-z0-9_]*\.[a-z0-9_.]*[a-z0-9_])"`)
	// {{ .T (printf "prefix.%s" …) }}
	templatePrefixRe = regexp.MustCompile(`\.T\s+\(\s*print[f]?\s+"([^"%]+)`)
	// i18n.T(lang, "key"…), p.T("key"…), ErrorMessage(c, status, "key"…)
	codeKeyRe = regexp.MustCompile(`(?:\bi18n\.T\(\s*[^,()"]+(?:\([^()]*\))?\s*,|\.T\(|ErrorMessage\([^,]+,[^,]+,)\s*"([a-z][a-z0-9_]*\.[a-z0-9_.]*[a-z0-9_])"`)
)

func TestEveryUsedKeyExists(t *testing.T) {
	used := map[string][]string{} // key → where
	prefixes := map[string][]string{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		for _, m := range templateKeyRe.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = append(used[m[1]], "templates/"+p)
		}
		for _, m := range templatePluralRe.FindAllStringSubmatch(string(src), -1) {
			for _, form := range []string{".one", ".other"} {
				used[m[1]+form] = append(used[m[1]+form], "templates/"+p)
			}
		}
		for _, m := range templatePrefixRe.FindAllStringSubmatch(string(src), -1) {
			prefixes[m[1]] = append(prefixes[m[1]], "templates/"+p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 30 {
		t.Fatalf("found only %d keys in the templates: the scan is broken", len(used))
	}

	// Go code with literal keys.
	root := repoRoot(t)
	for _, dir := range []string{"internal", "cmd"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			for _, m := range codeKeyRe.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = append(used[m[1]], rel)
			}
			for _, m := range codePluralRe.FindAllStringSubmatch(string(src), -1) {
				for _, form := range []string{".one", ".other"} {
					used[m[1]+form] = append(used[m[1]+form], rel)
				}
			}
			return nil
		})
	}
	t.Logf("checked %d keys used in templates and code, %d printf prefixes", len(used), len(prefixes))
	for _, k := range dynamicKeys {
		used[k] = append(used[k], "built at run time")
	}

	for k, where := range used {
		for _, lang := range Languages {
			if _, ok := catalogues[lang][k]; !ok {
				t.Errorf("key %q used in %s is missing in %s", k, strings.Join(dedupe(where), ", "), lang)
			}
		}
	}
	for prefix, where := range prefixes {
		for _, v := range prefixValues[prefix] {
			for _, lang := range Languages {
				if _, ok := catalogues[lang][prefix+v]; !ok {
					t.Errorf("key %q built in %s is missing in %s", prefix+v, strings.Join(dedupe(where), ", "), lang)
				}
			}
		}
		found := false
		for k := range catalogues["nl"] {
			if strings.HasPrefix(k, prefix) {
				found = true
			}
		}
		if !found {
			t.Errorf("no key starts with %q (built in %s)", prefix, strings.Join(dedupe(where), ", "))
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                         "nl",
		"nl-BE,nl;q=0.9,en;q=0.8":  "nl",
		"en-US,en;q=0.9":           "en",
		"en":                       "en",
		"fr-BE,fr;q=0.9":           "nl",
		"fr-BE,fr;q=0.9,en;q=0.5":  "en",
		"de, nl;q=0.4":             "nl",
		"*":                        "nl",
		"garbage;;;q=x":            "nl",
		strings.Repeat("en,", 500): "en",
	} {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%.40q) = %q, want %q", header, got, want)
		}
	}
}

func TestT(t *testing.T) {
	if got := T("nl", "error.404.title"); got != "Pagina niet gevonden" {
		t.Errorf("T(nl, error.404.title) = %q", got)
	}
	if got := T("en", "error.404.title"); got != "Page not found" {
		t.Errorf("T(en, error.404.title) = %q", got)
	}
	if got := T("xx", "error.404.title"); got != "Pagina niet gevonden" {
		t.Errorf("T for an unknown language = %q, want the Dutch text", got)
	}
	if got := T("nl", "no.such.key"); got != "no.such.key" {
		t.Errorf("T for a missing key = %q, want the key", got)
	}
	if got := T("nl", "module.lessons.other", 6); got != "6 lessen" {
		t.Errorf("T with an argument = %q, want \"6 lessen\"", got)
	}
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Plural forms follow CLDR's cardinal rules: in Dutch and English only 1
// takes "one"; 0, 2 and 21 take "other".
func TestNPicksThePluralForm(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"nl", 0, "0 mensen"}, {"nl", 1, "1 persoon"}, {"nl", 2, "2 mensen"}, {"nl", 21, "21 mensen"},
		{"en", 1, "1 person"}, {"en", 3, "3 people"}, {"xx", 1, "1 persoon"},
	} {
		if got := N(c.lang, "org.admin.people_count", c.n); got != c.want {
			t.Errorf("N(%s, org.admin.people_count, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := N("nl", "learning.lessons", 6, 1); got != "1 van 6 lessen gelezen" {
		t.Errorf("N with the count second = %q, want \"1 van 6 lessen gelezen\"", got)
	}
	if got := N("nl", "learning.lessons", 1, 0); got != "0 van 1 les gelezen" {
		t.Errorf("N(learning.lessons, 1, 0) = %q, want \"0 van 1 les gelezen\"", got)
	}
	if got := N("en", "quiz.intro", 1); strings.Contains(got, "%") || !strings.HasPrefix(got, "Answer the question") {
		t.Errorf("N of a form without the number = %q", got)
	}
}

// The message files are what translators work with: each parses as a
// go-i18n v2 file, and every text with placeholders carries a note.
func TestMessageFilesForTranslators(t *testing.T) {
	for _, lang := range Languages {
		name := "locales/" + lang + ".json"
		buf, err := locales.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, name, map[string]goi18n.UnmarshalFunc{"json": json.Unmarshal})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if mf.Tag.String() != lang {
			t.Errorf("%s: language %s, want %s", name, mf.Tag, lang)
		}
		if len(mf.Messages) < 500 {
			t.Errorf("%s holds %d messages; the catalogue did not move", name, len(mf.Messages))
		}
		for _, m := range mf.Messages {
			if verbRe.MatchString(m.Other) && m.Description == "" {
				t.Errorf("%s %q has placeholders but no note for the translator", name, m.ID)
			}
		}
	}
}

// A Go map may still add texts (another engineer's new keys, until the
// generator folds them into the files) and override a file's text, but
// two Go maps may not register the same key.
func TestRegisterBesideTheFiles(t *testing.T) {
	name := catalogues["nl"]["site.name"]
	register("nl", map[string]string{"test.only.new": "Nieuw", "site.name": "Overschreven"})
	defer func() {
		delete(catalogues["nl"], "test.only.new")
		delete(fromFiles["nl"], "test.only.new")
		catalogues["nl"]["site.name"], fromFiles["nl"]["site.name"] = name, true
	}()
	if got := T("nl", "test.only.new"); got != "Nieuw" {
		t.Errorf("a key from a Go map: %q", got)
	}
	if got := T("nl", "site.name"); got != "Overschreven" {
		t.Errorf("a Go map overriding a file's text: %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("a key registered by two Go maps did not panic")
		}
	}()
	register("nl", map[string]string{"test.only.new": "Twee keer"})
}
