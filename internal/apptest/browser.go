package apptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser the browser tests drive: Debian's Chromium.
// The environment variable CHROMIUM overrides it.
const ChromiumPath = "/usr/bin/chromium"

// ActionTimeout limits one call of Browser.Run.
const ActionTimeout = 30 * time.Second

// Browser is one headless Chromium with one tab, for one test. It records
// every console error, uncaught exception and Content-Security-Policy
// violation of the pages it shows.
//
//	b := apptest.NewBrowser(t)
//	b.Run(chromedp.Navigate(env.URL("/")))
//	b.Axe(t, "home")
//	if errs := b.ConsoleErrors(); len(errs) > 0 { t.Errorf(...) }
type Browser struct {
	t   testing.TB
	ctx context.Context

	mu   sync.Mutex
	errs []string
	docs map[string]bool // URLs of documents the tab navigated to
}

// NewBrowser starts a headless Chromium with a fresh profile. It fails the
// test (it never skips) when Chromium is missing; the browser stops when the
// test ends.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path := ChromiumPath
	if p := os.Getenv("CHROMIUM"); p != "" {
		path = p
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("browser test: Chromium not found at %s (%v): run `make test` as root, or `apt-get install chromium`", path, err)
	}
	profile, err := os.MkdirTemp("", "nabij-chromium-")
	if err != nil {
		t.Fatalf("browser test: profile folder: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &Browser{t: t, ctx: ctx, docs: map[string]bool{}}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // waits for the process to end
		os.RemoveAll(profile)
	})

	// The first run starts the browser; it must not carry a timeout.
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(ctx) }()
	select {
	case err := <-start:
		if err != nil {
			t.Fatalf("browser test: start Chromium: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("browser test: Chromium did not start within 60s")
	}
	if err := chromedp.Listen(ctx, b.onEvent); err != nil {
		t.Fatalf("browser test: listen: %v", err)
	}
	return b
}

// Ctx returns the context of the tab, for chromedp calls the helpers do not
// cover. Derive a timeout from it for long actions.
func (b *Browser) Ctx() context.Context { return b.ctx }

// Run runs the actions in order and fails the test at the first error.
func (b *Browser) Run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v (page %s)", err, b.location())
	}
}

// Result runs one action that returns a value and fails the test on error:
//
//	title := apptest.Result(b, chromedp.Title())
//	text := apptest.Result(b, chromedp.Text(chromedp.CSS("main h1")))
func Result[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v (page %s)", err, b.location())
	}
	return v
}

// Navigate opens url and waits for the page to load.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.Run(chromedp.Navigate(url))
}

// Location returns the URL of the page the tab shows.
func (b *Browser) Location() string {
	b.t.Helper()
	return Result(b, chromedp.Location())
}

// Text returns the visible text of the first element matching the CSS
// selector; it waits for the element.
func (b *Browser) Text(css string) string {
	b.t.Helper()
	return Result(b, chromedp.Text(chromedp.CSS(css)))
}

func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return u
}

// onEvent records errors. It runs on the tab's reader goroutine: it must be
// fast and must not call the browser.
func (b *Browser) onEvent(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError && e.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		msg = "console." + string(e.Type) + ": " + argsText(e.Args)
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		if d == nil {
			return
		}
		msg = "exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		if d.URL != "" {
			msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		en := e.Entry
		if en == nil || en.Level != log.EntryLevelError {
			return
		}
		b.mu.Lock()
		doc := b.docs[en.URL]
		b.mu.Unlock()
		// A page that answers 404 or 422 on purpose is not an error of the
		// page; a missing stylesheet or image is.
		// Nor is the browser's own request for /favicon.ico.
		if en.Source == log.EntrySourceNetwork && (doc || strings.HasSuffix(en.URL, "/favicon.ico")) {
			return
		}
		msg = string(en.Source) + ": " + en.Text
		if en.URL != "" {
			msg += " (" + en.URL + ")"
		}
	case *page.EventFrameNavigated:
		if e.Frame != nil {
			b.mu.Lock()
			b.docs[e.Frame.URL] = true
			b.mu.Unlock()
		}
		return
	default:
		return
	}
	b.mu.Lock()
	b.errs = append(b.errs, msg)
	b.mu.Unlock()
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Type == runtime.RemoteObjectTypeString:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// ConsoleErrors returns the console errors, uncaught exceptions and browser
// log errors (CSP violations have the source "security"; failed subresources
// "network") seen so far, oldest first. An error status of a page itself
// (a 404 page, a 422 form) is not counted.
func (b *Browser) ConsoleErrors() []string {
	b.t.Helper()
	// A round trip to the page: events sent before it have been seen.
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`0`)) //nolint:errcheck
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// ClearConsoleErrors forgets the errors seen so far.
func (b *Browser) ClearConsoleErrors() {
	b.mu.Lock()
	b.errs = nil
	b.mu.Unlock()
}

// NoConsoleErrors fails the test when the pages shown so far logged an
// error or a CSP violation.
func (b *Browser) NoConsoleErrors(t testing.TB) {
	t.Helper()
	if errs := b.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("browser console errors (want none):\n  %s", strings.Join(errs, "\n  "))
	}
}

// Login signs in through the login form at baseURL+"/aanmelden": it fills
// the e-mail and password fields, submits, and fails the test when the
// browser is still on the form afterwards (with the page's error messages).
func (b *Browser) Login(baseURL, email, password string) {
	b.t.Helper()
	b.Navigate(strings.TrimRight(baseURL, "/") + "/aanmelden")
	emailSel := chromedp.CSS(`form input[type=email], form input[name=email], form input[name=e-mail]`)
	passSel := chromedp.CSS(`form input[type=password]`)
	b.Run(
		chromedp.WaitVisible(passSel),
		chromedp.SetValue(emailSel, email),
		chromedp.SetValue(passSel, password),
		chromedp.Submit(passSel),
	)
	// Wait until the form's page is gone: the next document has loaded
	// and either has no password field (signed in) or shows an error. The
	// page navigates meanwhile, which destroys the JavaScript context an
	// evaluation runs in, so poll with short evaluations and retry.
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	const settled = `document.readyState === 'complete' &&
		(!document.querySelector('input[type=password]') ||
		 !!document.querySelector('[role=alert], .notice.error, .field-error, [aria-invalid=true]'))`
	for {
		ectx, ecancel := context.WithTimeout(ctx, 2*time.Second)
		done, err := chromedp.Run(ectx, chromedp.Evaluate[bool](settled))
		ecancel()
		if err == nil && done {
			break
		}
		if ctx.Err() != nil {
			b.t.Fatalf("browser login as %s: no answer within %s (last error %v, page %s)", email, ActionTimeout, err, b.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
	still, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('input[type=password]')`))
	if still {
		msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('[role=alert], .notice.error, .field-error')).map(e => e.textContent.trim()).join(' | ')`))
		b.t.Fatalf("browser login as %s failed: still on %s: %q", email, b.location(), msg)
	}
}

// RepoRoot finds the repository root by walking up from the working
// directory to the folder holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the working directory")
		}
		dir = parent
	}
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

func axeSource(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() {
		p := filepath.Join(RepoRoot(t), "node_modules", "axe-core", "axe.min.js")
		b, err := os.ReadFile(p)
		if err != nil {
			axeErr = fmt.Errorf("axe-core is not installed (%v): run `make test` or `npm ci`", err)
			return
		}
		axeSrc = string(b)
	})
	if axeErr != nil {
		t.Fatalf("%v", axeErr)
	}
	return axeSrc
}

// AxeTags are the rule sets Axe checks: WCAG 2.0, 2.1 and 2.2, levels A
// and AA (2.2 adds the 24 × 24 px target size of 2.5.8).
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// Axe runs axe-core on the page the tab shows, with the WCAG 2.0/2.1/2.2 A
// and AA rules, and fails t with every violation found. label names the page in
// the failure message.
func (b *Browser) Axe(t testing.TB, label string) {
	t.Helper()
	src := axeSource(t)
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	// DevTools evaluation is not subject to the page's CSP.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`if (typeof axe === 'undefined') {`+src+"\n}")); err != nil {
		t.Fatalf("axe %s: inject axe-core: %v", label, err)
	}
	tags, _ := json.Marshal(AxeTags)
	script := `(async () => {
		const r = await axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']});
		return r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: (n.html || '').slice(0, 200), summary: n.failureSummary || ''}))}));
	})()`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		var ee *chromedp.ExceptionError
		if errors.As(err, &ee) {
			t.Fatalf("axe %s: axe.run threw: %v", label, err)
		}
		t.Fatalf("axe %s: %v", label, err)
	}
	if len(vs) == 0 {
		return
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "axe %s (%s): %d accessibility violation(s), want 0:", label, b.location(), len(vs))
	for _, v := range vs {
		fmt.Fprintf(&sb, "\n- %s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "\n    %s: %s", strings.Join(n.Target, " "), n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&sb, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
	}
	t.Error(sb.String())
}

// Narrow is the width of WCAG 1.4.10 (reflow): 320 CSS pixels, a phone
// held upright or a desktop zoomed to 400 %.
const Narrow = 320

// SetWidth makes the tab's viewport width CSS pixels wide (900 high), as a
// phone's or a zoomed window's; pages opened afterwards lay out at it.
func (b *Browser) SetWidth(width int64) {
	b.t.Helper()
	b.Run(chromedp.EmulateViewport(width, 900))
}

// Overflow is a page wider than its viewport: the document's width and
// the elements that stick out furthest beyond the right edge.
type Overflow struct {
	Document int      `json:"document"`
	Viewport int      `json:"viewport"`
	Culprits []string `json:"culprits"`
}

// Overflow measures whether the page the tab shows scrolls sideways. It
// returns nil when the document is no wider than the viewport; otherwise
// the widest elements that are not inside a region that scrolls on its own
// (a data table's focusable wrapper may scroll; the page may not), or are
// positioned absolutely, out of such a region.
func (b *Browser) Overflow() *Overflow {
	b.t.Helper()
	const script = `(() => {
		const vw = document.documentElement.clientWidth;
		const dw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
		if (dw <= vw) return null;
		const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
			const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			// An absolutely positioned element inside a scroller that is not
			// its containing block widens the page all the same.
			const pos = getComputedStyle(el).position;
			if (r.right > vw + 0.5 && r.width > 0 && (!scrolls(el) || pos === 'absolute' || pos === 'fixed')) {
				let name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
				out.push({name: name + ' (right edge ' + Math.round(r.right) + ' px)', right: r.right});
			}
		}
		out.sort((a, b) => b.right - a.right);
		return {document: dw, viewport: vw, culprits: out.slice(0, 6).map(o => o.name)};
	})()`
	return Result(b, chromedp.Evaluate[*Overflow](script))
}

// NoOverflow fails t when the page the tab shows is wider than its
// viewport (WCAG 1.4.10), naming the elements that stick out.
func (b *Browser) NoOverflow(t testing.TB, label string) {
	t.Helper()
	if o := b.Overflow(); o != nil {
		t.Errorf("reflow %s (%s): the document is %d px wide in a %d px viewport, want no wider; sticking out: %s",
			label, b.location(), o.Document, o.Viewport, strings.Join(o.Culprits, ", "))
	}
}

// FocusRing is the focus indicator of one element as the keyboard shows it.
type FocusRing struct {
	Element    string  `json:"element"`
	Style      string  `json:"style"`
	Width      float64 `json:"width"`
	Color      string  `json:"color"`
	Background string  `json:"background"`
	Contrast   float64 `json:"contrast"`
}

// FocusRings presses Tab up to max times from the top of the page the tab
// shows and measures, for every element that takes the focus, its focus
// outline: style, width, colour, the colour behind the outline (the
// nearest opaque background of the element itself when the outline lies
// inside it, of its parent otherwise) and the contrast ratio of the two
// (WCAG 1.4.11 asks at least 3:1).
func (b *Browser) FocusRings(max int) []FocusRing {
	b.t.Helper()
	b.Run(chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.getSelection().removeAllRanges();
		document.querySelectorAll('[data-ring-seen]').forEach(e => e.removeAttribute('data-ring-seen'))`))
	const measure = `(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return null;
		if (el.hasAttribute('data-ring-seen')) return {element: ''};
		el.setAttribute('data-ring-seen', '');
		const cs = getComputedStyle(el);
		const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
			const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
		const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
			return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
		const inside = parseFloat(cs.outlineOffset) < 0;
		let bg = null;
		for (let p = inside ? el : el.parentElement; p; p = p.parentElement) {
			const c = parse(getComputedStyle(p).backgroundColor);
			if (c && c.a > 0.5) { bg = c; break; }
		}
		if (!bg) bg = {r: 255, g: 255, b: 255, a: 1};
		const oc = parse(cs.outlineColor) || {r: 0, g: 0, b: 0, a: 0};
		const l1 = lum(oc), l2 = lum(bg);
		const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
		const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.getAttribute('href') ? '[href="' + el.getAttribute('href') + '"]' : '') + (el.name ? '[name=' + el.name + ']' : '');
		return {element: name, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) || 0, color: cs.outlineColor,
			background: 'rgb(' + bg.r + ', ' + bg.g + ', ' + bg.b + ')', contrast: Math.round(ratio * 100) / 100};
	})()`
	var rings []FocusRing
	for i := 0; i < max; i++ {
		b.Run(chromedp.KeyEvent("\t"))
		r := Result(b, chromedp.Evaluate[*FocusRing](measure))
		if r == nil {
			continue
		}
		if r.Element == "" {
			break // the focus went round
		}
		rings = append(rings, *r)
	}
	return rings
}

// TabTo presses Tab until the focused element matches the CSS selector,
// at most 150 times, and fails the test when it never does: what a
// keyboard cannot reach, a keyboard user cannot use.
func (b *Browser) TabTo(css string) {
	b.t.Helper()
	sel, _ := json.Marshal(css)
	for i := 0; i < 150; i++ {
		b.Run(chromedp.KeyEvent("\t"))
		if Result(b, chromedp.Evaluate[bool](`!!document.activeElement && document.activeElement.matches(`+string(sel)+`)`)) {
			return
		}
	}
	b.t.Fatalf("browser: Tab never reached %s (page %s)", css, b.location())
}

// Type types text into the focused element, key by key.
func (b *Browser) Type(text string) {
	b.t.Helper()
	b.Run(chromedp.KeyEvent(text))
}

// PressEnter presses Enter on the focused element and, when that loads a
// new page (a link followed, a form submitted), waits until it has loaded.
func (b *Browser) PressEnter() {
	b.t.Helper()
	b.Run(chromedp.Evaluate[chromedp.Void](`window.__nabijOld = true`))
	b.Run(chromedp.KeyEvent("\r"))
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	for {
		ectx, ecancel := context.WithTimeout(ctx, 2*time.Second)
		done, err := chromedp.Run(ectx, chromedp.Evaluate[bool](`!window.__nabijOld && document.readyState === 'complete'`))
		ecancel()
		if err == nil && done {
			return
		}
		if ctx.Err() != nil {
			b.t.Fatalf("browser: no new page within %s after Enter (page %s)", ActionTimeout, b.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
