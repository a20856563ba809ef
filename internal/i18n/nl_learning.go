package i18n

func init() { register("nl", nlLearning) }

var nlLearning = map[string]string{
	"learning.title":              "Mijn leertraject",
	"learning.summary":            "Je hebt %d van de %d modules afgerond.",
	"learning.programme.done":     "Proficiat! Je hebt het volledige N@BIJ-traject afgerond op %s.",
	"learning.modules":            "Modules",
	"learning.empty":              "Er zijn nog geen modules.",
	"learning.percent":            "%d %% klaar",
	"learning.lessons.one":        "%[2]d van %[1]d les gelezen",
	"learning.lessons.other":      "%[2]d van %[1]d lessen gelezen",
	"learning.glance":             "Voortgang per module",
	"learning.quiz.none":          "quiz nog niet gemaakt",
	"learning.quiz.open":          "quiz begonnen, nog niet ingediend",
	"learning.quiz.failed":        "quiz nog niet geslaagd (beste score %d %%, nodig: %d %%)",
	"learning.quiz.passed":        "quiz geslaagd (beste score %d %%)",
	"learning.completed":          "Afgerond op %s",
	"learning.continue":           "Verder leren",
	"learning.start":              "Begin",
	"learning.certificates":       "Mijn certificaten",
	"learning.certificates.none":  "Je hebt nog geen certificaten. Rond een module af om er een te krijgen.",
	"learning.certificate.issued": "uitgereikt op %s",
	"learning.flash.done":         "‘%s’ is gemarkeerd als gelezen.",
	"learning.flash.already":      "‘%s’ was al gemarkeerd als gelezen.",
	"learning.flash.module":       "Proficiat! Je hebt deze module afgerond.",
	"learning.flash.programme":    "Proficiat! Je hebt alle modules en dus het volledige traject afgerond.",
}
