package types_test

import (
	"math/big"
	"testing"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/research/types"
)

// FuzzEscrowArithmetic: for any incentive of up to 256 bits and any target
// and enrollment count, the escrow arithmetic agrees with big.Int:
//   - EscrowFor(incentive, n) is incentive × n in the incentive's denom, and
//     fails exactly when that product does not fit in 256 bits;
//   - paying the incentive out of the registration escrow once per
//     enrollment (what MsgEnroll does) leaves exactly ExpectedEscrow,
//     incentive × (target − enrolled), never a negative amount;
//   - a COMPLETED or TERMINATED study expects nothing, and a study with more
//     enrollments than its target is an error, not an escrow.
//
// Run with `make test-fuzz` (scripts/fuzz.sh); `go test` replays the seeds
// and testdata/fuzz/FuzzEscrowArithmetic/.
func FuzzEscrowArithmetic(f *testing.F) {
	f.Add([]byte{0x02, 0xfa, 0xf0, 0x80}, uint32(100), uint32(3), uint8(0))               // $50, the localnet study
	f.Add([]byte{}, uint32(10), uint32(10), uint8(0))                                     // unpaid study, full
	f.Add(big.NewInt(0).Lsh(big.NewInt(1), 250).Bytes(), uint32(63), uint32(1), uint8(0)) // 2^250 × 63 just fits
	f.Add(big.NewInt(0).Lsh(big.NewInt(1), 250).Bytes(), uint32(64), uint32(0), uint8(0)) // 2^256 does not fit
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, ^uint32(0), uint32(7), uint8(5))                // max slots, terminated
	f.Add([]byte{1}, uint32(2), uint32(5), uint8(2))                                      // over-enrolled
	f.Fuzz(func(t *testing.T, amount []byte, target, enrolled uint32, status uint8) {
		if len(amount) > math.MaxBitLen/8 {
			amount = amount[:math.MaxBitLen/8]
		}
		bigAmt := new(big.Int).SetBytes(amount)
		incentive := sdk.NewCoin("uusd", math.NewIntFromBigInt(bigAmt))

		// EscrowFor against big.Int.
		want := new(big.Int).Mul(bigAmt, new(big.Int).SetUint64(uint64(target)))
		escrow, err := types.EscrowFor(incentive, target)
		if fits := want.BitLen() <= math.MaxBitLen; fits != (err == nil) {
			t.Fatalf("EscrowFor(%s, %d): fits=%v, err=%v", bigAmt, target, fits, err)
		}
		if err != nil {
			return
		}
		if escrow.Denom != incentive.Denom || escrow.Amount.BigInt().Cmp(want) != 0 {
			t.Fatalf("EscrowFor(%s, %d) = %s, want %s", bigAmt, target, escrow, want)
		}

		st := types.StudyStatus(int32(status%6) + 1) // DRAFT .. TERMINATED
		s := types.Study{Id: 1, Incentive: incentive, TargetEnrollment: target, EnrollmentCount: enrolled, Status: st}
		expected, err := s.ExpectedEscrow()
		switch {
		case s.IsFinal():
			if err != nil || !expected.Amount.IsZero() || expected.Denom != incentive.Denom {
				t.Fatalf("final study expects %s (%v), want nothing", expected, err)
			}
			return
		case enrolled > target:
			if err == nil {
				t.Fatalf("%d enrolled of %d: expected escrow %s, want an error", enrolled, target, expected)
			}
			return
		case err != nil:
			t.Fatalf("ExpectedEscrow: %v", err)
		}

		// Registration escrow minus one incentive per enrollment.
		remaining := escrow
		for i := uint32(0); i < enrolled && i < 1_000; i++ {
			if remaining.IsLT(incentive) {
				t.Fatalf("enrollment %d of %d: escrow %s cannot pay %s", i+1, target, remaining, incentive)
			}
			remaining = remaining.Sub(incentive)
		}
		if enrolled > 1_000 { // the rest at once
			rest := new(big.Int).Mul(bigAmt, new(big.Int).SetUint64(uint64(enrolled-1_000)))
			remaining = sdk.NewCoin(remaining.Denom, remaining.Amount.Sub(math.NewIntFromBigInt(rest)))
		}
		if remaining.IsNegative() || !remaining.Amount.Equal(expected.Amount) || remaining.Denom != expected.Denom {
			t.Fatalf("after %d of %d enrollments the escrow is %s, ExpectedEscrow %s", enrolled, target, remaining, expected)
		}
		open := new(big.Int).Mul(bigAmt, new(big.Int).SetUint64(uint64(target-enrolled)))
		if expected.Amount.BigInt().Cmp(open) != 0 {
			t.Fatalf("ExpectedEscrow %s, want incentive × open slots = %s", expected, open)
		}
	})
}
