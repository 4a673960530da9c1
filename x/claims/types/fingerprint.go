package types

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// FingerprintVersion prefixes the fingerprint preimage so that a future
// normalization cannot collide with this one.
const FingerprintVersion = "carechain-claim-fingerprint-v1"

// ServiceDateLayout is how a service date is written in the fingerprint.
const ServiceDateLayout = "2006-01-02"

// Fingerprint identifies "the same services billed again": the SHA-256, as
// 64 lowercase hex characters, of
//
//	carechain-claim-fingerprint-v1\n
//	provider=<provider org id>\n
//	patient=<patient address bytes, lowercase hex>\n
//	<one line per service line, sorted bytewise>
//
// where each service line is "<service date YYYY-MM-DD> <procedure code>
// <units>\n". Charges and diagnosis codes are left out on purpose: changing
// a price or a diagnosis does not make a service a different one. The plan
// is left out too, so billing the same services to two plans is caught.
// Lines are expected to be valid (ValidateLines): codes upper case, dates at
// midnight UTC, at most one line per (date, code).
func Fingerprint(providerOrg string, patient []byte, lines []ClaimLine) string {
	norm := make([]string, len(lines))
	for i, l := range lines {
		norm[i] = fmt.Sprintf("%s %s %d\n", l.ServiceDate.UTC().Format(ServiceDateLayout), l.ProcedureCode, l.Units)
	}
	slices.Sort(norm)
	var b strings.Builder
	b.WriteString(FingerprintVersion + "\n")
	b.WriteString("provider=" + providerOrg + "\n")
	b.WriteString("patient=" + hex.EncodeToString(patient) + "\n")
	for _, n := range norm {
		b.WriteString(n)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}
