package i18n

func init() { register("en", enLearning) }

var enLearning = map[string]string{
	"learning.title":              "My learning path",
	"learning.summary":            "You have completed %d of the %d modules.",
	"learning.programme.done":     "Congratulations! You completed the whole N@BIJ programme on %s.",
	"learning.modules":            "Modules",
	"learning.empty":              "There are no modules yet.",
	"learning.percent":            "%d %% done",
	"learning.lessons.one":        "%[2]d of %[1]d lesson read",
	"learning.lessons.other":      "%[2]d of %[1]d lessons read",
	"learning.glance":             "Progress per module",
	"learning.quiz.none":          "quiz not taken yet",
	"learning.quiz.open":          "quiz started, not yet submitted",
	"learning.quiz.failed":        "quiz not passed yet (best score %d %%, needed: %d %%)",
	"learning.quiz.passed":        "quiz passed (best score %d %%)",
	"learning.completed":          "Completed on %s",
	"learning.continue":           "Continue learning",
	"learning.start":              "Start",
	"learning.certificates":       "My certificates",
	"learning.certificates.none":  "You have no certificates yet. Complete a module to earn one.",
	"learning.certificate.issued": "issued on %s",
	"learning.flash.done":         "‘%s’ is marked as read.",
	"learning.flash.already":      "‘%s’ was already marked as read.",
	"learning.flash.module":       "Congratulations! You completed this module.",
	"learning.flash.programme":    "Congratulations! You completed every module and so the whole programme.",
}
