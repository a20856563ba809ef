// Package e2e holds the platform's reliability tests: they run the real
// binary (a database restarted under it, SIGTERM while requests flow, two
// instances behind nginx) or the in-process app across every capability
// (bad input, the quiz form fuzz target, the HTML validator and axe-core on
// every page type). The package has no code of its own, only tests.
package e2e
