package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nabij.be/leerplatform/internal/apptest"
)

// keyboardLogin signs in with the keyboard only: Tab to each field, type,
// Enter.
func keyboardLogin(b *apptest.Browser, env *apptest.Env, email, password string) {
	b.Navigate(env.URL("/aanmelden"))
	b.TabTo(`input[type=email]`)
	b.Type(email)
	b.TabTo(`input[type=password]`)
	b.Type(password)
	b.PressEnter()
}

// A manager invites a colleague with the keyboard only, starting from
// their dashboard: the menu leads to the organisation, its button to the
// invitation form.
func TestKeyboardOnlyManagerInvitesSomeone(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Toetsdorp")
	_, pw := env.CreateUser(org, "manager", "mo@toetsdorp.example", "Mo Manager")
	b := apptest.NewBrowser(t)
	keyboardLogin(b, env, "mo@toetsdorp.example", pw)

	b.Navigate(env.URL("/mijn-leertraject"))
	b.TabTo(`.main-nav a[href="/organisatie"]`)
	b.PressEnter()
	if got := b.Location(); !strings.HasSuffix(got, "/organisatie") {
		t.Fatalf("Enter on the menu's organisation link: at %s", got)
	}
	b.TabTo(`a[href="/organisatie/uitnodigen"]`)
	b.PressEnter()
	b.TabTo(`textarea[name=adressen]`)
	b.Type("nieuw@toetsdorp.example")
	b.TabTo(`form[action="/organisatie/uitnodigen"] button[type=submit]`)
	b.PressEnter()
	if got := b.Text(`[role=status]`); !strings.Contains(got, "1 uitnodiging klaargezet") {
		t.Errorf("invitation report says %q, want 1 uitnodiging klaargezet", got)
	}
	var n int
	if err := env.DB.Get(&n, `SELECT count(*) FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.email = 'nieuw@toetsdorp.example' AND u.organisation_id = $1`, org); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("invitations for nieuw@toetsdorp.example = %d, want 1", n)
	}
	b.Axe(t, "invitation report")
	b.NoConsoleErrors(t)
}

var orgPathRe = regexp.MustCompile(`/beheer/organisaties/(\d+)$`)

// An admin creates an organisation and invites its first manager, with the
// keyboard only.
func TestKeyboardOnlyAdminCreatesAnOrganisationAndInvitesItsManager(t *testing.T) {
	env := apptest.New(t)
	_, pw := env.CreateUser(0, "admin", "ada@platform.example", "Ada Admin")
	b := apptest.NewBrowser(t)
	keyboardLogin(b, env, "ada@platform.example", pw)

	b.TabTo(`.main-nav a[href="/beheer"]`)
	b.PressEnter()
	b.TabTo(`input[name=naam]`)
	b.Type("OCMW Toetsenbord")
	b.TabTo(`form[action="/beheer/organisaties"] button[type=submit]`)
	b.PressEnter()
	m := orgPathRe.FindStringSubmatch(b.Location())
	if m == nil {
		t.Fatalf("after creating the organisation: at %s, want its admin page", b.Location())
	}
	orgID, _ := strconv.ParseInt(m[1], 10, 64)
	b.TabTo(`textarea[name=adressen]`)
	b.Type("baas@toetsenbord.example")
	b.TabTo(`select[name=rol]`)
	if got := apptest.Result(b, chromedp.Evaluate[string](`document.activeElement.value`)); got != "manager" {
		t.Errorf("the role chosen by default is %q, want manager", got)
	}
	b.TabTo(`form[action$="/uitnodigen"] button[type=submit]`)
	b.PressEnter()
	if got := b.Text(`[role=status]`); !strings.Contains(got, "1 uitnodiging klaargezet") {
		t.Errorf("invitation report says %q, want 1 uitnodiging klaargezet", got)
	}
	var role string
	if err := env.DB.Get(&role, `SELECT role FROM users WHERE email = 'baas@toetsenbord.example' AND organisation_id = $1`, orgID); err != nil {
		t.Fatalf("the invited manager: %v", err)
	}
	if role != "manager" {
		t.Errorf("the invited person's role is %q, want manager", role)
	}
	b.Axe(t, "admin invitation report")
	b.NoConsoleErrors(t)
}

// Choosing another language in the footer's select with the arrow keys
// changes nothing until the button is pressed (WCAG 3.2.2); the button
// brings the person back to the same page with its query.
func TestLanguageSelectWaitsForItsButton(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Taaldorp")
	id, pw := env.CreateUser(org, "learner", "lena@taaldorp.example", "Lena Lerende")
	b := apptest.NewBrowser(t)
	b.Login(env.Server.URL, "lena@taaldorp.example", pw)
	b.Navigate(env.URL("/zoeken?q=privacy"))
	b.TabTo(`#taal-keuze`)
	b.Run(chromedp.KeyEvent(kb.ArrowDown))
	time.Sleep(700 * time.Millisecond)
	if lang := apptest.Result(b, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "nl-BE" {
		t.Errorf("after ArrowDown in the language select the page is in %q, want it unchanged (nl-BE)", lang)
	}
	var stored string
	if err := env.DB.Get(&stored, `SELECT lang FROM users WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if stored == "en" {
		t.Errorf("ArrowDown in the language select stored English for the person")
	}
	b.Run(chromedp.SetValue(`#taal-keuze`, "en"))
	b.TabTo(`.lang-form button`)
	b.PressEnter()
	if got := b.Location(); !strings.HasSuffix(got, "/zoeken?q=privacy") {
		t.Errorf("after choosing English: at %s, want back on /zoeken?q=privacy", got)
	}
	if lang := apptest.Result(b, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "en" {
		t.Errorf("after the button the page is in %q, want en", lang)
	}
}

// On a phone (320 px) the report's chart labels and a lesson's diagram
// text are at least 12 px high; after "Begin aan de quiz" the focus is on
// the questions' heading, not a frame around the whole form.
func TestReadableOnAPhone(t *testing.T) {
	env := apptest.New(t)
	org := env.CreateOrg("OCMW Telefoondorp")
	_, pw := env.CreateUser(org, "manager", "mo@telefoondorp.example", "Mo Manager")
	b := apptest.NewBrowser(t)
	b.Login(env.Server.URL, "mo@telefoondorp.example", pw)
	b.SetWidth(apptest.Narrow)

	b.Navigate(env.URL("/rapport"))
	sizes := apptest.Result(b, chromedp.Evaluate[[]float64](`Array.from(document.querySelectorAll('.report-chart text')).map(t => t.getBoundingClientRect().height)`))
	if len(sizes) == 0 {
		t.Fatalf("the report shows no chart labels")
	}
	for _, h := range sizes {
		if h < 12 {
			t.Errorf("a chart label is %.1f px high at 320 px, want at least 12", h)
		}
	}

	// The smallest text of each diagram, as the phone shows it: its font
	// size in the SVG times the scale the image is drawn at.
	b.Navigate(env.URL("/modules/online-informeren/het-e-loket"))
	diagrams := apptest.Result(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.prose img')).filter(i => /\.svg$/.test(i.src)).map(i => i.src + ' ' + i.getBoundingClientRect().width)`))
	if len(diagrams) == 0 {
		t.Fatalf("the lesson shows no diagram")
	}
	for _, d := range diagrams {
		src, width, _ := strings.Cut(d, " ")
		drawn, _ := strconv.ParseFloat(width, 64)
		resp, err := http.Get(src)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		svg := string(body)
		vb := regexp.MustCompile(`viewBox="[\d.]+ [\d.]+ ([\d.]+)`).FindStringSubmatch(svg)
		if vb == nil {
			t.Fatalf("%s has no viewBox", src)
		}
		vbw, _ := strconv.ParseFloat(vb[1], 64)
		smallest := 1e9
		for _, m := range regexp.MustCompile(`font-size="([\d.]+)"`).FindAllStringSubmatch(svg, -1) {
			if f, _ := strconv.ParseFloat(m[1], 64); f < smallest {
				smallest = f
			}
		}
		if px := smallest * drawn / vbw; px < 12 {
			t.Errorf("diagram %s: its smallest text is %.1f px on a phone (drawn %.0f px wide), want at least 12", src, px, drawn)
		}
	}
	b.NoOverflow(t, "lesson with a diagram")
	b.Axe(t, "lesson with a diagram at 320 px")

	b.Navigate(env.URL("/quiz/online-informeren"))
	b.TabTo(`form[action$="/start"] button`)
	b.PressEnter()
	focused := apptest.Result(b, chromedp.Evaluate[string](`document.activeElement.tagName + '#' + document.activeElement.id + ' ' + getComputedStyle(document.activeElement).outlineStyle`))
	if focused != "H2#vragen none" {
		t.Errorf("after starting the quiz the focus is on %q, want the questions' heading without a frame (H2#vragen none)", focused)
	}
	b.NoOverflow(t, "quiz form")
}
