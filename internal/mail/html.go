package mail

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"nabij.be/leerplatform/internal/i18n"
)

// htmlBody turns the plain text into the HTML alternative. Mail programs
// (Outlook above all, which renders with Word) understand little CSS: the
// layout is a table of fixed width with inline styles, and a link on its
// own line becomes a button, with the address itself below it for mail
// programs that block buttons.
func htmlBody(subject, text, lang string) (string, error) {
	var paras []htmlPara
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if linkOnly.MatchString(p) {
			paras = append(paras, htmlPara{Link: p})
			continue
		}
		paras = append(paras, htmlPara{Lines: strings.Split(p, "\n")})
	}
	var b bytes.Buffer
	err := htmlTemplate.Execute(&b, map[string]any{
		"Lang": lang, "Subject": subject, "Paras": paras,
		"Button": i18n.T(lang, "mail.html.button"),
		"Footer": i18n.T(lang, "mail.html.footer"),
	})
	return b.String(), err
}

type htmlPara struct {
	Lines []string
	Link  string
}

var linkOnly = regexp.MustCompile(`^https?://\S+$`)

var htmlTemplate = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{ .Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Subject }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f4;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f4;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background-color:#ffffff;border:1px solid #dddddd;">
<tr><td style="padding:20px 28px;background-color:#00574b;color:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:20px;font-weight:bold;">N@BIJ leerplatform</td></tr>
<tr><td style="padding:24px 28px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:24px;color:#222222;">
{{- range .Paras }}
{{- if .Link }}
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 8px 0;"><tr>
<td bgcolor="#00574b" style="background-color:#00574b;padding:12px 24px;"><a href="{{ .Link }}" style="color:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:16px;font-weight:bold;text-decoration:none;">{{ $.Button }}</a></td>
</tr></table>
<p style="margin:0 0 16px 0;font-size:13px;line-height:20px;color:#555555;word-break:break-all;"><a href="{{ .Link }}" style="color:#00574b;">{{ .Link }}</a></p>
{{- else }}
<p style="margin:0 0 16px 0;">{{ range $i, $l := .Lines }}{{ if $i }}<br>{{ end }}{{ $l }}{{ end }}</p>
{{- end }}
{{- end }}
</td></tr>
<tr><td style="padding:16px 28px;border-top:1px solid #dddddd;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:18px;color:#666666;">{{ .Footer }}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`))
