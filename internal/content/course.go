package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// Course is a parsed course folder.
type Course struct {
	Modules []Module
}

// Module is one module folder.
type Module struct {
	Dir      string // folder name, e.g. 01-online-informeren
	Slug     string
	Position int
	Title    string
	Summary  string
	Minutes  int
	IntroMD  string
	PolicyMD string
	Lessons  []Lesson
	Quiz     Quiz
	Media    []Media
	// Hash covers module.md, quiz.yaml and the media; lessons have their own.
	Hash string
}

// Lesson is one lesson file.
type Lesson struct {
	File     string // path within the course folder
	Slug     string
	Position int
	Title    string
	Minutes  int
	BodyMD   string
	Hash     string
}

// Quiz is a module's quiz.
type Quiz struct {
	PassMark  int        `yaml:"pass_mark"`
	Questions []Question `yaml:"questions"`
}

// Question kinds.
const (
	Single    = "single"
	Multiple  = "multiple"
	TrueFalse = "truefalse"
)

// Question is one quiz question.
type Question struct {
	ID      string   `yaml:"id"`
	Kind    string   `yaml:"type"`
	Text    string   `yaml:"text"`
	Options []Option `yaml:"options"`
}

// Option is one answer option with the explanation shown after grading.
type Option struct {
	// ID is the option's permanent key within its question: answers point at it,
	// so reordering or rewording options never changes what a learner chose.
	ID          string `yaml:"id"`
	Text        string `yaml:"text"`
	Correct     bool   `yaml:"correct"`
	Explanation string `yaml:"explanation"`
}

// Media is an image or a downloadable file (a worker's tool) of a module.
type Media struct {
	Name        string
	ContentType string
	Data        []byte
}

// Problem is one thing wrong with a course file.
type Problem struct {
	File   string
	Line   int
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason) }

// Problems is the list of everything wrong in a course folder.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var (
	slugRe      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	numberedRe  = regexp.MustCompile(`^([0-9]{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$`)
	mediaNameRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*\.(png|jpe?g|webp|svg|txt|pdf)$`)
)

// ValidSlug reports whether s can serve as a module, lesson or question slug.
func ValidSlug(s string) bool { return slugRe.MatchString(s) && len(s) <= 80 }

// Slugify turns a text into a slug of at most max bytes: lowercase ASCII
// letters, digits and hyphens ("Cliënten & privacy" → "clienten-privacy").
func Slugify(text string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r > 0x300 && r < 0x370: // combining accents
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > max {
		s = strings.TrimSuffix(s[:max], "-")
	}
	return s
}

// MaxMediaSize is the largest media file a course may hold.
const MaxMediaSize = 2 << 20

// Parse reads every module folder (NN-slug) at the top of fsys. It returns
// the course only when there are no problems.
func (r *Renderer) Parse(fsys fs.FS) (*Course, Problems) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Problems{{File: ".", Line: 0, Reason: "map niet leesbaar: " + err.Error()}}
	}
	var c Course
	var ps Problems
	slugs := map[string]string{}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		m := numberedRe.FindStringSubmatch(e.Name())
		if m == nil {
			ps = append(ps, Problem{e.Name(), 0, "mapnaam moet de vorm NN-slug hebben (bv. 01-online-informeren)"})
			continue
		}
		if other, dup := slugs[m[2]]; dup {
			ps = append(ps, Problem{e.Name(), 0, fmt.Sprintf("dubbele module-slug %q (ook in %s)", m[2], other)})
			continue
		}
		slugs[m[2]] = e.Name()
		mod, mps := r.parseModule(fsys, e.Name(), m[2], atoi2(m[1]))
		ps = append(ps, mps...)
		if mod != nil {
			c.Modules = append(c.Modules, *mod)
		}
	}
	if len(c.Modules) == 0 && len(ps) == 0 {
		ps = append(ps, Problem{".", 0, "geen modulemappen gevonden (verwacht NN-slug/module.md)"})
	}
	sort.Slice(c.Modules, func(i, j int) bool { return c.Modules[i].Position < c.Modules[j].Position })
	for i := 1; i < len(c.Modules); i++ {
		if c.Modules[i].Position == c.Modules[i-1].Position {
			ps = append(ps, Problem{c.Modules[i].Dir, 0, fmt.Sprintf("volgnummer %02d komt twee keer voor", c.Modules[i].Position)})
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return &c, nil
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

type moduleMeta struct {
	Title         string `yaml:"title"`
	Summary       string `yaml:"summary"`
	Minutes       int    `yaml:"minutes"`
	PolicySummary string `yaml:"policy_summary"`
}

type lessonMeta struct {
	Title   string `yaml:"title"`
	Minutes int    `yaml:"minutes"`
}

func (r *Renderer) parseModule(fsys fs.FS, dir, slug string, pos int) (*Module, Problems) {
	var ps Problems
	add := func(file string, line int, format string, args ...any) {
		ps = append(ps, Problem{file, line, fmt.Sprintf(format, args...)})
	}
	mod := &Module{Dir: dir, Slug: slug, Position: pos}
	hash := sha256.New()

	// media first, so lessons can check their images and download links;
	// the value says whether the file is an image.
	media := map[string]bool{}
	if ents, err := fs.ReadDir(fsys, path.Join(dir, "media")); err == nil {
		for _, e := range ents {
			file := path.Join(dir, "media", e.Name())
			if e.IsDir() {
				add(file, 0, "submappen in media/ worden niet ondersteund")
				continue
			}
			if !mediaNameRe.MatchString(e.Name()) {
				add(file, 0, "bestandsnaam of type niet toegelaten (toegelaten: png, jpg, webp, svg, txt, pdf; letters, cijfers, punt, streep)")
				continue
			}
			data, err := fs.ReadFile(fsys, file)
			if err != nil {
				add(file, 0, "niet leesbaar: %v", err)
				continue
			}
			ct, reason := DetectMedia(e.Name(), data)
			if reason != "" {
				add(file, 0, "%s", reason)
				continue
			}
			media["media/"+e.Name()] = IsImage(ct)
			mod.Media = append(mod.Media, Media{Name: e.Name(), ContentType: ct, Data: data})
			fmt.Fprintf(hash, "media\x00%s\x00%x\x00", e.Name(), sha256.Sum256(data))
		}
	}

	modFile := path.Join(dir, "module.md")
	src, err := fs.ReadFile(fsys, modFile)
	if err != nil {
		add(modFile, 0, "ontbreekt: elke module heeft een module.md")
	} else {
		hash.Write(src)
		var meta moduleMeta
		body, fps := parseFrontMatter(modFile, src, &meta)
		ps = append(ps, fps...)
		if fps == nil {
			if strings.TrimSpace(meta.Title) == "" {
				add(modFile, 2, "veld 'title' ontbreekt of is leeg")
			}
			if s := strings.TrimSpace(meta.Summary); s == "" {
				add(modFile, 2, "veld 'summary' ontbreekt of is leeg")
			} else if utf8.RuneCountInString(s) > 300 {
				add(modFile, 2, "'summary' is langer dan 300 tekens")
			}
			if meta.Minutes <= 0 {
				add(modFile, 2, "veld 'minutes' moet een positief geheel getal zijn")
			}
			if p := strings.TrimSpace(meta.PolicySummary); p == "" {
				add(modFile, 2, "veld 'policy_summary' ontbreekt of is leeg")
			} else if n := len(strings.Fields(p)); n > 200 {
				add(modFile, 2, "'policy_summary' telt %d woorden; hoogstens 200", n)
			}
			if strings.TrimSpace(body) == "" {
				add(modFile, 0, "de inleiding (tekst na de front matter) is leeg")
			}
			mod.Title = strings.TrimSpace(meta.Title)
			mod.Summary = strings.TrimSpace(meta.Summary)
			mod.Minutes = meta.Minutes
			mod.PolicyMD = strings.TrimSpace(meta.PolicySummary)
			mod.IntroMD = strings.TrimSpace(body)
			ps = append(ps, r.checkImages(modFile, body, bodyOffset(src), media)...)
		}
	}

	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		add(dir, 0, "map niet leesbaar: %v", err)
		return nil, ps
	}
	lessonSlugs := map[string]string{}
	positions := map[int]string{}
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || name == "module.md" || name == "quiz.yaml" || strings.HasPrefix(name, ".") {
			if e.IsDir() && name != "media" && !strings.HasPrefix(name, ".") {
				add(path.Join(dir, name), 0, "onbekende map; alleen media/ is toegelaten")
			}
			continue
		}
		file := path.Join(dir, name)
		if !strings.HasSuffix(name, ".md") {
			add(file, 0, "onbekend bestand; verwacht NN-slug.md, module.md, quiz.yaml of media/")
			continue
		}
		m := numberedRe.FindStringSubmatch(strings.TrimSuffix(name, ".md"))
		if m == nil {
			add(file, 0, "lesbestand moet de vorm NN-slug.md hebben")
			continue
		}
		if other, dup := lessonSlugs[m[2]]; dup {
			add(file, 0, "dubbele les-slug %q (ook in %s)", m[2], other)
			continue
		}
		lessonSlugs[m[2]] = name
		if other, dup := positions[atoi2(m[1])]; dup {
			add(file, 0, "volgnummer %s komt ook voor in %s", m[1], other)
		}
		positions[atoi2(m[1])] = name
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			add(file, 0, "niet leesbaar: %v", err)
			continue
		}
		l, lps := r.parseLesson(file, src, media)
		ps = append(ps, lps...)
		l.Slug, l.Position = m[2], atoi2(m[1])
		mod.Lessons = append(mod.Lessons, l)
	}
	sort.Slice(mod.Lessons, func(i, j int) bool { return mod.Lessons[i].Position < mod.Lessons[j].Position })
	if len(mod.Lessons) == 0 {
		add(dir, 0, "de module heeft geen lessen")
	}

	quizFile := path.Join(dir, "quiz.yaml")
	if src, err := fs.ReadFile(fsys, quizFile); err != nil {
		add(quizFile, 0, "ontbreekt: elke module heeft een quiz.yaml")
	} else {
		hash.Write(src)
		q, qps := ParseQuiz(quizFile, src)
		ps = append(ps, qps...)
		mod.Quiz = q
	}
	mod.Hash = hex.EncodeToString(hash.Sum(nil))
	if len(ps) > 0 {
		return nil, ps
	}
	return mod, nil
}

func (r *Renderer) parseLesson(file string, src []byte, media map[string]bool) (Lesson, Problems) {
	var ps Problems
	l := Lesson{File: file, Hash: fmt.Sprintf("%x", sha256.Sum256(src))}
	var meta lessonMeta
	body, fps := parseFrontMatter(file, src, &meta)
	if fps != nil {
		return l, fps
	}
	if strings.TrimSpace(meta.Title) == "" {
		ps = append(ps, Problem{file, 2, "veld 'title' ontbreekt of is leeg"})
	}
	if meta.Minutes <= 0 {
		ps = append(ps, Problem{file, 2, "veld 'minutes' moet een positief geheel getal zijn"})
	}
	if strings.TrimSpace(body) == "" {
		ps = append(ps, Problem{file, bodyOffset(src) + 1, "de les heeft geen tekst"})
	}
	off := bodyOffset(src)
	if err := CheckLimits(body); err != nil { // before parsing it: a text beyond the bounds is slow to parse
		return l, append(ps, Problem{file, off + max(err.Line, 1), err.Reason})
	}
	for _, line := range r.h1Lines(body) {
		ps = append(ps, Problem{file, off + line, "gebruik geen kop van niveau 1 (#): de titel komt uit de front matter; begin bij ##"})
	}
	ps = append(ps, r.checkImages(file, body, off, media)...)
	l.Title = strings.TrimSpace(meta.Title)
	l.Minutes = meta.Minutes
	l.BodyMD = strings.TrimSpace(body) + "\n"
	return l, ps
}

// CheckLessonBody reports problems in a lesson body that a trainer edits in
// the browser; file names the lesson in the messages. media maps each
// "media/NAME" of the module to whether it is an image.
func (r *Renderer) CheckLessonBody(file, body string, media map[string]bool) Problems {
	if err := CheckLimits(body); err != nil { // before parsing it: a text beyond the bounds is slow to parse
		return Problems{{file, max(err.Line, 1), err.Reason}}
	}
	return r.checkImages(file, body, 0, media)
}

// vagueLinkTexts are link texts that say nothing out of context (a screen
// reader lists links on their own).
var vagueLinkTexts = map[string]bool{"hier": true, "klik hier": true, "link": true, "deze link": true, "download": true, "bestand": true, "meer": true, "lees meer": true}

// describes reports whether an alt text says anything: it holds at least
// one letter or digit. The upload page's hint ![…](media/…) pasted as it
// is, or an alt of dots and dashes, does not.
func describes(alt string) bool {
	for _, r := range alt {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func (r *Renderer) checkImages(file, body string, offset int, media map[string]bool) Problems {
	var ps Problems
	for _, img := range r.Images(body) {
		line := offset + img.Line
		if !describes(img.Alt) {
			ps = append(ps, Problem{file, line, fmt.Sprintf("afbeelding %q heeft geen alt-tekst (beschrijf in woorden wat de afbeelding toont; een placeholder zoals ‘…’ telt niet)", img.Destination)})
		}
		isImage, ok := media[img.Destination]
		switch {
		case !ok:
			ps = append(ps, Problem{file, line, fmt.Sprintf("afbeelding %q bestaat niet (verwacht media/NAAM in de map van de module)", img.Destination)})
		case !isImage:
			ps = append(ps, Problem{file, line, fmt.Sprintf("%q is geen afbeelding; link een downloadbestand als [beschrijvende tekst](%s)", img.Destination, img.Destination)})
		}
	}
	for _, l := range r.mediaLinks(body) {
		line := offset + l.Line
		if _, ok := media[l.Destination]; !ok {
			ps = append(ps, Problem{file, line, fmt.Sprintf("link naar %q: het bestand bestaat niet (verwacht media/NAAM in de map van de module)", l.Destination)})
		}
		if t := strings.ToLower(strings.TrimSpace(l.Alt)); t == "" || vagueLinkTexts[t] {
			ps = append(ps, Problem{file, line, fmt.Sprintf("link naar %q heeft geen beschrijvende linktekst (zeg wat de lezer krijgt, niet 'hier')", l.Destination)})
		}
	}
	return ps
}

// parseFrontMatter splits "---\nYAML\n---\nbody" and decodes the YAML
// strictly into meta. Lines in problems are lines of the whole file.
func parseFrontMatter(file string, src []byte, meta any) (string, Problems) {
	if !utf8.Valid(src) {
		return "", Problems{{file, 1, "het bestand is geen geldige UTF-8-tekst"}}
	}
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return "", Problems{{file, 1, "front matter ontbreekt: het bestand moet beginnen met een regel '---'"}}
	}
	end := frontMatterEnd(s)
	if end < -1 {
		if strings.HasSuffix(s, "\n---") {
			end = len(s) - 4 - 4
		} else {
			return "", Problems{{file, 1, "front matter is niet afgesloten met een regel '---'"}}
		}
	}
	yml := s[4 : 4+end+1]
	body := ""
	if 4+end+5 <= len(s) {
		body = s[4+end+5:]
	}
	dec := yaml.NewDecoder(strings.NewReader(yml))
	dec.KnownFields(true)
	// An empty front matter decodes to io.EOF: the field checks then
	// report what is missing.
	if err := dec.Decode(meta); err != nil && !errors.Is(err, io.EOF) {
		return "", Problems{{file, 1 + yamlLine(err), "front matter: " + yamlReason(err)}}
	}
	return body, nil
}

// frontMatterEnd returns the index in s[4:] of the "\n---\n" that closes
// the front matter: -1 for an empty front matter ("---\n---\n"), -2 when
// there is none.
func frontMatterEnd(s string) int {
	if strings.HasPrefix(s[4:], "---\n") {
		return -1
	}
	if i := strings.Index(s[4:], "\n---\n"); i >= 0 {
		return i
	}
	return -2
}

// bodyOffset is the number of lines before the body of a file with front matter.
func bodyOffset(src []byte) int {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return 0
	}
	end := frontMatterEnd(s)
	if end < -1 {
		return 0
	}
	return strings.Count(s[:4+end+5], "\n")
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n := 0
		fmt.Sscan(m[1], &n)
		return n
	}
	return 1
}

var (
	yamlLinePrefixRe = regexp.MustCompile(`^line \d+: `)
	yamlUnknownRe    = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	yamlTypeRe       = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// yamlReason turns a YAML error into a short reason without the YAML
// library's own line numbers (the caller gives the file's line) and without
// Go type names.
func yamlReason(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var reasons []string
	for _, part := range strings.Split(msg, "\n") {
		part = yamlLinePrefixRe.ReplaceAllString(strings.TrimSpace(part), "")
		if part == "" {
			continue
		}
		if m := yamlUnknownRe.FindStringSubmatch(part); m != nil {
			part = fmt.Sprintf("onbekend veld '%s'", m[1])
		} else if m := yamlTypeRe.FindStringSubmatch(part); m != nil {
			part = fmt.Sprintf("waarde %q heeft het verkeerde type (verwacht %s)", m[2], yamlTypeName(m[3]))
		}
		reasons = append(reasons, part)
	}
	return strings.Join(reasons, "; ")
}

func yamlTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "een geheel getal"
	case goType == "bool":
		return "true of false"
	case goType == "string":
		return "tekst"
	case strings.HasPrefix(goType, "[]"):
		return "een lijst"
	default:
		return "een ander type"
	}
}

// ParseQuiz decodes and checks a quiz file.
func ParseQuiz(file string, src []byte) (Quiz, Problems) {
	var q Quiz
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return q, Problems{{file, yamlLine(err), "YAML: " + yamlReason(err)}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&q); err != nil {
		return q, Problems{{file, yamlLine(err), "YAML: " + yamlReason(err)}}
	}
	lines := questionLines(&root)
	return q, CheckQuiz(file, q, lines)
}

// CheckQuiz checks a quiz; lines gives the line of each question (may be nil).
func CheckQuiz(file string, q Quiz, lines []int) Problems {
	var ps Problems
	line := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 1
	}
	if q.PassMark < 1 || q.PassMark > 100 {
		ps = append(ps, Problem{file, 1, "'pass_mark' moet tussen 1 en 100 liggen"})
	}
	if len(q.Questions) == 0 {
		ps = append(ps, Problem{file, 1, "de quiz heeft geen vragen"})
	}
	ids := map[string]bool{}
	for i, qu := range q.Questions {
		l := line(i)
		switch {
		case !ValidSlug(qu.ID):
			ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: 'id' ontbreekt of is geen slug (kleine letters, cijfers, streepjes)", i+1)})
		case ids[qu.ID]:
			ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: dubbele id %q", i+1, qu.ID)})
		}
		ids[qu.ID] = true
		if strings.TrimSpace(qu.Text) == "" {
			ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: 'text' ontbreekt", i+1)})
		}
		correct := 0
		optIDs := map[string]bool{}
		for j, o := range qu.Options {
			if o.ID != "" {
				switch {
				case !ValidSlug(o.ID):
					ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d, optie %d: 'id' is geen slug (kleine letters, cijfers, streepjes)", i+1, j+1)})
				case optIDs[o.ID]:
					ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d, optie %d: dubbele id %q", i+1, j+1, o.ID)})
				}
				optIDs[o.ID] = true
			}
			if strings.TrimSpace(o.Text) == "" {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d, optie %d: 'text' ontbreekt", i+1, j+1)})
			}
			if strings.TrimSpace(o.Explanation) == "" {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d, optie %d: 'explanation' ontbreekt", i+1, j+1)})
			}
			if o.Correct {
				correct++
			}
		}
		switch qu.Kind {
		case Single:
			if len(qu.Options) < 2 {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: een 'single'-vraag heeft minstens twee opties", i+1)})
			}
			if correct != 1 {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: een 'single'-vraag heeft precies één juist antwoord (nu %d)", i+1, correct)})
			}
		case Multiple:
			if len(qu.Options) < 3 {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: een 'multiple'-vraag heeft minstens drie opties", i+1)})
			}
			if correct < 1 {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: geen juist antwoord", i+1)})
			}
		case TrueFalse:
			if len(qu.Options) != 2 || qu.Options[0].Text != "Juist" || qu.Options[1].Text != "Fout" {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: een 'truefalse'-vraag heeft precies de opties Juist en Fout", i+1)})
			}
			if correct != 1 {
				ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: een 'truefalse'-vraag heeft precies één juist antwoord (nu %d)", i+1, correct)})
			}
		default:
			ps = append(ps, Problem{file, l, fmt.Sprintf("vraag %d: onbekend type %q (single, multiple of truefalse)", i+1, qu.Kind)})
		}
	}
	return ps
}

// questionLines returns the line of each item under "questions".
func questionLines(root *yaml.Node) []int {
	if root == nil || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "questions" && m.Content[i+1].Kind == yaml.SequenceNode {
			var lines []int
			for _, item := range m.Content[i+1].Content {
				lines = append(lines, item.Line)
			}
			return lines
		}
	}
	return nil
}

// IsImage reports whether a media content type is an image (shown in the
// lesson) rather than a download.
func IsImage(contentType string) bool { return strings.HasPrefix(contentType, "image/") }

// DetectMedia returns the content type of a course's media file: an image
// (see DetectImage) or a download for workers, a UTF-8 text file (.txt) or
// a PDF. The content decides, not the name.
func DetectMedia(name string, data []byte) (contentType, reason string) {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt":
		if len(data) == 0 {
			return "", "het bestand is leeg"
		}
		if len(data) > MaxMediaSize {
			return "", fmt.Sprintf("het bestand is groter dan %d MB", MaxMediaSize>>20)
		}
		if !utf8.Valid(data) || !strings.HasPrefix(http.DetectContentType(data), "text/plain") {
			return "", "een .txt-bestand moet gewone UTF-8-tekst zijn"
		}
		return "text/plain; charset=utf-8", ""
	case ".pdf":
		if len(data) == 0 {
			return "", "het bestand is leeg"
		}
		if len(data) > MaxMediaSize {
			return "", fmt.Sprintf("het bestand is groter dan %d MB", MaxMediaSize>>20)
		}
		if http.DetectContentType(data) != "application/pdf" {
			return "", `de inhoud van het bestand past niet bij de extensie ".pdf"`
		}
		return "application/pdf", ""
	}
	return DetectImage(name, data)
}

// DetectImage returns the content type of an image file, or a Dutch reason
// why it is refused. The content decides, not the name.
func DetectImage(name string, data []byte) (contentType, reason string) {
	if len(data) == 0 {
		return "", "het bestand is leeg"
	}
	if len(data) > MaxMediaSize {
		return "", fmt.Sprintf("het bestand is groter dan %d MB", MaxMediaSize>>20)
	}
	ext := strings.ToLower(path.Ext(name))
	sniffed := http.DetectContentType(data)
	switch ext {
	case ".png":
		if sniffed == "image/png" {
			return "image/png", ""
		}
	case ".jpg", ".jpeg":
		if sniffed == "image/jpeg" {
			return "image/jpeg", ""
		}
	case ".webp":
		if sniffed == "image/webp" {
			return "image/webp", ""
		}
	case ".svg":
		lower := strings.ToLower(string(data))
		if !strings.Contains(lower, "<svg") {
			break
		}
		if reason := CheckSVG(data); reason != "" { // svg.go: an allow-list
			return "", reason
		}
		return "image/svg+xml", ""
	}
	return "", fmt.Sprintf("de inhoud van het bestand past niet bij de extensie %q", ext)
}
