package typedevent

import (
	"fmt"
	"math/big"
	"math/rand"
	"reflect"
	"strings"
	"time"

	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// CheckRandom fills every field of n events from newEv with random values
// (zero values and edge cases included) and returns the first difference
// Equal finds. A field that ToEvent forgets, or writes differently, shows
// up as a difference. It is meant for tests.
func CheckRandom(newEv func() Fast, n int, seed int64) error {
	return checkRandom(func() proto.Message { return newEv() }, func(m proto.Message) (sdk.Event, error) {
		return m.(Fast).ToEvent()
	}, n, seed)
}

// checkRandom is CheckRandom for any builder toEvent of the events newEv
// returns.
func checkRandom(newEv func() proto.Message, toEvent func(proto.Message) (sdk.Event, error), n int, seed int64) error {
	r := rand.New(rand.NewSource(seed)) //nolint:gosec // reproducible test values, not secrets
	for i := 0; i < n; i++ {
		ev := newEv()
		if err := fill(reflect.ValueOf(ev).Elem(), r); err != nil {
			return err
		}
		if err := equal(ev, toEvent); err != nil {
			return fmt.Errorf("event %d (%v): %w", i, ev, err)
		}
	}
	return nil
}

var (
	intType  = reflect.TypeOf(math.Int{})
	timeType = reflect.TypeOf(time.Time{})
	coinType = reflect.TypeOf(sdk.Coin{})
)

var sampleStrings = []string{
	"", "care1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "mercy-general", "Observation",
	"8867-4", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	`quote " backslash \ end`, "<tag>&amp;", "tab\tnew\nline\x01", "é ü ✓ 🙂", "\u2028\u2029", "\xff\xfe",
}

func fill(v reflect.Value, r *rand.Rand) error {
	t := v.Type()
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), t.Field(i)
		if !sf.IsExported() || strings.HasPrefix(sf.Name, "XXX_") {
			continue
		}
		switch {
		case sf.Type == intType:
			f.Set(reflect.ValueOf(randInt(r)))
		case sf.Type == timeType:
			f.Set(reflect.ValueOf(randTime(r)))
		case sf.Type == coinType:
			f.Set(reflect.ValueOf(sdk.Coin{Denom: sampleStrings[r.Intn(len(sampleStrings))], Amount: randInt(r)}))
		case f.Kind() == reflect.String:
			f.SetString(sampleStrings[r.Intn(len(sampleStrings))])
		case f.Kind() == reflect.Uint64:
			f.SetUint(randUint(r))
		case f.Kind() == reflect.Uint32:
			f.SetUint(randUint(r) & 0xffffffff)
		case f.Kind() == reflect.Int32: // enums: known values, and an unknown one
			f.SetInt(int64(r.Intn(12)) - 1)
		case f.Kind() == reflect.Bool:
			f.SetBool(r.Intn(2) == 1)
		default:
			return fmt.Errorf("typedevent: no random value for field %s of type %s", sf.Name, sf.Type)
		}
	}
	return nil
}

func randUint(r *rand.Rand) uint64 {
	switch r.Intn(4) {
	case 0:
		return 0
	case 1:
		return ^uint64(0)
	case 2:
		return uint64(r.Intn(1000))
	default:
		return r.Uint64()
	}
}

func randInt(r *rand.Rand) math.Int {
	switch r.Intn(4) {
	case 0:
		return math.Int{} // nil
	case 1:
		return math.ZeroInt()
	case 2:
		return math.NewInt(r.Int63())
	default:
		b := new(big.Int).Lsh(big.NewInt(r.Int63()), 100)
		if r.Intn(2) == 0 {
			b.Neg(b)
		}
		return math.NewIntFromBigInt(b)
	}
}

func randTime(r *rand.Rand) time.Time {
	sec := r.Int63n(253402300799) // up to 9999-12-31
	var nsec int64
	switch r.Intn(5) {
	case 0:
	case 1:
		nsec = r.Int63n(1000) * 1e6
	case 2:
		nsec = r.Int63n(1e6) * 1e3
	default:
		nsec = r.Int63n(1e9)
	}
	loc := time.UTC
	if r.Intn(2) == 0 {
		loc = time.FixedZone("x", 3600*5+1800)
	}
	if r.Intn(8) == 0 {
		return time.Time{}
	}
	return time.Unix(sec, nsec).In(loc)
}
