package e2e

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
)

var (
	fuzzAttemptRe = regexp.MustCompile(`name="poging" value="(\d+)"`)
	fuzzOptionRe  = regexp.MustCompile(`name="vraag-(\d+)" value="(\d+)"`)
)

// FuzzQuizSubmit posts arbitrary bodies to the quiz form of a learner with
// an open attempt. The quiz form parser lives inside the handler, so the
// fuzz target is the handler, through the whole app: whatever the body, the
// answer is never a 5xx and never shows a stack trace.
func FuzzQuizSubmit(f *testing.F) {
	const module = "online-informeren"
	env := apptest.New(f)
	org := env.CreateOrg("OCMW Fuzzdorp")
	env.CreateUser(org, "learner", "fuzz@fuzzdorp.be", "Fien Fuzz")
	c := env.Client()
	c.Login("fuzz@fuzzdorp.be", apptest.TestPassword)
	page := c.PostForm("/quiz/"+module+"/start", nil)
	att := fuzzAttemptRe.FindStringSubmatch(page.Body)
	opts := fuzzOptionRe.FindAllStringSubmatch(page.Body, -1)
	if att == nil || len(opts) == 0 {
		f.Fatalf("no quiz form after start (status %d); page says %q", page.Status, page.Flash())
	}
	var full []string
	for _, o := range opts {
		full = append(full, "vraag-"+o[1]+"="+o[2])
	}
	head := "poging=" + att[1] + "&volgnummer=1"
	for _, seed := range []string{
		head,
		head + "&" + opts[0][0][len(`name="`):],
		head + "&" + strings.Join(full, "&"),
		head + "&vraag-" + opts[0][1] + "=" + opts[0][2] + "&vraag-" + opts[0][1] + "=" + opts[0][2],
		head + "&vraag-" + opts[0][1] + "=-1",
		head + "&vraag-0=1&vraag-99999999999999999999=1",
		"poging=" + att[1] + "&volgnummer=999&vraag-" + opts[0][1] + "=" + opts[0][2],
		"poging=1&volgnummer=1",
		"poging=-1&volgnummer=0",
		"poging=" + att[1] + "&volgnummer=1&vraag-" + opts[0][1] + "=9223372036854775807",
		"",
		"&&&===",
		"poging=%ff",
		"vraag-1=%00",
		strings.Repeat("vraag-1=1&", 600),
		fmt.Sprintf("poging=%s&poging=%s&volgnummer=1&volgnummer=2", att[1], att[1]),
	} {
		f.Add(seed)
	}
	hc := *c.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	f.Fuzz(func(t *testing.T, body string) {
		req, err := http.NewRequest(http.MethodPost, env.URL("/quiz/"+module), strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("POST %q: %v", body, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("POST %q: read: %v", body, err)
		}
		text := string(b)
		if resp.StatusCode >= 500 {
			t.Fatalf("POST %q: status %d, want no 5xx; page says %q", body, resp.StatusCode, pageMessage(text))
		}
		if l := leak(text); l != "" {
			t.Fatalf("POST %q: the page shows %q", body, l)
		}
	})
}
