//go:build !e2e

package e2e_test

// fullSuite is false without the e2e build tag: only the short form runs.
const fullSuite = false
