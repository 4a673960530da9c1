//go:build e2e

package e2e_test

// fullSuite is true with the e2e build tag (`make test-e2e`).
const fullSuite = true
