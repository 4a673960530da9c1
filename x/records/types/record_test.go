package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/x/records/types"
)

func TestValidateLocator(t *testing.T) {
	valid := []string{
		"vault://vault.mercy.example/v1/blobs/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"vault://localhost:8080/v1/blobs/abc",
		"https://s3.eu-west-1.example.com/carechain/blobs/a_b~c.enc",
		"https://vault.example",
		"https://v/" + strings.Repeat("a", types.MaxLocatorLength-len("https://v/")),
	}
	for _, s := range valid {
		require.NoError(t, types.ValidateLocator(s), s)
	}
	invalid := []string{
		"",
		"https://v/" + strings.Repeat("a", types.MaxLocatorLength-len("https://v/")+1),
		"http://vault.example/blob",
		"ftp://vault.example/blob",
		"file:///etc/passwd",
		"vault:/vault.example/blob",
		"https://-vault.example/blob",
		"https://vault.example/John Smith.pdf",
		"https://vault.example/blob?patient=alice",
		"https://vault.example/blob#frag",
		"https://user:pw@vault.example/blob",
		"https://vault.example/%41",
		"https://vault.example/caf\u00e9",
		"https://vault.example:123456/blob",
		"HTTPS://vault.example/blob",
	}
	for _, s := range invalid {
		require.ErrorIs(t, types.ValidateLocator(s), types.ErrInvalidLocator, s)
	}
}

func TestValidateCategoryAndHash(t *testing.T) {
	for _, s := range []string{"Observation", "11506-3", "mental-health", "DocumentReference", "loinc:11506-3", "a"} {
		require.NoError(t, types.ValidateCategory(s), s)
	}
	for _, s := range []string{"", "-x", "blood pressure", "a/b", "Ä", strings.Repeat("x", 65)} {
		require.ErrorIs(t, types.ValidateCategory(s), types.ErrInvalidCategory, s)
	}
	ok := strings.Repeat("ab", 32)
	require.NoError(t, types.ValidateSHA256Hex("h", ok))
	for _, s := range []string{"", ok[:62], ok + "ab", strings.ToUpper(ok), "zz" + ok[2:], " " + ok[1:]} {
		require.ErrorIs(t, types.ValidateSHA256Hex("h", s), types.ErrInvalidHash, s)
	}
}

func TestValidateEnvelopeKeys(t *testing.T) {
	epk := []byte(strings.Repeat("k", 32))
	require.NoError(t, types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk, make([]byte, 17)))
	require.NoError(t, types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk, make([]byte, 128)))
	for name, err := range map[string]error{
		"unknown scheme": types.ValidateEnvelopeKeys("carechain-hpke-x25519-v2", epk, make([]byte, 48)),
		"short epk":      types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk[:31], make([]byte, 48)),
		"long epk":       types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, append(epk, 1), make([]byte, 48)),
		"zero epk":       types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, make([]byte, 32), make([]byte, 48)),
		"short wrapped":  types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk, make([]byte, 16)),
		"long wrapped":   types.ValidateEnvelopeKeys(types.SchemeHPKEX25519V1, epk, make([]byte, 129)),
	} {
		require.ErrorIs(t, err, types.ErrInvalidEnvelope, name)
	}
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	for name, p := range map[string]types.Params{
		"zero size":           {MaxSizeBytes: 0, MaxInitialEnvelopes: 1, MaxEnvelopesPerRecord: 1},
		"size above ceiling":  {MaxSizeBytes: 1<<40 + 1, MaxInitialEnvelopes: 1, MaxEnvelopesPerRecord: 1},
		"zero initial":        {MaxSizeBytes: 1, MaxInitialEnvelopes: 0, MaxEnvelopesPerRecord: 1},
		"initial above total": {MaxSizeBytes: 1, MaxInitialEnvelopes: 3, MaxEnvelopesPerRecord: 2},
		"total above ceiling": {MaxSizeBytes: 1, MaxInitialEnvelopes: 1, MaxEnvelopesPerRecord: 1025},
	} {
		require.Error(t, p.Validate(), name)
	}
}

func TestContentCommitmentNeedsA32ByteSalt(t *testing.T) {
	_, err := types.ContentCommitment(make([]byte, 16), []byte("x"))
	require.Error(t, err)
	a, err := types.ContentCommitment(make([]byte, 32), []byte("negative"))
	require.NoError(t, err)
	salt := make([]byte, 32)
	salt[0] = 1
	b, err := types.ContentCommitment(salt, []byte("negative"))
	require.NoError(t, err)
	require.NotEqual(t, a, b, "the salt hides equal content")
}
