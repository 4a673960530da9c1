// Package typedevent builds, for the typed events the handlers emit most,
// the very sdk.Event that EventManager.EmitTypedEvent builds, without its
// round trip through reflection-driven JSON (jsonpb, then encoding/json
// into a map, then a sort): the same type, the same attribute keys in the
// same (sorted) order, the same values byte for byte. An event type opts in
// by implementing Fast; Equal checks an implementation against the SDK's
// own TypedEventToEvent, and every module that implements Fast tests its
// events with it.
package typedevent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Fast is a typed event that builds its own sdk.Event.
type Fast interface {
	proto.Message
	// ToEvent returns what sdk.TypedEventToEvent returns for the event.
	ToEvent() (sdk.Event, error)
}

// Emit emits ev as EventManager.EmitTypedEvent does, through ToEvent when
// ev implements Fast.
func Emit(ctx context.Context, ev proto.Message) error {
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	f, ok := ev.(Fast)
	if !ok {
		return em.EmitTypedEvent(ev)
	}
	e, err := f.ToEvent()
	if err != nil {
		return err
	}
	em.EmitEvent(e)
	return nil
}

// Builder collects the attributes of one event.
type Builder struct {
	typ   string
	attrs []abci.EventAttribute
	err   error
}

// New starts the event of ev's type with room for n attributes.
func New(ev proto.Message, n int) *Builder {
	return &Builder{typ: proto.MessageName(ev), attrs: make([]abci.EventAttribute, 0, n)}
}

func (b *Builder) add(key, value string) *Builder {
	b.attrs = append(b.attrs, abci.EventAttribute{Key: key, Value: value})
	return b
}

// String adds a string field: its JSON string, as encoding/json writes it.
func (b *Builder) String(key, v string) *Builder {
	if plainASCII(v) {
		return b.add(key, `"`+v+`"`)
	}
	bz, err := json.Marshal(v)
	if err != nil && b.err == nil {
		b.err = err
	}
	return b.add(key, string(bz))
}

// plainASCII reports whether encoding/json writes s between quotes as is:
// printable ASCII without the characters it escapes.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// Uint64 adds a uint64 field (jsonpb quotes 64-bit integers).
func (b *Builder) Uint64(key string, v uint64) *Builder {
	return b.add(key, `"`+strconv.FormatUint(v, 10)+`"`)
}

// Uint32 adds a uint32 field.
func (b *Builder) Uint32(key string, v uint32) *Builder {
	return b.add(key, strconv.FormatUint(uint64(v), 10))
}

// Bool adds a bool field.
func (b *Builder) Bool(key string, v bool) *Builder {
	return b.add(key, strconv.FormatBool(v))
}

// Enum adds an enum field: its quoted proto name, or its number when the
// value has no name (as jsonpb does). names is the generated <Enum>_name map.
func (b *Builder) Enum(key string, v int32, names map[int32]string) *Builder {
	if name, ok := names[v]; ok {
		return b.add(key, `"`+name+`"`)
	}
	return b.add(key, strconv.FormatInt(int64(v), 10))
}

// Int adds a math.Int field (customtype): its quoted decimal string.
func (b *Builder) Int(key string, v math.Int) *Builder {
	bz, err := v.MarshalJSON()
	if err != nil && b.err == nil {
		b.err = err
	}
	return b.add(key, string(bz))
}

// Coin adds a non-nullable cosmos.base.v1beta1.Coin field.
func (b *Builder) Coin(key string, c sdk.Coin) *Builder {
	denom := (&Builder{}).String("", c.Denom).attrs[0].Value
	amount := (&Builder{}).Int("", c.Amount)
	if amount.err != nil && b.err == nil {
		b.err = amount.err
	}
	return b.add(key, `{"denom":`+denom+`,"amount":`+amount.attrs[0].Value+`}`)
}

// Time adds a non-nullable google.protobuf.Timestamp field (stdtime): RFC
// 3339 in UTC with 0, 3, 6 or 9 fractional digits, as jsonpb writes it.
func (b *Builder) Time(key string, t time.Time) *Builder {
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		// Outside what jsonpb accepts: let the SDK produce its error.
		if b.err == nil {
			b.err = errOutOfRange
		}
		return b
	}
	x := t.Format("2006-01-02T15:04:05.000000000")
	x = strings.TrimSuffix(x, "000")
	x = strings.TrimSuffix(x, "000")
	x = strings.TrimSuffix(x, ".000")
	return b.add(key, `"`+x+`Z"`)
}

var errOutOfRange = fmt.Errorf("typedevent: timestamp out of range")

// Event returns the event, its attributes sorted by key as
// sdk.TypedEventToEvent sorts them.
func (b *Builder) Event() (sdk.Event, error) {
	if b.err != nil {
		return sdk.Event{}, b.err
	}
	slices.SortFunc(b.attrs, func(x, y abci.EventAttribute) int { return strings.Compare(x.Key, y.Key) })
	return sdk.Event{Type: b.typ, Attributes: b.attrs}, nil
}

// Equal reports, as an error, any difference between ev.ToEvent() and
// sdk.TypedEventToEvent(ev).
func Equal(ev Fast) error {
	return equal(ev, func(proto.Message) (sdk.Event, error) { return ev.ToEvent() })
}

func equal(ev proto.Message, toEvent func(proto.Message) (sdk.Event, error)) error {
	want, wantErr := sdk.TypedEventToEvent(ev)
	got, gotErr := toEvent(ev)
	switch {
	case wantErr != nil && gotErr != nil:
		return nil
	case wantErr != nil || gotErr != nil:
		return fmt.Errorf("%T: TypedEventToEvent error %v, ToEvent error %v", ev, wantErr, gotErr)
	case want.Type != got.Type:
		return fmt.Errorf("%T: type %q, want %q", ev, got.Type, want.Type)
	case len(want.Attributes) != len(got.Attributes):
		return fmt.Errorf("%T: %d attributes %v, want %d %v", ev, len(got.Attributes), got.Attributes, len(want.Attributes), want.Attributes)
	}
	for i, w := range want.Attributes {
		g := got.Attributes[i]
		if g.Key != w.Key || g.Value != w.Value || g.Index != w.Index {
			return fmt.Errorf("%T: attribute %d is %q=%q (index %v), want %q=%q (index %v)", ev, i, g.Key, g.Value, g.Index, w.Key, w.Value, w.Index)
		}
	}
	return nil
}
