package types_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/claims/types"
)

func fpLine(code string, units uint32, charge int64, d int, dx ...string) types.ClaimLine {
	if dx == nil {
		dx = []string{"J06.9"}
	}
	return types.ClaimLine{ProcedureCode: code, DiagnosisCodes: dx, Units: units, Charge: i(charge),
		ServiceDate: time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC)}
}

func TestFingerprintPreimageIsAsDocumented(t *testing.T) {
	patient := []byte{0xab, 0xcd}
	got := types.Fingerprint("mercy-general", patient, []types.ClaimLine{fpLine("99213", 1, 5, 2), fpLine("80053", 2, 5, 2)})
	pre := "carechain-claim-fingerprint-v1\nprovider=mercy-general\npatient=abcd\n2026-03-02 80053 2\n2026-03-02 99213 1\n"
	sum := sha256.Sum256([]byte(pre))
	require.Equal(t, hex.EncodeToString(sum[:]), got)
	require.Regexp(t, `^[0-9a-f]{64}$`, got)
}

func TestFingerprintNormalization(t *testing.T) {
	p := []byte("patient-one")
	base := types.Fingerprint("mercy-general", p, []types.ClaimLine{fpLine("99213", 1, 100, 2), fpLine("85025", 1, 20, 2)})

	same := map[string][]types.ClaimLine{
		"lines reordered":   {fpLine("85025", 1, 20, 2), fpLine("99213", 1, 100, 2)},
		"charge changed":    {fpLine("99213", 1, 999, 2), fpLine("85025", 1, 20, 2)},
		"diagnosis changed": {fpLine("99213", 1, 100, 2, "Z00.00"), fpLine("85025", 1, 20, 2)},
	}
	for name, lines := range same {
		require.Equal(t, base, types.Fingerprint("mercy-general", p, lines), name)
	}
	different := map[string]string{
		"units":    types.Fingerprint("mercy-general", p, []types.ClaimLine{fpLine("99213", 2, 100, 2), fpLine("85025", 1, 20, 2)}),
		"date":     types.Fingerprint("mercy-general", p, []types.ClaimLine{fpLine("99213", 1, 100, 3), fpLine("85025", 1, 20, 2)}),
		"code":     types.Fingerprint("mercy-general", p, []types.ClaimLine{fpLine("99214", 1, 100, 2), fpLine("85025", 1, 20, 2)}),
		"a line":   types.Fingerprint("mercy-general", p, []types.ClaimLine{fpLine("99213", 1, 100, 2)}),
		"provider": types.Fingerprint("lakeside-clinic", p, []types.ClaimLine{fpLine("99213", 1, 100, 2), fpLine("85025", 1, 20, 2)}),
		"patient":  types.Fingerprint("mercy-general", []byte("patient-two"), []types.ClaimLine{fpLine("99213", 1, 100, 2), fpLine("85025", 1, 20, 2)}),
	}
	for name, fp := range different {
		require.NotEqual(t, base, fp, name)
	}
}
