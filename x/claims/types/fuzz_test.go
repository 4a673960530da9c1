package types_test

import (
	"math/big"
	"testing"

	"cosmossdk.io/math"

	"github.com/carechain/carechain/x/claims/types"
)

// amountFrom maps fuzz bytes onto [0, MaxAmount], the range every amount
// is validated into before the arithmetic runs.
func amountFrom(b []byte) math.Int {
	n := new(big.Int).SetBytes(b)
	n.Mod(n, new(big.Int).Add(types.MaxAmount.BigInt(), big.NewInt(1)))
	return math.NewIntFromBigInt(n)
}

// FuzzAdjudicationArithmetic checks the line arithmetic against big.Int
// reference computations and its invariants, for every amount the
// validation admits (up to MaxAmount), units up to the parameter ceiling
// and any coinsurance:
//
//	allowed = min(charge, max_allowed_per_unit × units) ≤ charge
//	share   = ⌊allowed × (10000 − bps) / 10000⌋ ≤ allowed
//	payer   = min(share, max(limit − used, 0)) (no cap when limit = 0) ≤ share
//	patient = allowed − payer ≥ 0, and payer + patient = allowed
//
// A denied line pays nothing and leaves the whole charge to the patient.
func FuzzAdjudicationArithmetic(f *testing.F) {
	f.Add([]byte{0x07, 0xbf, 0xa4, 0x80}, []byte{0x07, 0xbf, 0xa4, 0x80}, uint32(1), uint16(2000), []byte{}, []byte{})
	f.Add([]byte{0x05, 0xf5, 0xe0, 0xff}, []byte{0x07, 0xbf, 0xa4, 0x80}, uint32(3), uint16(10000), []byte{0x08, 0xf0, 0xd1, 0x80}, []byte{0x04, 0xc4, 0xb4, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, uint32(99_999), uint16(1), []byte{0x01}, []byte{0x02})
	f.Add([]byte{0x01}, []byte{0x01}, uint32(1), uint16(0), []byte{0x09}, []byte{0x09})
	f.Fuzz(func(t *testing.T, chargeB, maxB []byte, units uint32, bps uint16, limitB, usedB []byte) {
		charge, maxPer := amountFrom(chargeB), amountFrom(maxB)
		limit, used := amountFrom(limitB), amountFrom(usedB)
		units = 1 + units%99_999 // validated units are in [1, max_units_per_line ≤ 99999]
		bps %= types.BasisPoints + 1
		rule := types.CoverageRule{ProcedureCode: "99213", MaxAllowedPerUnit: maxPer, CoinsuranceBps: uint32(bps)}
		line := types.ClaimLine{ProcedureCode: "99213", Units: units, Charge: charge}

		got := types.ComputeLineTerms(rule, line, limit, used)

		// Reference computations in big.Int.
		bigMin := func(a, b *big.Int) *big.Int {
			if a.Cmp(b) < 0 {
				return a
			}
			return b
		}
		allowed := bigMin(charge.BigInt(), new(big.Int).Mul(maxPer.BigInt(), big.NewInt(int64(units))))
		share := new(big.Int).Quo(new(big.Int).Mul(allowed, big.NewInt(int64(types.BasisPoints-uint32(bps)))), big.NewInt(types.BasisPoints))
		payer := new(big.Int).Set(share)
		if !limit.IsZero() {
			remaining := new(big.Int).Sub(limit.BigInt(), used.BigInt())
			if remaining.Sign() < 0 {
				remaining.SetInt64(0)
			}
			payer = bigMin(share, remaining)
		}
		for _, c := range []struct {
			name string
			got  math.Int
			want *big.Int
		}{{"allowed", got.Allowed, allowed}, {"share", got.Share, share}, {"payer", got.Payer, payer}, {"patient", got.Patient, new(big.Int).Sub(allowed, payer)}} {
			if c.got.BigInt().Cmp(c.want) != 0 {
				t.Fatalf("%s = %s, want %s (charge %s, max %s, units %d, bps %d, limit %s, used %s)", c.name, c.got, c.want, charge, maxPer, units, bps, limit, used)
			}
		}
		switch {
		case got.Allowed.GT(charge):
			t.Fatalf("allowed %s exceeds the charge %s", got.Allowed, charge)
		case got.Payer.IsNegative() || got.Patient.IsNegative() || got.Share.IsNegative():
			t.Fatalf("negative amount: %+v", got)
		case got.Payer.GT(got.Share) || got.Share.GT(got.Allowed):
			t.Fatalf("payer %s ≤ share %s ≤ allowed %s does not hold", got.Payer, got.Share, got.Allowed)
		case !got.Payer.Add(got.Patient).Equal(got.Allowed):
			t.Fatalf("payer %s + patient %s ≠ allowed %s", got.Payer, got.Patient, got.Allowed)
		case got.Capped() != got.Payer.LT(got.Share):
			t.Fatalf("Capped() disagrees with payer < share")
		}
		if bps == types.BasisPoints && !got.Payer.IsZero() {
			t.Fatalf("100%% coinsurance, payer pays %s", got.Payer)
		}
		denied := types.DeniedLine(line, types.ReasonNotMedicallyNecessary)
		if !denied.PayerPaid.IsZero() || !denied.Allowed.IsZero() || !denied.PatientResponsibility.Equal(charge) {
			t.Fatalf("denied line %+v", denied)
		}
	})
}
